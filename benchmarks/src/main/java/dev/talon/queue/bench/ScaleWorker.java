package dev.talon.queue.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.talon.queue.Branch;
import dev.talon.queue.Durability;
import dev.talon.queue.jdbc.BranchNode;
import dev.talon.queue.jdbc.JdbcEventStore;
import dev.talon.queue.jdbc.OwnershipListener;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One JVM of {@link ScaleBenchmark}. Modes (first argument), each printing its result as one line:
 *
 * <ul>
 *   <li>{@code engine <url> <branches> <clients> <warmupMs> <measureMs>}: opens the branches
 *       (comma-separated ids) in SYNC mode, prints {@code OPENED} and reads the common start instant
 *       (wall-clock ms) from stdin; then {@code clients} threads each issue a ticket and call one,
 *       round robin over the branches; prints {@code RESULT <operations> <events>} counted in the
 *       measured window after the warm-up.
 *   <li>{@code raw <url> <clients> <warmupMs> <measureMs> <tag>}: the baseline at the same client
 *       count, started alike: autocommitted single-row inserts ({@link RawInsertBenchmark}); prints
 *       {@code RESULT <rows> <rows>}.
 *   <li>{@code node <url> <nodeId> <branches>}: a {@link BranchNode} serving them; prints
 *       {@code READY <ms>} and {@code GAINED <branch> <ms>}; runs until killed (SIGTERM hands over).
 *   <li>{@code idle <url> <branches>}: opens the branches (each from its snapshot) and keeps them
 *       idle; prints {@code IDLE <count> <heap bytes per branch> <mean open microseconds>}.
 * </ul>
 */
public final class ScaleWorker {
  private ScaleWorker() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "engine" -> engine(args[1], args[2].split(","), Integer.parseInt(args[3]), Long.parseLong(args[4]),
          Long.parseLong(args[5]));
      case "raw" -> raw(args[1], Integer.parseInt(args[2]), Long.parseLong(args[3]), Long.parseLong(args[4]), args[5]);
      case "node" -> node(args[1], args[2], args[3].split(","));
      case "idle" -> idle(args[1], args[2].split(","));
      default -> throw new IllegalArgumentException("unknown mode " + args[0] + "; known: engine, raw, node, idle");
    }
  }

  static HikariDataSource pool(String url, int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.addDataSourceProperty("reWriteBatchedInserts", "true"); // as the README recommends
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(1);
    return new HikariDataSource(config);
  }

  /** The benchmark branch (EngineFixture's: fifo over four lines), with one desk per client, in SYNC mode. */
  static Branch open(String id, int clients, JdbcEventStore store) {
    return EngineFixture.branch(id, clients, store, EngineFixture.clock()).policy(BenchPolicies.fourLines("fifo"))
        .durability(Durability.SYNC).build();
  }

  private static void engine(String url, String[] ids, int clients, long warmup, long measure) throws Exception {
    try (HikariDataSource ds = pool(url, clients + 2)) {
      JdbcEventStore store = JdbcEventStore.builder(ds).build();
      List<Branch> branches = new ArrayList<>();
      for (String id : ids) {
        branches.add(open(id, clients, store));
      }
      long startAt = awaitStart();
      long from = startAt + warmup;
      long to = from + measure;
      AtomicLong ops = new AtomicLong();
      List<Thread> threads = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int client = c;
        Thread t = new Thread(() -> {
          String desk = EngineFixture.deskId(client);
          long n = 0;
          long counted = 0;
          sleepUntil(startAt);
          long now;
          while ((now = System.currentTimeMillis()) < to) {
            Branch b = branches.get((int) ((client + n++) % branches.size()));
            b.issue(EngineFixture.REQUESTS[(int) (n & 3)]);
            b.callNext(desk);
            if (now >= from) {
              counted++;
            }
          }
          ops.addAndGet(counted);
        }, "client-" + c);
        t.start();
        threads.add(t);
      }
      for (Thread t : threads) {
        t.join();
      }
      System.out.println("RESULT " + ops.get() + " " + 2 * ops.get()); // an issue and a call: two events
      for (Branch b : branches) {
        b.close();
      }
    }
  }

  private static void raw(String url, int clients, long warmup, long measure, String tag) throws Exception {
    try (HikariDataSource ds = pool(url, clients + 1)) {
      long startAt = awaitStart();
      long from = startAt + warmup;
      long to = from + measure;
      AtomicLong rows = new AtomicLong();
      List<Thread> threads = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        String branchId = "raw-" + tag + "-" + c;
        Thread t = new Thread(() -> {
          try (Connection con = ds.getConnection();
              PreparedStatement insert = RawInsertBenchmark.prepareInsert(con, true)) {
            con.setAutoCommit(true);
            long seq = 0;
            long counted = 0;
            sleepUntil(startAt);
            long now;
            while ((now = System.currentTimeMillis()) < to) {
              RawInsertBenchmark.insertRow(insert, branchId, ++seq);
              if (now >= from) {
                counted++;
              }
            }
            rows.addAndGet(counted);
          } catch (java.sql.SQLException e) {
            throw new IllegalStateException("raw insert failed", e);
          }
        }, "raw-" + c);
        t.start();
        threads.add(t);
      }
      for (Thread t : threads) {
        t.join();
      }
      System.out.println("RESULT " + rows.get() + " " + rows.get());
    }
  }

  private static void node(String url, String nodeId, String[] ids) throws Exception {
    HikariDataSource ds = pool(url, 8);
    JdbcEventStore store = JdbcEventStore.builder(ds).build();
    BranchNode.Builder b = BranchNode.builder(store).nodeId(nodeId).listener(new OwnershipListener() {
      @Override
      public void gained(String branchId, long epoch, Branch branch) {
        System.out.println("GAINED " + branchId + " " + System.currentTimeMillis());
      }

      @Override
      public void lost(String branchId, long epoch, String reason) {
        System.out.println("LOST " + branchId + " " + System.currentTimeMillis());
      }
    });
    for (String id : ids) {
      b.branch(id, t -> EngineFixture.branch(id, 1, store, EngineFixture.clock())
          .policy(BenchPolicies.fourLines("fifo")));
    }
    BranchNode node = b.build();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      node.close();
      ds.close();
    }));
    System.out.println("READY " + System.currentTimeMillis());
    Thread.sleep(Long.MAX_VALUE);
  }

  private static void idle(String url, String[] ids) throws Exception {
    try (HikariDataSource ds = pool(url, 4)) {
      JdbcEventStore store = JdbcEventStore.builder(ds).build();
      open(ids[0], 1, store).close(); // class loading and JIT of the open path, outside the measure
      MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
      long before = usedAfterGc(memory);
      List<Branch> branches = new ArrayList<>(ids.length);
      long started = System.nanoTime();
      for (String id : ids) {
        branches.add(open(id, 1, store));
      }
      long openNanos = System.nanoTime() - started;
      long after = usedAfterGc(memory);
      System.out.println("IDLE " + branches.size() + " " + (after - before) / branches.size() + " "
          + openNanos / 1_000 / branches.size());
      for (Branch b : branches) {
        b.close();
      }
    }
  }

  private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  /** Says it is ready, then reads the common start instant (wall-clock ms) from the parent. */
  private static long awaitStart() throws java.io.IOException {
    System.out.println("OPENED");
    String line = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
        java.nio.charset.StandardCharsets.UTF_8)).readLine();
    if (line == null) {
      throw new IllegalStateException("the benchmark parent ended before giving the start instant");
    }
    return Long.parseLong(line.strip());
  }

  private static void sleepUntil(long wallMillis) {
    long wait;
    while ((wait = wallMillis - System.currentTimeMillis()) > 0) {
      try {
        Thread.sleep(Math.min(wait, 100));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
