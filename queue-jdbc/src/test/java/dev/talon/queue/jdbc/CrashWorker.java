package dev.talon.queue.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.talon.queue.Branch;
import dev.talon.queue.Durability;
import dev.talon.queue.StorageException;
import dev.talon.queue.spi.QueueClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The child JVM of {@link CrashTest}: opens the branch on the database, runs a mixed load on a few
 * threads and prints one {@code ACK <line>} per operation that returned, flushed, until it is
 * killed (or, as a safety net, until its time is up). Arguments: JDBC URL, branch id, durability
 * mode, seed, threads, seconds.
 */
public final class CrashWorker {
  private CrashWorker() {}

  /**
   * The pool, waiting up to 15 s for an H2 file that is still locked: the test JVM closes its own
   * connections to the file between kills, and the file lock can outlive that by a moment.
   */
  private static HikariDataSource openPool(String url, int size) throws InterruptedException {
    long deadline = System.nanoTime() + 15_000_000_000L;
    while (true) {
      try {
        return TestDatabases.pool(url, size);
      } catch (RuntimeException e) {
        boolean locked = String.valueOf(e.getMessage()).contains("already in use");
        if (!locked || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }

  public static void main(String[] args) throws Exception {
    String url = args[0];
    String branchId = args[1];
    Durability mode = Durability.valueOf(args[2]);
    long seed = Long.parseLong(args[3]);
    int threads = Integer.parseInt(args[4]);
    long deadline = System.nanoTime() + Long.parseLong(args[5]) * 1_000_000_000L;
    HikariDataSource ds = openPool(url, threads + 1);
    JdbcEventStore store = JdbcEventStore.builder(ds).createSchema(true).build();
    QueueClock clock = QueueClock.system();
    Branch branch = Workload.open(branchId, store, clock, mode);
    Workload load = new Workload(branch, clock, "s" + seed);
    System.out.println("READY " + branch.lastSeq());
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Random r = new Random(seed * 31 + t);
      Thread worker = new Thread(() -> {
        while (System.nanoTime() < deadline) {
          try {
            String ack = r.nextInt(12) == 0 ? load.cancelOne(r) : load.step(r);
            if (ack != null) {
              System.out.println("ACK " + ack); // System.out flushes on every line
            }
          } catch (StorageException e) {
            System.out.println("ERR " + e.getMessage());
          }
        }
      });
      worker.start();
      workers.add(worker);
    }
    for (Thread w : workers) {
      w.join();
    }
    branch.close();
    ds.close();
  }
}
