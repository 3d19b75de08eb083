package dev.talon.queue;

import java.time.Duration;

/**
 * The configurable limits of a branch; none of them is a constant in the engine.
 *
 * @param earlyCheckIn    how long before its window starts a booking may check in
 * @param lateCheckIn     how long after its window starts a booking may still check in normally
 * @param lateArrival     what happens to a booking that checks in later than {@code lateCheckIn}
 *                        (but before it expires)
 * @param recallLimit     how many recalls a called ticket gets; the next recall turns it into a no-show
 * @param postponePeriod  the default period of a postponement
 * @param bookingGrace    how long after its window ends a booking not checked in is kept before it
 *                        expires and its place is released
 * @param requestIdWindow how long a request id is remembered for idempotent retries
 * @param recallCooldown  a ticket that was called and came back to its line (handed back or
 *                        postponed) is not called again until this long after its last call
 * @param postponeReturn  where a postponed ticket goes when its postponement ends
 * @param postponeRaiseTo the line class a postponed ticket joins with {@link PostponeReturn#RAISE_CLASS}
 * @param headsUpAhead    a heads-up event fires once when a waiting ticket has at most this many
 *                        tickets ahead of it; 0 turns this off
 * @param headsUpWait     a heads-up event fires once when a waiting ticket's expected wait drops to
 *                        this or less; zero turns this off
 */
public record Limits(
    Duration earlyCheckIn,
    Duration lateCheckIn,
    LateArrival lateArrival,
    int recallLimit,
    Duration postponePeriod,
    Duration bookingGrace,
    Duration requestIdWindow,
    Duration recallCooldown,
    PostponeReturn postponeReturn,
    String postponeRaiseTo,
    int headsUpAhead,
    Duration headsUpWait) {

  public Limits {
    nonNegative("early check-in", earlyCheckIn);
    nonNegative("late check-in", lateCheckIn);
    nonNegative("postpone period", postponePeriod);
    nonNegative("booking grace", bookingGrace);
    nonNegative("request id window", requestIdWindow);
    nonNegative("recall cool-down", recallCooldown);
    nonNegative("heads-up wait", headsUpWait);
    if (lateArrival == null) {
      throw new InvalidConfigurationException("late arrival rule must not be null");
    }
    if (postponeReturn == null) {
      throw new InvalidConfigurationException("postpone return rule must not be null");
    }
    if (postponeReturn == PostponeReturn.RAISE_CLASS && (postponeRaiseTo == null || postponeRaiseTo.isBlank())) {
      throw new InvalidConfigurationException("postpone return RAISE_CLASS needs the line class to raise to, was "
          + Checks.quote(postponeRaiseTo));
    }
    if (recallLimit < 0 || recallLimit > 100) {
      throw new InvalidConfigurationException("recall limit must be between 0 and 100, was " + recallLimit);
    }
    if (headsUpAhead < 0) {
      throw new InvalidConfigurationException("heads-up position must be >= 0, was " + headsUpAhead);
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
   * 2 recalls, 15-minute postponement back to the old place, 15-minute grace, request ids
   * remembered for a day, no recall cool-down, no heads-up.
   */
  public static Limits defaults() {
    return new Limits(Duration.ofMinutes(30), Duration.ofMinutes(10), LateArrival.WALK_IN_LINE, 2,
        Duration.ofMinutes(15), Duration.ofMinutes(15), Duration.ofDays(1), Duration.ZERO, PostponeReturn.KEEP_PLACE,
        null, 0, Duration.ZERO);
  }

  public Limits withEarlyCheckIn(Duration d) {
    return new Limits(d, lateCheckIn, lateArrival, recallLimit, postponePeriod, bookingGrace, requestIdWindow,
        recallCooldown, postponeReturn, postponeRaiseTo, headsUpAhead, headsUpWait);
  }

  public Limits withLateCheckIn(Duration d) {
    return new Limits(earlyCheckIn, d, lateArrival, recallLimit, postponePeriod, bookingGrace, requestIdWindow,
        recallCooldown, postponeReturn, postponeRaiseTo, headsUpAhead, headsUpWait);
  }

  public Limits withLateArrival(LateArrival rule) {
    return new Limits(earlyCheckIn, lateCheckIn, rule, recallLimit, postponePeriod, bookingGrace, requestIdWindow,
        recallCooldown, postponeReturn, postponeRaiseTo, headsUpAhead, headsUpWait);
  }

  public Limits withRecallLimit(int n) {
    return new Limits(earlyCheckIn, lateCheckIn, lateArrival, n, postponePeriod, bookingGrace, requestIdWindow,
        recallCooldown, postponeReturn, postponeRaiseTo, headsUpAhead, headsUpWait);
  }

  public Limits withPostponePeriod(Duration d) {
    return new Limits(earlyCheckIn, lateCheckIn, lateArrival, recallLimit, d, bookingGrace, requestIdWindow,
        recallCooldown, postponeReturn, postponeRaiseTo, headsUpAhead, headsUpWait);
  }

  public Limits withBookingGrace(Duration d) {
    return new Limits(earlyCheckIn, lateCheckIn, lateArrival, recallLimit, postponePeriod, d, requestIdWindow,
        recallCooldown, postponeReturn, postponeRaiseTo, headsUpAhead, headsUpWait);
  }

  public Limits withRequestIdWindow(Duration d) {
    return new Limits(earlyCheckIn, lateCheckIn, lateArrival, recallLimit, postponePeriod, bookingGrace, d,
        recallCooldown, postponeReturn, postponeRaiseTo, headsUpAhead, headsUpWait);
  }

  public Limits withRecallCooldown(Duration d) {
    return new Limits(earlyCheckIn, lateCheckIn, lateArrival, recallLimit, postponePeriod, bookingGrace,
        requestIdWindow, d, postponeReturn, postponeRaiseTo, headsUpAhead, headsUpWait);
  }

  /** Where postponed tickets return; {@code raiseTo} is needed only for {@link PostponeReturn#RAISE_CLASS}. */
  public Limits withPostponeReturn(PostponeReturn rule, String raiseTo) {
    return new Limits(earlyCheckIn, lateCheckIn, lateArrival, recallLimit, postponePeriod, bookingGrace,
        requestIdWindow, recallCooldown, rule, raiseTo, headsUpAhead, headsUpWait);
  }

  /** Heads-up at {@code ahead} tickets ahead (0 = off) or an expected wait of {@code wait} (zero = off). */
  public Limits withHeadsUp(int ahead, Duration wait) {
    return new Limits(earlyCheckIn, lateCheckIn, lateArrival, recallLimit, postponePeriod, bookingGrace,
        requestIdWindow, recallCooldown, postponeReturn, postponeRaiseTo, ahead, wait);
  }
}
