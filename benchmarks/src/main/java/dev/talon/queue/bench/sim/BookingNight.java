package dev.talon.queue.bench.sim;

import dev.talon.queue.BookRequest;
import dev.talon.queue.Booking;
import dev.talon.queue.Branch;
import dev.talon.queue.CapacityExceededException;
import dev.talon.queue.Hold;
import dev.talon.queue.IllegalTransitionException;
import dev.talon.queue.OutOfHoursException;
import dev.talon.queue.QueueEvent;
import dev.talon.queue.SlotCalendar;
import dev.talon.queue.TimeRange;
import dev.talon.queue.UnknownBookingException;
import dev.talon.queue.WaitlistEntry;
import dev.talon.queue.bench.sim.ArrivalPlan.Booker;
import dev.talon.queue.bench.sim.ArrivalPlan.Visitor;
import dev.talon.queue.bench.sim.Scenario.ServiceSpec;
import dev.talon.queue.bench.sim.SimulationResult.CalendarFigures;
import dev.talon.queue.spi.QueueListener;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/*
 * The booking calendar's side of one policy's run: the visitors of a day who want a booking book
 * in the night before it, through the engine's hold, confirm, cancel and waiting list.
 *
 * Design. The bookers of a day start one after another, evenly over the first half of the night
 * (from local midnight to the first opening), in the order of the times they want. Each holds the
 * window of the time wanted or the next one with a place that day (open windows only: the engine
 * refuses the others), then confirms after filling in the form, or abandons it and the engine
 * releases the hold at its expiry. Some cancel the confirmed booking later in the night; they
 * stay away. Some who find the wanted window full join its waiting list rather than take a later
 * window; who finds the whole day full walks in. A freed place (an expired hold, a cancellation) is offered by the engine to the first on
 * the list (PlaceOffered, heard here as a listener, on the operating thread); the visitor accepts
 * by confirming the offer's hold, or lets it lapse and the engine offers it to the next.
 *
 * The engine's clock only moves when the simulator calls it, so every expiry is a tick event at
 * its instant (a rotate), which makes the engine release the hold and make the next offer then.
 * At the day's first opening (settle) the night ends: the waiting list is left, offers and holds
 * still open are released, and every booker's fate is fixed: booked (comes to the window),
 * cancelled (stays away) or without a place (walks in). What happens depends on the calendar and
 * on the visitors' draws only, never on the policy, so every policy sees the same bookings.
 */
final class BookingNight implements QueueListener {

  /** What a calendar event stands for. */
  enum Step { HOLD, CONFIRM, CANCEL, ACCEPT, TICK }

  /** Where the night's events go: the run's event queue. */
  interface Schedule {
    void at(long simNanos, int visitor, Step step);
  }

  /** A booker's fate at the end of the night. */
  enum Fate { BOOKED, CANCELLED, NO_PLACE }

  private final Scenario sc;
  private final ArrivalPlan plan;
  private Branch branch;
  private final SlotCalendar slots;
  private final Schedule schedule;

  private final Map<Integer, Long> holdOf = new HashMap<>();
  private final Map<Integer, Long> entryOf = new HashMap<>();
  private final Map<Long, Integer> visitorOfEntry = new HashMap<>();
  private final Set<Long> offerHolds = new HashSet<>();
  private final Map<Integer, Booking> booked = new HashMap<>();
  private final Set<Integer> cancelled = new HashSet<>();
  private final Set<Integer> settled = new HashSet<>();
  private final Map<String, Integer> bookedByWindow = new HashMap<>();
  private long now;

  private int holds;
  private int confirmed;
  private int holdsExpired;
  private int joined;
  private int offers;
  private int offersAccepted;
  private int offersExpired;
  private int cancellations;
  private int releasedAtOpening;
  private int leftUnserved;
  private int places;
  private int unused;

  /** The night of a run; {@link #attach} gives it the branch once built (it listens to the branch's events). */
  BookingNight(Scenario sc, ArrivalPlan plan, Schedule schedule) {
    this.sc = sc;
    this.plan = plan;
    this.slots = slots(sc, capacities(sc));
    this.schedule = schedule;
  }

  void attach(Branch built) {
    this.branch = built;
  }

  /** The base capacity per window of each service that books. */
  static Map<String, Integer> capacities(Scenario sc) {
    Map<String, Integer> capacity = new java.util.TreeMap<>();
    for (ServiceSpec s : sc.services()) {
      if (s.booking() != null) {
        capacity.put(s.code(), s.booking().capacityPerWindow());
      }
    }
    return capacity;
  }

  /** The branch's slot calendar for a scenario with a calendar: capacities, schedule, hold and offer times. */
  static SlotCalendar slots(Scenario sc) {
    return slots(sc, capacities(sc));
  }

  private static SlotCalendar slots(Scenario sc, Map<String, Integer> capacity) {
    SlotCalendar s = new SlotCalendar(Duration.ofMinutes(sc.windowMinutes()), capacity, 14);
    if (sc.calendar() == null) {
      return s;
    }
    return s.withSchedule(sc.calendar().capacity().toArray(new dev.talon.queue.CapacityRule[0]))
        .withHoldTime(minutes(sc.calendar().holdMinutes()))
        .withOfferTime(minutes(sc.calendar().offerMinutes()));
  }

  private static Duration minutes(double m) {
    return Duration.ofMillis(Math.round(m * 60_000));
  }

  /** Starts the night of {@code day}: its bookers (by id) one after another over its first half. */
  void start(int day, List<Integer> bookers) {
    long first = plan.midnight(day);
    long span = (plan.opensAt(day) - first) / 2;
    for (int k = 0; k < bookers.size(); k++) {
      schedule.at(first + span * k / bookers.size(), bookers.get(k), Step.HOLD);
    }
  }

  /** Performs a step of visitor {@code v} at sim time {@code at}. */
  void step(long at, int v, Step step) {
    now = at;
    if (step == Step.TICK) {
      branch.rotate(); // the engine releases what expired now, and offers its place to the next in line
      return;
    }
    if (settled.contains(v)) {
      return; // the night is over for this visitor: its day opened
    }
    Booker b = plan.visitors().get(v).booking();
    switch (step) {
      case HOLD -> hold(v, b);
      case CONFIRM -> confirm(v, holdOf.get(v), false);
      case ACCEPT -> confirm(v, holdOf.get(v), true);
      case CANCEL -> {
        branch.cancelBooking(booked.get(v).code());
        unbook(booked.remove(v));
        cancelled.add(v);
        cancellations++;
      }
      default -> throw new IllegalStateException("unknown step " + step);
    }
  }

  private void hold(int v, Booker b) {
    Visitor visitor = plan.visitors().get(v);
    String service = sc.services().get(visitor.service()).code();
    LocalDateTime wanted = plan.local(visitor.desiredAt());
    boolean first = true;
    for (LocalDateTime w : windows(wanted)) {
      try {
        Hold h = branch.hold(BookRequest.of(service, w));
        holds++;
        holdOf.put(v, h.id());
        tick(h.expiresAt());
        if (!b.abandons()) {
          schedule.at(now + b.formNanos(), v, Step.CONFIRM);
        }
        return;
      } catch (CapacityExceededException full) {
        if (first && b.joinsWaitlist()) {
          WaitlistEntry e = branch.joinWaitlist(BookRequest.of(service, w));
          joined++;
          entryOf.put(v, e.id());
          visitorOfEntry.put(e.id(), v);
          return; // waits for the window wanted rather than take a later one
        }
      } catch (OutOfHoursException closed) {
        // the next window, if any
      }
      first = false;
    }
  }

  /** The window starts of the wanted day from the wanted time on, within its opening ranges. */
  private List<LocalDateTime> windows(LocalDateTime wanted) {
    int w = sc.windowMinutes();
    LocalDate day = wanted.toLocalDate();
    int from = (wanted.getHour() * 60 + wanted.getMinute()) / w * w;
    java.util.ArrayList<LocalDateTime> out = new java.util.ArrayList<>();
    for (TimeRange r : sc.calendar().hours().rangesOn(day)) {
      int to = r.to().equals(LocalTime.MAX) ? 24 * 60 : ScenarioReader.minuteOfDay(r.to());
      int start = Math.max(from, (ScenarioReader.minuteOfDay(r.from()) + w - 1) / w * w);
      for (int m = start; m + w <= to; m += w) {
        out.add(day.atStartOfDay().plusMinutes(m));
      }
    }
    return out;
  }

  private void confirm(int v, long holdId, boolean offer) {
    Booking bk;
    try {
      bk = branch.confirm(holdId);
    } catch (UnknownBookingException | IllegalTransitionException lapsed) {
      return; // too slow: the engine released the hold at its expiry (counted from its event)
    }
    confirmed++;
    offersAccepted += offer ? 1 : 0;
    booked.put(v, bk);
    bookedByWindow.merge(bk.service() + "@" + bk.windowStart(), 1, Integer::sum);
    Booker b = plan.visitors().get(v).booking();
    if (b.cancels()) {
      long end = plan.opensAt(plan.visitors().get(v).day());
      schedule.at(now + Math.round((end - now) * b.cancelAt() * 0.9), v, Step.CANCEL);
    }
  }

  private void unbook(Booking bk) {
    bookedByWindow.merge(bk.service() + "@" + bk.windowStart(), -1, Integer::sum);
  }

  private void tick(java.time.Instant at) {
    schedule.at(java.time.Duration.between(plan.origin(), at).toNanos(), -1, Step.TICK);
  }

  @Override
  public void onEvents(String branchId, List<QueueEvent> events) {
    for (QueueEvent e : events) {
      if (e instanceof QueueEvent.PlaceOffered o) {
        Integer v = visitorOfEntry.remove(o.entryId());
        if (v == null) {
          continue;
        }
        offers++;
        offerHolds.add(o.holdId());
        entryOf.remove(v);
        holdOf.put(v, o.holdId());
        tick(o.expiresAt());
        Booker b = plan.visitors().get(v).booking();
        if (b.accepts()) {
          schedule.at(now + b.acceptNanos(), v, Step.ACCEPT);
        }
      } else if (e instanceof QueueEvent.HoldReleased r && r.expired()) {
        if (offerHolds.contains(r.holdId())) {
          offersExpired++;
        } else {
          holdsExpired++;
        }
      }
    }
  }

  /**
   * Ends the night of {@code day} at its first opening: the waiting list is left, holds and offers
   * still open are released, and the places left unused are counted.
   */
  void settle(int day, List<Integer> bookers) {
    for (int v : bookers) {
      Long entry = entryOf.remove(v);
      if (entry != null) {
        branch.leaveWaitlist(entry);
        visitorOfEntry.remove(entry);
        leftUnserved++;
      }
    }
    Set<Long> live = new HashSet<>();
    branch.liveHolds().forEach(h -> live.add(h.id()));
    for (int v : bookers) {
      settled.add(v);
      Long hold = holdOf.get(v);
      if (hold != null && !booked.containsKey(v) && live.contains(hold)) {
        branch.releaseHold(hold);
        releasedAtOpening++;
      }
    }
    LocalDate date = sc.date().plusDays(day);
    for (ServiceSpec s : sc.services()) {
      if (s.booking() == null) {
        continue;
      }
      for (LocalDateTime w : windows(date.atStartOfDay())) {
        int cap = slots.capacityAt(s.code(), w, List.of());
        places += cap;
        unused += Math.max(0, cap - bookedByWindow.getOrDefault(s.code() + "@" + w, 0));
      }
    }
  }

  /** The booker's fate after its night. */
  Fate fate(int v) {
    return booked.containsKey(v) ? Fate.BOOKED : cancelled.contains(v) ? Fate.CANCELLED : Fate.NO_PLACE;
  }

  /** The booking of a booked visitor. */
  Booking booking(int v) {
    return booked.get(v);
  }

  CalendarFigures figures() {
    return new CalendarFigures(holds, confirmed, holdsExpired, cancellations, joined, offers, offersAccepted,
        offersExpired, leftUnserved, releasedAtOpening, places, unused);
  }
}
