package dev.talon.queue.bench;

import dev.talon.queue.Branch;
import dev.talon.queue.Ticket;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.ThreadParams;

/*
 * Issue + call next on the engine, the counterpart of BaselineQueueBenchmark's offer + poll.
 *
 * Shape. One service, four lines (see BenchPolicies), ~1,000 tickets waiting. Each operation
 * issues one ticket into the next of the four lines (round robin per thread) and calls the next
 * ticket at the thread's own desk, so the waiting level stays at 1,000 however long the run. All
 * threads share one branch: with two threads every operation races the other thread's CAS.
 *
 * Memory. A called ticket is not ended: it stays CALLED in the branch state (the engine forgets
 * only tickets that reached a terminal state, and only when a new day starts), and the in-memory
 * store keeps every event. Ending each ticket would add a third engine operation that offer + poll
 * does not pay, so instead the branch is rebuilt at every iteration (@Setup(Level.Iteration),
 * outside the timing): memory grows during one iteration (by ~200 bytes per operation with the
 * dropping store, a few hundred more with the in-memory store) and is released at the next. The
 * growth shows up honestly in the GC profile and in the score; the queue level is the same
 * 1,000 throughout.
 *
 * Stores. "dropping" keeps nothing (the engine's own cost); "in-memory" is the default store
 * (engine plus an ever-growing event log). Both are reported.
 *
 * Latency. callNext measures the call alone in sample-time mode: a per-invocation helper issues
 * the ticket it will call, outside the timed region, so the level again stays constant.
 */

/** Issue + call next on the engine: throughput (with allocation) and call-next latency. */
@State(Scope.Benchmark)
public class EngineQueueBenchmark {

  /** The policy by benchmark name (see {@link BenchPolicies#named}). */
  @Param({"fifo", "booked-first", "ratio", "max-wait"})
  public String policy;

  /** The event store by benchmark name (see {@link EngineFixture#store}). */
  @Param({"dropping", "in-memory"})
  public String store;

  Branch branch;

  /** A fresh branch with 1,000 waiting tickets for every iteration; see the design note. */
  @Setup(Level.Iteration)
  public void open(ThreadParams threads) {
    branch = EngineFixture.queue(policy, store, threads.getThreadCount());
  }

  @TearDown(Level.Iteration)
  public void close() {
    branch.close();
  }

  /** One benchmark thread: its desk and its round robin over the four lines. */
  @State(Scope.Thread)
  public static class Desk {
    String id;
    int next;

    @Setup(Level.Trial)
    public void assign(ThreadParams thread) {
      id = EngineFixture.deskId(thread.getThreadIndex());
    }

    Ticket issue(Branch branch) {
      return branch.issue(EngineFixture.REQUESTS[next++ & 3]);
    }
  }

  /** Issues the ticket that the next timed call will take, outside the timed region. */
  @State(Scope.Thread)
  public static class Refill {
    @Setup(Level.Invocation)
    public void issue(EngineQueueBenchmark bench, Desk desk) {
      desk.issue(bench.branch);
    }
  }

  /** Issue one ticket, then call the next one at this thread's desk. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public Ticket issueAndCall(Desk desk, Blackhole bh) {
    bh.consume(desk.issue(branch));
    return called(branch.callNext(desk.id));
  }

  /** Call the next ticket at this thread's desk (its ticket was issued outside the timing). */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public Ticket callNext(Desk desk, Refill refill) {
    return called(branch.callNext(desk.id));
  }

  private static Ticket called(Optional<Ticket> ticket) {
    if (ticket.isEmpty()) {
      throw new IllegalStateException("call next found nobody waiting, but the benchmark keeps "
          + EngineFixture.WAITING + " tickets waiting");
    }
    return ticket.get();
  }
}
