package dev.talon.queue.testkit;

import dev.talon.queue.AdmissionMode;
import dev.talon.queue.Booking;
import dev.talon.queue.Desk;
import dev.talon.queue.DeskState;
import dev.talon.queue.Origin;
import dev.talon.queue.PostponeReturn;
import dev.talon.queue.QueueEvent.DeskStateChanged;
import dev.talon.queue.QueueEvent.TicketPostponed;
import dev.talon.queue.QueueEvent.TicketResumed;
import dev.talon.queue.QueueEvent.TicketTransferred;
import dev.talon.queue.BookingState;
import dev.talon.queue.Branch;
import dev.talon.queue.Limits;
import dev.talon.queue.QueueEvent;
import dev.talon.queue.QueueEvent.AdmissionModeChanged;
import dev.talon.queue.QueueEvent.BookingCancelled;
import dev.talon.queue.QueueEvent.BookingCheckedIn;
import dev.talon.queue.QueueEvent.BookingExpired;
import dev.talon.queue.QueueEvent.BookingMade;
import dev.talon.queue.QueueEvent.CallReturned;
import dev.talon.queue.QueueEvent.DayStarted;
import dev.talon.queue.QueueEvent.ServiceFinished;
import dev.talon.queue.QueueEvent.ServiceStarted;
import dev.talon.queue.QueueEvent.TicketCalled;
import dev.talon.queue.QueueEvent.TicketCancelled;
import dev.talon.queue.QueueEvent.TicketIssued;
import dev.talon.queue.QueueEvent.TicketNoShow;
import dev.talon.queue.QueueEvent.TicketRecalled;
import dev.talon.queue.QueueEvent.WindowRotated;
import dev.talon.queue.SlotCalendar;
import dev.talon.queue.Ticket;
import dev.talon.queue.TicketState;
import dev.talon.queue.spi.EventStore;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/*
 * Checks DESIGN.md's invariants on any branch from its event log, independently of the engine's
 * own state: it rebuilds every ticket's and booking's state machine from the events, and then
 * compares the result with what the branch shows.
 *
 *  1 Conservation: every event is a legal transition of its ticket (a policy call finds the
 *    ticket WAITING, a walk-direct call WAITING or POSTPONED, so no ticket is called twice by two
 *    desks); every call comes from a desk that is OPEN (as the DeskStateChanged events leave it)
 *    and serves the ticket's service; a transferred ticket is terminal and the very next event
 *    issues its child (the announced id, the target service, origin TRANSFERRED, parentId, the
 *    parent's join order or a new one, returnTo null, the parent's service or the parent's own
 *    returnTo); finishing a ticket with a returnTo is followed at once by the child in that service
 *    at the parent's join order; desk events change state or reason and a pause carries a reason;
 *    every issued ticket shows exactly the state the log gives it; no ticket exists that no event
 *    issued; the waiting lists hold exactly the WAITING tickets; desks show their logged state.
 *  2 Unique numbers: per service and branch-local day (the local date of the issue time in the
 *    branch's zone), numbers and board displays never repeat (transfer children included).
 *  3 FIFO within a line: each line is rebuilt from the log, ordered by join order (issue, a
 *    handed-back call and a resume insert a ticket after every ticket with an equal or lower join
 *    order; a call, a cancel and a postponement remove it). Join orders are either kept (a transfer
 *    keeping its place, a return after finishing, a resume under KEEP_PLACE) or newer than every
 *    earlier one; a resume goes to the line Limits.postponeReturn names. A policy call
 *    (direct=false) takes the first ticket of its line that is not within the recall cool-down
 *    (called less than recallCooldown before): every ticket ahead of it must be cooling down, and
 *    it must not be. A walk-direct call (direct=true) may take any ticket of its line, or a
 *    postponed one. The branch's waiting lists and positions show the rebuilt order.
 *  4 Capacity: places taken per (window, service) never exceed the capacity; cancel and expiry
 *    release a place, check-in keeps it.
 *  6 Rotation: days and windows advance and contain their event's time; a booking checks in no
 *    earlier than its check-in opens and before it expires; an expiry comes at or after window end
 *    + grace, exactly once, in the catch-up of the first operation at or after that instant (only
 *    day/window/expiry events of the same instant may precede it); a booking still BOOKED has no
 *    event at or after its deadline. A timed postponement returns no later than the first
 *    operation at or after its end: no event other than catch-up events and returns of the same
 *    instant may come at or after the end while the ticket is still postponed.
 *  Replay: a branch reopened from a copy of the events shows an equal Snapshot.
 */
/** The invariants of DESIGN.md, checked on a branch and its events. */
public final class InvariantChecker {
  private final SlotCalendar slots;
  private final Limits limits;
  private final Map<String, Desk> desks;

  public InvariantChecker(SlotCalendar slots, Limits limits) {
    this(slots, limits, List.of());
  }

  /** With the branch's desks, calls are also checked to come from a desk that serves the ticket's service. */
  public InvariantChecker(SlotCalendar slots, Limits limits, List<Desk> desks) {
    this.slots = slots;
    this.limits = limits;
    this.desks = new HashMap<>();
    desks.forEach(d -> this.desks.put(d.id(), d));
  }

  /** Throws an {@link AssertionError} listing every violation found. */
  public void check(Branch branch, List<QueueEvent> events) {
    List<String> v = new Run(branch.zone()).replay(events).compare(branch);
    if (!v.isEmpty()) {
      throw new AssertionError("invariants violated on branch " + branch.id() + ":\n  "
          + String.join("\n  ", v.subList(0, Math.min(v.size(), 12))));
    }
  }

  /** Reopens the branch from a copy of its events with {@code reopen} and compares the snapshots. */
  public static void checkReplay(Branch live, List<QueueEvent> events, Function<EventStore, Branch> reopen) {
    EventStore copy = EventStore.inMemory(null);
    if (!events.isEmpty()) {
      copy.append(live.id(), 0, events);
    }
    try (Branch again = reopen.apply(copy)) {
      String diff = Snapshot.of(live, events).diff(Snapshot.of(again, events));
      if (diff != null) {
        throw new AssertionError("the branch reopened from its " + events.size() + " events differs (live vs reopened):\n"
            + diff);
      }
    }
  }

  private static boolean isCatchUp(QueueEvent e) {
    return e instanceof DayStarted || e instanceof WindowRotated || e instanceof BookingExpired;
  }

  /** The catch-up events, including the return of timed postponements (which come after expiries). */
  private static boolean isCatchUpOrReturn(QueueEvent e) {
    return isCatchUp(e) || e instanceof TicketResumed;
  }

  /**
   * The ticket that must be issued next: the child of a transfer (its id known, joining at the
   * parent's order or a new one) or of a finish with a return (back to {@code service} at the
   * parent's order).
   */
  private record Child(long ticketId, String service, long parentId, long keptJoin, boolean back) {}

  /** One pass over the log. */
  private final class Run {
    final ZoneId zone;
    final List<String> v = new ArrayList<>();
    final Map<Long, TicketState> state = new TreeMap<>();
    /** The branch-local day of the last DayStarted event. */
    LocalDate today;
    final Map<Long, String> desk = new HashMap<>();
    final Map<Long, TicketIssued> issued = new HashMap<>();
    /** Each ticket's current line class and join order (a resume may change both). */
    final Map<Long, String> lineOf = new HashMap<>();
    final Map<Long, Long> joinOf = new HashMap<>();
    /** When each ticket was last called (by the policy or by name; a recall does not count). */
    final Map<Long, Instant> calledAt = new HashMap<>();
    /** The end of each timed postponement in force. */
    final Map<Long, Instant> postponedUntil = new TreeMap<>();
    final Map<String, DeskStateChanged> deskState = new HashMap<>();
    long maxJoin;
    /** The ticket a transfer or a finish with a return must issue in the very next event; null when none. */
    Child expectedChild;
    final Map<String, TreeMap<String, Deque<Long>>> lines = new TreeMap<>();
    final Map<Long, BookingMade> made = new TreeMap<>();
    final Map<Long, BookingState> bookingState = new HashMap<>();
    final Map<Long, Integer> leftAt = new HashMap<>();
    final Map<String, Integer> taken = new HashMap<>();
    final Set<String> numbers = new HashSet<>();
    AdmissionMode mode;
    List<QueueEvent> log;

    Run(ZoneId zone) {
      this.zone = zone;
    }

    LocalDateTime local(Instant at) {
      return LocalDateTime.ofInstant(at, zone);
    }

    Instant startsAt(BookingMade m) {
      return m.windowStart().atZone(zone).toInstant();
    }

    Instant deadline(BookingMade m) {
      return m.windowStart().plus(slots.windowLength()).atZone(zone).toInstant().plus(limits.bookingGrace());
    }

    Deque<Long> line(String service, String cls) {
      return lines.computeIfAbsent(service, k -> new TreeMap<>()).computeIfAbsent(cls, k -> new ArrayDeque<>());
    }

    Deque<Long> lineOf(long ticket) {
      return line(issued.get(ticket).service(), lineOf.get(ticket));
    }

    /** A waiting ticket takes the place its join order gives it in its line (after equal ones). */
    void join(long ticket) {
      Deque<Long> line = lineOf(ticket);
      List<Long> ordered = new ArrayList<>(line);
      int at = ordered.size();
      while (at > 0 && joinOf.get(ordered.get(at - 1)) > joinOf.get(ticket)) {
        at--;
      }
      ordered.add(at, ticket);
      line.clear();
      line.addAll(ordered);
    }

    /** A join order that is not a kept one must be newer than every one before it. */
    void newJoin(long join, long kept, QueueEvent e) {
      if (join != kept && join <= maxJoin) {
        v.add("[3 fifo] event " + e.seq() + " joins at order " + join + ", neither the kept " + kept
            + " nor after the newest " + maxJoin + ": " + e);
      }
      maxJoin = Math.max(maxJoin, join);
    }

    boolean inCooldown(long ticket, Instant at) {
      Instant last = calledAt.get(ticket);
      return last != null && at.isBefore(last.plus(limits.recallCooldown()));
    }

    void called(TicketCalled c) {
      TicketIssued t = issued.get(c.ticketId());
      DeskStateChanged ds = deskState.get(c.desk());
      if (ds != null && ds.state() != DeskState.OPEN) {
        v.add("[1 conservation] desk " + c.desk() + " is " + ds.state() + " but called ticket " + c.ticketId()
            + " at event " + c.seq());
      }
      Desk d = desks.get(c.desk());
      if (t != null && d != null && !d.serves(t.service())) {
        v.add("[1 conservation] desk " + c.desk() + " does not serve " + t.service() + " but called ticket "
            + t.display() + " at event " + c.seq());
      }
      TicketState was = state.get(c.ticketId());
      boolean moved = c.direct()
          ? move(c.ticketId(), c, TicketState.CALLED, TicketState.WAITING, TicketState.POSTPONED)
          : move(c.ticketId(), c, TicketState.CALLED, TicketState.WAITING);
      if (!moved) {
        if (was == TicketState.CALLED) {
          v.add("[1 conservation] ticket " + c.ticketId() + " called by desk " + c.desk()
              + " while desk " + desk.get(c.ticketId()) + " had it");
        }
        return;
      }
      if (!lineOf.get(c.ticketId()).equals(c.line())) {
        v.add("[3 fifo] ticket " + t.display() + " of line " + lineOf.get(c.ticketId()) + " was called from line "
            + c.line());
      }
      if (was == TicketState.WAITING) {
        Deque<Long> line = lineOf(c.ticketId());
        if (!c.direct()) {
          // a policy call takes the first ticket of the line that is not within its recall cool-down
          for (long ahead : line) {
            if (ahead == c.ticketId()) {
              break;
            }
            if (!inCooldown(ahead, c.at())) {
              v.add("[3 fifo] event " + c.seq() + " calls ticket " + c.ticketId() + " but the head of line "
                  + t.service() + "/" + c.line() + " is " + ahead + " (line " + line + "; not within a recall cool-down)");
              break;
            }
          }
          if (inCooldown(c.ticketId(), c.at())) {
            v.add("[3 fifo] event " + c.seq() + " calls ticket " + c.ticketId() + " within its recall cool-down");
          }
        }
        line.remove(c.ticketId());
      }
      postponedUntil.remove(c.ticketId());
      calledAt.put(c.ticketId(), c.at());
      desk.put(c.ticketId(), c.desk());
    }

    boolean move(long ticket, QueueEvent e, TicketState to, TicketState... from) {
      TicketState now = state.get(ticket);
      if (now == null) {
        v.add("event " + e.seq() + " names ticket " + ticket + " that was never issued: " + e);
        return false;
      }
      for (TicketState f : from) {
        if (now == f) {
          state.put(ticket, to);
          return true;
        }
      }
      v.add("[1 conservation] event " + e.seq() + " moves ticket " + ticket + " from " + now + " to " + to
          + " (allowed only from " + List.of(from) + "): " + e);
      return false;
    }

    boolean leave(long booking, QueueEvent e, BookingState to, boolean release, int index) {
      BookingMade m = made.get(booking);
      if (m == null || bookingState.get(booking) != BookingState.BOOKED) {
        v.add("[6 rotation] event " + e.seq() + " moves booking " + booking + " to " + to + " but it is "
            + (m == null ? "unknown" : bookingState.get(booking)) + ": " + e);
        return false;
      }
      bookingState.put(booking, to);
      leftAt.put(booking, index);
      if (release) {
        taken.merge(m.window() + "/" + m.service(), -1, Integer::sum);
      }
      return true;
    }

    Run replay(List<QueueEvent> events) {
      this.log = events;
      Instant lastAt = null;
      LocalDate day = null;
      long window = Long.MIN_VALUE;
      for (int i = 0; i < events.size(); i++) {
        QueueEvent e = events.get(i);
        if (e.seq() != i + 1) {
          v.add("events are not numbered 1, 2, 3...: position " + (i + 1) + " holds seq " + e.seq());
        }
        if (lastAt != null && e.at().isBefore(lastAt)) {
          v.add("event " + e.seq() + " at " + e.at() + " is earlier than the event before it at " + lastAt);
        }
        lastAt = e.at();
        if (expectedChild != null && !(e instanceof TicketIssued)) {
          v.add("[1 conservation] event " + e.seq() + " should issue ticket " + expectedChild.ticketId()
              + " for ticket " + expectedChild.parentId() + " but is " + e);
          expectedChild = null;
        }
        if (!isCatchUpOrReturn(e)) {
          for (Map.Entry<Long, Instant> p : postponedUntil.entrySet()) {
            if (!p.getValue().isAfter(e.at())) {
              v.add("[6 rotation] ticket " + p.getKey() + " postponed until " + local(p.getValue())
                  + " had not returned by event " + e.seq() + " at " + local(e.at()));
            }
          }
        }
        if (e instanceof DayStarted d) {
          if (!d.day().equals(local(d.at()).toLocalDate())) {
            v.add("[2 numbers] day " + d.day() + " started at " + local(d.at()) + " branch time");
          }
          if (day != null && !d.day().isAfter(day)) {
            v.add("[2 numbers] day " + d.day() + " started again after " + day);
          }
          day = d.day();
          today = day;
        } else if (e instanceof WindowRotated w) {
          LocalDateTime at = local(w.at());
          if (w.window() <= window) {
            v.add("[6 rotation] window " + w.window() + " rotated in after window " + window);
          }
          if (at.isBefore(w.windowStart()) || !at.isBefore(w.windowStart().plus(slots.windowLength()))) {
            v.add("[6 rotation] window starting " + w.windowStart() + " rotated in at " + at + " branch time");
          }
          window = w.window();
        } else if (e instanceof TicketIssued t) {
          issue(t, day);
        } else if (e instanceof TicketCalled c) {
          called(c);
        } else if (e instanceof TicketRecalled r) {
          if (move(r.ticketId(), e, TicketState.CALLED, TicketState.CALLED) && !r.desk().equals(desk.get(r.ticketId()))) {
            v.add("[1 conservation] desk " + r.desk() + " recalled ticket " + r.ticketId() + " that desk "
                + desk.get(r.ticketId()) + " called");
          }
        } else if (e instanceof CallReturned r) {
          if (move(r.ticketId(), e, TicketState.WAITING, TicketState.CALLED)) {
            join(r.ticketId()); // back to the place its join order gives it
            desk.remove(r.ticketId());
          }
        } else if (e instanceof ServiceStarted s) {
          move(s.ticketId(), e, TicketState.SERVING, TicketState.CALLED);
        } else if (e instanceof ServiceFinished f) {
          TicketIssued t = issued.get(f.ticketId());
          if (move(f.ticketId(), e, TicketState.DONE, TicketState.SERVING) && t.returnTo() != null) {
            // a multi-step visit goes back to its first service, keeping its place
            expectedChild = new Child(0, t.returnTo(), f.ticketId(), joinOf.get(f.ticketId()), true);
          }
        } else if (e instanceof TicketNoShow n) {
          move(n.ticketId(), e, TicketState.NO_SHOW, TicketState.CALLED);
        } else if (e instanceof TicketCancelled c) {
          TicketState was = state.get(c.ticketId());
          if (move(c.ticketId(), e, TicketState.CANCELLED, TicketState.WAITING, TicketState.POSTPONED)) {
            if (was == TicketState.WAITING) {
              lineOf(c.ticketId()).remove(c.ticketId());
            }
            postponedUntil.remove(c.ticketId());
          }
        } else if (e instanceof TicketPostponed p) {
          TicketState was = state.get(p.ticketId());
          if (move(p.ticketId(), e, TicketState.POSTPONED, TicketState.WAITING, TicketState.CALLED)) {
            if (was == TicketState.WAITING) {
              lineOf(p.ticketId()).remove(p.ticketId());
            }
            desk.remove(p.ticketId());
            if (p.until() != null) {
              if (!p.until().isAfter(p.at())) {
                v.add("[6 rotation] ticket " + p.ticketId() + " postponed at " + p.at() + " until " + p.until());
              }
              postponedUntil.put(p.ticketId(), p.until());
            }
          }
        } else if (e instanceof TicketResumed r) {
          if (move(r.ticketId(), e, TicketState.WAITING, TicketState.POSTPONED)) {
            postponedUntil.remove(r.ticketId());
            String expected = limits.postponeReturn() == PostponeReturn.RAISE_CLASS
                ? limits.postponeRaiseTo() : lineOf.get(r.ticketId());
            if (!r.line().equals(expected)) {
              v.add("[3 fifo] ticket " + r.ticketId() + " resumed into line " + r.line() + ", " + limits.postponeReturn()
                  + " gives " + expected);
            }
            long kept = joinOf.get(r.ticketId());
            if (limits.postponeReturn() == PostponeReturn.KEEP_PLACE ? r.joinSeq() != kept : r.joinSeq() <= maxJoin) {
              v.add("[3 fifo] ticket " + r.ticketId() + " resumed at join order " + r.joinSeq() + " under "
                  + limits.postponeReturn() + " (its own " + kept + ", newest " + maxJoin + ")");
            }
            maxJoin = Math.max(maxJoin, r.joinSeq());
            lineOf.put(r.ticketId(), r.line());
            joinOf.put(r.ticketId(), r.joinSeq());
            join(r.ticketId());
          }
        } else if (e instanceof TicketTransferred x) {
          if (move(x.ticketId(), e, TicketState.TRANSFERRED, TicketState.SERVING, TicketState.CALLED)) {
            desk.remove(x.ticketId());
            TicketIssued t = issued.get(x.ticketId());
            if (x.toService().equals(t.service())) {
              v.add("[1 conservation] ticket " + t.display() + " transferred to its own service " + t.service());
            }
            expectedChild = new Child(x.newTicketId(), x.toService(), x.ticketId(), joinOf.get(x.ticketId()), false);
          }
        } else if (e instanceof DeskStateChanged d) {
          DeskStateChanged was = deskState.get(d.desk());
          DeskState from = was == null ? DeskState.OPEN : was.state();
          String reason = was == null ? null : was.reason();
          if (from == d.state() && java.util.Objects.equals(reason, d.reason())) {
            v.add("desk " + d.desk() + " changed from " + from + " to the same state and reason: " + d);
          }
          if (d.state() == DeskState.PAUSED ? d.reason() == null || d.reason().isBlank() : d.reason() != null) {
            v.add("desk " + d.desk() + " went " + d.state() + " with reason " + d.reason()
                + " (a pause needs one, open and close carry none)");
          }
          deskState.put(d.desk(), d);
        } else if (e instanceof BookingMade m) {
          book(m);
        } else if (e instanceof BookingCancelled c) {
          leave(c.bookingId(), e, BookingState.CANCELLED, true, i);
        } else if (e instanceof BookingCheckedIn c) {
          checkIn(c, i);
        } else if (e instanceof BookingExpired x) {
          leave(x.bookingId(), e, BookingState.EXPIRED, true, i);
        } else if (e instanceof AdmissionModeChanged m) {
          if (m.from() == m.to() || (mode != null && mode != m.from())) {
            v.add("admission mode changed from " + m.from() + " to " + m.to() + " while it was " + mode);
          }
          mode = m.to();
        }
      }
      expiries();
      return this;
    }

    void issue(TicketIssued t, LocalDate day) {
      if (state.containsKey(t.ticketId())) {
        v.add("[1 conservation] ticket " + t.ticketId() + " issued twice");
        return;
      }
      LocalDate localDay = local(t.at()).toLocalDate();
      if (!t.day().equals(localDay) || !t.day().equals(day)) {
        v.add("[2 numbers] ticket " + t.display() + " issued at " + local(t.at()) + " branch time belongs to day "
            + t.day() + " (current day " + day + ")");
      }
      if (!numbers.add(t.service() + "#" + t.day() + "#" + t.number())) {
        v.add("[2 numbers] number " + t.number() + " of service " + t.service() + " issued twice on " + t.day());
      }
      if (!numbers.add("display#" + t.day() + "#" + t.display())) {
        v.add("[2 numbers] display " + t.display() + " shown twice on " + t.day());
      }
      if (!t.display().endsWith(String.format("-%03d", t.number()))) {
        v.add("[2 numbers] display " + t.display() + " does not show number " + t.number());
      }
      if (t.bookingId() > 0) {
        BookingMade m = made.get(t.bookingId());
        QueueEvent before = t.seq() >= 2 ? log.get((int) t.seq() - 2) : null;
        if (m == null || !(before instanceof BookingCheckedIn c) || c.bookingId() != t.bookingId()
            || c.ticketId() != t.ticketId()) {
          v.add("[6 rotation] booked ticket " + t.ticketId() + " does not follow the check-in of booking " + t.bookingId());
        } else if (t.at().isBefore(startsAt(m).minus(limits.earlyCheckIn()))) {
          v.add("[6 rotation] booked ticket " + t.display() + " became callable at " + local(t.at())
              + ", before check-in opened for window " + m.windowStart());
        }
      }
      Child child = expectedChild;
      expectedChild = null;
      if (child != null) {
        if (t.parentId() != child.parentId() || !t.service().equals(child.service()) || t.origin() != Origin.TRANSFERRED
            || (!child.back() && t.ticketId() != child.ticketId())) {
          v.add("[1 conservation] ticket " + t.ticketId() + " should be the " + child.service() + " ticket of ticket "
              + child.parentId() + " (origin TRANSFERRED), is " + t);
        }
        newJoin(t.joinSeq(), child.keptJoin(), t);
        TicketIssued from = issued.get(child.parentId());
        String returnTo = t.returnTo();
        if (child.back() ? returnTo != null || t.joinSeq() != child.keptJoin()
            : returnTo != null && !returnTo.equals(from.service()) && !returnTo.equals(from.returnTo())) {
          v.add("[1 conservation] ticket " + t.display() + " from ticket " + child.parentId() + " returns to "
              + returnTo + ", join order " + t.joinSeq());
        }
      } else {
        if (t.parentId() != 0) {
          v.add("[1 conservation] ticket " + t.ticketId() + " names parent " + t.parentId()
              + " but follows no transfer or finish with a return");
        }
        newJoin(t.joinSeq(), -1, t);
      }
      issued.put(t.ticketId(), t);
      state.put(t.ticketId(), TicketState.WAITING);
      lineOf.put(t.ticketId(), t.line());
      joinOf.put(t.ticketId(), t.joinSeq());
      join(t.ticketId());
    }

    void book(BookingMade m) {
      if (made.containsKey(m.bookingId())) {
        v.add("[4 capacity] booking " + m.bookingId() + " made twice");
        return;
      }
      made.put(m.bookingId(), m);
      bookingState.put(m.bookingId(), BookingState.BOOKED);
      int places = slots.capacityOf(m.service());
      int now = taken.merge(m.window() + "/" + m.service(), 1, Integer::sum);
      if (now > places) {
        v.add("[4 capacity] window " + m.windowStart() + " of service " + m.service() + " holds " + now
            + " bookings, capacity " + places);
      }
    }

    void checkIn(BookingCheckedIn c, int index) {
      BookingMade m = made.get(c.bookingId());
      if (!leave(c.bookingId(), c, BookingState.CHECKED_IN, false, index)) {
        return;
      }
      if (c.at().isBefore(startsAt(m).minus(limits.earlyCheckIn()))) {
        v.add("[6 rotation] booking " + m.code() + " checked in at " + local(c.at()) + ", before check-in opened for "
            + m.windowStart());
      }
      boolean late = c.at().isAfter(startsAt(m).plus(limits.lateCheckIn()));
      if (late != c.late()) {
        v.add("[6 rotation] booking " + m.code() + " checked in at " + local(c.at()) + " marked late=" + c.late());
      }
    }

    /** Each booking left BOOKED before its deadline, or expired in the catch-up of the first operation after it. */
    void expiries() {
      for (BookingMade m : made.values()) {
        Instant deadline = deadline(m);
        int first = -1;
        for (int i = 0; i < log.size(); i++) {
          if (!log.get(i).at().isBefore(deadline)) {
            first = i;
            break;
          }
        }
        Integer left = leftAt.get(m.bookingId());
        BookingState st = bookingState.get(m.bookingId());
        if (st == BookingState.EXPIRED) {
          QueueEvent x = log.get(left);
          boolean timely = first >= 0 && first <= left;
          for (int i = first; timely && i < left; i++) {
            timely = isCatchUp(log.get(i)) && log.get(i).at().equals(x.at());
          }
          if (!timely) {
            v.add("[6 rotation] booking " + m.code() + " (window " + m.windowStart() + ", deadline " + local(deadline)
                + ") expired at event " + x.seq() + " at " + local(x.at()) + ", not at the first operation at or after"
                + " its deadline (event " + (first + 1) + ")");
          }
        } else if (first >= 0 && (left == null || left >= first)) {
          v.add("[6 rotation] booking " + m.code() + " (window " + m.windowStart() + ") was still BOOKED at event "
              + (first + 1) + " at " + local(log.get(first).at()) + ", at or after its deadline " + local(deadline));
        }
      }
    }

    /** Compares the rebuilt state with what the branch shows. */
    List<String> compare(Branch branch) {
      if (branch.lastSeq() != log.size()) {
        v.add("branch's last seq is " + branch.lastSeq() + " but it has " + log.size() + " events");
      }
      if (mode != null && branch.admissionMode() != mode) {
        v.add("branch's admission mode is " + branch.admissionMode() + " but the log says " + mode);
      }
      long maxId = 0;
      for (Map.Entry<Long, TicketState> e : state.entrySet()) {
        maxId = Math.max(maxId, e.getKey());
        Optional<Ticket> t = branch.ticket(e.getKey());
        if (t.isEmpty() && e.getValue().isTerminal() && today != null && issued.get(e.getKey()).day().isBefore(today)) {
          continue; // a new day forgets ended tickets of earlier days
        }
        if (t.isEmpty() || t.get().state() != e.getValue()) {
          v.add("[1 conservation] ticket " + e.getKey() + " is " + t.map(Ticket::state).orElse(null)
              + " but the log says " + e.getValue());
        } else if (e.getValue() == TicketState.CALLED || e.getValue() == TicketState.SERVING) {
          if (!t.get().desk().equals(desk.get(e.getKey()))) {
            v.add("[1 conservation] ticket " + e.getKey() + " shows desk " + t.get().desk() + ", the log says "
                + desk.get(e.getKey()));
          }
        }
      }
      if (branch.ticket(maxId + 1).isPresent()) {
        v.add("[1 conservation] ticket " + (maxId + 1) + " exists but no event issued it");
      }
      for (BookingMade m : made.values()) {
        Optional<Booking> b = branch.booking(m.code());
        if (b.isEmpty() && bookingState.get(m.bookingId()).isTerminal() && today != null
            && m.windowStart().toLocalDate().isBefore(today)) {
          continue; // a new day forgets ended bookings of earlier days
        }
        if (b.isEmpty() || b.get().state() != bookingState.get(m.bookingId()) || b.get().id() != m.bookingId()) {
          v.add("booking " + m.code() + " is " + b.orElse(null) + " but the log says " + bookingState.get(m.bookingId()));
        }
      }
      for (DeskStateChanged d : deskState.values()) {
        var shown = branch.deskStatus(d.desk());
        if (shown.state() != d.state() || !java.util.Objects.equals(shown.reason(), d.reason())) {
          v.add("desk " + d.desk() + " shows " + shown + ", the log says " + d.state() + " (" + d.reason() + ")");
        }
      }
      for (Map.Entry<String, TreeMap<String, Deque<Long>>> svc : lines.entrySet()) {
        List<Long> expected = new ArrayList<>();
        svc.getValue().values().forEach(expected::addAll);
        List<Long> shown = branch.waiting(svc.getKey()).stream().map(Ticket::id).toList();
        if (!shown.equals(expected)) {
          v.add("[3 fifo] waiting list of " + svc.getKey() + " is " + shown + ", the log gives " + expected);
        }
        for (Deque<Long> line : svc.getValue().values()) {
          int ahead = 0;
          for (long id : line) {
            int shownAhead = branch.position(id).ahead();
            if (shownAhead != ahead) {
              v.add("[3 fifo] ticket " + id + " has " + shownAhead + " ahead, the log gives " + ahead);
            }
            ahead++;
          }
        }
      }
      return v;
    }
  }
}
