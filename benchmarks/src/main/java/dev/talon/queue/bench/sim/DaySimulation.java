package dev.talon.queue.bench.sim;

import dev.talon.queue.bench.sim.Scenario.PolicySpec;
import dev.talon.queue.bench.sim.SimulationResult.Arrivals;
import dev.talon.queue.bench.sim.SimulationResult.ClassResult;
import dev.talon.queue.bench.sim.SimulationResult.PolicyResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Replays one scenario's arrivals through every policy it lists. The arrivals are drawn once
 * from the scenario's seed; each policy then runs the same day on a fresh engine, store and
 * simulated clock, one after the other on the calling thread.
 *
 * <pre>{@code
 * Scenario s = new ScenarioReader(PolicyResolver.library()).bundled("booking-dropped-morning");
 * SimulationResult r = new DaySimulation().run(s);
 * }</pre>
 */
public final class DaySimulation {
  private final StoreFactory stores;
  private final WaitEstimator estimator;
  private final Progress progress;
  private final boolean keepVisitors;
  private final List<String> visitorRows = new ArrayList<>();

  /** In-memory stores, the engine's wait estimates, no progress output. */
  public DaySimulation() {
    this(StoreFactory.inMemory(), WaitEstimator.engine(), Progress.none());
  }

  private final BranchWatcher watcher;

  DaySimulation(StoreFactory stores, WaitEstimator estimator, Progress progress) {
    this(stores, estimator, progress, false);
  }

  /** As above; {@code keepVisitors} keeps one CSV row per visitor and policy ({@link #visitorRows()}). */
  DaySimulation(StoreFactory stores, WaitEstimator estimator, Progress progress, boolean keepVisitors) {
    this(stores, estimator, progress, keepVisitors, BranchWatcher.NONE);
  }

  /** As above; {@code watcher} sees each policy's branch when it is built and before it is closed. */
  DaySimulation(StoreFactory stores, WaitEstimator estimator, Progress progress, boolean keepVisitors,
      BranchWatcher watcher) {
    this.watcher = watcher;
    this.stores = stores;
    this.estimator = estimator;
    this.progress = progress;
    this.keepVisitors = keepVisitors;
  }

  /** The per-visitor rows of the last run, when asked for (header {@link PolicyRun#VISITOR_HEADER}); else empty. */
  List<String> visitorRows() {
    return visitorRows;
  }

  /** Runs the scenario under each of its policies. */
  public SimulationResult run(Scenario scenario) {
    return run(scenario, ArrivalPlan.generate(scenario));
  }

  /** Runs the scenario's policies on arrivals drawn before (a sweep draws them once for its whole grid). */
  SimulationResult run(Scenario scenario, ArrivalPlan plan) {
    visitorRows.clear();
    List<PolicyResult> results = new ArrayList<>();
    Arrivals arrivals = null;
    List<PolicySpec> policies = scenario.policies();
    for (int i = 0; i < policies.size(); i++) {
      PolicyRun run = new PolicyRun(plan.withScenario(scenario), policies.get(i), stores, estimator, progress, i,
          policies.size(), keepVisitors, watcher);
      results.add(run.run());
      visitorRows.addAll(run.visitorRows());
      Arrivals seen = run.arrivals();
      if (arrivals != null && !arrivals.equals(seen)) {
        throw new IllegalStateException("policy " + policies.get(i).label() + " saw other arrivals than the first one: "
            + seen + " versus " + arrivals + "; bookings must not depend on the policy");
      }
      arrivals = seen;
    }
    progress.done();
    return new SimulationResult(scenario.name(), scenario.description(), scenario.seed(), scenario.date().toString(),
        scenario.days(), scenario.zone().getId(), stores.name(), arrivals,
        Verdict.of(results, scenario.serviceLevelMinutes()), results, notes(scenario, results));
  }

  private static List<String> notes(Scenario s, List<PolicyResult> results) {
    List<String> notes = new ArrayList<>();
    notes.add("Times are in minutes. Wait mean, p50, p95, p99, max: from the ticket (issue or check-in) to the first"
        + " call, of served visitors only. Everyone p95, p99: of everyone who had a ticket; a visitor who left or was"
        + " sent home uncalled counts with the wait so far (censored), and a '>=' marks a percentile such a wait may"
        + " have pushed higher.");
    notes.add("Left: cancelled while waiting, or gone when called (no-show). Refused: turned away by the admission"
        + " mode, a refused or expired check-in, or closed doors. Home: still waiting at closing and sent home.");
    notes.add("Bypass/bound: the most tickets that joined later and were called first in one turn of a ticket of the"
        + " class (a turn at a desk ends at the desk's next call of that class), next to the policy's declared bound.");
    notes.add(String.format(Locale.ROOT, "On time: the share of visitors with a booking who were called within %s"
        + " minutes of the start of their booked window.", JsonCursor.format(s.onTimeMinutes())));
    notes.add("On time: n/a in the walk-in line, where bookings checked in too late end up.");
    notes.add("Desk: the share of staffed desk time spent serving the class; in the 'all' row, the desks' utilisation."
        + " Time spent calling and recalling visitors who had gone is not in it; it is shown per policy as"
        + " 'recalling' below the table.");
    boolean anyEstimate = results.stream().flatMap(r -> r.classes().stream()).mapToInt(ClassResult::estimated).sum() > 0;
    if (anyEstimate) {
      notes.add("Est. MAE / in range: the engine's wait estimate, given at issue (or check-in) to a ticket that then"
          + " waited, against the wait until its call: the mean absolute error, and how often the actual wait fell"
          + " inside the optimistic-to-pessimistic range. Tickets cancelled or sent home before their call have no wait"
          + " to compare and are left out.");
    } else {
      notes.add("Est. MAE / in range: n/a: no wait estimates were given in this run.");
    }
    if (s.warmUpMinutes() > 0) {
      notes.add(String.format(Locale.ROOT, "Warm-up: visitors arriving in the first %s minutes after the first opening"
          + " are left out of the counts and waits.", JsonCursor.format(s.warmUpMinutes())));
    }
    return notes;
  }
}
