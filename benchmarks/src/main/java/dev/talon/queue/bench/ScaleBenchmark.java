package dev.talon.queue.bench;

import dev.talon.queue.Branch;
import dev.talon.queue.Durability;
import dev.talon.queue.jdbc.JdbcEventStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/*
 * Many branches on one PostgreSQL (issue 17): what one JVM and two JVMs carry, how long a join
 * takes to rebalance, and what an idle branch costs. Not JMH: the questions are about several JVMs
 * on one database and about a cluster's reaction, which a JMH fork cannot express; so each figure
 * comes from child JVMs (ScaleWorker) on one embedded PostgreSQL server with fsync and
 * synchronous_commit on (BenchDatabase), and the raw insert baseline runs in the same run, on the
 * same server, at the same client count and JVM count.
 *
 *   throughput  for each JVM count j and branch count b: j JVMs, the b branches split between them
 *               round robin, --clients threads in all (split evenly), each thread issuing a ticket
 *               and calling one, in SYNC mode (acknowledged after the commit), round robin over its
 *               JVM's branches. Once every JVM has opened its branches, all start at one wall-clock
 *               instant, warm up, then count the operations of the measured window. Events/s =
 *               2 x operations/s. The baseline: the same JVMs and client threads doing autocommitted
 *               single-row inserts. Ratio = events/s over baseline rows/s (a SYNC commit carries every
 *               operation that arrived meanwhile, so above 1 is possible).
 *   rebalance   --rebalance branches with a snapshot each; node A serves them all, node B joins;
 *               the time from B's start (its node built) to B holding half of them, and how many moved.
 *   idle heap   --idle branches with a snapshot each, opened in one JVM and kept idle: heap used
 *               after GC, per branch, and the mean time to open one from its snapshot.
 *
 * The figures are only worth quoting from a quiet machine; --smoke checks that every part runs.
 */

/** Aggregate throughput of many branches on one PostgreSQL from one and two JVMs, rebalance time, idle heap. */
@Command(name = "scale", mixinStandardHelpOptions = true,
    description = "Many branches on one PostgreSQL: aggregate SYNC throughput vs raw inserts, rebalance, idle heap.")
public final class ScaleBenchmark implements Callable<Integer> {

  @Option(names = "--branches", split = ",", defaultValue = "1,10,100", description = "Branch counts (default: ${DEFAULT-VALUE}).")
  int[] branches;

  @Option(names = "--jvms", split = ",", defaultValue = "1,2", description = "JVM counts (default: ${DEFAULT-VALUE}).")
  int[] jvms;

  @Option(names = "--clients", defaultValue = "16", description = "Client threads in all JVMs together (default: ${DEFAULT-VALUE}).")
  int clients;

  @Option(names = "--warmup-ms", defaultValue = "5000", description = "Warm-up per run (default: ${DEFAULT-VALUE}).")
  long warmupMillis;

  @Option(names = "--measure-ms", defaultValue = "10000", description = "Measured window per run (default: ${DEFAULT-VALUE}).")
  long measureMillis;

  @Option(names = "--rebalance", defaultValue = "100", description = "Branches for the rebalance run; 0 skips it (default: ${DEFAULT-VALUE}).")
  int rebalance;

  @Option(names = "--idle", defaultValue = "1000", description = "Branches for the idle-heap run; 0 skips it (default: ${DEFAULT-VALUE}).")
  int idle;

  @Option(names = "--no-throughput", description = "Skip the throughput runs (the heap per idle branch does not depend on load).")
  boolean noThroughput;

  @Option(names = "--smoke", description = "Tiny settings (branches 1,3; clients 2; 1 s warm-up and window; rebalance 6; idle 20): checks that it runs, measures nothing.")
  boolean smoke;

  @Option(names = "--out", description = "Also write the table to this file.")
  Path out;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ScaleBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (smoke) {
      branches = new int[] {1, 3};
      clients = 2;
      warmupMillis = 1000;
      measureMillis = 1000;
      rebalance = 6;
      idle = 20;
    }
    java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    double loadBefore = os.getSystemLoadAverage();
    List<String> table = new ArrayList<>();
    table.add("| branches | JVMs | clients | events/s | raw inserts/s | ratio | load (1 min) after |");
    table.add("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    try (BenchDatabase db = BenchDatabase.start(BenchDatabase.POSTGRES)) {
      JdbcEventStore store = JdbcEventStore.builder(db.dataSource()).createSchema(true).build();
      RawInsertBenchmark.createTable(db.dataSource(), true);
      for (int j : noThroughput ? new int[0] : jvms) {
        double raw = run(j, "raw", db.url(), null);
        for (int b : branches) {
          List<String> ids = ids("s" + b + "j" + j + "-", b);
          double events = run(j, "engine", db.url(), ids);
          table.add(String.format(Locale.ROOT, "| %d | %d | %d | %.0f | %.0f | %.2f | %.2f |", b, j, clients, events, raw,
              events / raw, os.getSystemLoadAverage()));
          System.out.println(table.get(table.size() - 1));
        }
      }
      if (rebalance > 0) {
        table.add("");
        table.add(rebalance(db.url(), store));
      }
      if (idle > 0) {
        table.add(idleHeap(db.url(), store));
      }
    }
    table.add(String.format(Locale.ROOT, "load average (1 min): %.2f before the run, %.2f after it"
        + " (the run's own JVMs and PostgreSQL count in it; nothing else should run)", loadBefore,
        os.getSystemLoadAverage()));
    String text = String.join("\n", table);
    System.out.println(text);
    if (out != null) {
      Files.writeString(out, text + "\n");
    }
    return 0;
  }

  private static List<String> ids(String prefix, int count) {
    List<String> ids = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ids.add(prefix + i);
    }
    return ids;
  }

  /** One throughput run on j JVMs; events (engine) or rows (raw) per second, summed. */
  private double run(int j, String mode, String url, List<String> ids) throws Exception {
    List<Child> children = new ArrayList<>();
    for (int i = 0; i < j; i++) {
      String share = String.valueOf(Math.max(1, clients / j + (i < clients % j ? 1 : 0)));
      if (mode.equals("raw")) {
        children.add(Child.start("raw", url, share, String.valueOf(warmupMillis), String.valueOf(measureMillis),
            "j" + j + "n" + i));
      } else {
        List<String> mine = new ArrayList<>();
        for (int k = i; k < ids.size(); k += j) {
          mine.add(ids.get(k));
        }
        if (!mine.isEmpty()) { // else more JVMs than branches
          children.add(Child.start("engine", url, String.join(",", mine), share, String.valueOf(warmupMillis),
              String.valueOf(measureMillis)));
        }
      }
    }
    for (Child c : children) {
      c.await(l -> l.equals("OPENED"), 600_000);
    }
    long startAt = System.currentTimeMillis() + 200;
    for (Child c : children) {
      c.tell(String.valueOf(startAt));
    }
    long events = 0;
    for (Child c : children) {
      String result = c.await(l -> l.startsWith("RESULT "), warmupMillis + measureMillis + 120_000);
      events += Long.parseLong(result.split(" ")[2]);
      c.waitFor();
    }
    return events * 1000.0 / measureMillis;
  }

  /** A snapshot for each branch, so that opening one replays no tail (ASYNC prefill, closed). */
  private static void prefill(JdbcEventStore store, List<String> ids) {
    for (String id : ids) {
      try (Branch b = EngineFixture.branch(id, 1, store, EngineFixture.clock()).policy(BenchPolicies.fourLines("fifo"))
          .durability(Durability.ASYNC).build()) {
        for (int i = 0; i < 20; i++) {
          b.issue(EngineFixture.REQUESTS[i & 3]);
        }
      }
    }
  }

  private String rebalance(String url, JdbcEventStore store) throws Exception {
    List<String> ids = ids("r", rebalance);
    prefill(store, ids);
    String all = String.join(",", ids);
    Child a = Child.start("node", url, "a", all);
    try {
      a.awaitCount(l -> l.startsWith("GAINED "), rebalance, 300_000);
      Child b = Child.start("node", url, "b", all);
      try {
        long ready = Long.parseLong(b.await(l -> l.startsWith("READY "), 120_000).split(" ")[1]);
        int half = rebalance / 2;
        String last = b.awaitCount(l -> l.startsWith("GAINED "), half, 300_000);
        long took = Long.parseLong(last.split(" ")[2]) - ready;
        long lost = a.count(l -> l.startsWith("LOST "));
        return String.format(Locale.ROOT, "rebalance on join: %d branches, %d moved (node a gave %d), %d ms",
            rebalance, half, lost, took);
      } finally {
        b.stop();
      }
    } finally {
      a.stop();
    }
  }

  private String idleHeap(String url, JdbcEventStore store) throws Exception {
    List<String> ids = ids("i", idle);
    prefill(store, ids);
    Child c = Child.start("idle", url, String.join(",", ids));
    String[] f = c.await(l -> l.startsWith("IDLE "), 600_000).split(" ");
    c.waitFor();
    return String.format(Locale.ROOT, "idle branches: %s open in one JVM, %s bytes of heap each, opened from a "
        + "snapshot in %s µs each on average", f[1], f[2], f[3]);
  }

  /** A ScaleWorker JVM and its output lines. */
  private static final class Child {
    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private Child(Process process) {
      this.process = process;
      Thread reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8))) {
          String line;
          while ((line = in.readLine()) != null) {
            lines.add(line);
          }
        } catch (IOException ended) {
          // the process is gone
        }
      });
      reader.setDaemon(true);
      reader.start();
    }

    static Child start(String... args) throws IOException {
      List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
          System.getProperty("java.class.path"), "-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
          ScaleWorker.class.getName()));
      cmd.addAll(List.of(args));
      return new Child(new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }

    String await(Predicate<String> match, long timeoutMillis) throws Exception {
      return awaitCount(match, 1, timeoutMillis);
    }

    /** Waits for the count-th matching line and returns it. */
    String awaitCount(Predicate<String> match, int count, long timeoutMillis) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
      while (System.nanoTime() < deadline) {
        List<String> matching = lines.stream().filter(match).toList();
        if (matching.size() >= count) {
          return matching.get(count - 1);
        }
        if (!process.isAlive() && lines.stream().filter(match).count() < count) {
          throw new IllegalStateException("benchmark JVM ended (exit " + process.exitValue() + ") before its "
              + count + " expected lines; last lines: " + tail());
        }
        Thread.sleep(10);
      }
      throw new IllegalStateException("benchmark JVM did not report in " + timeoutMillis + " ms; last lines: " + tail());
    }

    long count(Predicate<String> match) {
      return lines.stream().filter(match).count();
    }

    void tell(String line) throws IOException {
      process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().flush();
    }

    void waitFor() throws InterruptedException {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }

    /** SIGTERM (the node hands its branches over), then waits. */
    void stop() throws InterruptedException {
      process.destroy();
      waitFor();
    }

    private String tail() {
      List<String> all = List.copyOf(lines);
      return String.join(" | ", all.subList(Math.max(0, all.size() - 5), all.size()));
    }
  }
}
