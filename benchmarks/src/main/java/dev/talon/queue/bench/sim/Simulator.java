package dev.talon.queue.bench.sim;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
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

  @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
  private boolean quiet;

  @Option(names = "--list", description = "Lists the bundled scenarios and exits.")
  private boolean list;

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
    Simulator sim = new Simulator();
    sim.stdout = out;
    sim.stderr = err;
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
    long started = System.nanoTime();
    SimulationResult result = new DaySimulation(stores, WaitEstimator.engine(),
        quiet ? Progress.none() : Progress.bar(stderr)).run(s);
    double seconds = (System.nanoTime() - started) / 1e9;
    Reports.Written files = Reports.write(result, out);

    stdout.println();
    stdout.println("Arrivals: " + Reports.arrivalsText(result.arrivals()));
    stdout.println();
    stdout.print(ResultTable.console(result));
    stdout.println();
    for (int i = 0; i < result.notes().size(); i++) {
      stdout.println((i + 1) + ". " + result.notes().get(i));
    }
    stdout.println();
    stdout.printf(Locale.ROOT, "Simulated in %.1f s.%n", seconds);
    stdout.println("HTML report: " + files.html());
    stdout.println("CSV:         " + files.csv());
    stdout.println("JSON:        " + files.json());
    return 0;
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
