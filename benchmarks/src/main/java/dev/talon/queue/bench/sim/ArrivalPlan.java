package dev.talon.queue.bench.sim;

import dev.talon.queue.bench.sim.Scenario.RateStep;
import dev.talon.queue.bench.sim.Scenario.ServiceSpec;
import dev.talon.queue.bench.sim.Scenario.VisitorSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

/*
 * Everything random about a scenario, drawn once, before any policy runs.
 *
 * Each visitor carries every sample it could ever need (service time, patience, whether it
 * cancels when leaving, walk to the desk, show-up, offset from the booked time), whether or not
 * a given run ends up using it; so a policy can change what happens to a visitor but never what
 * the visitor is, and all policies face the same people. Sampling is split into independent
 * streams (SplittableRandom.split) per service and, within a service, per purpose; changing, say,
 * the patience distribution leaves arrival times and service times exactly as they were.
 *
 * Time is kept as nanoseconds since the local midnight that starts the first day ("sim time");
 * local times are turned into sim time through the branch's zone, so a day with a DST change is
 * as long as it really is.
 */
final class ArrivalPlan {
  static final long NEVER = Long.MAX_VALUE;

  /**
   * One visitor, with all its samples.
   *
   * @param id            index in {@link #visitors()}, in order of desired arrival
   * @param day           the day (0-based)
   * @param service       index of the service in the scenario
   * @param wantsBooking  true when the visitor books ahead rather than walks in
   * @param desiredAt     when the visitor would like to come (sim time); a walk-in arrives then
   * @param serviceNanos  how long serving takes
   * @param walkNanos     how long the walk to the desk takes once called
   * @param patienceNanos how long the visitor waits before leaving; {@link #NEVER} for never
   * @param cancelsWhenLeaving true when leaving means cancelling the ticket, false when the visitor just goes
   * @param categories    the categories the walk-in ticket carries
   * @param showsUp       for a booking: whether the visitor comes at all
   * @param offsetNanos   for a booking: arrival relative to the start of the booked window
   * @param booking       for a booking under the scenario's calendar: how the visitor books
   */
  record Visitor(
      int id, int day, int service, boolean wantsBooking, long desiredAt, long serviceNanos, long walkNanos,
      long patienceNanos, boolean cancelsWhenLeaving, Set<String> categories, boolean showsUp, long offsetNanos,
      Booker booking) {}

  /**
   * How a visitor books under the calendar (see {@link Scenario.CitizenSpec}), drawn for every
   * visitor who wants a booking.
   *
   * @param formNanos      time from the hold to the confirmation
   * @param abandons       true when the visitor leaves the form unconfirmed
   * @param cancels        true when the visitor cancels the confirmed booking before the day
   * @param cancelAt       when in the rest of the night the cancellation comes, as a share of it
   * @param joinsWaitlist  true when the visitor joins the waiting list of a full day's window
   * @param accepts        true when the visitor accepts an offer
   * @param acceptNanos    time from the offer to the acceptance
   */
  record Booker(long formNanos, boolean abandons, boolean cancels, double cancelAt, boolean joinsWaitlist,
      boolean accepts, long acceptNanos) {}

  private final Scenario scenario;
  private final Instant origin;
  private final List<Visitor> visitors;

  private ArrivalPlan(Scenario scenario, List<Visitor> visitors) {
    this.scenario = scenario;
    this.origin = scenario.date().atStartOfDay(scenario.zone()).toInstant();
    this.visitors = visitors;
  }

  /** Draws the visitors of every day of the scenario from its seed. */
  static ArrivalPlan generate(Scenario s) {
    ArrivalPlan frame = new ArrivalPlan(s, List.of());
    SplittableRandom root = new SplittableRandom(s.seed());
    List<Streams> streams = new ArrayList<>();
    for (int i = 0; i < s.services().size(); i++) {
      streams.add(new Streams(root.split()));
    }
    List<Visitor> drafted = new ArrayList<>();
    for (int day = 0; day < s.days(); day++) {
      for (int svc = 0; svc < s.services().size(); svc++) {
        ServiceSpec spec = s.services().get(svc);
        Streams r = streams.get(svc);
        List<RateStep> steps = spec.arrivals();
        for (int k = 0; k < steps.size(); k++) {
          double perHour = steps.get(k).perHour();
          long from = frame.at(day, steps.get(k).from());
          long to = k + 1 < steps.size() ? frame.at(day, steps.get(k + 1).from()) : frame.closesAt(day);
          if (perHour <= 0) {
            continue;
          }
          double meanGapNanos = 3.6e12 / perHour;
          // A Poisson process restarted at each step boundary is exact: the process is memoryless.
          long t = from;
          while (true) {
            t += Math.round(-meanGapNanos * StrictMath.log(1.0 - r.arrivals.nextDouble()));
            if (t >= to) {
              break;
            }
            Visitor v = frame.draw(day, svc, t, r);
            if (frame.open(t)) {
              drafted.add(v); // drawn either way, so that closing a range leaves the others' visitors as they were
            }
          }
        }
      }
    }
    drafted.sort(Comparator.comparingLong(Visitor::desiredAt).thenComparingInt(Visitor::service));
    List<Visitor> numbered = new ArrayList<>(drafted.size());
    for (Visitor v : drafted) {
      numbered.add(new Visitor(numbered.size(), v.day(), v.service(), v.wantsBooking(), v.desiredAt(), v.serviceNanos(),
          v.walkNanos(), v.patienceNanos(), v.cancelsWhenLeaving(), v.categories(), v.showsUp(), v.offsetNanos(),
          v.booking()));
    }
    return new ArrivalPlan(s, List.copyOf(numbered));
  }

  /** One independent stream per purpose, split from the service's own stream. */
  private static final class Streams {
    final SplittableRandom arrivals;
    final SplittableRandom kind;
    final SplittableRandom serviceTime;
    final SplittableRandom walk;
    final SplittableRandom patience;
    final SplittableRandom leaving;
    final SplittableRandom categories;
    final SplittableRandom showUp;
    final SplittableRandom offset;
    final SplittableRandom booking;

    Streams(SplittableRandom service) {
      arrivals = service.split();
      kind = service.split();
      serviceTime = service.split();
      walk = service.split();
      patience = service.split();
      leaving = service.split();
      categories = service.split();
      showUp = service.split();
      offset = service.split();
      booking = service.split(); // split last: the streams above stay what they were before the calendar
    }
  }

  private Visitor draw(int day, int svc, long at, Streams r) {
    ServiceSpec spec = scenario.services().get(svc);
    VisitorSpec behaviour = scenario.visitors();
    boolean booked = spec.booking() != null && r.kind.nextDouble() < spec.booking().share();
    long service = nanos(spec.serviceMinutes().sample(r.serviceTime));
    long walk = nanos(behaviour.walkToDeskMinutes().sample(r.walk));
    Distribution patienceOf = booked ? behaviour.bookedPatience() : behaviour.walkInPatience();
    double patienceSample = patienceOf == null ? Double.NaN : patienceOf.sample(r.patience);
    long patience = patienceOf == null ? NEVER : nanos(patienceSample);
    boolean cancels = r.leaving.nextDouble() < behaviour.cancelShare();
    Set<String> categories = new TreeSet<>();
    for (Map.Entry<String, Double> c : new TreeMap<>(behaviour.categories()).entrySet()) {
      if (r.categories.nextDouble() < c.getValue()) {
        categories.add(c.getKey());
      }
    }
    boolean showsUp = spec.booking() == null || r.showUp.nextDouble() < spec.booking().showUp();
    long offset = Math.round(capped(behaviour.bookedArrivalMinutes().sample(r.offset)) * 6e10);
    Booker booker = null;
    if (booked && scenario.calendar() != null) {
      Scenario.CitizenSpec c = scenario.calendar().citizens();
      SplittableRandom b = r.booking;
      booker = new Booker(nanos(c.formMinutes().sample(b)), b.nextDouble() < c.abandonShare(),
          b.nextDouble() < c.cancelShare(), b.nextDouble(), b.nextDouble() < c.waitlistShare(),
          b.nextDouble() < c.acceptShare(), nanos(c.acceptMinutes().sample(b)));
    }
    return new Visitor(-1, day, svc, booked, at, service, walk, patience, cancels, Set.copyOf(categories), showsUp,
        offset, booker);
  }

  /**
   * True when a visitor may want to come at this sim time: always without a calendar (the
   * arrival rates lie within the day's hours), else when the calendar has the branch open then.
   * Nobody plans a visit for a holiday or the lunch closure.
   */
  boolean open(long simNanos) {
    return scenario.calendar() == null || scenario.calendar().hours().isOpen(local(simNanos));
  }

  /** The local opening ranges of a day, as sim times {@code [from, to)}: the calendar's, else the scenario's hours. */
  List<long[]> ranges(int day) {
    List<long[]> out = new ArrayList<>();
    if (scenario.calendar() == null) {
      out.add(new long[] {opensAt(day), closesAt(day)});
      return out;
    }
    java.time.LocalDate date = scenario.date().plusDays(day);
    for (dev.talon.queue.TimeRange r : scenario.calendar().hours().rangesOn(date)) {
      LocalDateTime to = r.to().equals(LocalTime.MAX) ? date.plusDays(1).atStartOfDay() : date.atTime(r.to());
      out.add(new long[] {at(date.atTime(r.from())), at(to)});
    }
    return out;
  }

  private static long nanos(double minutes) {
    return Math.max(0, Math.round(capped(minutes) * 6e10));
  }

  /**
   * A sample within one day either way ({@link ScenarioReader#MAX_MINUTES}): the reader bounds
   * every parameter, and this bounds the tails of the unbounded distributions (normal, log-normal,
   * exponential), so that no sample can push the simulated clock out of range.
   */
  private static double capped(double minutes) {
    return Math.max(-ScenarioReader.MAX_MINUTES, Math.min(ScenarioReader.MAX_MINUTES, minutes));
  }

  // ---------------------------------------------------------------- time

  Scenario scenario() {
    return scenario;
  }

  /**
   * The same visitors for a scenario that differs only in its policies (a sweep); refused when
   * anything that shaped the draw differs.
   */
  ArrivalPlan withScenario(Scenario other) {
    if (other == scenario) {
      return this;
    }
    if (!other.withPolicies(scenario.policies()).equals(scenario)) {
      throw new IllegalArgumentException("arrivals of scenario " + scenario.name() + " cannot be replayed for "
          + other.name() + ": they differ in more than their policies");
    }
    return new ArrivalPlan(other, visitors);
  }

  List<Visitor> visitors() {
    return visitors;
  }

  /** The instant of sim time 0: local midnight starting the first day. */
  Instant origin() {
    return origin;
  }

  Instant instant(long simNanos) {
    return origin.plusNanos(simNanos);
  }

  /** Sim time of a local date-time. */
  long at(LocalDateTime local) {
    return Duration.between(origin, local.atZone(scenario.zone()).toInstant()).toNanos();
  }

  /** Sim time of a local time on a day. */
  long at(int day, LocalTime t) {
    return at(scenario.at(day, t));
  }

  /** Local date-time of a sim time. */
  LocalDateTime local(long simNanos) {
    return LocalDateTime.ofInstant(instant(simNanos), scenario.zone());
  }

  long midnight(int day) {
    return at(day, LocalTime.MIDNIGHT);
  }

  long opensAt(int day) {
    return at(day, scenario.opens());
  }

  long closesAt(int day) {
    return at(scenario.date().plusDays(day).atStartOfDay().plusMinutes(scenario.closesMinute()));
  }

  /** Sim time at which the statistics start (first opening plus warm-up). */
  long countedFrom() {
    return opensAt(0) + Math.round(scenario.warmUpMinutes() * 6e10);
  }
}
