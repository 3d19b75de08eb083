package dev.talon.queue.bench;

import dev.talon.queue.Branch;
import dev.talon.queue.WaitEstimate;
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

/*
 * What a kiosk print's wait estimate costs (Branch.estimate, issue 13): the replay of the open
 * desks over copies of the lines until the ticket is taken. The branch is EngineQueueBenchmark's
 * (fifo over four lines, ~1,000 waiting, dropping store) with four desks, one of them busy; the
 * estimate is read for the ticket `position` tickets from the front, so its cost grows with the
 * replayed calls ahead. Meant for `-prof gc` (allocation per estimate) more than for time.
 */

/** Branch.estimate of a ticket at a given place in a line of ~1,000. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class WaitEstimateBenchmark {
  /** How many tickets wait before the one estimated. */
  @Param({"0", "100", "998"})
  public int position;

  Branch branch;
  long ticket;

  @Setup(Level.Trial)
  public void start() {
    branch = EngineFixture.queue("fifo", "dropping", 4);
    branch.callNext(EngineFixture.deskId(0)); // one desk busy, three free: they take the next three in the replay
    ticket = 2 + position;
  }

  @TearDown(Level.Trial)
  public void stop() {
    branch.close();
  }

  @Benchmark
  public WaitEstimate estimate() {
    return branch.estimate(ticket);
  }
}
