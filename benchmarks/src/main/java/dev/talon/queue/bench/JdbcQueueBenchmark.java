package dev.talon.queue.bench;

import dev.talon.queue.Branch;
import dev.talon.queue.Durability;
import dev.talon.queue.StorageException;
import dev.talon.queue.Ticket;
import dev.talon.queue.jdbc.JdbcEventStore;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
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
 * Issue + call next on the durable JDBC store, in each durability mode, on H2 in a file and on a
 * real PostgreSQL server. The operation and the branch are EngineQueueBenchmark's (fifo over four
 * lines, ~1,000 waiting, one desk per thread, all threads on one branch); only the store and the
 * durability mode differ. Its baseline is RawInsertBenchmark on the same database in the same run.
 *
 * What one operation writes. An issue appends one event (TicketIssued) and a call one more
 * (TicketCalled), so one operation is at least two events. In SYNC mode (and GROUP, now the same
 * path) the operations that reach the branch while a commit is under way are applied meanwhile and
 * committed together in the next transaction, one JDBC batch (multi-row inserts on PostgreSQL with
 * reWriteBatchedInserts); in ASYNC mode the operation returns before the write and the branch's
 * commit thread batches whatever has piled up.
 *
 * Database and branch. The database is started once per trial (BenchDatabase: a temporary
 * directory, PostgreSQL with fsync on). Every iteration gets a fresh branch id, so the branch
 * starts empty of history: its 1,000 waiting tickets are issued in ASYNC mode (fast: batched
 * writes), that branch is closed, which writes what is still pending, and the measured branch is
 * built on the same id in the measured mode, replaying those events from the database. This keeps
 * the untimed setup short (1,000 SYNC commits with fsync would take seconds per iteration).
 *
 * ASYNC backlog. ASYNC bounds what a crash can lose: with 10,000 events (the default) not yet
 * written, operations are refused with a StorageException, having changed nothing. A run faster
 * than the writer reaches that bound within a fraction of a second, so this benchmark then waits
 * 50 µs and retries, as a client would: the ASYNC score is the rate the writer sustains plus the
 * backlog's head start, not the engine's speed. A refusal that lasts 10 s is rethrown and fails the
 * run. The backlog left at the end of an iteration is written when its branch closes, untimed.
 */

/** Issue + call next on the JDBC event store, per durability mode and database. */
@State(Scope.Benchmark)
public class JdbcQueueBenchmark {
  private static final long REFUSED_FOR_TOO_LONG = TimeUnit.SECONDS.toNanos(10);

  /** When an operation is acknowledged (see {@link Durability}). */
  @Param({"SYNC", "GROUP", "ASYNC"})
  public String durability;

  /** The database by benchmark name (see {@link BenchDatabase}). */
  @Param({BenchDatabase.H2_FILE, BenchDatabase.POSTGRES})
  public String database;

  BenchDatabase db;
  JdbcEventStore store;
  Durability mode;
  Branch branch;
  private int iteration;

  @Setup(Level.Trial)
  public void start() {
    mode = Durability.valueOf(durability);
    db = BenchDatabase.start(database);
    store = JdbcEventStore.builder(db.dataSource()).createSchema(true).build();
  }

  @TearDown(Level.Trial)
  public void stop() throws IOException {
    db.close();
  }

  /** A fresh branch with 1,000 waiting tickets, in the measured mode; see the design note. */
  @Setup(Level.Iteration)
  public void open(ThreadParams threads) {
    String id = "jdbc-" + ++iteration;
    int desks = threads.getThreadCount();
    EngineFixture.prefill(EngineFixture.branch(id, desks, store, EngineFixture.clock())
        .policy(BenchPolicies.fourLines("fifo")).durability(Durability.ASYNC).build()).close();
    branch = EngineFixture.branch(id, desks, store, EngineFixture.clock())
        .policy(BenchPolicies.fourLines("fifo")).durability(mode).build();
    int waiting = branch.waiting(EngineFixture.SERVICE).size();
    if (waiting != EngineFixture.WAITING) {
      throw new IllegalStateException("branch " + id + " reopened with " + waiting + " tickets waiting, "
          + EngineFixture.WAITING + " expected: the prefill was not all written");
    }
  }

  @TearDown(Level.Iteration)
  public void close() {
    branch.close();
  }

  /** Issue one ticket, then call the next one at this thread's desk. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public Ticket issueAndCall(EngineQueueBenchmark.Desk desk, Blackhole bh) {
    bh.consume(admitted(() -> desk.issue(branch)));
    Optional<Ticket> called = admitted(() -> branch.callNext(desk.id));
    if (called.isEmpty()) {
      throw new IllegalStateException("call next found nobody waiting, but the benchmark keeps "
          + EngineFixture.WAITING + " tickets waiting");
    }
    return called.get();
  }

  /** Runs the operation; in ASYNC mode retries it while the backlog bound refuses it. */
  private <T> T admitted(Supplier<T> operation) {
    long refusedSince = 0;
    while (true) {
      try {
        return operation.get();
      } catch (StorageException e) {
        if (mode != Durability.ASYNC) {
          throw e;
        }
        long now = System.nanoTime();
        if (refusedSince == 0) {
          refusedSince = now;
        } else if (now - refusedSince > REFUSED_FOR_TOO_LONG) {
          throw e;
        }
        LockSupport.parkNanos(50_000);
      }
    }
  }
}
