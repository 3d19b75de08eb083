package dev.talon.queue.bench.sim;

import dev.talon.queue.bench.sim.SimulationResult.ClassResult;
import dev.talon.queue.bench.sim.SimulationResult.WaitCurve;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/** The running totals of one line class in one run; turned into a {@link ClassResult} at the end. */
final class ClassTally {
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
  private long[] everyone = new long[64];
  private boolean[] censoredWait = new boolean[64];
  private int ticketed;
  private int censoredCount;
  private int waitedAtAll;
  private int servedWithinTarget;

  ClassTally(String cls) {
    this.cls = cls;
  }

  void served(long waitNanos) {
    served++;
    waitMillis.recordValue(Math.round(waitNanos / 1e6));
    waitSumNanos += waitNanos;
    waitMaxNanos = Math.max(waitMaxNanos, waitNanos);
  }

  /**
   * The wait of a visitor who had a ticket: to the first call, or, when {@code censored}, to the
   * moment the visitor left or was sent home without a call (the wait had it gone on is longer).
   */
  void waited(long waitNanos, boolean censored) {
    if (ticketed == everyone.length) {
      everyone = java.util.Arrays.copyOf(everyone, ticketed * 2);
      censoredWait = java.util.Arrays.copyOf(censoredWait, ticketed * 2);
    }
    everyone[ticketed] = waitNanos;
    censoredWait[ticketed] = censored;
    ticketed++;
    censoredCount += censored ? 1 : 0;
    waitedAtAll += waitNanos > 0 ? 1 : 0;
  }

  /** A served visitor was called within the service-level target. */
  void withinTarget() {
    servedWithinTarget++;
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
    Censored c = new Censored(java.util.Arrays.copyOf(everyone, ticketed),
        java.util.Arrays.copyOf(censoredWait, ticketed));
    return new ClassResult(cls, arrived, served, left, refused, sentHome, ticketed, censoredCount,
        c.percentile(50), c.atLeast(50), c.percentile(95), c.atLeast(95), c.percentile(99), c.atLeast(99),
        ticketed == 0 ? null : round((double) waitedAtAll / ticketed),
        arrived == 0 ? null : round((double) servedWithinTarget / arrived),
        any ? round(meanWaitMinutes()) : null,
        any ? percentile(50) : null,
        any ? percentile(95) : null,
        any ? percentile(99) : null,
        any ? round(waitMaxNanos / NANOS_PER_MINUTE) : null,
        bypassMax < 0 ? null : bypassMax,
        withBooking,
        withBooking == 0 || cls.equals(dev.talon.queue.spi.Policy.WALK_IN) ? null : round((double) onTime / withBooking),
        staffedNanos == 0 ? null : round((double) busyNanos / staffedNanos),
        estimated,
        estimated == 0 ? null : round(estimateErrorNanos / estimated / NANOS_PER_MINUTE),
        estimated == 0 ? null : round((double) inRange / estimated));
  }

  /** The curve of everyone with a ticket: the share called within t, and the share gone uncalled by t. */
  WaitCurve curve() {
    long max = 0;
    for (int i = 0; i < ticketed; i++) {
      max = Math.max(max, everyone[i]);
    }
    double[] ticks = SvgChart.niceTicks(0, Math.max(1, max / NANOS_PER_MINUTE));
    double top = ticks[ticks.length - 1];
    long[] sorted = java.util.Arrays.copyOf(everyone, ticketed);
    List<Double> minutes = new ArrayList<>();
    List<Double> calledShare = new ArrayList<>();
    List<Double> goneShare = new ArrayList<>();
    for (int k = 0; k <= CURVE_POINTS; k++) {
      double t = top * k / CURVE_POINTS;
      long limit = Math.round(t * NANOS_PER_MINUTE);
      int calledBy = 0;
      int goneBy = 0;
      for (int i = 0; i < ticketed; i++) {
        if (sorted[i] <= limit) {
          if (censoredWait[i]) {
            goneBy++;
          } else {
            calledBy++;
          }
        }
      }
      minutes.add(round(t));
      calledShare.add(ticketed == 0 ? 0.0 : round((double) calledBy / ticketed));
      goneShare.add(ticketed == 0 ? 0.0 : round((double) goneBy / ticketed));
    }
    return new WaitCurve(cls, ticketed, minutes, calledShare, goneShare);
  }

  private static final int CURVE_POINTS = 40;

  /** Waits of everyone with a ticket, some censored; percentiles by nearest rank. */
  private record Censored(long[] waits, boolean[] censored) {
    private int rank(double p) {
      int n = waits.length;
      return Math.max(0, Math.min(n - 1, (int) Math.ceil(p / 100 * n) - 1));
    }

    private long[] sorted() {
      long[] s = waits.clone();
      java.util.Arrays.sort(s);
      return s;
    }

    Double percentile(double p) {
      return waits.length == 0 ? null : round(sorted()[rank(p)] / NANOS_PER_MINUTE);
    }

    /**
     * True when the percentile is only a lower bound: a censored wait at or below it might, had
     * the visitor stayed, have ended above it.
     */
    boolean atLeast(double p) {
      if (waits.length == 0) {
        return false;
      }
      long v = sorted()[rank(p)];
      for (int i = 0; i < waits.length; i++) {
        if (censored[i] && waits[i] <= v) {
          return true;
        }
      }
      return false;
    }
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
}
