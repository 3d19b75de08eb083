package dev.talon.queue.bench;

import dev.talon.queue.Origin;
import dev.talon.queue.QueueEvent;
import dev.talon.queue.Ticket;
import dev.talon.queue.TicketState;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The JDK queues the engine is measured against, doing the equivalent of issue + call: offer a
 * new waiting entry (a small object with its line's priority and a sequence number from a shared
 * counter, as a ticket gets an id) and poll the one to call next, highest priority first and FIFO
 * within a priority. {@link ConcurrentLinkedQueue} ignores priority: it is the FIFO floor.
 */
final class BaselineQueues {
  /** The names used in {@link BaselineQueueBenchmark#queue}. */
  static final String PBQ = "PriorityBlockingQueue";
  static final String CSLM = "ConcurrentSkipListMap";
  static final String SYNC_PQ = "SynchronizedPriorityQueue";
  static final String CLQ = "ConcurrentLinkedQueue";
  /** The PriorityBlockingQueue that also builds, and keeps, what issue + call must return: the floor. */
  static final String PBQ_TICKETS = "PriorityBlockingQueue+tickets";

  private BaselineQueues() {}

  /** A waiting entry: its line's priority (0 is called first) and its place in issue order. */
  record Waiting(int priority, long seq) {}

  private static final Comparator<Waiting> ORDER =
      Comparator.comparingInt(Waiting::priority).thenComparingLong(Waiting::seq);

  /** One baseline queue. Thread-safe. */
  abstract static class Queue {
    private final AtomicLong seq = new AtomicLong();

    /** Adds an entry of the line with this priority. */
    final void offer(int priority) {
      add(new Waiting(priority, seq.getAndIncrement()));
    }

    abstract void add(Waiting w);

    /** Removes and returns the entry to call next, or null when none waits. */
    abstract Waiting poll();
  }

  /** The baseline queue with this benchmark name. */
  static Queue named(String name) {
    return switch (name) {
      case PBQ -> new Concurrent(new PriorityBlockingQueue<>(2 * EngineFixture.WAITING, ORDER));
      case CSLM -> new SkipList();
      case SYNC_PQ -> new Synchronized();
      case CLQ -> new Concurrent(new ConcurrentLinkedQueue<>());
      case PBQ_TICKETS -> new WithTickets();
      default -> throw new IllegalArgumentException("unknown baseline queue \"" + name + "\"; known: "
          + String.join(", ", PBQ, CSLM, SYNC_PQ, CLQ, PBQ_TICKETS));
    };
  }

  /** A thread-safe JDK queue used as it is: the priority queue or the FIFO floor. */
  private static final class Concurrent extends Queue {
    private final java.util.Queue<Waiting> queue;

    Concurrent(java.util.Queue<Waiting> queue) {
      this.queue = queue;
    }

    @Override
    void add(Waiting w) {
      queue.offer(w);
    }

    @Override
    Waiting poll() {
      return queue.poll();
    }
  }

  /** Keyed by priority and sequence; the entry is its own key. */
  private static final class SkipList extends Queue {
    private final ConcurrentSkipListMap<Waiting, Boolean> map = new ConcurrentSkipListMap<>(ORDER);

    @Override
    void add(Waiting w) {
      map.put(w, Boolean.TRUE);
    }

    @Override
    Waiting poll() {
      Map.Entry<Waiting, Boolean> first = map.pollFirstEntry();
      return first == null ? null : first.getKey();
    }
  }

  private static final class Synchronized extends Queue {
    private final PriorityQueue<Waiting> queue = new PriorityQueue<>(2 * EngineFixture.WAITING, ORDER);

    @Override
    void add(Waiting w) {
      synchronized (queue) {
        queue.offer(w);
      }
    }

    @Override
    Waiting poll() {
      synchronized (queue) {
        return queue.poll();
      }
    }
  }

  /*
   * The floor of issue + call under the engine's API, not a queue anyone would use: the
   * PriorityBlockingQueue, plus the values the engine must build because its API returns them or
   * its store and listeners receive them (the TicketIssued event with its display number, the
   * WAITING ticket, the TicketCalled event, the CALLED ticket), plus what the engine keeps: a
   * called ticket stays in the branch until it ends or the day does, and the benchmark never ends
   * one, so each thread keeps its called tickets here until the iteration's rebuild. It does no
   * numbering per service, no policy, no desk, no board, no events list: an engine cannot do issue
   * + call faster than this while it returns these values, so the engine's ratio to it says how
   * much of the gap to the bare PriorityBlockingQueue is the engine's own.
   */
  private static final class WithTickets extends Queue {
    private static final Instant AT = Instant.parse("2026-06-01T08:00:00Z");
    private static final LocalDate DAY = LocalDate.of(2026, 6, 1);
    private static final String[] LINES = {"l0", "l1", "l2", "l3"};

    private record Held(Waiting waiting, Ticket ticket) {}

    private final PriorityBlockingQueue<Held> queue = new PriorityBlockingQueue<>(2 * EngineFixture.WAITING,
        Comparator.comparing(Held::waiting, ORDER));
    /** Each thread's called tickets, kept as the engine keeps them (see the note above). */
    private final ThreadLocal<ArrayList<Ticket>> called = ThreadLocal.withInitial(ArrayList::new);

    @Override
    void add(Waiting w) {
      long id = w.seq();
      QueueEvent.TicketIssued issued = new QueueEvent.TicketIssued(2 * id, AT, id, DAY, "docs", (int) id,
          "A-" + id, Origin.WALK_IN, LINES[w.priority()], Set.of(), null, 0, null, id, null, 0, null);
      queue.offer(new Held(w, Ticket.issuedBy(issued)));
    }

    @Override
    Waiting poll() {
      Held h = queue.poll();
      if (h == null) {
        return null;
      }
      Ticket t = h.ticket();
      QueueEvent.TicketCalled call = new QueueEvent.TicketCalled(2 * t.id() + 1, AT, t.id(), "d0", t.line(), false,
          t.display(), t.service());
      Ticket c = t.withLifecycle(t.line(), t.joinSeq(), TicketState.CALLED, call.at(), call.desk(), 0, null, null, null);
      called.get().add(c);
      return h.waiting();
    }
  }
}
