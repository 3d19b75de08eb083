package dev.talon.queue.bench.sim;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The day simulator's command line: reads a scenario, replays its arrivals through every policy
 * it lists, prints the table and writes CSV, JSON and an HTML report.
 *
 * <pre>
 * ./mvnw -B -q -pl benchmarks exec:java                                   # the bundled default scenario
 * ./mvnw -B -q -pl benchmarks exec:java -Dexec.args="booking-only-day --seed 7"
 * ./mvnw -B -q -pl benchmarks exec:java -Dexec.args="path/to/my-branch.json -o /tmp/sim"
 * </pre>
 */
@Command(name = "talon-sim", mixinStandardHelpOptions = true, version = "talon-sim 0.1.0-SNAPSHOT",
    sortOptions = false, usageHelpAutoWidth = true,
    description = {"Replays one day of arrivals through every queue policy listed in a scenario and reports waits,"
        + " fairness and desk utilisation per policy and class.", ""})
public final class Simulator implements Callable<Integer> {
  /** How policies in scenario files are resolved; the policy library plugs in here. */
  static final PolicyResolver POLICIES = PolicyResolver.library();

  @Parameters(index = "0", arity = "0..1", paramLabel = "SCENARIO", defaultValue = ScenarioReader.DEFAULT_SCENARIO,
      description = "A scenario file, or the name of a bundled scenario (see --list). Default: ${DEFAULT-VALUE}.")
  private String scenario;

  @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = "${sys:talon.sim.out:-sim-out}",
      description = "Where the reports go, in a directory named after the scenario. Default: ${DEFAULT-VALUE}.")
  private Path out;

  @Option(names = "--seed", paramLabel = "N", description = "Overrides the scenario's seed.")
  private Long seed;

  @Option(names = "--days", paramLabel = "N", description = "Overrides how many days are simulated.")
  private Integer days;

  @Option(names = "--store", paramLabel = "KIND", defaultValue = "memory",
      description = "The engine's event store: memory, or h2 (an H2 file per run under the output directory). Default: ${DEFAULT-VALUE}.")
  private String store;

  @Option(names = {"-q", "--quiet"}, description = "No progress bar (there is none either when the output is not a terminal).")
  private boolean quiet;

  @Option(names = "--visitors", description = "Also writes visitors.csv: one row per visitor and policy (large for long runs).")
  private boolean visitors;

  @Option(names = "--sweep", paramLabel = "FAMILY", description = "Sweeps a policy family over --range on the same"
      + " arrivals and reports the Pareto frontier of booked on time against walk-in p95/p99: max-wait (limit, strict"
      + " priority inside), ratio (booked weight), deadline (walk-in target, booked 10 min), booked-time (late limit).")
  private String sweep;

  @Option(names = "--range", paramLabel = "FROM:TO:STEP", description = "The sweep's parameter values, in minutes"
      + " or (ratio) the booked weight. Default per family: max-wait 15:180:15, ratio 1:10:1, deadline 10:180:10,"
      + " booked-time 0:60:5.")
  private String range;

  @Option(names = "--metrics", paramLabel = "FILE", description = "Binds each policy's branch to Micrometer"
      + " (TalonMetrics) and writes what the registry holds at the end of the run to FILE, one section per policy.")
  private Path metrics;

  @Option(names = "--list", description = "Lists the bundled scenarios and exits.")
  private boolean list;

  private BooleanSupplier terminal = Simulator::onTerminal;
  private PrintStream stdout = System.out;
  private PrintStream stderr = System.err;

  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Runs the command line; returns the exit code (0 ok, 1 failure, 2 bad usage or scenario). */
  static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, out, err, Simulator::onTerminal);
  }

  /** As {@link #run(String[], PrintStream, PrintStream)}; {@code terminal} says whether the output is a terminal. */
  static int run(String[] args, PrintStream out, PrintStream err, BooleanSupplier terminal) {
    Simulator sim = new Simulator();
    sim.stdout = out;
    sim.stderr = err;
    sim.terminal = terminal;
    CommandLine cl = new CommandLine(sim)
        .setOut(new PrintWriter(out, true, StandardCharsets.UTF_8))
        .setErr(new PrintWriter(err, true, StandardCharsets.UTF_8))
        .setExecutionExceptionHandler((e, line, parsed) -> {
          if (e instanceof ScenarioException) {
            line.getErr().println("Bad scenario: " + e.getMessage());
            return 2;
          }
          throw e;
        });
    return cl.execute(args);
  }

  @Override
  public Integer call() {
    if (list) {
      ScenarioReader reader = new ScenarioReader(POLICIES);
      for (String name : ScenarioReader.BUNDLED) {
        Scenario s = reader.bundled(name);
        stdout.println(name + (name.equals(ScenarioReader.DEFAULT_SCENARIO) ? " (default)" : ""));
        stdout.println("    " + s.description());
      }
      return 0;
    }
    if ("h2".equals(store) && out.toAbsolutePath().toString().indexOf(';') >= 0) {
      stderr.println("-o " + out + ": " + StoreFactory.UNSAFE_H2_PATH + "; choose a directory without it for --store h2");
      return 2;
    }
    StoreFactory stores = stores(store, out.resolve("h2-stores"));
    if (stores == null) {
      stderr.println("Unknown store \"" + store + "\"; the available ones are: memory, h2");
      return 2;
    }
    Scenario s = new ScenarioReader(POLICIES).load(scenario);
    if (seed != null) {
      s = s.withSeed(seed);
    }
    if (days != null) {
      if (days < 1 || days > 366) {
        stderr.println("--days must be between 1 and 366, was " + days);
        return 2;
      }
      s = s.withDays(days);
      try {
        ScenarioReader.checkRun(s);
      } catch (ScenarioException e) {
        throw e.in(scenario + " with --days " + days);
      }
    }
    stdout.printf(Locale.ROOT, "Talon day simulator: %s (seed %d, %d day%s from %s, %d polic%s, %s store)%n", s.name(),
        s.seed(), s.days(), s.days() == 1 ? "" : "s", s.date(), s.policies().size(),
        s.policies().size() == 1 ? "y" : "ies", stores.name());
    if (!s.description().isBlank()) {
      stdout.println(s.description());
    }
    if (sweep != null || range != null) {
      return sweep(s, stores);
    }
    long started = System.nanoTime();
    DaySimulation simulation = new DaySimulation(stores, WaitEstimator.engine(),
        quiet || !terminal.getAsBoolean() ? Progress.none() : Progress.bar(stderr), visitors,
        metrics == null ? BranchWatcher.NONE : BranchWatcher.metrics(metrics));
    SimulationResult result = simulation.run(s);
    double seconds = (System.nanoTime() - started) / 1e9;
    Reports.Written files = Reports.write(result, out, simulation.visitorRows());

    stdout.println();
    stdout.println("Arrivals: " + Reports.arrivalsText(result.arrivals()));
    if (result.arrivals().calendar() != null) {
      stdout.println("Calendar: " + Reports.calendarText(result.arrivals().calendar()));
    }
    stdout.println();
    stdout.print(ResultTable.console(result));
    List<String> recall = new ArrayList<>();
    for (SimulationResult.PolicyResult p : result.policies()) {
      recall.add(p.label() + " " + (p.recallShare() == null ? "n/a" : Verdict.pct(p.recallShare())));
    }
    stdout.println("Recalling (desk time spent calling visitors who had gone): " + String.join(", ", recall) + ".");
    stdout.println();
    stdout.println("Wait estimators, MAE (minutes) / coverage, stated coverage in brackets:");
    stdout.print(ResultTable.estimatorsConsole(result));
    stdout.println();
    stdout.println("Verdict: " + result.verdict().summary());
    for (Verdict.Standing st : result.verdict().standings()) {
      stdout.println("  " + st.place() + ". " + st.trade());
    }
    stdout.println();
    for (int i = 0; i < result.notes().size(); i++) {
      stdout.println((i + 1) + ". " + result.notes().get(i));
    }
    stdout.println();
    stdout.printf(Locale.ROOT, "Simulated in %.1f s.%n", seconds);
    stdout.println("HTML report: " + files.html());
    stdout.println("CSV:         " + files.csv());
    stdout.println("JSON:        " + files.json());
    stdout.println("Estimators:  " + files.estimators());
    if (files.calendar() != null) {
      stdout.println("Calendar:    " + files.calendar());
    }
    if (files.visitors() != null) {
      stdout.println("Visitors:    " + files.visitors());
    }
    if (metrics != null) {
      stdout.println("Metrics:     " + metrics);
    }
    return 0;
  }

  private int sweep(Scenario s, StoreFactory stores) {
    Sweep.Family family;
    Sweep.Range values;
    try {
      if (sweep == null) {
        throw new IllegalArgumentException("--range needs --sweep FAMILY");
      }
      family = Sweep.Family.of(sweep);
      values = Sweep.Range.parse(range == null ? family.defaultRange : range);
    } catch (IllegalArgumentException e) {
      stderr.println(e.getMessage());
      return 2;
    }
    long started = System.nanoTime();
    Sweep.SweepResult r = Sweep.run(s, family, values, POLICIES, new DaySimulation(stores, WaitEstimator.engine(),
        quiet || !terminal.getAsBoolean() ? Progress.none() : Progress.bar(stderr)));
    double seconds = (System.nanoTime() - started) / 1e9;
    Path html = Sweep.write(r, out.resolve(s.name()).resolve("sweep-" + family.id).toAbsolutePath().normalize());
    stdout.println();
    stdout.printf(Locale.ROOT, "Sweep of %s (%s) over %s, %d policies on the same arrivals:%n", family.id,
        family.parameter, range == null ? family.defaultRange : range, r.points().size());
    stdout.println();
    stdout.print(Sweep.console(r));
    stdout.println();
    stdout.println(Sweep.summary(r));
    stdout.println();
    stdout.printf(Locale.ROOT, "Simulated in %.1f s.%n", seconds);
    stdout.println("HTML report: " + html);
    stdout.println("CSV:         " + html.resolveSibling("sweep.csv"));
    stdout.println("JSON:        " + html.resolveSibling("sweep.json"));
    return 0;
  }

  /**
   * True when this JVM writes to a terminal: {@link System#console()} is there and, on JDK 22 and
   * later (where a console exists also for redirected output), says it is a terminal.
   */
  static boolean onTerminal() {
    java.io.Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException olderJdk) {
      return true; // before JDK 22 a console exists only for a terminal
    }
  }

  /** The store factory for a {@code --store} value, or null when unknown. */
  static StoreFactory stores(String kind, Path h2Dir) {
    return switch (kind) {
      case "memory" -> StoreFactory.inMemory();
      case "h2" -> StoreFactory.h2File(h2Dir);
      default -> null;
    };
  }
}
