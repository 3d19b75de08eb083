package dev.talon.queue.internal;

import dev.talon.queue.AdmissionMode;
import dev.talon.queue.AdmissionRefusedException;
import dev.talon.queue.AffectedBookings;
import dev.talon.queue.BookRequest;
import dev.talon.queue.Booking;
import dev.talon.queue.BookingLimit;
import dev.talon.queue.BookingState;
import dev.talon.queue.CapacityExceededException;
import dev.talon.queue.CapacityRule;
import dev.talon.queue.Channel;
import dev.talon.queue.ChannelQuota;
import dev.talon.queue.Hold;
import dev.talon.queue.IllegalTransitionException;
import dev.talon.queue.InvalidRequestException;
import dev.talon.queue.OpeningCalendar;
import dev.talon.queue.OutOfHoursException;
import dev.talon.queue.QueueEvent;
import dev.talon.queue.QueueEvent.BookingCancelled;
import dev.talon.queue.QueueEvent.BookingMade;
import dev.talon.queue.QueueEvent.BookingRescheduled;
import dev.talon.queue.QueueEvent.CapacityChanged;
import dev.talon.queue.QueueEvent.CoolingEnded;
import dev.talon.queue.QueueEvent.HoldConfirmed;
import dev.talon.queue.QueueEvent.HoldReleased;
import dev.talon.queue.QueueEvent.HoursChanged;
import dev.talon.queue.QueueEvent.PlaceCooling;
import dev.talon.queue.QueueEvent.PlaceHeld;
import dev.talon.queue.QueueEvent.PlaceOffered;
import dev.talon.queue.TimeRange;
import dev.talon.queue.UnknownBookingException;
import dev.talon.queue.WaitlistEntry;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/*
 * The decisions of the booking calendar's operations (book, hold, confirm, release, reschedule,
 * change of hours, change of capacity, waiting lists, cool-downs), kept apart from Tx so that the
 * ticket operations stay as they are. Like Tx they read the core, validate, and then emit events
 * that Core.apply (through CalendarState) turns into state; a refusal throws before the first
 * event of the operation.
 *
 * One check of a window serves book, hold, reschedule and the moves of a change: the window must
 * be on a boundary, exist in real time (not in a daylight-saving gap), not have ended (nor start
 * within the minimum lead time), lie within the horizon and the opening hours of its date (as
 * changed at runtime), and have a free place: taken (bookings + holds + cool-downs) below its
 * capacity under the schedule and the runtime rules, and within the channel quota (see
 * ChannelQuota for the rule). A multi-window place asks this of its first window and, except for
 * lead time and horizon, of each following one; all must pass or nothing is taken. A reschedule
 * does not compete with itself: in windows it covers before and after the move its own place is
 * not counted.
 *
 * Cool-down. Cancelling a booking first serves the waiting lists (the offer pass runs inside the
 * cancellation, so a waiting visitor gets the freed place at once, as before); each freed window
 * that no offer took then cools down (PlaceCooling) when a cool-down is configured: the place
 * stays taken, in the booking's channel, until the clock's catch-up ends it (CoolingEnded). Its
 * end frees the place like any release, so a visitor who joined the waiting list meanwhile (the
 * window looked full) is offered it first; with nobody waiting it is free for anyone. Only a
 * visitor's cancellation cools: a hold let go or expired, a reschedule's old windows and the
 * bookings a change of hours or capacity displaces free their places at once.
 *
 * Per-person limit (SlotCalendar.personLimit) is checked here, by the writer, against the index
 * CalendarState keeps, so two requests of one person at once cannot both pass: hold, book, joining
 * a waiting list and the new date of a reschedule. Confirming a hold and accepting an offer move a
 * place that already counts, so they are not checked again.
 */
final class BookingOps {
  private BookingOps() {}

  // ---------------------------------------------------------------- the window check

  /**
   * Validates {@code count} consecutive windows of the service from {@code start} on for a new place
   * through {@code channel} and returns the first one's index. Places of the booking being moved
   * ({@code ownFirst}, {@code ownCount}; -1 and 0 for none) do not count against it.
   *
   * @throws CapacityExceededException when a window has no place; OutOfHoursException when one is not bookable
   */
  static long freeWindows(Tx t, int svc, String service, LocalDateTime start, int count, Channel channel,
      long ownFirst, int ownCount) {
    long w = bookableWindow(t, service, start);
    BranchCalendar cal = t.d.calendar;
    for (int k = 1; k < count; k++) {
      long next = w + k;
      LocalDateTime s = cal.windowStart(next);
      if (!cal.exists(next)) {
        throw new OutOfHoursException("window " + s + ", window " + (k + 1) + " of " + count + " from " + start
            + ", does not exist: the branch's clocks skip it (a daylight-saving change in " + cal.zone() + ")");
      }
      if (!t.d.cal.covers(s, s.plusMinutes(cal.windowMinutes()))) {
        throw new OutOfHoursException("window " + s + ", window " + (k + 1) + " of " + count + " from " + start
            + ", lies outside opening hours " + t.d.cal.openText(s.toLocalDate(), " or on a closed day "));
      }
    }
    for (int k = 0; k < count; k++) {
      long next = w + k;
      int self = next >= ownFirst && next < ownFirst + ownCount ? 1 : 0;
      requirePlace(t, next, svc, service, cal.windowStart(next), channel, self);
    }
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
    Duration lead = d.config.slots().minLeadTime();
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

  private static void requirePlace(Tx t, long w, int svc, String service, LocalDateTime start, Channel channel,
      int self) {
    int capacity = t.d.cal.capacityAt(t.d.config, service, start);
    if (capacity == 0) {
      throw new CapacityExceededException("service " + service + " takes no bookings in window " + start
          + ": its capacity there is 0");
    }
    String refusal = refusal(t.d, t.now, w, svc, service, start, channel, self);
    if (refusal != null) {
      throw new CapacityExceededException(refusal);
    }
  }

  private static boolean hasPlace(Core d, Instant now, long w, int svc, String service, LocalDateTime start,
      Channel channel) {
    return refusal(d, now, w, svc, service, start, channel, 0) == null;
  }

  /**
   * Why the window has no place for one more of the service through the channel, or null when it
   * has one ({@code self}: places of the request's own booking not to count).
   */
  private static String refusal(Core d, Instant now, long w, int svc, String service, LocalDateTime start,
      Channel channel, int self) {
    int capacity = d.cal.capacityAt(d.config, service, start);
    WindowBookings wb = d.windows.get(w);
    int taken = (wb == null ? 0 : wb.taken(svc)) - self;
    if (taken >= capacity) {
      return "window " + start + " of service " + service + " is full: " + taken + " of " + capacity
          + " places booked" + (!d.cal.cooling.isEmpty() ? ", held or cooling down" : d.cal.holds.isEmpty() ? ""
              : " or held");
    }
    ChannelQuota q = d.config.slots().quotaOf(service);
    if (q == null || released(d, q, w, now)) {
      return null;
    }
    int mine = q.reserved(channel, capacity);
    int usedMine = channel == null || wb == null ? 0 : wb.taken(svc, channel) - self;
    if (usedMine < mine) {
      return null;
    }
    int withinShares = 0;
    for (Channel c : Channel.values()) {
      int used = wb == null ? 0 : wb.taken(svc, c) - (c == channel ? self : 0);
      withinShares += Math.min(used, q.reserved(c, capacity));
    }
    int shared = capacity - q.reservedTotal(capacity);
    if (taken - withinShares < shared) {
      return null;
    }
    return "window " + start + " of service " + service + " has no place for "
        + (channel == null ? "requests without a channel, which have no reserved places,"
            : "channel " + channel + ": it has used its " + mine + " reserved places (" + usedMine + " taken through it)")
        + " and all " + shared + " shared places are taken"
        + (q.releaseBefore().isZero() ? "" : "; reserved places open to every channel "
            + q.releaseBefore().toMinutes() + " minutes before the window starts");
  }

  /** True from the quota's release lead time before the window on: its reservations have lapsed. */
  private static boolean released(Core d, ChannelQuota q, long w, Instant now) {
    return !q.releaseBefore().isZero() && !now.isBefore(d.calendar.startOf(w).minus(q.releaseBefore()));
  }

  private static void requireBookingMode(Core d) {
    if (d.mode == AdmissionMode.WALK_IN_ONLY) {
      throw walkInsOnly();
    }
  }

  /** As {@link #requireBookingMode(Core)} for a booking, whose refusal the metrics count. */
  private static void requireBookingMode(Tx t, String service) {
    if (t.d.mode == AdmissionMode.WALK_IN_ONLY) {
      throw t.refused("book", service, "admission-mode", walkInsOnly());
    }
  }

  private static AdmissionRefusedException walkInsOnly() {
    return new AdmissionRefusedException("admission-mode",
        "the branch admits walk-ins only; new bookings are not taken (mode WALK_IN_ONLY)");
  }

  /**
   * Refuses a new place of the person on {@code day} beyond the per-person limit; {@code except}
   * is the index key of a place being moved (not counted), -1 for none.
   */
  private static void requireWithinLimit(Tx t, String person, LocalDate day, long except) {
    BookingLimit limit = t.d.config.slots().personLimit();
    if (limit == null || person == null) {
      return;
    }
    int n = t.d.cal.placesNear(person, day);
    if (except >= 0) {
      java.util.TreeMap<Long, LocalDate> mine = t.d.cal.persons.get(person);
      LocalDate own = mine == null ? null : mine.get(except);
      if (own != null && Math.abs(own.toEpochDay() - day.toEpochDay()) < limit.days()) {
        n--;
      }
    }
    if (n >= limit.max()) {
      throw new AdmissionRefusedException("booking-limit", "the person already has " + n
          + " booking(s), hold(s) or waiting-list place(s) within " + limit.days() + " days of " + day
          + "; the limit is " + limit.max());
    }
  }

  // ---------------------------------------------------------------- book, hold, confirm

  static Booking book(Tx t, BookRequest r) {
    int svc = t.service(r.service());
    requireBookingMode(t, r.service());
    requireWithinLimit(t, r.personId(), r.windowStart().toLocalDate(), -1);
    long w = freeWindows(t, svc, r.service(), r.windowStart(), r.windows(), r.channel(), -1, 0);
    long id = t.d.nextBookingId;
    t.emit(new BookingMade(t.next(), t.now, id, BookingCodes.encode(id), r.service(), w, r.windowStart(),
        r.personId(), r.requestId(), r.windows(), r.channel()));
    return t.d.bookings.get(id);
  }

  static Hold hold(Tx t, BookRequest r) {
    int svc = t.service(r.service());
    requireBookingMode(t.d);
    requireWithinLimit(t, r.personId(), r.windowStart().toLocalDate(), -1);
    long w = freeWindows(t, svc, r.service(), r.windowStart(), r.windows(), r.channel(), -1, 0);
    long id = t.d.cal.nextHoldId;
    t.emit(new PlaceHeld(t.next(), t.now, id, r.service(), w, r.windowStart(), r.personId(),
        t.now.plus(t.d.config.slots().holdTime()), r.windows(), r.channel(), r.requestId()));
    return t.d.cal.holds.get(id);
  }

  static Booking confirm(Tx t, long holdId, String requestId) {
    Hold h = liveHold(t, holdId, "confirmed");
    long w = t.d.calendar.windowIndex(h.windowStart());
    if (!t.d.calendar.endOf(w).isAfter(t.now)) {
      throw new IllegalTransitionException("hold " + holdId + " cannot be confirmed: its window " + h.windowStart()
          + " has ended; release it");
    }
    long id = t.d.nextBookingId;
    t.emit(new HoldConfirmed(t.next(), t.now, holdId, id, requestId));
    t.emit(new BookingMade(t.next(), t.now, id, BookingCodes.encode(id), h.service(), w, h.windowStart(),
        h.personId(), null, h.windows(), h.channel()));
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

  // ---------------------------------------------------------------- cancel and cool-down

  static Booking cancel(Tx t, Booking b) {
    t.emit(new BookingCancelled(t.next(), t.now, b.id()));
    Duration cooldown = t.d.config.slots().cooldown();
    if (!cooldown.isZero()) {
      int from = t.events.size();
      offerFreed(t); // the waiting lists first: a visitor waiting gets the place without a cool-down
      BranchCalendar cal = t.d.calendar;
      long first = cal.windowIndex(b.windowStart());
      for (long w = first; w < first + b.windows(); w++) {
        if (cal.endOf(w).isAfter(t.now) && !offeredIn(t.events.subList(from, t.events.size()), b.service(), w)) {
          t.emit(new PlaceCooling(t.next(), t.now, t.d.cal.nextCoolingId, b.service(), w, cal.windowStart(w),
              b.channel(), t.now.plus(cooldown)));
        }
      }
    }
    return t.d.bookings.get(b.id());
  }

  private static boolean offeredIn(List<QueueEvent> events, String service, long window) {
    for (QueueEvent e : events) {
      if (e instanceof PlaceOffered o && o.window() == window && o.service().equals(service)) {
        return true;
      }
    }
    return false;
  }

  /** Ends every cool-down whose time is up, once each; the places they free go to the offer pass first. */
  static void endCooling(Tx t) {
    for (long id : t.d.cal.dueCooling(t.now)) {
      t.emit(new CoolingEnded(t.next(), t.now, id));
    }
  }

  // ---------------------------------------------------------------- reschedule

  static Booking reschedule(Tx t, String code, LocalDateTime to, String requestId) {
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
    requireWithinLimit(t, b.personId(), to.toLocalDate(), b.id() * 4 + CalendarState.BOOKING);
    long w = freeWindows(t, svc, b.service(), to, b.windows(), b.channel(), t.d.calendar.windowIndex(b.windowStart()),
        b.windows());
    t.emit(new BookingRescheduled(t.next(), t.now, b.id(), w, to, requestId));
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
    Displaced out = new Displaced();
    for (long w = first; w < end; w++) {
      LocalDateTime start = cal.windowStart(w);
      if (!cal.endOf(w).isAfter(t.now)
          || OpeningCalendar.covers(sorted, start, start.plusMinutes(cal.windowMinutes()))) {
        continue;
      }
      if (d.windows.containsKey(w)) {
        CalendarState.pendingIn(d, w, null).forEach(b -> out.bookings.put(b.id(), b));
        d.cal.coolingIn(null, start).forEach(x -> out.cooling.add(x.id()));
      }
      d.cal.holdsIn(cal, null, w).forEach(h -> out.holds.put(h.id(), h));
    }
    if (rule == AffectedBookings.REFUSE && (!out.bookings.isEmpty() || !out.holds.isEmpty())) {
      throw new IllegalTransitionException("the hours of " + day + " cannot change to " + sorted + ": "
          + out.bookings.size() + " bookings and " + out.holds.size() + " holds would lose their place (rule REFUSE)");
    }
    t.emit(new HoursChanged(t.next(), t.now, day, sorted));
    List<Booking> moved = displace(t, out, rule);
    dropUnservable(t);
    return moved;
  }

  /** Places a change displaces: cool-downs, holds and bookings, by id. */
  private static final class Displaced {
    final List<Long> cooling = new ArrayList<>();
    final TreeMap<Long, Hold> holds = new TreeMap<>();
    final TreeMap<Long, Booking> bookings = new TreeMap<>();

    /** How many of the chosen holds and bookings cover the window. */
    int covering(BranchCalendar cal, long w) {
      int n = 0;
      for (Hold h : holds.values()) {
        long f = cal.windowIndex(h.windowStart());
        n += f <= w && w < f + h.windows() ? 1 : 0;
      }
      for (Booking b : bookings.values()) {
        long f = cal.windowIndex(b.windowStart());
        n += f <= w && w < f + b.windows() ? 1 : 0;
      }
      return n;
    }
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
    Displaced out = new Displaced();
    int over = 0;
    for (var e : d.windows.tailMap(Math.max(d.window, 0L), true).entrySet()) {
      long w = e.getKey();
      LocalDateTime start = d.calendar.windowStart(w);
      if (!r.matches(r.service(), start) || !d.calendar.endOf(w).isAfter(t.now)) {
        continue;
      }
      int excess = e.getValue().taken(svc) - d.config.slots().capacityAt(r.service(), start, after)
          - out.covering(d.calendar, w);
      // cool-downs go first (they are nobody's), then holds (nobody has been promised them), then the newest bookings
      for (CalendarState.Cooling x : d.cal.coolingIn(r.service(), start)) {
        if (excess-- <= 0) {
          break;
        }
        out.cooling.add(x.id());
      }
      over += Math.max(0, excess);
      for (Hold h : d.cal.holdsIn(d.calendar, r.service(), w)) {
        if (excess <= 0) {
          break;
        }
        if (out.holds.putIfAbsent(h.id(), h) == null) {
          excess--;
        }
      }
      for (Booking b : CalendarState.pendingIn(d, w, r.service())) {
        if (excess <= 0) {
          break;
        }
        if (out.bookings.putIfAbsent(b.id(), b) == null) {
          excess--;
        }
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
    return displace(t, out, rule);
  }

  /** Ends the cool-downs, releases the holds, then cancels or moves the bookings (in id order), one event each. */
  private static List<Booking> displace(Tx t, Displaced out, AffectedBookings rule) {
    for (long id : out.cooling) {
      t.emit(new CoolingEnded(t.next(), t.now, id));
    }
    for (Hold h : out.holds.values()) {
      t.emit(new HoldReleased(t.next(), t.now, h.id(), false));
    }
    List<Booking> moved = new ArrayList<>();
    for (Booking b : out.bookings.values()) {
      long to = rule == AffectedBookings.MOVE ? nextFree(t, b) : -1;
      if (to >= 0) {
        t.emit(new BookingRescheduled(t.next(), t.now, b.id(), to, t.d.calendar.windowStart(to), null));
      } else {
        t.emit(new BookingCancelled(t.next(), t.now, b.id()));
      }
      moved.add(t.d.bookings.get(b.id()));
    }
    return moved;
  }

  /**
   * The first window after the booking's from which all its windows have a place for its service
   * and channel, within the horizon; -1 if none.
   */
  private static long nextFree(Tx t, Booking b) {
    Core d = t.d;
    BranchCalendar cal = d.calendar;
    int svc = d.config.indexOf(b.service());
    long own = cal.windowIndex(b.windowStart());
    long last = cal.firstWindowOf(d.day.plusDays(d.config.slots().bookingHorizonDays() + 1L));
    for (long w = Math.max(own + 1, d.window + 1); w < last; w++) {
      if (!cal.startOf(w).isBefore(t.now.plus(d.config.slots().minLeadTime())) && fits(t, w, b, svc, own)) {
        return w;
      }
    }
    return -1;
  }

  private static boolean fits(Tx t, long first, Booking b, int svc, long own) {
    Core d = t.d;
    BranchCalendar cal = d.calendar;
    for (long w = first; w < first + b.windows(); w++) {
      LocalDateTime start = cal.windowStart(w);
      int self = w >= own && w < own + b.windows() ? 1 : 0;
      if (!cal.exists(w) || !d.cal.covers(start, start.plusMinutes(cal.windowMinutes()))
          || d.cal.capacityAt(d.config, b.service(), start) == 0
          || refusal(d, t.now, w, svc, b.service(), start, b.channel(), self) != null) {
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------- waiting lists

  static WaitlistEntry joinWaitlist(Tx t, BookRequest r) {
    int svc = t.service(r.service());
    requireBookingMode(t.d);
    if (r.windows() != 1) {
      throw new InvalidRequestException("a waiting list is for one window; a request for " + r.windows()
          + " windows cannot wait (book or hold it when its windows are free)");
    }
    requireWithinLimit(t, r.personId(), r.windowStart().toLocalDate(), -1);
    long w = bookableWindow(t, r.service(), r.windowStart());
    if (hasPlace(t.d, t.now, w, svc, r.service(), r.windowStart(), r.channel())) {
      throw new InvalidRequestException("window " + r.windowStart() + " of service " + r.service()
          + " has a free place: book it instead of waiting");
    }
    long id = t.d.cal.nextEntryId;
    t.emit(new QueueEvent.WaitlistJoined(t.next(), t.now, id, r.service(), w, r.windowStart(), r.personId(),
        r.channel()));
    return t.d.cal.waiting.get(id);
  }

  static WaitlistEntry leaveWaitlist(Tx t, long entryId) {
    WaitlistEntry e = t.d.cal.waiting.get(entryId);
    if (e == null) {
      throw new UnknownBookingException("no visitor with entry id " + entryId + " waits at branch "
          + t.d.config.branchId() + " (they were offered a place, left, or never joined)");
    }
    t.emit(new QueueEvent.WaitlistLeft(t.next(), t.now, entryId, false));
    return e;
  }

  /** True if the entry's window has ended or is outside the opening hours (as changed). */
  private static boolean unservable(Tx t, WaitlistEntry e) {
    BranchCalendar cal = t.d.calendar;
    return !cal.endOf(cal.windowIndex(e.windowStart())).isAfter(t.now)
        || !t.d.cal.covers(e.windowStart(), e.windowStart().plusMinutes(cal.windowMinutes()));
  }

  /**
   * Visitors waiting for windows that ended or closed leave their lists (WaitlistLeft, expired): at
   * each window rotation (part of the clock's catch-up) and after a change of hours.
   */
  static void dropUnservable(Tx t) {
    for (WaitlistEntry e : List.copyOf(t.d.cal.waiting.values())) {
      if (unservable(t, e)) {
        t.emit(new QueueEvent.WaitlistLeft(t.next(), t.now, e.id(), true));
      }
    }
  }

  /**
   * After an operation that freed a place: offers each free place of a window to the first visitor
   * on its waiting list, in the order they joined (a place free for the visitor's channel).
   */
  static void offerFreed(Tx t) {
    Core d = t.d;
    d.cal.freed = false;
    if (d.cal.waiting.isEmpty()) {
      return;
    }
    BranchCalendar cal = d.calendar;
    for (WaitlistEntry e : List.copyOf(d.cal.waiting.values())) {
      long w = cal.windowIndex(e.windowStart());
      if (cal.endOf(w).isAfter(t.now) && !unservable(t, e)
          && hasPlace(d, t.now, w, d.config.indexOf(e.service()), e.service(), e.windowStart(), e.channel())) {
        t.emit(new PlaceOffered(t.next(), t.now, e.id(), d.cal.nextHoldId, e.service(), w, e.windowStart(),
            e.personId(), t.now.plus(d.config.slots().offerTime()), e.channel()));
      }
    }
    d.cal.freed = false; // the offers themselves free nothing
  }
}
