package dev.talon.queue.bench.sim;

import java.util.List;

/**
 * What a simulation found: the scenario's arrivals, and per policy and line class the outcome.
 * Plain values only (times in minutes), serialised as the JSON report in component order; the
 * same scenario and seed give an equal result, and byte-identical reports.
 *
 * @param scenario    the scenario's name
 * @param description the scenario's description
 * @param seed        the seed used
 * @param firstDay    the first simulated day (ISO date)
 * @param days        how many days were simulated
 * @param zone        the branch's time zone
 * @param store       the event store the engine ran on
 * @param arrivals    what arrived, the same for every policy
 * @param verdict     the policies ranked on the questions a branch manager asks
 * @param policies    one result per policy, in the scenario's order
 * @param notes       footnotes for the reports
 */
public record SimulationResult(
    String scenario,
    String description,
    long seed,
    String firstDay,
    int days,
    String zone,
    String store,
    Arrivals arrivals,
    Verdict verdict,
    List<PolicyResult> policies,
    List<String> notes) {

  public SimulationResult {
    policies = List.copyOf(policies);
    notes = List.copyOf(notes);
  }

  /**
   * The visitors of the scenario, identical in every run.
   *
   * @param visitors         everyone who wanted to come
   * @param walkIns          those who came without a booking by choice
   * @param wantedBooking    those who tried to book
   * @param booked           bookings made
   * @param bookedLater      bookings placed in a later window than wanted because the wanted one was full
   * @param bookingFull      visitors who found no free window that day and came as walk-ins instead
   * @param bookingsNotKept  bookings whose visitor never came
   * @param countedFromMinute statistics count visitors arriving from this many minutes after the first opening
   * @param calendar         what the booking calendar did in the nights before the days; null without a calendar
   */
  public record Arrivals(
      int visitors, int walkIns, int wantedBooking, int booked, int bookedLater, int bookingFull, int bookingsNotKept,
      double countedFromMinute, CalendarFigures calendar) {}

  /**
   * The booking calendar's figures over all days, the same under every policy (bookings are made
   * before the doors open). Every hold ends exactly once: confirmed, expired or released at opening.
   *
   * @param holds             places held for a booking form (offers not included)
   * @param bookingsMade      holds and offers confirmed into bookings
   * @param holdsExpired      holds left unconfirmed until their expiry (abandoned or too slow forms)
   * @param cancelled         bookings cancelled before their day (their visitors stayed away)
   * @param waitlistJoined    visitors who found their day full and joined a window's waiting list
   * @param offers            freed places offered to the first visitor waiting
   * @param offersAccepted    offers confirmed in time
   * @param offersExpired     offers left to lapse (the place went to the next in line, if any)
   * @param waitlistUnserved  visitors still on a waiting list when their day opened (they walked in)
   * @param releasedAtOpening holds and offers still open when their day opened, released then
   * @param places            places of every open window of the days, by the capacity schedule
   * @param placesUnused      of those, places without a booking when the day opened
   */
  public record CalendarFigures(
      int holds, int bookingsMade, int holdsExpired, int cancelled, int waitlistJoined, int offers, int offersAccepted,
      int offersExpired, int waitlistUnserved, int releasedAtOpening, int places, int placesUnused) {}

  /**
   * The outcome under one policy.
   *
   * @param label             the policy's label in the scenario
   * @param policy            the policy's own name
   * @param config            the policy's JSON configuration
   * @param bypassBound       the declared bypass bound, -1 for unbounded
   * @param classes           per line class, then {@code all}
   * @param estimators        every wait estimator's error and coverage, the engine's first
   * @param estimatesCompared tickets waiting at issue whose call ended the wait, against which the estimates were compared
   * @param estimatesCensored tickets waiting at issue that were cancelled or sent home uncalled (no wait to compare)
   * @param recallShare       the share of staffed desk time spent calling and recalling visitors who had gone
   * @param profile           time-of-day averages over the days
   * @param waitCurves        per class, the waits of everyone with a ticket, for the charts
   */
  public record PolicyResult(
      String label, String policy, String config, int bypassBound, List<ClassResult> classes,
      List<EstimatorResult> estimators, int estimatesCompared, int estimatesCensored, Double recallShare,
      DayProfile profile, List<WaitCurve> waitCurves) {
    public PolicyResult {
      classes = List.copyOf(classes);
      estimators = List.copyOf(estimators);
      waitCurves = List.copyOf(waitCurves);
    }

    /** The row of a class, or null. */
    public ClassResult row(String cls) {
      return classes.stream().filter(c -> c.cls().equals(cls)).findFirst().orElse(null);
    }

    /** The result of the estimator named {@code name}, or null. */
    public EstimatorResult estimator(String name) {
      return estimators.stream().filter(e -> e.name().equals(name)).findFirst().orElse(null);
    }
  }

  /**
   * How well one wait estimator did: estimates given at issue to tickets that then waited,
   * against the wait that followed.
   *
   * @param name           the estimator ({@code engine}, {@code queue-length}, ...)
   * @param mae            mean absolute error in minutes; null when no estimate could be compared
   * @param coverage       the share of actual waits inside the estimator's range
   * @param statedCoverage the share its range claims to hold
   */
  public record EstimatorResult(String name, Double mae, Double coverage, Double statedCoverage) {
    public EstimatorResult {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("an estimator needs a name");
      }
      for (Double share : new Double[] {coverage, statedCoverage}) {
        if (share != null && !(share >= 0 && share <= 1)) {
          throw new IllegalArgumentException("estimator " + name + ": coverage must be a share in [0, 1], was " + share);
        }
      }
      if (mae != null && !(mae >= 0)) {
        throw new IllegalArgumentException("estimator " + name + ": MAE must be >= 0, was " + mae);
      }
    }
  }

  /**
   * The outcome for one line class under one policy. Counts are of visitors; times are in
   * minutes; a null means "not applicable" (e.g. no visitor was served, nobody had a booking, or
   * no estimate was given).
   *
   * @param cls            the line class ({@code booked}, {@code walk-in}, ...) or {@code all}
   * @param arrived        visitors who came to the branch (refused ones included)
   * @param served         visitors served to the end
   * @param left           visitors who gave up waiting: cancelled, or gone when called (no-show)
   * @param refused        visitors turned away: admission mode, check-in refused, booking expired, closed doors
   * @param sentHome       visitors still waiting at closing who were sent home
   * @param ticketed       visitors who had a ticket (everyone but the refused)
   * @param censored       of those, the ones who left or were sent home uncalled: their wait is censored
   * @param everyoneP50    median wait of everyone with a ticket, a censored wait counting as its length so far
   * @param everyoneP50AtLeast true when that median is only a lower bound (a censored wait lies at or below it)
   * @param everyoneP95    95th percentile, likewise
   * @param everyoneP95AtLeast likewise
   * @param everyoneP99    99th percentile, likewise
   * @param everyoneP99AtLeast likewise
   * @param waitedShare    of everyone with a ticket, the share who waited at all (P(wait > 0))
   * @param withinTargetShare of everyone who came, the share served after a wait within the service-level target
   * @param waitMean       mean wait from ticket to first call, of served visitors
   * @param waitP50        median wait
   * @param waitP95        95th percentile of the wait
   * @param waitP99        99th percentile of the wait
   * @param waitMax        the longest wait
   * @param bypassMax      the most later tickets called before one ticket of the class while it waited
   * @param withBooking    visitors of the class who checked in with a booking
   * @param onTimeShare    of those, the share called within the scenario's on-time minutes of their booked time
   *                       (null in the walk-in line, where late bookings end up: on time does not apply)
   * @param deskShare      the share of staffed desk time spent serving this class (for {@code all}: desk
   *                       utilisation); time spent recalling visitors who had gone is not in it
   * @param estimated      visitors who waited at issue, were given the engine's estimate and were called
   * @param estimateMae    mean absolute error of the expected wait against the actual one
   * @param estimateInRange share of actual waits between the optimistic and the pessimistic estimate
   */
  public record ClassResult(
      String cls, int arrived, int served, int left, int refused, int sentHome, int ticketed, int censored,
      Double everyoneP50, boolean everyoneP50AtLeast, Double everyoneP95, boolean everyoneP95AtLeast,
      Double everyoneP99, boolean everyoneP99AtLeast, Double waitedShare, Double withinTargetShare,
      Double waitMean, Double waitP50,
      Double waitP95, Double waitP99, Double waitMax, Long bypassMax, int withBooking, Double onTimeShare,
      Double deskShare, int estimated, Double estimateMae, Double estimateInRange) {}

  /**
   * Time-of-day averages over the simulated days, one value per bin of the day.
   *
   * @param binMinutes  the width of a bin
   * @param minuteOfDay the start of each bin, minutes after local midnight
   * @param series      the averaged series, aligned with {@code minuteOfDay}
   */
  public record DayProfile(double binMinutes, List<Double> minuteOfDay, List<ProfileSeries> series) {
    public DayProfile {
      minuteOfDay = List.copyOf(minuteOfDay);
      series = List.copyOf(series);
      for (ProfileSeries s : series) {
        if (s.values().size() != minuteOfDay.size()) {
          throw new IllegalArgumentException("profile series " + s.name() + " has " + s.values().size()
              + " values for " + minuteOfDay.size() + " bins");
        }
      }
    }

    /** The series named {@code name}, or null. */
    public ProfileSeries series(String name) {
      return series.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
    }
  }

  /**
   * One averaged series of a day profile: {@code waiting <class>} and {@code waiting all} (tickets),
   * {@code desks open}, {@code desks busy}, {@code left per hour} (visitors who gave up, by when they left).
   */
  public record ProfileSeries(String name, String unit, List<Double> values) {
    public ProfileSeries {
      values = List.copyOf(values);
    }
  }

  /**
   * The waits of everyone of a class who had a ticket, as shares at minute marks: called within
   * the time, and gone uncalled (left or sent home) by the time. The two never add up to more than 1;
   * whatever is missing at the last mark was still waiting there.
   */
  public record WaitCurve(String cls, int ticketed, List<Double> minutes, List<Double> calledShare,
      List<Double> goneShare) {
    public WaitCurve {
      minutes = List.copyOf(minutes);
      calledShare = List.copyOf(calledShare);
      goneShare = List.copyOf(goneShare);
      if (calledShare.size() != minutes.size() || goneShare.size() != minutes.size()) {
        throw new IllegalArgumentException("wait curve " + cls + ": the shares must align with the minutes");
      }
    }
  }
}
