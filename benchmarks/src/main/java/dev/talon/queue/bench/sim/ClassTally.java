package dev.talon.queue.bench.sim;

import dev.talon.queue.bench.sim.SimulationResult.ClassResult;
import dev.talon.queue.bench.sim.SimulationResult.WaitPercentiles;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/** The running totals of one line class in one run; turned into a {@link ClassResult} at the end. */
final class ClassTally {
  /** The percentiles kept for the wait-distribution charts. */
  static final List<Double> CHART_PERCENTILES = chartPercentiles();

  private static final double NANOS_PER_MINUTE = 6e10;

  final String cls;
  int arrived;
  int served;
  int left;
  int refused;
  int sentHome;
  private final Histogram waitMillis = new Histogram(3);
  private double waitSumNanos;
  private long waitMaxNanos;
  private long bypassMax = -1;
  private int withBooking;
  private int onTime;
  private long busyNanos;
  private int estimated;
  private double estimateErrorNanos;
  private int inRange;

  ClassTally(String cls) {
    this.cls = cls;
  }

  void served(long waitNanos) {
    served++;
    waitMillis.recordValue(Math.round(waitNanos / 1e6));
    waitSumNanos += waitNanos;
    waitMaxNanos = Math.max(waitMaxNanos, waitNanos);
  }

  void bypass(long count) {
    bypassMax = Math.max(bypassMax, count);
  }

  void booking(boolean calledOnTime) {
    withBooking++;
    if (calledOnTime) {
      onTime++;
    }
  }

  void busy(long nanos) {
    busyNanos += nanos;
  }

  void estimate(long actualNanos, WaitEstimator.Estimate e) {
    estimated++;
    estimateErrorNanos += Math.abs(actualNanos - e.expected().toNanos());
    if (actualNanos >= e.optimistic().toNanos() && actualNanos <= e.pessimistic().toNanos()) {
      inRange++;
    }
  }

  private double meanWaitMinutes() {
    return served == 0 ? Double.NaN : waitSumNanos / served / NANOS_PER_MINUTE;
  }

  ClassResult result(long staffedNanos) {
    boolean any = served > 0;
    return new ClassResult(cls, arrived, served, left, refused, sentHome,
        any ? round(meanWaitMinutes()) : null,
        any ? percentile(50) : null,
        any ? percentile(95) : null,
        any ? percentile(99) : null,
        any ? round(waitMaxNanos / NANOS_PER_MINUTE) : null,
        bypassMax < 0 ? null : bypassMax,
        withBooking,
        withBooking == 0 ? null : round((double) onTime / withBooking),
        staffedNanos == 0 ? null : round((double) busyNanos / staffedNanos),
        estimated,
        estimated == 0 ? null : round(estimateErrorNanos / estimated / NANOS_PER_MINUTE),
        estimated == 0 ? null : round((double) inRange / estimated));
  }

  WaitPercentiles percentiles() {
    List<Double> minutes = new ArrayList<>();
    for (double p : CHART_PERCENTILES) {
      minutes.add(served == 0 ? 0.0 : percentile(p));
    }
    return new WaitPercentiles(cls, CHART_PERCENTILES, minutes);
  }

  /**
   * The wait at percentile {@code p}. The histogram answers with the top of the bucket holding
   * that value (0.1% precision), which may lie a hair above the exact longest wait; it is capped there.
   */
  private double percentile(double p) {
    return round(Math.min(waitMillis.getValueAtPercentile(p) / 60_000.0, waitMaxNanos / NANOS_PER_MINUTE));
  }

  /** Three decimals: enough for minutes and shares, and stable text in the reports. */
  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  private static List<Double> chartPercentiles() {
    List<Double> out = new ArrayList<>();
    for (int p = 0; p <= 95; p += 5) {
      out.add((double) p);
    }
    out.addAll(List.of(97.5, 99.0, 99.5, 99.9, 100.0));
    return List.copyOf(out);
  }
}
