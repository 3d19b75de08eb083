package dev.talon.queue.internal;

import dev.talon.queue.AdmissionMode;
import dev.talon.queue.Booking;
import dev.talon.queue.BookingState;
import dev.talon.queue.Desk;
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
import dev.talon.queue.StorageException;
import dev.talon.queue.Ticket;
import dev.talon.queue.TicketState;
import dev.talon.queue.spi.DispatchView;
import dev.talon.queue.spi.LineView;
import dev.talon.queue.spi.Policy;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/*
 * The transition function of a branch, shared by live operations and recovery.
 *
 * A draft starts as a mutable working copy of one immutable BranchState. Applying an event
 * changes the draft exactly as the event says and nothing else; freeze() publishes the result as
 * a new BranchState. A live operation decides which events to emit by reading the draft, applies
 * them one by one, and installs the frozen state with one CAS; recovery applies the stored events
 * to a draft of the initial state. Because both paths run the same apply(), a replayed branch is
 * identical to the live one (invariant 7, determinism).
 *
 * Copy-on-write: the arrays and persistent maps of the source state are shared until the first
 * write; `numbers` and `lines` are cloned on first write (flags below), the persistent maps return
 * new versions by construction. Nothing here is shared across threads: a draft belongs to the
 * thread running one attempt of one operation.
 */
final class Draft {
  final BranchConfig config;
  final BranchCalendar calendar;
  final Policy<Object> policy;

  long seq;
  Instant lastAt;
  LocalDate day;
  Instant dayEndsAt;
  int[] numbers;
  long window;
  Instant windowEndsAt;
  Line[] lines;
  PersistentLongMap<Ticket> tickets;
  PersistentLongMap<Booking> bookings;
  PersistentLongMap<WindowBookings> windows;
  long nextTicketId;
  long nextBookingId;
  long nextJoinSeq;
  Object policyState;
  AdmissionMode mode;

  private boolean numbersCopied;
  private boolean linesCopied;

  @SuppressWarnings("unchecked")
  Draft(BranchConfig config, BranchCalendar calendar, BranchState s) {
    this.config = config;
    this.calendar = calendar;
    this.policy = (Policy<Object>) config.policy();
    this.seq = s.seq;
    this.lastAt = s.lastAt;
    this.day = s.day;
    this.dayEndsAt = s.dayEndsAt;
    this.numbers = s.numbers;
    this.window = s.window;
    this.windowEndsAt = s.windowEndsAt;
    this.lines = s.lines;
    this.tickets = s.tickets;
    this.bookings = s.bookings;
    this.windows = s.windows;
    this.nextTicketId = s.nextTicketId;
    this.nextBookingId = s.nextBookingId;
    this.nextJoinSeq = s.nextJoinSeq;
    this.policyState = s.policyState;
    this.mode = s.mode;
  }

  BranchState freeze() {
    return new BranchState(seq, lastAt, day, dayEndsAt, numbers, window, windowEndsAt, lines, tickets, bookings,
        windows, nextTicketId, nextBookingId, nextJoinSeq, policyState, mode);
  }

  // ---------------------------------------------------------------- reading

  Ticket ticket(long id) {
    return id > 0 ? tickets.get(id) : null;
  }

  int lineIndex(String service, String lineClass) {
    int lo = 0;
    int hi = lines.length - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = lines[mid].compareKey(service, lineClass);
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -(lo + 1);
  }

  /** The first waiting ticket of the line, skipping ids that already left it. */
  Ticket head(Line line) {
    if (line.waiting() == 0) {
      return null;
    }
    LongDeque ids = line.ids();
    while (!ids.isEmpty()) {
      Ticket t = tickets.get(ids.peekFirst());
      if (t != null && t.state() == TicketState.WAITING) {
        return t;
      }
      ids = ids.removeFirst();
    }
    return null;
  }

  /** The dispatch view of a desk: its services' non-empty lines, in line order. */
  View viewFor(Desk desk, Instant now) {
    List<LineView> views = new ArrayList<>(4);
    for (Line l : lines) {
      if (l.waiting() > 0 && desk.serves(l.service())) {
        views.add(new LineView(l.service(), l.lineClass(), l.waiting(), head(l)));
      }
    }
    return new View(now, desk, views, policyState);
  }

  record View(Instant now, Desk desk, List<LineView> lines, Object state) implements DispatchView<Object> {}

  // ---------------------------------------------------------------- applying

  /** Applies one event; the event's sequence number must be the next one. */
  void apply(QueueEvent e) {
    if (e instanceof TicketCalled c) {
      Ticket t = tickets.get(c.ticketId());
      Desk desk = config.deskById().get(c.desk());
      if (t == null || desk == null) {
        throw new StorageException("history event " + e.seq() + " names an unknown ticket or desk: " + e);
      }
      View view = viewFor(desk, c.at());
      LineView chosen = null;
      for (LineView lv : view.lines()) {
        if (lv.service().equals(t.service()) && lv.lineClass().equals(c.line())) {
          chosen = lv;
        }
      }
      if (chosen == null) {
        throw new StorageException("history event " + e.seq() + " calls from a line that is empty: " + e);
      }
      applyCalled(c, policy.afterCall(view, chosen));
      return;
    }
    begin(e);
    if (e instanceof TicketIssued i) {
      issued(i);
    } else if (e instanceof DayStarted d) {
      day = d.day();
      dayEndsAt = calendar.startOfDay(d.day().plusDays(1));
      numbers = new int[numbers.length];
      numbersCopied = true;
    } else if (e instanceof WindowRotated w) {
      window = w.window();
      windowEndsAt = calendar.endOf(w.window());
      pruneWindows(w.at());
    } else if (e instanceof TicketRecalled r) {
      Ticket t = tickets.get(r.ticketId());
      put(new Ticket(t.id(), t.day(), t.service(), t.number(), t.display(), t.origin(), t.line(), t.categories(),
          t.personId(), t.bookingId(), t.bookedFor(), t.joinSeq(), TicketState.CALLED, t.issuedAt(), r.at(), r.desk(), r.recalls(),
          null));
    } else if (e instanceof CallReturned r) {
      Ticket t = tickets.get(r.ticketId());
      put(withState(t, TicketState.WAITING, null, null, null));
      int i = lineIndex(t.service(), t.line());
      Line l = lines[i];
      setLine(i, l.withIds(l.ids().addFirst(t.id()), l.waiting() + 1));
    } else if (e instanceof ServiceStarted s) {
      Ticket t = tickets.get(s.ticketId());
      put(withState(t, TicketState.SERVING, t.calledAt(), t.desk(), null));
    } else if (e instanceof ServiceFinished f) {
      Ticket t = tickets.get(f.ticketId());
      put(withState(t, TicketState.DONE, t.calledAt(), t.desk(), f.at()));
    } else if (e instanceof TicketNoShow n) {
      Ticket t = tickets.get(n.ticketId());
      put(withState(t, TicketState.NO_SHOW, t.calledAt(), t.desk(), n.at()));
    } else if (e instanceof TicketCancelled c) {
      Ticket t = tickets.get(c.ticketId());
      boolean wasWaiting = t.state() == TicketState.WAITING;
      put(withState(t, TicketState.CANCELLED, t.calledAt(), t.desk(), c.at()));
      if (wasWaiting) {
        int i = lineIndex(t.service(), t.line());
        Line l = lines[i];
        setLine(i, l.withIds(l.ids(), l.waiting() - 1));
      }
    } else if (e instanceof BookingMade b) {
      booked(b);
    } else if (e instanceof BookingCancelled c) {
      bookingLeaves(c.bookingId(), BookingState.CANCELLED, 0, true, c.at());
    } else if (e instanceof BookingCheckedIn c) {
      bookingLeaves(c.bookingId(), BookingState.CHECKED_IN, c.ticketId(), false, c.at());
    } else if (e instanceof BookingExpired x) {
      bookingLeaves(x.bookingId(), BookingState.EXPIRED, 0, true, x.at());
    } else if (e instanceof AdmissionModeChanged m) {
      mode = m.to();
    } else {
      throw new StorageException("unknown event type " + e.getClass().getName());
    }
  }

  /** Applies a call whose next policy state the caller already computed from the same view. */
  void applyCalled(TicketCalled c, Object nextPolicyState) {
    begin(c);
    Ticket t = tickets.get(c.ticketId());
    put(new Ticket(t.id(), t.day(), t.service(), t.number(), t.display(), t.origin(), t.line(), t.categories(),
        t.personId(), t.bookingId(), t.bookedFor(), t.joinSeq(), TicketState.CALLED, t.issuedAt(), c.at(), c.desk(), t.recalls(), null));
    int i = lineIndex(t.service(), t.line());
    Line l = lines[i];
    LongDeque ids = l.ids().removeFirstOccurrence(t.id());
    while (!ids.isEmpty()) {
      Ticket h = tickets.get(ids.peekFirst());
      if (h.state() == TicketState.WAITING) {
        break;
      }
      ids = ids.removeFirst(); // drop tickets that left the line (cancelled) once they reach the head
    }
    setLine(i, l.withIds(ids, l.waiting() - 1));
    policyState = nextPolicyState;
  }

  private void begin(QueueEvent e) {
    if (e.seq() != seq + 1) {
      throw new StorageException("history of branch " + config.branchId() + " is not contiguous: expected event "
          + (seq + 1) + ", found " + e.seq());
    }
    seq = e.seq();
    if (lastAt == null || e.at().isAfter(lastAt)) {
      lastAt = e.at();
    }
  }

  private void issued(TicketIssued i) {
    int svc = serviceIndex(i, i.service());
    Ticket t = new Ticket(i.ticketId(), i.day(), i.service(), i.number(), i.display(), i.origin(), i.line(),
        i.categories(), i.personId(), i.bookingId(), i.bookedFor(), i.joinSeq(), TicketState.WAITING, i.at(), null, null, 0, null);
    put(t);
    if (i.day().equals(day)) {
      if (numbers[svc] < i.number()) {
        if (!numbersCopied) {
          numbers = numbers.clone();
          numbersCopied = true;
        }
        numbers[svc] = i.number();
      }
    }
    int idx = lineIndex(i.service(), i.line());
    if (idx < 0) {
      int at = -(idx + 1);
      Line[] grown = new Line[lines.length + 1];
      System.arraycopy(lines, 0, grown, 0, at);
      System.arraycopy(lines, at, grown, at + 1, lines.length - at);
      grown[at] = new Line(i.service(), i.line(), LongDeque.empty().addLast(t.id()), 1);
      lines = grown;
      linesCopied = true;
    } else {
      Line l = lines[idx];
      setLine(idx, l.withIds(l.ids().addLast(t.id()), l.waiting() + 1));
    }
    nextTicketId = Math.max(nextTicketId, i.ticketId() + 1);
    nextJoinSeq = Math.max(nextJoinSeq, i.joinSeq() + 1);
  }

  private void booked(BookingMade b) {
    Instant starts = calendar.startOf(b.window());
    Instant ends = calendar.endOf(b.window());
    bookings = bookings.put(b.bookingId(), new Booking(b.bookingId(), b.code(), b.service(), b.windowStart(), starts,
        ends, BookingState.BOOKED, b.personId(), 0, b.at()));
    WindowBookings w = windows.get(b.window());
    if (w == null) {
      w = new WindowBookings(new int[numbers.length], LongDeque.empty(), ends.plus(config.limits().bookingGrace()));
    }
    windows = windows.put(b.window(), w.add(serviceIndex(b, b.service()), b.bookingId()));
    nextBookingId = Math.max(nextBookingId, b.bookingId() + 1);
  }

  private void bookingLeaves(long id, BookingState to, long ticketId, boolean release, Instant at) {
    Booking b = bookings.get(id);
    bookings = bookings.put(id, new Booking(b.id(), b.code(), b.service(), b.windowStart(), b.startsAt(), b.endsAt(),
        to, b.personId(), ticketId, b.bookedAt()));
    long w = calendar.windowIndex(b.windowStart());
    WindowBookings wb = windows.get(w).remove(config.indexOf(b.service()), id, release);
    if (wb.pending().isEmpty() && !wb.expiresAt().isAfter(at)) {
      windows = windows.remove(w);
    } else {
      windows = windows.put(w, wb);
    }
  }

  /** The index of a service named in history; the configuration may have dropped it since. */
  private int serviceIndex(QueueEvent e, String service) {
    int i = config.indexOf(service);
    if (i < 0) {
      throw new StorageException("history event " + e.seq() + " names service " + service + ", which branch "
          + config.branchId() + " is no longer configured with; its services are "
          + config.serviceIndex().keySet().stream().sorted().toList());
    }
    return i;
  }

  /** Drops windows that are past their expiry and have nothing pending; derived clean-up only. */
  private void pruneWindows(Instant at) {
    while (!windows.isEmpty()) {
      long first = windows.firstKey();
      WindowBookings w = windows.get(first);
      if (!w.pending().isEmpty() || w.expiresAt().isAfter(at)) {
        return;
      }
      windows = windows.remove(first);
    }
  }

  private void put(Ticket t) {
    tickets = tickets.put(t.id(), t);
  }

  private void setLine(int i, Line l) {
    if (!linesCopied) {
      lines = lines.clone();
      linesCopied = true;
    }
    lines[i] = l;
  }

  static Ticket withState(Ticket t, TicketState state, Instant calledAt, String desk, Instant endedAt) {
    return new Ticket(t.id(), t.day(), t.service(), t.number(), t.display(), t.origin(), t.line(), t.categories(),
        t.personId(), t.bookingId(), t.bookedFor(), t.joinSeq(), state, t.issuedAt(), calledAt, desk, t.recalls(), endedAt);
  }

  @Override
  public String toString() {
    return "Draft[seq=" + seq + ", lines=" + Arrays.toString(lines) + "]";
  }
}
