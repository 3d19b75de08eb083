package dev.talon.queue.jdbc;

import dev.talon.queue.BookRequest;
import dev.talon.queue.Booking;
import dev.talon.queue.Branch;
import dev.talon.queue.BranchLostException;
import dev.talon.queue.Durability;
import dev.talon.queue.EngineClosedException;
import dev.talon.queue.IssueRequest;
import dev.talon.queue.QueueException;
import dev.talon.queue.StorageException;
import dev.talon.queue.Talon;
import dev.talon.queue.Ticket;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.Policy;
import dev.talon.queue.spi.QueueClock;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A branch and a mixed load on it (issue, book, check in, call, start, finish, no-show, cancel).
 * Each operation that returns is reported as one acknowledgement line that {@link AckCheck} can
 * find in the branch's stored history: {@code issue <ticket> <display> <requestId>},
 * {@code book <booking> <code> <requestId>}, {@code checkin <ticket> <booking>},
 * {@code call <ticket> <desk>}, {@code start <ticket>}, {@code finish <ticket>},
 * {@code noshow <ticket>}, {@code cancel <ticket>}.
 */
final class Workload {
  static final String[] SERVICES = {"docs", "pay"};
  static final String[] DESKS = {"1", "2", "3"};
  static final int CAPACITY = 2;

  private final Branch branch;
  private final QueueClock clock;
  private final String requestPrefix;
  private final AtomicLong requests = new AtomicLong();
  private final List<String> codes = new CopyOnWriteArrayList<>();
  private final List<Long> called = new CopyOnWriteArrayList<>();

  Workload(Branch branch, QueueClock clock, String requestPrefix) {
    this.branch = branch;
    this.clock = clock;
    this.requestPrefix = requestPrefix;
  }

  /** The branch every test and the crash worker use. */
  static Branch open(String branchId, EventStore store, QueueClock clock, Durability mode) {
    return configure(Talon.newBranch(branchId)).clock(clock).store(store).durability(mode).build();
  }

  /** The configuration of that branch without clock and store (as a {@link BranchNode} takes it). */
  static Talon configure(Talon branch) {
    return branch
        .service("docs", "A", "ID documents")
        .service("pay", "B", "Payments")
        .desk("1", "docs", "pay")
        .desk("2", "docs")
        .desk("3", "pay")
        .capacity("docs", CAPACITY)
        .capacity("pay", CAPACITY)
        .policy(Policy.bookedFirst())
        .snapshotEvery(SNAPSHOT_EVERY);
  }

  /** Small, so that every crash and takeover recovers from a snapshot and a tail. */
  static final int SNAPSHOT_EVERY = 40;

  /**
   * One random operation; returns its acknowledgement line, or null when the engine refused it by
   * a rule (full window, wrong state, nothing waiting). A storage failure propagates.
   */
  String step(Random r) {
    try {
      int dice = r.nextInt(100);
      if (dice < 30) {
        String req = requestPrefix + "-" + requests.incrementAndGet();
        Ticket t = branch.issue(IssueRequest.walkIn(SERVICES[r.nextInt(2)]).withRequestId(req));
        return "issue " + t.id() + " " + t.display() + " " + req;
      }
      if (dice < 42) {
        String req = requestPrefix + "-" + requests.incrementAndGet();
        LocalDateTime now = LocalDateTime.ofInstant(clock.now(), branch.zone());
        LocalDateTime window = now.withSecond(0).withNano(0).withMinute(now.getMinute() / 15 * 15).plusMinutes(15);
        Booking b = branch.book(new BookRequest(SERVICES[r.nextInt(2)], window, null, req));
        codes.add(b.code());
        return "book " + b.id() + " " + b.code() + " " + req;
      }
      if (dice < 50) {
        if (codes.isEmpty()) {
          return null;
        }
        String code = codes.remove(r.nextInt(codes.size()));
        Ticket t = branch.checkIn(code);
        return "checkin " + t.id() + " " + t.bookingId();
      }
      if (dice < 75) {
        Optional<Ticket> t = branch.callNext(DESKS[r.nextInt(DESKS.length)]);
        if (t.isEmpty()) {
          return null;
        }
        called.add(t.get().id());
        return "call " + t.get().id() + " " + t.get().desk();
      }
      if (called.isEmpty()) {
        return null;
      }
      long id = called.get(r.nextInt(called.size()));
      if (dice < 85) {
        branch.startService(id);
        return "start " + id;
      }
      if (dice < 95) {
        branch.finish(id);
        called.remove(id);
        return "finish " + id;
      }
      branch.noShow(id);
      called.remove(id);
      return "noshow " + id;
    } catch (StorageException | BranchLostException | EngineClosedException e) {
      throw e;
    } catch (QueueException refusedByARule) {
      return null;
    }
  }

  /** Cancels a random waiting ticket; its acknowledgement line, or null if none waits. */
  String cancelOne(Random r) {
    List<Ticket> waiting = branch.waiting(SERVICES[r.nextInt(2)]);
    if (waiting.isEmpty()) {
      return null;
    }
    Ticket t = waiting.get(r.nextInt(waiting.size()));
    try {
      branch.cancel(t.id());
      return "cancel " + t.id();
    } catch (StorageException | BranchLostException | EngineClosedException e) {
      throw e;
    } catch (QueueException calledMeanwhile) {
      return null;
    }
  }
}
