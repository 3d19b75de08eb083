package dev.talon.queue.bench.sim;

import dev.talon.queue.Estimation;
import dev.talon.queue.bench.sim.SimulationResult.EstimatorResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/*
 * Wait estimators measured against each other in one run: the engine's own (given to the panel
 * by the run) and estimators from the literature computed here, by the simulator, from what a
 * real branch can observe: the waiting tickets with their issue times, line classes and services,
 * which desks are open, the calls, the cancellations, and the desk time of each call. Nothing
 * the simulator knows about the visitors themselves (service times, patience, who has gone
 * without a word) enters an estimate.
 *
 * Every estimate is made when a ticket is issued and still waits (a ticket called at once has no
 * wait to estimate) and is resolved when the ticket is called: the error is the called wait minus
 * the expected wait. A ticket cancelled or sent home before it was called has no known wait: it
 * is counted as censored and left out of MAE and coverage.
 *
 * Notation: for a ticket T of service s and line class k issued at time t, n(s) waiting tickets
 * of s, n(s,k) of T's own line ahead of it, c(s) open desks serving s, m(s) the measured desk time
 * per call of s (call to release: walk, service, or recalls of someone who had gone), averaged over
 * the run so far (the engine's default of 10 minutes before the first measurement).
 *
 * Ranges. queue-length states an 80 % range from a documented rule: with c busy desks and
 * exponential desk times, T is called at the (n+1)-th completion, an Erlang(n+1, c/m) time, and
 * the range is its 10 % and 90 % quantiles. The others state an 80 % range from their own
 * empirical error distribution: the 10 % and 90 % quantiles of log((actual + 1) / (expected + 1))
 * (minutes) over the last 400 resolved estimates, applied to the new expected value; until 40
 * are resolved, the Erlang rule's relative width stands in.
 */
final class EstimatorPanel {
  /** The estimators, in report order; the engine's first. */
  static final List<String> NAMES = List.of("engine", "queue-length", "queue-length-class", "queue-length-pool",
      "head-of-line", "last-to-enter-service", "queue-length-abandonment");

  /** What each estimator does, for the reports. */
  static final List<String> DESCRIPTIONS = List.of(
      "the engine's own estimate (Branch.estimate) and its optimistic-to-pessimistic range",
      "baseline: (n+1)/(c*mu) with n tickets waiting in the ticket's service, c open desks serving it and mu the"
          + " measured service rate of the service; range: Erlang(n+1) 10-90 % quantiles",
      "(n+1)/(c*mu) with n only the tickets ahead in the ticket's own line (service and class)",
      "the work waiting at the pool of open desks serving the service (every service they serve, each in the"
          + " share of its open desks that are in the pool, at its own measured rate) divided by the pool's desks",
      "head-of-line delay (Ibrahim and Whitt): how long the ticket at the head of the ticket's line has waited",
      "last-to-enter-service delay (Ibrahim and Whitt): the wait of the last ticket of the line called today",
      "queue-length with each ticket ahead counted by its chance to still be there when its turn comes, from the"
          + " patience measured so far (Kaplan-Meier over cancellations, calls and send-homes censoring)");

  static final double STATED = 0.8;
  private static final double NANOS_PER_MINUTE = 6e10;
  private static final int WINDOW = 400;
  private static final int MIN_CALIBRATION = 40;
  private static final double Z90 = 1.2815515655446004;

  /** The open desks and which services they serve; the run keeps it current. */
  interface Desks {
    int count();

    boolean open(int desk);

    boolean serves(int desk, int service);
  }

  private record Waiting(int visitor, int service, String cls, long issuedAt) {}

  private final Desks desks;
  private final int services;
  private final double defaultMinutes = Estimation.defaults().defaultServiceTime().toNanos() / NANOS_PER_MINUTE;
  private final double engineStated;

  private final Map<String, LinkedHashMap<Integer, Waiting>> lines = new HashMap<>();
  private final int[] waitingPerService;
  private final double[] deskMinutes;
  private final long[] deskCalls;
  private final Map<String, Long> lastCalledWaitToday = new HashMap<>();
  private final Map<String, Patience> patience = new HashMap<>();
  private final Map<Integer, double[]> open = new HashMap<>();
  private final Calibration[] calibration = new Calibration[NAMES.size()];

  private final int[] compared = new int[NAMES.size()];
  private final double[] absErrorMinutes = new double[NAMES.size()];
  private final int[] inRange = new int[NAMES.size()];
  private int censored;

  EstimatorPanel(int services, Desks desks) {
    this.services = services;
    this.desks = desks;
    this.waitingPerService = new int[services];
    this.deskMinutes = new double[services];
    this.deskCalls = new long[services];
    for (int i = 0; i < calibration.length; i++) {
      calibration[i] = new Calibration();
    }
    this.engineStated = normalCoverage(Estimation.defaults().spread());
  }

  // ---------------------------------------------------------------- what happens

  /**
   * A ticket was issued and still waits: every estimator gives its estimate now; {@code engine}
   * is the engine's (expected, optimistic, pessimistic) in minutes, or null when none was given.
   * Only {@code counted} tickets (after the warm-up) enter the results.
   */
  void waits(int visitor, int service, String cls, long now, double[] engine, boolean counted) {
    double[] est = new double[NAMES.size() * 3 + 1];
    Arrays.fill(est, Double.NaN);
    if (engine != null) {
      System.arraycopy(engine, 0, est, 0, 3);
    }
    int n = waitingPerService[service];
    int c = Math.max(1, openDesks(service));
    double m = deskMinutes(service);
    double[] erlang = ErlangRange.ratios(n + 1);
    put(est, 1, (n + 1) * m / c, erlang, false);

    LinkedHashMap<Integer, Waiting> line = lines.computeIfAbsent(key(service, cls), k -> new LinkedHashMap<>());
    int ownAhead = line.size();
    double classEstimate = (ownAhead + 1) * m / c;
    put(est, 2, classEstimate, erlang, true);
    put(est, 3, pool(service, m), erlang, true);
    double hol = ownAhead == 0 ? classEstimate : (now - line.values().iterator().next().issuedAt()) / NANOS_PER_MINUTE;
    put(est, 4, hol, erlang, true);
    Long les = lastCalledWaitToday.get(key(service, cls));
    put(est, 5, les == null ? classEstimate : les / NANOS_PER_MINUTE, erlang, true);
    put(est, 6, (survivorsAhead(service, now, m, c) + 1) * m / c, erlang, true);
    est[est.length - 1] = counted ? 1 : 0;
    open.put(visitor, est);
    line.put(visitor, new Waiting(visitor, service, cls, now));
    waitingPerService[service]++;
  }

  /** A ticket was called after {@code waitNanos}; also for tickets that never waited (a desk was free). */
  void called(int visitor, int service, String cls, long waitNanos) {
    lastCalledWaitToday.put(key(service, cls), waitNanos);
    patience(cls).observe(waitNanos / NANOS_PER_MINUTE, false);
    leaveLine(visitor, service, cls);
    double[] est = open.remove(visitor);
    if (est == null) {
      return;
    }
    double actual = waitNanos / NANOS_PER_MINUTE;
    boolean counted = est[est.length - 1] > 0;
    for (int e = 0; e < NAMES.size(); e++) {
      double expected = est[3 * e];
      if (Double.isNaN(expected)) {
        continue;
      }
      if (e > 0) {
        calibration[e].add(Math.log((actual + 1) / (expected + 1)));
      }
      if (counted) {
        compared[e]++;
        absErrorMinutes[e] += Math.abs(actual - expected);
        if (actual >= est[3 * e + 1] - 1e-9 && actual <= est[3 * e + 2] + 1e-9) {
          inRange[e]++;
        }
      }
    }
  }

  /** A waiting ticket left the line without a call: the visitor cancelled ({@code gaveUp}) or was sent home. */
  void ended(int visitor, int service, String cls, long waitNanos, boolean gaveUp) {
    patience(cls).observe(waitNanos / NANOS_PER_MINUTE, gaveUp);
    leaveLine(visitor, service, cls);
    double[] est = open.remove(visitor);
    if (est != null && est[est.length - 1] > 0) {
      censored++;
    }
  }

  /** A desk was released after a call of {@code service} that held it {@code nanos}. */
  void deskTime(int service, long nanos) {
    deskMinutes[service] += nanos / NANOS_PER_MINUTE;
    deskCalls[service]++;
  }

  /** A new day opens: the last-to-enter-service delays of yesterday no longer speak for today. */
  void newDay() {
    lastCalledWaitToday.clear();
  }

  // ---------------------------------------------------------------- results

  List<EstimatorResult> results() {
    List<EstimatorResult> out = new ArrayList<>();
    for (int e = 0; e < NAMES.size(); e++) {
      boolean any = compared[e] > 0;
      out.add(new EstimatorResult(NAMES.get(e), any ? ClassTally.round(absErrorMinutes[e] / compared[e]) : null,
          any ? ClassTally.round((double) inRange[e] / compared[e]) : null,
          ClassTally.round(e == 0 ? engineStated : STATED)));
    }
    return out;
  }

  /** Estimates compared with the wait that followed (per estimator that gave one: the most of them). */
  int compared() {
    return Arrays.stream(compared).max().orElse(0);
  }

  /** Counted tickets that waited at issue but were cancelled or sent home before a call: no wait to compare. */
  int censored() {
    return censored;
  }

  // ---------------------------------------------------------------- the estimators

  private void put(double[] est, int e, double expected, double[] erlang, boolean empirical) {
    double lo;
    double hi;
    Calibration cal = calibration[e];
    if (empirical && cal.size() >= MIN_CALIBRATION) {
      double[] q = cal.quantiles();
      lo = Math.max(0, (expected + 1) * Math.exp(q[0]) - 1);
      hi = Math.max(0, (expected + 1) * Math.exp(q[1]) - 1);
    } else {
      lo = expected * erlang[0];
      hi = expected * erlang[1];
    }
    est[3 * e] = expected;
    est[3 * e + 1] = Math.min(lo, expected);
    est[3 * e + 2] = Math.max(hi, expected);
  }

  private double pool(int service, double m) {
    int pool = 0;
    int[] inPool = new int[services];
    int[] openFor = new int[services];
    for (int d = 0; d < desks.count(); d++) {
      if (!desks.open(d)) {
        continue;
      }
      boolean member = desks.serves(d, service);
      pool += member ? 1 : 0;
      for (int s = 0; s < services; s++) {
        if (desks.serves(d, s)) {
          openFor[s]++;
          inPool[s] += member ? 1 : 0;
        }
      }
    }
    if (pool == 0) {
      return (waitingPerService[service] + 1) * m;
    }
    double work = m;
    for (int s = 0; s < services; s++) {
      if (inPool[s] > 0) {
        work += waitingPerService[s] * deskMinutes(s) * inPool[s] / openFor[s];
      }
    }
    return work / pool;
  }

  /** The tickets of the service ahead, each counted by its chance to still wait when its turn comes. */
  private double survivorsAhead(int service, long now, double m, int c) {
    List<Waiting> ahead = new ArrayList<>();
    for (LinkedHashMap<Integer, Waiting> line : lines.values()) {
      Iterator<Waiting> it = line.values().iterator();
      if (it.hasNext() && it.next().service() == service) {
        ahead.addAll(line.values());
      }
    }
    ahead.sort((a, b) -> Long.compare(a.issuedAt(), b.issuedAt()));
    double expected = 0;
    for (Waiting w : ahead) {
      double waited = (now - w.issuedAt()) / NANOS_PER_MINUTE;
      double turnIn = expected * m / c;
      expected += patience(w.cls()).stillThere(waited, turnIn);
    }
    return expected;
  }

  private int openDesks(int service) {
    int n = 0;
    for (int d = 0; d < desks.count(); d++) {
      if (desks.open(d) && desks.serves(d, service)) {
        n++;
      }
    }
    return n;
  }

  private double deskMinutes(int service) {
    if (deskCalls[service] > 0) {
      return deskMinutes[service] / deskCalls[service];
    }
    double sum = 0;
    long calls = 0;
    for (int s = 0; s < services; s++) {
      sum += deskMinutes[s];
      calls += deskCalls[s];
    }
    return calls > 0 ? sum / calls : defaultMinutes;
  }

  private void leaveLine(int visitor, int service, String cls) {
    LinkedHashMap<Integer, Waiting> line = lines.get(key(service, cls));
    if (line != null && line.remove(visitor) != null) {
      waitingPerService[service]--;
    }
  }

  private Patience patience(String cls) {
    return patience.computeIfAbsent(cls, k -> new Patience());
  }

  private static String key(int service, String cls) {
    return service + "/" + cls;
  }

  /** The share of a normal distribution within {@code z} standard deviations of its mean. */
  static double normalCoverage(double z) {
    return erf(z / Math.sqrt(2));
  }

  /** Abramowitz and Stegun 7.1.26 (error below 1.5e-7). */
  private static double erf(double x) {
    double t = 1 / (1 + 0.3275911 * Math.abs(x));
    double y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t
        * Math.exp(-x * x);
    return x >= 0 ? y : -y;
  }

  // ---------------------------------------------------------------- helpers

  /** The last {@link #WINDOW} log errors of one estimator, with their 10 % and 90 % quantiles. */
  private static final class Calibration {
    private final double[] ring = new double[WINDOW];
    private int size;
    private int next;
    private int sinceSorted = Integer.MAX_VALUE;
    private final double[] quantiles = new double[2];

    void add(double v) {
      ring[next] = v;
      next = (next + 1) % WINDOW;
      size = Math.min(size + 1, WINDOW);
      sinceSorted = sinceSorted == Integer.MAX_VALUE ? Integer.MAX_VALUE : sinceSorted + 1;
    }

    int size() {
      return size;
    }

    double[] quantiles() {
      if (sinceSorted >= 25) {
        double[] sorted = Arrays.copyOf(ring, size);
        Arrays.sort(sorted);
        quantiles[0] = sorted[(int) Math.floor(0.1 * (size - 1))];
        quantiles[1] = sorted[(int) Math.ceil(0.9 * (size - 1))];
        sinceSorted = 0;
      }
      return quantiles;
    }
  }

  /**
   * Patience measured so far, per line class: Kaplan-Meier over one-minute bins, with a
   * cancellation as the event and a call or a send-home censoring the observation.
   */
  private static final class Patience {
    private static final int BINS = 24 * 60;
    private final int[] events = new int[BINS + 1];
    private final int[] censored = new int[BINS + 1];
    private int observations;
    private int sinceComputed = Integer.MAX_VALUE;
    private final double[] survival = new double[BINS + 2];

    void observe(double minutes, boolean gaveUp) {
      int bin = (int) Math.min(BINS, Math.max(0, Math.floor(minutes)));
      if (gaveUp) {
        events[bin]++;
      } else {
        censored[bin]++;
      }
      observations++;
      sinceComputed = sinceComputed == Integer.MAX_VALUE ? Integer.MAX_VALUE : sinceComputed + 1;
    }

    /** P(still waiting at {@code waited + more} | waiting at {@code waited}). */
    double stillThere(double waited, double more) {
      if (observations == 0) {
        return 1;
      }
      if (sinceComputed >= 50) {
        compute();
      }
      double now = s(waited);
      return now <= 0 ? 0 : Math.min(1, s(waited + more) / now);
    }

    private double s(double minutes) {
      return survival[(int) Math.min(BINS + 1, Math.max(0, Math.floor(minutes)))];
    }

    private void compute() {
      int atRisk = observations;
      double s = 1;
      survival[0] = 1;
      for (int b = 0; b <= BINS; b++) {
        if (atRisk > 0 && events[b] > 0) {
          s *= 1 - (double) events[b] / atRisk;
        }
        atRisk -= events[b] + censored[b];
        survival[b + 1] = s;
      }
      sinceComputed = 0;
    }
  }

  /** 10 % and 90 % quantiles of Erlang(k) divided by its mean, cached per k. */
  static final class ErlangRange {
    private static final Map<Integer, double[]> CACHE = new HashMap<>();

    private ErlangRange() {}

    static synchronized double[] ratios(int k) {
      return CACHE.computeIfAbsent(Math.min(k, 100_000), ErlangRange::compute).clone();
    }

    private static double[] compute(int k) {
      if (k > 150) { // Wilson-Hilferty
        double a = 1 - 1.0 / (9 * k);
        double b = 1 / (3 * Math.sqrt(k));
        return new double[] {Math.pow(a - Z90 * b, 3), Math.pow(a + Z90 * b, 3)};
      }
      return new double[] {quantile(k, 0.1) / k, quantile(k, 0.9) / k};
    }

    /** The Erlang(k, 1) quantile by bisection on its distribution function. */
    static double quantile(int k, double p) {
      double lo = 0;
      double hi = k + 20 * Math.sqrt(k) + 20;
      for (int i = 0; i < 200; i++) {
        double mid = (lo + hi) / 2;
        if (cdf(k, mid) < p) {
          lo = mid;
        } else {
          hi = mid;
        }
      }
      return (lo + hi) / 2;
    }

    /** P(Erlang(k, 1) <= x) = 1 - sum over i < k of e^-x x^i / i!. */
    static double cdf(int k, double x) {
      double term = Math.exp(-x);
      double sum = term;
      for (int i = 1; i < k; i++) {
        term *= x / i;
        sum += term;
      }
      return 1 - sum;
    }
  }
}
