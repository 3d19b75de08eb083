package dev.talon.queue;

import java.time.Duration;

/**
 * The configurable limits of a branch; none of them is a constant in the engine.
 *
 * @param earlyCheckIn  how long before its window starts a booking may check in
 * @param lateCheckIn   how long after its window starts a booking may still check in normally
 * @param lateArrival   what happens to a booking that checks in later than {@code lateCheckIn}
 *                      (but before it expires)
 * @param recallLimit   how many recalls a called ticket gets; the next recall turns it into a no-show
 * @param postponePeriod the default period of a postponement
 * @param bookingGrace  how long after its window ends a booking not checked in is kept before it
 *                      expires and its place is released
 * @param requestIdWindow how long a request id is remembered for idempotent retries
 */
public record Limits(
    Duration earlyCheckIn,
    Duration lateCheckIn,
    LateArrival lateArrival,
    int recallLimit,
    Duration postponePeriod,
    Duration bookingGrace,
    Duration requestIdWindow) {

  public Limits {
    nonNegative("early check-in", earlyCheckIn);
    nonNegative("late check-in", lateCheckIn);
    nonNegative("postpone period", postponePeriod);
    nonNegative("booking grace", bookingGrace);
    nonNegative("request id window", requestIdWindow);
    if (lateArrival == null) {
      throw new InvalidConfigurationException("late arrival rule must not be null");
    }
    if (recallLimit < 0 || recallLimit > 100) {
      throw new InvalidConfigurationException("recall limit must be between 0 and 100, was " + recallLimit);
    }
    if (lateCheckIn.compareTo(bookingGrace.plusDays(1)) > 0) {
      throw new InvalidConfigurationException("late check-in must not exceed a day beyond the grace period, was " + lateCheckIn);
    }
  }

  private static void nonNegative(String what, Duration d) {
    if (d == null || d.isNegative()) {
      throw new InvalidConfigurationException(what + " must be a duration >= 0, was " + d);
    }
  }

  /**
   * Check-in from 30 minutes early to 10 minutes late, later arrivals to the walk-in line,
   * 2 recalls, 15-minute postponement, 15-minute grace, request ids remembered for a day.
   */
  public static Limits defaults() {
    return new Limits(Duration.ofMinutes(30), Duration.ofMinutes(10), LateArrival.WALK_IN_LINE, 2,
        Duration.ofMinutes(15), Duration.ofMinutes(15), Duration.ofDays(1));
  }

  public Limits withEarlyCheckIn(Duration d) {
    return new Limits(d, lateCheckIn, lateArrival, recallLimit, postponePeriod, bookingGrace, requestIdWindow);
  }

  public Limits withLateCheckIn(Duration d) {
    return new Limits(earlyCheckIn, d, lateArrival, recallLimit, postponePeriod, bookingGrace, requestIdWindow);
  }

  public Limits withLateArrival(LateArrival rule) {
    return new Limits(earlyCheckIn, lateCheckIn, rule, recallLimit, postponePeriod, bookingGrace, requestIdWindow);
  }

  public Limits withRecallLimit(int n) {
    return new Limits(earlyCheckIn, lateCheckIn, lateArrival, n, postponePeriod, bookingGrace, requestIdWindow);
  }

  public Limits withPostponePeriod(Duration d) {
    return new Limits(earlyCheckIn, lateCheckIn, lateArrival, recallLimit, d, bookingGrace, requestIdWindow);
  }

  public Limits withBookingGrace(Duration d) {
    return new Limits(earlyCheckIn, lateCheckIn, lateArrival, recallLimit, postponePeriod, d, requestIdWindow);
  }

  public Limits withRequestIdWindow(Duration d) {
    return new Limits(earlyCheckIn, lateCheckIn, lateArrival, recallLimit, postponePeriod, bookingGrace, d);
  }
}
