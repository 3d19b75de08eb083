package dev.talon.queue.bench;

import dev.talon.queue.Branch;
import dev.talon.queue.IssueRequest;
import dev.talon.queue.Talon;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.QueueClock;
import java.time.Instant;

/**
 * How the benchmarks build a branch: one service, one desk per benchmark thread, a manual clock
 * that stands still (a Monday, 10:00 UTC) unless a benchmark moves it, and the store by name.
 */
final class EngineFixture {
  /** The service every benchmark ticket and booking is for. */
  static final String SERVICE = "docs";
  /** Tickets waiting when a queue benchmark starts an iteration; each operation keeps the level. */
  static final int WAITING = 1_000;
  /** Where the branch clock starts. */
  static final Instant START = Instant.parse("2026-03-02T10:00:00Z");
  /**
   * One request per benchmark line, in the order of {@link BenchPolicies#LINE_CLASSES}. Requests
   * are immutable, so the benchmarks reuse them instead of measuring their construction.
   */
  static final IssueRequest[] REQUESTS = {
      IssueRequest.walkIn(SERVICE).withCategories(BenchPolicies.APPOINTMENT),
      IssueRequest.walkIn(SERVICE).withCategories(BenchPolicies.DISABLED),
      IssueRequest.walkIn(SERVICE),
      IssueRequest.remote(SERVICE)};

  private EngineFixture() {}

  /** The store with this benchmark name: {@code dropping} or {@code in-memory}. */
  static EventStore store(String name) {
    return switch (name) {
      case "dropping" -> new DroppingEventStore();
      case "in-memory" -> EventStore.inMemory();
      default -> throw new IllegalArgumentException("unknown benchmark store \"" + name
          + "\"; known: dropping, in-memory");
    };
  }

  /** The id of the desk that benchmark thread {@code index} calls from. */
  static String deskId(int index) {
    return "d" + index;
  }

  /** A clock at {@link #START}. */
  static ManualClock clock() {
    return QueueClock.manual(START);
  }

  /** A builder for the benchmark branch with {@code desks} desks (d0, d1, ...) serving the service. */
  static Talon branch(int desks, EventStore store, QueueClock clock) {
    return branch("bench", desks, store, clock);
  }

  /** The same, for the branch with this id (the JDBC benchmarks use a fresh one per iteration). */
  static Talon branch(String id, int desks, EventStore store, QueueClock clock) {
    Talon talon = Talon.newBranch(id).service(SERVICE, "A", "Documents").store(store).clock(clock);
    for (int i = 0; i < desks; i++) {
      talon.desk(deskId(i), SERVICE);
    }
    return talon;
  }

  /** The queue benchmarks' branch: the named policy over four lines, {@link #WAITING} tickets waiting. */
  static Branch queue(String policy, String store, int desks) {
    // no snapshots: the benchmark never ends a called ticket, so a branch's state grows by a ticket
    // per operation all iteration, and encoding it at close (teardown) would only fill the heap
    return prefill(branch(desks, store(store), clock()).policy(BenchPolicies.fourLines(policy)).snapshotEvery(0)
        .build());
  }

  /** Issues {@link #WAITING} tickets, round robin over the four lines, and returns the branch. */
  static Branch prefill(Branch branch) {
    for (int i = 0; i < WAITING; i++) {
      branch.issue(REQUESTS[i & 3]);
    }
    return branch;
  }
}
