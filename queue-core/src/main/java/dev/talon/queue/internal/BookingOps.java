package dev.talon.queue.internal;

import dev.talon.queue.AdmissionMode;
import dev.talon.queue.AdmissionRefusedException;
import dev.talon.queue.AffectedBookings;
import dev.talon.queue.BookRequest;
import dev.talon.queue.Booking;
import dev.talon.queue.BookingState;
import dev.talon.queue.CapacityExceededException;
import dev.talon.queue.CapacityRule;
import dev.talon.queue.Hold;
import dev.talon.queue.IllegalTransitionException;
import dev.talon.queue.InvalidRequestException;
import dev.talon.queue.OpeningCalendar;
import dev.talon.queue.OutOfHoursException;
import dev.talon.queue.QueueEvent.BookingCancelled;
import dev.talon.queue.QueueEvent.BookingMade;
import dev.talon.queue.QueueEvent.BookingRescheduled;
import dev.talon.queue.QueueEvent.CapacityChanged;
import dev.talon.queue.QueueEvent.HoldConfirmed;
import dev.talon.queue.QueueEvent.HoldReleased;
import dev.talon.queue.QueueEvent.HoursChanged;
import dev.talon.queue.QueueEvent.PlaceHeld;
import dev.talon.queue.TimeRange;
import dev.talon.queue.UnknownBookingException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

/*
 * The decisions of the booking calendar's operations (hold, confirm, release, reschedule, change
 * of hours, change of capacity), kept apart from Tx so that the ticket operations stay as they
 * are. Like Tx they read the core, validate, and then emit events that Core.apply (through
 * CalendarState) turns into state; a refusal throws before the first event of the operation.
 *
 * One check of a window serves book, hold, reschedule and the moves of a change: the window must
 * be on a boundary, exist in real time (not in a daylight-saving gap), not have ended (nor start
 * within the minimum lead time), lie within
 * the horizon and the opening hours of its date (as changed at runtime), and have a free place:
 * taken (bookings + holds) below its capacity under the schedule and the runtime rules.
 */
final class BookingOps {
  private BookingOps() {}

  /**
   * Validates a window of the service for a new place and returns its index.
   *
   * @throws CapacityExceededException when it has no place; OutOfHoursException when it is not bookable
   */
  static long freeWindow(Tx t, int svc, String service, LocalDateTime start) {
    long w = bookableWindow(t, service, start);
    requirePlace(t.d, w, svc, service, start);
    return w;
  }

  private static long bookableWindow(Tx t, String service, LocalDateTime start) {
    Core d = t.d;
    if (d.cal.flatCapacity(d.config) && d.config.slots().capacityOf(service) == 0) {
      throw new CapacityExceededException("service " + service + " takes no bookings: its capacity per window is 0");
    }
    BranchCalendar cal = d.calendar;
    if (!cal.isBoundary(start)) {
      throw new InvalidRequestException("window start must be on a " + cal.windowMinutes()
          + "-minute boundary of the branch's local time, was " + start);
    }
    long w = cal.windowIndex(start);
    if (!cal.exists(w)) {
      throw new OutOfHoursException("window " + start + " does not exist: the branch's clocks skip it on "
          + start.toLocalDate() + " (a daylight-saving change in " + cal.zone() + ")");
    }
    LocalDateTime end = start.plusMinutes(cal.windowMinutes());
    if (!cal.endOf(w).isAfter(t.now)) {
      throw new OutOfHoursException("window " + start + " has already ended (branch time is " + cal.local(t.now) + ")");
    }
    java.time.Duration lead = d.config.slots().minLeadTime();
    if (!lead.isZero() && cal.startOf(w).isBefore(t.now.plus(lead))) {
      throw new OutOfHoursException("window " + start + " is too soon: bookings close " + lead.toMinutes()
          + " minutes before a window starts (branch time is " + cal.local(t.now) + ")");
    }
    LocalDate last = d.day.plusDays(d.config.slots().bookingHorizonDays());
    if (start.toLocalDate().isAfter(last)) {
      throw new OutOfHoursException("window " + start + " lies beyond the booking horizon of "
          + d.config.slots().bookingHorizonDays() + " days (last bookable day " + last + ")");
    }
    if (!d.cal.covers(start, end)) {
      throw new OutOfHoursException("window " + start + "–" + end.toLocalTime() + " lies outside opening hours "
          + d.cal.openText(start.toLocalDate(), " or on a closed day "));
    }
    return w;
  }

  private static void requirePlace(Core d, long w, int svc, String service, LocalDateTime start) {
    int capacity = d.cal.capacityAt(d.config, service, start);
    if (capacity == 0) {
      throw new CapacityExceededException("service " + service + " takes no bookings in window " + start
          + ": its capacity there is 0");
    }
    WindowBookings wb = d.windows.get(w);
    int taken = wb == null ? 0 : wb.taken(svc);
    if (taken >= capacity) {
      throw new CapacityExceededException("window " + start + " of service " + service + " is full: "
          + taken + " of " + capacity + " places booked" + (d.cal.holds.isEmpty() ? "" : " or held"));
    }
  }

  private static boolean hasPlace(Core d, long w, int svc, String service, LocalDateTime start) {
    WindowBookings wb = d.windows.get(w);
    return (wb == null ? 0 : wb.taken(svc)) < d.cal.capacityAt(d.config, service, start);
  }

  private static void requireBookingMode(Core d) {
    if (d.mode == AdmissionMode.WALK_IN_ONLY) {
      throw new AdmissionRefusedException("admission-mode",
          "the branch admits walk-ins only; new bookings are not taken (mode WALK_IN_ONLY)");
    }
  }

  // ---------------------------------------------------------------- holds

  static Hold hold(Tx t, BookRequest r) {
    int svc = t.service(r.service());
    requireBookingMode(t.d);
    long w = freeWindow(t, svc, r.service(), r.windowStart());
    long id = t.d.cal.nextHoldId;
    t.emit(new PlaceHeld(t.next(), t.now, id, r.service(), w, r.windowStart(), r.personId(),
        t.now.plus(t.d.config.slots().holdTime())));
    return t.d.cal.holds.get(id);
  }

  static Booking confirm(Tx t, long holdId) {
    Hold h = liveHold(t, holdId, "confirmed");
    long w = t.d.calendar.windowIndex(h.windowStart());
    if (!t.d.calendar.endOf(w).isAfter(t.now)) {
      throw new IllegalTransitionException("hold " + holdId + " cannot be confirmed: its window " + h.windowStart()
          + " has ended; release it");
    }
    long id = t.d.nextBookingId;
    t.emit(new HoldConfirmed(t.next(), t.now, holdId, id));
    t.emit(new BookingMade(t.next(), t.now, id, BookingCodes.encode(id), h.service(), w, h.windowStart(),
        h.personId(), null));
    return t.d.bookings.get(id);
  }

  static Hold release(Tx t, long holdId) {
    Hold h = liveHold(t, holdId, "released");
    t.emit(new HoldReleased(t.next(), t.now, holdId, false));
    return h;
  }

  private static Hold liveHold(Tx t, long holdId, String action) {
    Hold h = t.d.cal.holds.get(holdId);
    if (h == null) {
      throw new UnknownBookingException("no hold with id " + holdId + " is live at branch " + t.d.config.branchId()
          + " to be " + action + (holdId > 0 && holdId < t.d.cal.nextHoldId
              ? " (it was confirmed, released or expired)" : " (no hold ever had that id)"));
    }
    return h;
  }

  /** Releases every hold whose time is up, once each (the hold leaves the live set as it is released). */
  static void expireHolds(Tx t) {
    for (long id : t.d.cal.dueHolds(t.now)) {
      t.emit(new HoldReleased(t.next(), t.now, id, true));
    }
  }

  // ---------------------------------------------------------------- reschedule

  static Booking reschedule(Tx t, String code, LocalDateTime to) {
    Booking b = t.booking(code);
    if (b.state() != BookingState.BOOKED) {
      throw new IllegalTransitionException("booking " + b.code() + " cannot be rescheduled: it is " + b.state()
          + " (only BOOKED can move)");
    }
    if (to == null) {
      throw new InvalidRequestException("the new window start must not be null");
    }
    if (to.equals(b.windowStart())) {
      throw new InvalidRequestException("booking " + b.code() + " is already in window " + to);
    }
    int svc = t.service(b.service());
    long w = freeWindow(t, svc, b.service(), to);
    t.emit(new BookingRescheduled(t.next(), t.now, b.id(), w, to));
    return t.d.bookings.get(b.id());
  }

  // ---------------------------------------------------------------- runtime changes

  /** Changes the hours of a date; returns the bookings affected, as they are afterwards. */
  static List<Booking> changeHours(Tx t, LocalDate day, List<TimeRange> ranges, AffectedBookings rule) {
    if (day == null || rule == null) {
      throw new InvalidRequestException("a change of hours needs a date and a rule for affected bookings, was "
          + day + " and " + rule);
    }
    List<TimeRange> sorted;
    try {
      sorted = OpeningCalendar.checked(day.toString(), ranges);
    } catch (RuntimeException e) {
      throw new InvalidRequestException(e.getMessage());
    }
    Core d = t.d;
    if (day.isBefore(d.day)) {
      throw new InvalidRequestException("the hours of " + day + " cannot change: the day has passed (branch day is "
          + d.day + ")");
    }
    BranchCalendar cal = d.calendar;
    long first = Math.max(cal.firstWindowOf(day), d.window);
    long end = cal.firstWindowOf(day.plusDays(1));
    List<Booking> bookings = new ArrayList<>();
    List<Hold> holds = new ArrayList<>();
    for (long w = first; w < end; w++) {
      LocalDateTime start = cal.windowStart(w);
      if (!cal.endOf(w).isAfter(t.now)
          || OpeningCalendar.covers(sorted, start, start.plusMinutes(cal.windowMinutes()))) {
        continue;
      }
      if (d.windows.containsKey(w)) {
        bookings.addAll(CalendarState.pendingIn(d, w, null));
      }
      for (Hold h : d.cal.holds.values()) {
        if (h.windowStart().equals(start)) {
          holds.add(h);
        }
      }
    }
    if (rule == AffectedBookings.REFUSE && (!bookings.isEmpty() || !holds.isEmpty())) {
      throw new IllegalTransitionException("the hours of " + day + " cannot change to " + sorted + ": "
          + bookings.size() + " bookings and " + holds.size() + " holds would lose their place (rule REFUSE)");
    }
    t.emit(new HoursChanged(t.next(), t.now, day, sorted));
    List<Booking> out = displace(t, bookings, holds, rule);
    dropUnservable(t);
    return out;
  }

  /** Adds a capacity rule; returns the bookings affected, as they are afterwards. */
  static List<Booking> changeCapacity(Tx t, CapacityRule r, AffectedBookings rule) {
    if (r == null || rule == null) {
      throw new InvalidRequestException("a change of capacity needs a rule and a rule for affected bookings, was "
          + r + " and " + rule);
    }
    int svc = t.service(r.service());
    Core d = t.d;
    List<CapacityRule> after = new ArrayList<>(d.cal.rules);
    after.add(r);
    List<Booking> bookings = new ArrayList<>();
    List<Hold> holds = new ArrayList<>();
    int over = 0;
    for (var e : d.windows.tailMap(Math.max(d.window, 0L), true).entrySet()) {
      long w = e.getKey();
      LocalDateTime start = d.calendar.windowStart(w);
      if (!r.matches(r.service(), start) || !d.calendar.endOf(w).isAfter(t.now)) {
        continue;
      }
      int excess = e.getValue().taken(svc) - d.config.slots().capacityAt(r.service(), start, after);
      over += Math.max(0, excess);
      // holds go first (nobody has been promised them), then the newest bookings
      for (Hold h : d.cal.holdsIn(r.service(), start)) {
        if (excess-- <= 0) {
          break;
        }
        holds.add(h);
      }
      for (Booking b : CalendarState.pendingIn(d, w, r.service())) {
        if (excess-- <= 0) {
          break;
        }
        bookings.add(b);
      }
      if (excess > 0 && rule != AffectedBookings.REFUSE) {
        throw new CapacityExceededException("capacity of " + r.service() + " cannot go down to " + r.places()
            + " in window " + start + ": more visitors than that have checked in already");
      }
    }
    if (rule == AffectedBookings.REFUSE && over > 0) {
      throw new CapacityExceededException("capacity of " + r.service() + " cannot go down to " + r.places()
          + " in " + r.hours() + ": " + over + " places booked or held would be over it (rule REFUSE)");
    }
    t.emit(new CapacityChanged(t.next(), t.now, r));
    return displace(t, bookings, holds, rule);
  }

  /** Releases the holds, then cancels or moves the bookings (in id order), one event each. */
  private static List<Booking> displace(Tx t, List<Booking> bookings, List<Hold> holds, AffectedBookings rule) {
    holds.sort((a, b) -> Long.compare(a.id(), b.id()));
    for (Hold h : holds) {
      t.emit(new HoldReleased(t.next(), t.now, h.id(), false));
    }
    bookings.sort((a, b) -> Long.compare(a.id(), b.id()));
    List<Booking> out = new ArrayList<>();
    for (Booking b : bookings) {
      long to = rule == AffectedBookings.MOVE ? nextFree(t, b) : -1;
      if (to >= 0) {
        t.emit(new BookingRescheduled(t.next(), t.now, b.id(), to, t.d.calendar.windowStart(to)));
      } else {
        t.emit(new BookingCancelled(t.next(), t.now, b.id()));
      }
      out.add(t.d.bookings.get(b.id()));
    }
    return out;
  }

  /** The first window after the booking's with a place for its service, within the horizon; -1 if none. */
  private static long nextFree(Tx t, Booking b) {
    Core d = t.d;
    BranchCalendar cal = d.calendar;
    int svc = d.config.indexOf(b.service());
    long last = cal.firstWindowOf(d.day.plusDays(d.config.slots().bookingHorizonDays() + 1L));
    for (long w = Math.max(cal.windowIndex(b.windowStart()) + 1, d.window + 1); w < last; w++) {
      LocalDateTime start = cal.windowStart(w);
      if (cal.exists(w) && d.cal.covers(start, start.plusMinutes(cal.windowMinutes()))
          && !cal.startOf(w).isBefore(t.now.plus(d.config.slots().minLeadTime()))
          && hasPlace(d, w, svc, b.service(), start)) {
        return w;
      }
    }
    return -1;
  }

  // ---------------------------------------------------------------- waiting lists

  static dev.talon.queue.WaitlistEntry joinWaitlist(Tx t, BookRequest r) {
    int svc = t.service(r.service());
    requireBookingMode(t.d);
    long w = bookableWindow(t, r.service(), r.windowStart());
    if (hasPlace(t.d, w, svc, r.service(), r.windowStart())) {
      throw new InvalidRequestException("window " + r.windowStart() + " of service " + r.service()
          + " has a free place: book it instead of waiting");
    }
    long id = t.d.cal.nextEntryId;
    t.emit(new dev.talon.queue.QueueEvent.WaitlistJoined(t.next(), t.now, id, r.service(), w, r.windowStart(),
        r.personId()));
    return t.d.cal.waiting.get(id);
  }

  static dev.talon.queue.WaitlistEntry leaveWaitlist(Tx t, long entryId) {
    dev.talon.queue.WaitlistEntry e = t.d.cal.waiting.get(entryId);
    if (e == null) {
      throw new UnknownBookingException("no visitor with entry id " + entryId + " waits at branch "
          + t.d.config.branchId() + " (they were offered a place, left, or never joined)");
    }
    t.emit(new dev.talon.queue.QueueEvent.WaitlistLeft(t.next(), t.now, entryId, false));
    return e;
  }

  /** True if the entry's window has ended or is outside the opening hours (as changed). */
  private static boolean unservable(Tx t, dev.talon.queue.WaitlistEntry e) {
    BranchCalendar cal = t.d.calendar;
    return !cal.endOf(cal.windowIndex(e.windowStart())).isAfter(t.now)
        || !t.d.cal.covers(e.windowStart(), e.windowStart().plusMinutes(cal.windowMinutes()));
  }

  /**
   * Visitors waiting for windows that ended or closed leave their lists (WaitlistLeft, expired): at
   * each window rotation (part of the clock's catch-up) and after a change of hours.
   */
  static void dropUnservable(Tx t) {
    for (dev.talon.queue.WaitlistEntry e : List.copyOf(t.d.cal.waiting.values())) {
      if (unservable(t, e)) {
        t.emit(new dev.talon.queue.QueueEvent.WaitlistLeft(t.next(), t.now, e.id(), true));
      }
    }
  }

  /**
   * After an operation that freed a place: offers each free place of a window to the first visitor
   * on its waiting list, in the order they joined.
   */
  static void offerFreed(Tx t) {
    Core d = t.d;
    d.cal.freed = false;
    if (d.cal.waiting.isEmpty()) {
      return;
    }
    BranchCalendar cal = d.calendar;
    for (dev.talon.queue.WaitlistEntry e : List.copyOf(d.cal.waiting.values())) {
      long w = cal.windowIndex(e.windowStart());
      if (cal.endOf(w).isAfter(t.now) && !unservable(t, e)
          && hasPlace(d, w, d.config.indexOf(e.service()), e.service(), e.windowStart())) {
        t.emit(new dev.talon.queue.QueueEvent.PlaceOffered(t.next(), t.now, e.id(), d.cal.nextHoldId, e.service(), w,
            e.windowStart(), e.personId(), t.now.plus(d.config.slots().offerTime())));
      }
    }
    d.cal.freed = false; // the offers themselves free nothing
  }
}
