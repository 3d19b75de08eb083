package dev.talon.queue.bench;

import dev.talon.queue.Branch;
import dev.talon.queue.Ticket;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/*
 * Ticket-status reads while the branch is busy: what a board or a kiosk's "where am I" costs when
 * desks keep calling.
 *
 * Shape. The branch is EngineQueueBenchmark's (fifo over four lines, ~1,000 waiting, dropping
 * store). A writer thread started outside JMH's accounting runs issue + call without pause for the
 * whole iteration, so the writer role is almost always held; the measured threads (1 or 2, the
 * pass's thread count) read the status of a random ticket issued so far. Reads never take the writer
 * role or wait for it (they read the immutable record the writer published), so their rate should
 * not collapse behind the writer; on a 2-core machine the writer and the readers share the cores.
 */

/** Ticket-status reads beside a writer that issues and calls without pause. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TicketStatusBenchmark {
  Branch branch;
  private Thread writer;
  private volatile boolean stop;
  /** The highest ticket id issued so far (the writer's last issue). */
  volatile long issued;

  @Setup(Level.Iteration)
  public void start() {
    branch = EngineFixture.queue("fifo", "dropping", 1);
    issued = EngineFixture.WAITING;
    stop = false;
    writer = new Thread(() -> {
      int i = 0;
      while (!stop) {
        Ticket t = branch.issue(EngineFixture.REQUESTS[i++ & 3]);
        issued = t.id();
        branch.callNext(EngineFixture.deskId(0));
      }
    }, "status-benchmark-writer");
    writer.setDaemon(true);
    writer.start();
  }

  @TearDown(Level.Iteration)
  public void stop() throws InterruptedException {
    stop = true;
    writer.join(10_000);
    branch.close();
  }

  /** The status of a random ticket issued so far. */
  @Benchmark
  public Optional<Ticket> read() {
    return branch.ticket(1 + ThreadLocalRandom.current().nextLong(issued));
  }
}
