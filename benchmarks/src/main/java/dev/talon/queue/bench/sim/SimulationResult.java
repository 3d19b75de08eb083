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
   */
  public record Arrivals(
      int visitors, int walkIns, int wantedBooking, int booked, int bookedLater, int bookingFull, int bookingsNotKept,
      double countedFromMinute) {}

  /**
   * The outcome under one policy.
   *
   * @param label          the policy's label in the scenario
   * @param policy         the policy's own name
   * @param config         the policy's JSON configuration
   * @param bypassBound    the declared bypass bound, -1 for unbounded
   * @param classes        per line class, then {@code all}
   * @param queue          waiting tickets per class over time
   * @param waitPercentiles the wait distribution per class (served visitors), for the charts
   */
  public record PolicyResult(
      String label, String policy, String config, int bypassBound, List<ClassResult> classes, QueueSeries queue,
      List<WaitPercentiles> waitPercentiles) {
    public PolicyResult {
      classes = List.copyOf(classes);
      waitPercentiles = List.copyOf(waitPercentiles);
    }

    /** The row of a class, or null. */
    public ClassResult row(String cls) {
      return classes.stream().filter(c -> c.cls().equals(cls)).findFirst().orElse(null);
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
   * @param waitMean       mean wait from ticket to first call, of served visitors
   * @param waitP50        median wait
   * @param waitP95        95th percentile of the wait
   * @param waitP99        99th percentile of the wait
   * @param waitMax        the longest wait
   * @param bypassMax      the most later tickets called before one ticket of the class while it waited
   * @param withBooking    visitors of the class who checked in with a booking
   * @param onTimeShare    of those, the share called within the scenario's on-time minutes of their booked time
   * @param deskShare      the share of staffed desk time spent on this class (for {@code all}: desk utilisation)
   * @param estimated      visitors served who were given a wait estimate at issue
   * @param estimateMae    mean absolute error of the expected wait against the actual one
   * @param estimateInRange share of actual waits between the optimistic and the pessimistic estimate
   */
  public record ClassResult(
      String cls, int arrived, int served, int left, int refused, int sentHome, Double waitMean, Double waitP50,
      Double waitP95, Double waitP99, Double waitMax, Long bypassMax, int withBooking, Double onTimeShare,
      Double deskShare, int estimated, Double estimateMae, Double estimateInRange) {}

  /**
   * Waiting tickets per class, sampled at regular times.
   *
   * @param minutes minutes since the first day's local midnight of each sample
   * @param classes one series per class, aligned with {@code minutes}
   */
  public record QueueSeries(List<Double> minutes, List<ClassSeries> classes) {
    public QueueSeries {
      minutes = List.copyOf(minutes);
      classes = List.copyOf(classes);
    }
  }

  /** The waiting count of one class at each sample time. */
  public record ClassSeries(String cls, List<Integer> waiting) {
    public ClassSeries {
      waiting = List.copyOf(waiting);
    }
  }

  /**
   * Points of the wait distribution of one class: {@code minutes[i]} is the wait at percentile {@code percentiles[i]}.
   */
  public record WaitPercentiles(String cls, List<Double> percentiles, List<Double> minutes) {
    public WaitPercentiles {
      percentiles = List.copyOf(percentiles);
      minutes = List.copyOf(minutes);
    }
  }
}
