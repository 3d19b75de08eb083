package dev.talon.queue.bench;

import dev.talon.queue.Branch;
import dev.talon.queue.QueueEvent;
import dev.talon.queue.Ticket;
import dev.talon.queue.spi.BranchSnapshot;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/*
 * What opening a branch with a long history costs, from the newest snapshot and the events after
 * it against a replay of the whole history, in the same run.
 *
 * The history: `days` days of a busy branch (WAITING tickets wait all day; every minute a ticket is
 * issued and one is called and finished), written by an engine that saves a snapshot every
 * SNAPSHOT_EVERY events, then TAIL more operations by one that saves none, so that opening from
 * the snapshot replays a tail as a crash would leave it. The store is the in-memory one, so the
 * figures are the engine's (decode + apply), not a database's read time. Each operation opens the
 * branch on the finished store; `from` decides whether the store shows the snapshot or hides it.
 * Average time in milliseconds.
 */

/** Opening a branch: snapshot + tail against full replay. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class RecoveryBenchmark {
  static final int SNAPSHOT_EVERY = 1_000;
  /** Operations after the last snapshot: the tail a crash leaves. */
  static final int TAIL = 300;

  /** Days of history (each some 6,000 events). */
  @Param({"1", "10"})
  public int days;

  /** Where opening starts: {@code snapshot} (newest snapshot + tail) or {@code replay} (every event). */
  @Param({"snapshot", "replay"})
  public String from;

  EventStore store;
  ManualClock clock;

  @Setup(Level.Trial)
  public void writeHistory() throws InterruptedException {
    EventStore written = EventStore.inMemory(null); // replay from history needs all of it: no retention
    clock = EngineFixture.clock();
    try (Branch b = EngineFixture.branch(2, written, clock).snapshotEvery(SNAPSHOT_EVERY).build()) {
      EngineFixture.prefill(b);
      for (int day = 0; day < days; day++) {
        for (int minute = 0; minute < 24 * 60; minute++) {
          clock.advance(Duration.ofMinutes(1));
          b.issue(EngineFixture.REQUESTS[minute & 3]);
          Ticket t = b.callNext(EngineFixture.deskId(minute & 1)).orElseThrow();
          b.finish(t.id());
        }
      }
    } // closing saves the last snapshot
    try (Branch b = EngineFixture.branch(2, written, clock).snapshotEvery(0).build()) {
      for (int i = 0; i < TAIL; i++) {
        clock.advance(Duration.ofSeconds(10));
        b.issue(EngineFixture.REQUESTS[i & 3]);
      }
    }
    long snapshotSeq = written.loadSnapshot("bench").orElseThrow().seq();
    List<QueueEvent> all = written.load("bench", 0);
    if (all.size() - snapshotSeq < TAIL) {
      throw new IllegalStateException("the tail after the snapshot at " + snapshotSeq + " has "
          + (all.size() - snapshotSeq) + " events, expected at least " + TAIL);
    }
    store = from.equals("snapshot") ? written : new HidingSnapshots(written);
  }

  @Benchmark
  public long open() {
    Branch b = EngineFixture.branch(2, store, clock).snapshotEvery(0).build();
    return b.lastSeq();
  }

  /** The same store with its snapshots hidden. */
  private record HidingSnapshots(EventStore inner) implements EventStore {
    @Override
    public void append(String branchId, long fencingToken, List<QueueEvent> events) {
      throw new IllegalStateException("the recovery benchmark only opens");
    }

    @Override
    public List<QueueEvent> load(String branchId, long afterSeq) {
      return inner.load(branchId, afterSeq);
    }

    @Override
    public Optional<BranchSnapshot> loadSnapshot(String branchId) {
      return Optional.empty();
    }
  }
}
