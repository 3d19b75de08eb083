package dev.talon.queue.bench.sim;

import dev.talon.queue.AdmissionMode;
import dev.talon.queue.Limits;
import dev.talon.queue.spi.Policy;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * A validated scenario: one branch, its day (or days) of arrivals and the policies to compare.
 * Read one with {@link ScenarioReader}; the file format is described in the module's README
 * section and by the bundled scenarios. All durations are in minutes.
 *
 * @param name          the scenario's name; also the name of its report directory
 * @param description   free text shown in the reports
 * @param seed          the seed of every random stream
 * @param zone          the branch's time zone
 * @param date          the first simulated day
 * @param days          how many days are simulated, each with the same profile
 * @param opens         opening time of each day
 * @param closesMinute  closing time as minutes after midnight (1440 = midnight at the end of the day)
 * @param afterClosing  what happens to visitors still waiting when the branch closes
 * @param warmUpMinutes visitors arriving within this many minutes of the first opening are left out of the statistics
 * @param admissionMode the admission mode at each opening
 * @param limits        the engine's limits (check-in window, late arrivals, recalls, grace)
 * @param windowMinutes the length of a booking slot window
 * @param recallAfterMinutes how long a desk waits for a called visitor before it recalls
 * @param services      the services, with their demand
 * @param desks         the desks
 * @param visitors      how visitors behave
 * @param changes       regime changes during each day, in time order
 * @param policies      the policies to compare, in report order
 * @param onTimeMinutes a booked visitor called within this many minutes of the booked time counts as on time
 * @param sampleMinutes how often the queue lengths are sampled for the time-of-day profiles; 0 to choose from the
 *                      length of the day
 * @param serviceLevelMinutes the wait target of the verdict's "served within target" question
 * @param calendar      the booking calendar (weekday hours, exceptions, capacity schedule, holds and a waiting
 *                      list); null for the plain day of {@code opens} to {@code closesMinute} with fixed capacity
 */
public record Scenario(
    String name,
    String description,
    long seed,
    ZoneId zone,
    LocalDate date,
    int days,
    LocalTime opens,
    int closesMinute,
    AfterClosing afterClosing,
    double warmUpMinutes,
    AdmissionMode admissionMode,
    Limits limits,
    int windowMinutes,
    double recallAfterMinutes,
    List<ServiceSpec> services,
    List<DeskSpec> desks,
    VisitorSpec visitors,
    List<Change> changes,
    List<PolicySpec> policies,
    double onTimeMinutes,
    double sampleMinutes,
    double serviceLevelMinutes,
    CalendarSpec calendar) {

  public Scenario {
    services = List.copyOf(services);
    desks = List.copyOf(desks);
    changes = List.copyOf(changes);
    policies = List.copyOf(policies);
  }

  /** What happens at closing time to visitors who still wait. */
  public enum AfterClosing {
    /** The doors close to new visitors; the desks serve everyone already inside. */
    SERVE_WAITING,
    /** The doors close and the visitors still waiting are sent home (asked to come back another day). */
    SEND_HOME
  }

  /**
   * A service and its demand.
   *
   * @param code           the service code
   * @param prefix         the ticket prefix
   * @param label          a human-readable name
   * @param serviceMinutes how long serving one visitor takes
   * @param arrivals       visitors per hour, as steps: each rate holds from its time until the next step or closing
   * @param booking        how many of them book, or null when nobody books this service
   */
  public record ServiceSpec(
      String code, String prefix, String label, Distribution serviceMinutes, List<RateStep> arrivals, BookingSpec booking) {
    public ServiceSpec {
      arrivals = List.copyOf(arrivals);
    }
  }

  /** From {@code from} on, {@code perHour} visitors per hour arrive (a Poisson process). */
  public record RateStep(LocalTime from, double perHour) {}

  /**
   * The booked part of a service's demand.
   *
   * @param share             the share of the visitors who book ahead rather than walk in
   * @param capacityPerWindow places per slot window
   * @param showUp            the share of bookings whose visitor comes
   */
  public record BookingSpec(double share, int capacityPerWindow, double showUp) {}

  /** A desk and the services it serves. */
  public record DeskSpec(String id, List<String> services) {
    public DeskSpec {
      services = List.copyOf(services);
    }
  }

  /**
   * How visitors behave.
   *
   * @param bookedArrivalMinutes when a booked visitor arrives relative to the start of the booked window (negative = early)
   * @param walkInPatience       how long a walk-in waits before leaving; null = never leaves
   * @param bookedPatience       how long a booked visitor waits before leaving; null = never leaves
   * @param cancelShare          the share of leaving visitors who cancel their ticket; the others just go
   *                             and are marked no-shows when called
   * @param walkToDeskMinutes    how long a called visitor takes to reach the desk
   * @param categories           the share of walk-ins that carry each category (e.g. {@code elderly})
   */
  public record VisitorSpec(
      Distribution bookedArrivalMinutes,
      Distribution walkInPatience,
      Distribution bookedPatience,
      double cancelShare,
      Distribution walkToDeskMinutes,
      Map<String, Double> categories) {
    public VisitorSpec {
      categories = Map.copyOf(categories);
    }
  }

  /**
   * A change of regime at a time of day.
   *
   * @param at            local time of the change
   * @param admissionMode the new admission mode, or null to keep it
   * @param closeDesks    desks that stop calling (after finishing their current visitor)
   * @param openDesks     desks that start calling again
   */
  public record Change(LocalTime at, AdmissionMode admissionMode, List<String> closeDesks, List<String> openDesks) {
    public Change {
      closeDesks = List.copyOf(closeDesks);
      openDesks = List.copyOf(openDesks);
    }
  }

  /**
   * A policy to compare.
   *
   * @param label  its name in the reports (unique within the scenario)
   * @param policy the resolved policy
   * @param json   its configuration as written in the scenario
   */
  public record PolicySpec(String label, Policy<?> policy, String json) {}

  /**
   * The booking calendar of a scenario: the branch opens by {@code hours} (several ranges a day,
   * dated exceptions such as a holiday) within the scenario's {@code opens}–{@code closesMinute},
   * windows take their places from {@code capacity} (else the service's capacity per window), and
   * booking visitors book in the night before their day through hold then confirm, with a waiting
   * list for full windows (see {@code PolicyRun}).
   *
   * @param hours         when the branch is open
   * @param capacity      the capacity schedule
   * @param holdMinutes   how long a hold keeps its place unconfirmed
   * @param offerMinutes  how long a waiting-list offer keeps its place for the visitor offered it
   * @param citizens      how the visitors who book behave
   * @param json          the calendar's hours and capacity as written in the scenario
   */
  public record CalendarSpec(
      dev.talon.queue.OpeningCalendar hours, List<dev.talon.queue.CapacityRule> capacity, double holdMinutes,
      double offerMinutes, CitizenSpec citizens, String json) {
    public CalendarSpec {
      capacity = List.copyOf(capacity);
    }
  }

  /**
   * How visitors who book behave under the booking calendar.
   *
   * @param formMinutes   how long filling in the booking form takes after the hold (longer than the hold: it expires)
   * @param abandonShare  the share who hold a place and abandon the form (the hold expires)
   * @param cancelShare   the share of confirmed bookings cancelled before the day opens (the visitor stays away)
   * @param waitlistShare the share of those finding the window wanted full who join its waiting list (rather than
   *                      book a later window of the day)
   * @param acceptShare   the share of offered visitors who accept the offer
   * @param acceptMinutes how long an offered visitor takes to accept (longer than the offer: it expires)
   */
  public record CitizenSpec(
      Distribution formMinutes, double abandonShare, double cancelShare, double waitlistShare, double acceptShare,
      Distribution acceptMinutes) {}

  /** The local start of day {@code day} (0-based) at time {@code t}. */
  LocalDateTime at(int day, LocalTime t) {
    return date.plusDays(day).atTime(t);
  }

  /** A copy with another seed. */
  public Scenario withSeed(long newSeed) {
    return new Scenario(name, description, newSeed, zone, date, days, opens, closesMinute, afterClosing, warmUpMinutes,
        admissionMode, limits, windowMinutes, recallAfterMinutes, services, desks, visitors, changes, policies,
        onTimeMinutes, sampleMinutes, serviceLevelMinutes, calendar);
  }

  /** A copy that compares other policies (e.g. a sweep's grid) on the same arrivals. */
  public Scenario withPolicies(List<PolicySpec> newPolicies) {
    if (newPolicies.isEmpty()) {
      throw new IllegalArgumentException("a scenario needs at least one policy");
    }
    return new Scenario(name, description, seed, zone, date, days, opens, closesMinute, afterClosing, warmUpMinutes,
        admissionMode, limits, windowMinutes, recallAfterMinutes, services, desks, visitors, changes, newPolicies,
        onTimeMinutes, sampleMinutes, serviceLevelMinutes, calendar);
  }

  /** A copy that simulates {@code n} days (e.g. fewer, to shorten a long validation run). */
  public Scenario withDays(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("days must be >= 1, was " + n);
    }
    return new Scenario(name, description, seed, zone, date, n, opens, closesMinute, afterClosing, warmUpMinutes,
        admissionMode, limits, windowMinutes, recallAfterMinutes, services, desks, visitors, changes, policies,
        onTimeMinutes, sampleMinutes, serviceLevelMinutes, calendar);
  }
}
