// Test-scope oracle: the engine before issue 12, kept only for DifferentialTest.
package dev.talon.queue.internal;

import dev.talon.queue.AdmissionMode;
import dev.talon.queue.BoardView;
import dev.talon.queue.Booking;
import dev.talon.queue.BookingState;
import dev.talon.queue.Desk;
import dev.talon.queue.DeskState;
import dev.talon.queue.QueueEvent;
import dev.talon.queue.QueueEvent.AdmissionModeChanged;
import dev.talon.queue.QueueEvent.AutoCallChanged;
import dev.talon.queue.QueueEvent.BookingCancelled;
import dev.talon.queue.QueueEvent.BookingCheckedIn;
import dev.talon.queue.QueueEvent.BookingExpired;
import dev.talon.queue.QueueEvent.BookingMade;
import dev.talon.queue.QueueEvent.CallReturned;
import dev.talon.queue.QueueEvent.DayStarted;
import dev.talon.queue.QueueEvent.DeskStateChanged;
import dev.talon.queue.QueueEvent.HeadsUp;
import dev.talon.queue.QueueEvent.ServiceFinished;
import dev.talon.queue.QueueEvent.ServiceLevelBreached;
import dev.talon.queue.QueueEvent.ServiceStarted;
import dev.talon.queue.QueueEvent.TicketCalled;
import dev.talon.queue.QueueEvent.TicketCancelled;
import dev.talon.queue.QueueEvent.TicketIssued;
import dev.talon.queue.QueueEvent.TicketNoShow;
import dev.talon.queue.QueueEvent.TicketPostponed;
import dev.talon.queue.QueueEvent.TicketRecalled;
import dev.talon.queue.QueueEvent.TicketResumed;
import dev.talon.queue.QueueEvent.TicketTransferred;
import dev.talon.queue.QueueEvent.WindowRotated;
import dev.talon.queue.ServiceLevel;
import dev.talon.queue.StorageException;
import dev.talon.queue.Ticket;
import dev.talon.queue.TicketState;
import dev.talon.queue.spi.DispatchView;
import dev.talon.queue.spi.LineView;
import dev.talon.queue.spi.Policy;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/*
 * The transition function of a branch, shared by live operations and recovery.
 *
 * A draft starts as a mutable working copy of one immutable LegacyBranchState. Applying an event
 * changes the draft exactly as the event says and nothing else; freeze() publishes the result as
 * a new LegacyBranchState. A live operation decides which events to emit by reading the draft, applies
 * them one by one, and installs the frozen state with one CAS; recovery applies the stored events
 * to a draft of the initial state. Because both paths run the same apply(), a replayed branch is
 * identical to the live one (invariant 7, determinism).
 *
 * Copy-on-write: the arrays of the source state are shared until the first write and cloned then
 * (the *Copied flags); the persistent maps return new versions by construction. A draft belongs
 * to the thread running one attempt of one operation and is never shared.
 *
 * Lines are deques of the waiting ticket ids in join order: a ticket that leaves (called,
 * cancelled, postponed) is removed from its deque, and one that rejoins with an old join order
 * (kept place after a hand-back, postponement or transfer) is inserted by join order.
 */
final class LegacyDraft {
  final BranchConfig config;
  final BranchCalendar calendar;
  Policy<Object> policy;

  long seq;
  Instant lastAt;
  LocalDate day;
  Instant dayEndsAt;
  int[] numbers;
  long window;
  Instant windowEndsAt;
  LegacyLine[] lines;
  LegacyPersistentLongMap<Ticket> tickets;
  LegacyPersistentLongMap<Booking> bookings;
  LegacyPersistentLongMap<LegacyWindowBookings> windows;
  long nextTicketId;
  long nextBookingId;
  long nextJoinSeq;
  Object policyState;
  AdmissionMode mode;
  final int generation;

  // the floor, unpacked
  LegacyFloor.Desk[] desks;
  double[] serviceMean;
  double[] serviceVar;
  BoardView.Call[] calls;
  LegacyPersistentLongMap<Instant> postponed;
  LegacyPersistentLongMap<Boolean> notified;
  LegacyPersistentLongMap<Boolean> breached;
  boolean[] lineBreached;

  private final LegacyFloor floor;
  private boolean numbersCopied;
  private boolean linesCopied;
  private boolean desksCopied;
  private boolean timesCopied;
  private boolean lineBreachedCopied;

  @SuppressWarnings("unchecked")
  LegacyDraft(BranchConfig config, BranchCalendar calendar, LegacyBranchState s) {
    this.config = config;
    this.calendar = calendar;
    this.policy = (Policy<Object>) s.policy;
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
    this.generation = s.generation;
    this.floor = s.floor;
    this.desks = floor.desks();
    this.serviceMean = floor.serviceMean();
    this.serviceVar = floor.serviceVar();
    this.calls = floor.calls();
    this.postponed = floor.postponed();
    this.notified = floor.notified();
    this.breached = floor.breached();
    this.lineBreached = floor.lineBreached();
  }

  LegacyBranchState freeze() {
    LegacyFloor f = floor;
    if (desks != f.desks() || serviceMean != f.serviceMean() || serviceVar != f.serviceVar() || calls != f.calls()
        || postponed != f.postponed() || notified != f.notified() || breached != f.breached()
        || lineBreached != f.lineBreached()) {
      f = new LegacyFloor(desks, serviceMean, serviceVar, calls, postponed, notified, breached, lineBreached);
    }
    return new LegacyBranchState(seq, lastAt, day, dayEndsAt, numbers, window, windowEndsAt, lines, tickets, bookings,
        windows, nextTicketId, nextBookingId, nextJoinSeq, policyState, policy, mode, f, generation);
  }

  // ---------------------------------------------------------------- reading

  Ticket ticket(long id) {
    return id > 0 ? tickets.get(id) : null;
  }

  LegacyFloor.Desk desk(String id) {
    return desks[config.deskIndexOf(id)];
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

  /**
   * The first ticket of the line that a desk may call at {@code now}: waiting, and not within the
   * recall cool-down of its last call.
   */
  Ticket head(LegacyLine line, Instant now) {
    if (line.waiting() == 0) {
      return null;
    }
    Duration cooldown = config.limits().recallCooldown();
    LegacyLongDeque ids = line.ids();
    while (!ids.isEmpty()) {
      Ticket t = tickets.get(ids.peekFirst());
      if (t.state() == TicketState.WAITING
          && (cooldown.isZero() || t.calledAt() == null || !now.isBefore(t.calledAt().plus(cooldown)))) {
        return t;
      }
      ids = ids.removeFirst();
    }
    return null;
  }

  /** The dispatch view of a desk: its services' lines with a callable head, in line order. */
  View viewFor(Desk desk, Instant now) {
    List<LineView> views = new ArrayList<>(4);
    for (LegacyLine l : lines) {
      if (l.waiting() > 0 && desk.serves(l.service())) {
        Ticket head = head(l, now);
        if (head != null) {
          views.add(new LineView(l.service(), l.lineClass(), l.waiting(), head));
        }
      }
    }
    return new View(now, desk, views, policyState);
  }

  record View(Instant now, Desk desk, List<LineView> lines, Object state) implements DispatchView<Object> {}

  int waitingFor(int service) {
    String code = config.services().get(service).code();
    int n = 0;
    for (LegacyLine l : lines) {
      if (l.service().equals(code)) {
        n += l.waiting();
      }
    }
    return n;
  }

  // ---------------------------------------------------------------- applying

  /** Applies one event; the event's sequence number must be the next one. */
  void apply(QueueEvent e) {
    if (e instanceof TicketCalled c && !c.direct()) {
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
    } else if (e instanceof TicketCalled c) {
      called(c); // direct: the policy did not choose, so its state stays
    } else if (e instanceof DayStarted d) {
      day = d.day();
      dayEndsAt = calendar.startOfDay(d.day().plusDays(1));
      numbers = new int[numbers.length];
      numbersCopied = true;
      forgetPastDays(d.day());
    } else if (e instanceof WindowRotated w) {
      window = w.window();
      windowEndsAt = calendar.endOf(w.window());
      pruneWindows(w.at());
    } else if (e instanceof TicketRecalled r) {
      Ticket t = tickets.get(r.ticketId());
      put(copy(t, TicketState.CALLED, t.calledAt(), r.desk(), r.recalls(), t.startedAt(), null, null));
      addBoardCall(t.display(), r.desk(), r.at(), r.recalls());
    } else if (e instanceof CallReturned r) {
      Ticket t = tickets.get(r.ticketId());
      put(copy(t, TicketState.WAITING, t.calledAt(), null, t.recalls(), null, null, null));
      freeDesk(r.desk(), t.id());
      rejoin(t, t.line(), t.joinSeq());
    } else if (e instanceof ServiceStarted s) {
      Ticket t = tickets.get(s.ticketId());
      put(copy(t, TicketState.SERVING, t.calledAt(), t.desk(), t.recalls(), s.at(), null, null));
    } else if (e instanceof ServiceFinished f) {
      Ticket t = tickets.get(f.ticketId());
      put(copy(t, TicketState.DONE, t.calledAt(), t.desk(), t.recalls(), t.startedAt(), f.at(), null));
      freeDesk(t.desk(), t.id());
      measure(config.indexOf(t.service()), Duration.between(t.startedAt(), f.at()));
      breached = breached.remove(t.id());
    } else if (e instanceof TicketNoShow n) {
      Ticket t = tickets.get(n.ticketId());
      put(copy(t, TicketState.NO_SHOW, t.calledAt(), t.desk(), t.recalls(), t.startedAt(), n.at(), null));
      freeDesk(t.desk(), t.id());
    } else if (e instanceof TicketCancelled c) {
      Ticket t = tickets.get(c.ticketId());
      leaveLine(t);
      put(copy(t, TicketState.CANCELLED, t.calledAt(), t.desk(), t.recalls(), t.startedAt(), c.at(), null));
    } else if (e instanceof TicketPostponed p) {
      Ticket t = tickets.get(p.ticketId());
      if (t.state() == TicketState.WAITING) {
        leaveLine(t);
      } else {
        freeDesk(t.desk(), t.id());
      }
      put(copy(t, TicketState.POSTPONED, t.calledAt(), null, t.recalls(), null, null, p.until()));
      if (p.until() != null) {
        postponed = postponed.put(t.id(), p.until());
      }
    } else if (e instanceof TicketResumed r) {
      Ticket t = tickets.get(r.ticketId());
      postponed = postponed.remove(t.id());
      Ticket back = copy(t, TicketState.WAITING, t.calledAt(), null, t.recalls(), null, null, null);
      back = new Ticket(back.id(), back.day(), back.service(), back.number(), back.display(), back.origin(), r.line(),
          back.categories(), back.personId(), back.bookingId(), back.bookedFor(), r.joinSeq(), back.state(),
          back.issuedAt(), back.calledAt(), back.desk(), back.recalls(), back.startedAt(), back.endedAt(),
          back.postponedUntil(), back.parentId(), back.returnTo());
      put(back);
      rejoin(back, r.line(), r.joinSeq());
      nextJoinSeq = Math.max(nextJoinSeq, r.joinSeq() + 1);
    } else if (e instanceof TicketTransferred x) {
      Ticket t = tickets.get(x.ticketId());
      put(copy(t, TicketState.TRANSFERRED, t.calledAt(), t.desk(), t.recalls(), t.startedAt(), x.at(), null));
      freeDesk(t.desk(), t.id());
      if (t.startedAt() != null) {
        measure(config.indexOf(t.service()), Duration.between(t.startedAt(), x.at()));
      }
      breached = breached.remove(t.id());
    } else if (e instanceof DeskStateChanged d) {
      int i = config.deskIndexOf(d.desk());
      LegacyFloor.Desk old = desks[i];
      setDesk(i, new LegacyFloor.Desk(d.state(), d.reason(), old.autoCall(), old.current()));
    } else if (e instanceof AutoCallChanged a) {
      int i = config.deskIndexOf(a.desk());
      LegacyFloor.Desk old = desks[i];
      setDesk(i, new LegacyFloor.Desk(old.state(), old.reason(), a.on(), old.current()));
    } else if (e instanceof HeadsUp h) {
      notified = notified.put(h.ticketId(), Boolean.TRUE);
    } else if (e instanceof ServiceLevelBreached b) {
      if (b.target() == ServiceLevel.Target.LINE_LENGTH) {
        if (!lineBreachedCopied) {
          lineBreached = lineBreached.clone();
          lineBreachedCopied = true;
        }
        lineBreached[config.indexOf(b.service())] = true;
      } else {
        breached = breached.put(b.ticketId(), Boolean.TRUE);
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
    } else if (e instanceof QueueEvent.PolicyChanged c) {
      policy = resolvePolicy(c);
      policyState = policy.initialState();
    } else {
      throw new StorageException("unknown event type " + e.getClass().getName());
    }
    clearLineBreaches();
  }

  @SuppressWarnings("unchecked")
  private Policy<Object> resolvePolicy(QueueEvent.PolicyChanged c) {
    Policy<?> p = null;
    RuntimeException failure = null;
    try {
      p = config.policyResolver() == null ? null : config.policyResolver().apply(c.policy());
    } catch (RuntimeException e) {
      failure = e;
    }
    if (p == null) {
      p = dev.talon.queue.spi.Policy.builtIn(c.policy()).orElse(null);
    }
    if (p == null) {
      throw new StorageException("history event " + c.seq() + " switches branch " + config.branchId()
          + " to policy " + c.policy() + ", which no policy resolver knows; configure Talon.policyResolver"
          + (failure == null ? "" : " (the resolver said: " + failure.getMessage() + ")"));
    }
    return (Policy<Object>) p;
  }

  /** Applies a policy call whose next policy state the caller already computed from the same view. */
  void applyCalled(TicketCalled c, Object nextPolicyState) {
    begin(c);
    called(c);
    policyState = nextPolicyState;
    clearLineBreaches();
  }

  private void called(TicketCalled c) {
    Ticket t = tickets.get(c.ticketId());
    if (t.state() == TicketState.POSTPONED) {
      postponed = postponed.remove(t.id()); // walk-direct of a postponed ticket
    } else {
      int i = lineIndex(t.service(), t.line());
      LegacyLine l = lines[i];
      setLine(i, l.withIds(l.ids().removeFirstOccurrence(t.id()), l.waiting() - 1));
    }
    put(copy(t, TicketState.CALLED, c.at(), c.desk(), t.recalls(), null, null, null));
    int d = config.deskIndexOf(c.desk());
    LegacyFloor.Desk old = desks[d];
    setDesk(d, new LegacyFloor.Desk(old.state(), old.reason(), old.autoCall(), t.id()));
    addBoardCall(t.display(), c.desk(), c.at(), t.recalls());
    notified = notified.remove(t.id());
    breached = breached.remove(t.id());
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
        i.categories(), i.personId(), i.bookingId(), i.bookedFor(), i.joinSeq(), TicketState.WAITING, i.at(), null,
        null, 0, null, null, null, i.parentId(), i.returnTo());
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
    rejoin(t, i.line(), i.joinSeq());
    nextTicketId = Math.max(nextTicketId, i.ticketId() + 1);
    nextJoinSeq = Math.max(nextJoinSeq, i.joinSeq() + 1);
  }

  /** Puts a waiting ticket into its line at the place its join order gives it. */
  private void rejoin(Ticket t, String lineClass, long joinSeq) {
    int idx = lineIndex(t.service(), lineClass);
    if (idx < 0) {
      int at = -(idx + 1);
      LegacyLine[] grown = new LegacyLine[lines.length + 1];
      System.arraycopy(lines, 0, grown, 0, at);
      System.arraycopy(lines, at, grown, at + 1, lines.length - at);
      grown[at] = new LegacyLine(t.service(), lineClass, LegacyLongDeque.empty().addLast(t.id()), 1, joinSeq);
      lines = grown;
      linesCopied = true;
      return;
    }
    LegacyLine l = lines[idx];
    if (joinSeq > l.lastJoin()) {
      setLine(idx, new LegacyLine(l.service(), lineClass, l.ids().addLast(t.id()), l.waiting() + 1, joinSeq));
    } else {
      setLine(idx, l.withIds(insertByJoinSeq(l.ids(), t.id(), joinSeq), l.waiting() + 1));
    }
  }

  private LegacyLongDeque insertByJoinSeq(LegacyLongDeque ids, long id, long joinSeq) {
    long[] all = ids.toArray();
    LegacyLongDeque out = LegacyLongDeque.empty();
    boolean placed = false;
    for (long other : all) {
      if (!placed && tickets.get(other).joinSeq() > joinSeq) {
        out = out.addLast(id);
        placed = true;
      }
      out = out.addLast(other);
    }
    return placed ? out : out.addLast(id);
  }

  /**
   * A waiting ticket leaves its line from wherever it is (O(line length); cancellations and
   * postponements are rare next to issues and calls).
   */
  private void leaveLine(Ticket t) {
    if (t.state() == TicketState.WAITING) {
      int i = lineIndex(t.service(), t.line());
      LegacyLine l = lines[i];
      setLine(i, l.withIds(l.ids().removeFirstOccurrence(t.id()), l.waiting() - 1));
      notified = notified.remove(t.id());
      breached = breached.remove(t.id());
    } else if (t.state() == TicketState.POSTPONED) {
      postponed = postponed.remove(t.id());
    }
  }

  private void freeDesk(String deskId, long ticketId) {
    if (deskId == null) {
      return;
    }
    int d = config.deskIndexOf(deskId);
    LegacyFloor.Desk old = desks[d];
    if (old.current() == ticketId) {
      setDesk(d, new LegacyFloor.Desk(old.state(), old.reason(), old.autoCall(), 0));
    }
  }

  private void measure(int service, Duration took) {
    double x = took.toMillis() / 1000.0;
    double a = config.estimation().smoothing();
    if (!timesCopied) {
      serviceMean = serviceMean.clone();
      serviceVar = serviceVar.clone();
      timesCopied = true;
    }
    double diff = x - serviceMean[service];
    serviceMean[service] += a * diff;
    serviceVar[service] = (1 - a) * (serviceVar[service] + a * diff * diff);
  }

  private void addBoardCall(String display, String desk, Instant at, int recalls) {
    int n = Math.min(calls.length + 1, LegacyFloor.BOARD_CALLS);
    BoardView.Call[] next = new BoardView.Call[n];
    next[0] = new BoardView.Call(display, desk, at, recalls);
    System.arraycopy(calls, 0, next, 1, n - 1);
    calls = next;
  }

  /** A line-length breach ends, silently, once the line is back within its maximum. */
  private void clearLineBreaches() {
    for (int s = 0; s < lineBreached.length; s++) {
      if (lineBreached[s]) {
        ServiceLevel level = config.serviceLevels().get(config.services().get(s).code());
        if (waitingFor(s) <= level.maxLineLength()) {
          if (!lineBreachedCopied) {
            lineBreached = lineBreached.clone();
            lineBreachedCopied = true;
          }
          lineBreached[s] = false;
        }
      }
    }
  }

  private void booked(BookingMade b) {
    Instant starts = calendar.startOf(b.window());
    Instant ends = calendar.endOf(b.window());
    bookings = bookings.put(b.bookingId(), new Booking(b.bookingId(), b.code(), b.service(), b.windowStart(), starts,
        ends, BookingState.BOOKED, b.personId(), 0, b.at()));
    LegacyWindowBookings w = windows.get(b.window());
    if (w == null) {
      w = new LegacyWindowBookings(new int[numbers.length], LegacyLongDeque.empty(), ends.plus(config.limits().bookingGrace()));
    }
    windows = windows.put(b.window(), w.add(serviceIndex(b, b.service()), b.bookingId()));
    nextBookingId = Math.max(nextBookingId, b.bookingId() + 1);
  }

  private void bookingLeaves(long id, BookingState to, long ticketId, boolean release, Instant at) {
    Booking b = bookings.get(id);
    bookings = bookings.put(id, new Booking(b.id(), b.code(), b.service(), b.windowStart(), b.startsAt(), b.endsAt(),
        to, b.personId(), ticketId, b.bookedAt()));
    long w = calendar.windowIndex(b.windowStart());
    LegacyWindowBookings wb = windows.get(w).remove(config.indexOf(b.service()), id, release);
    if (wb.pending().isEmpty() && !wb.expiresAt().isAfter(at)) {
      windows = windows.remove(w);
    } else {
      windows = windows.put(w, wb);
    }
  }

  /**
   * At the start of a day the engine forgets tickets of earlier days that reached a terminal
   * state, and bookings of earlier days that did; their events stay in the store. Memory stays
   * proportional to a day's work however long the engine runs.
   */
  private void forgetPastDays(LocalDate today) {
    List<Long> oldTickets = new ArrayList<>();
    tickets.forEach((id, t) -> {
      if (t.state().isTerminal() && t.day().isBefore(today)) {
        oldTickets.add(id);
      }
    });
    for (long id : oldTickets) {
      tickets = tickets.remove(id);
    }
    List<Long> oldBookings = new ArrayList<>();
    bookings.forEach((id, b) -> {
      if (b.state().isTerminal() && b.windowStart().toLocalDate().isBefore(today)) {
        oldBookings.add(id);
      }
    });
    for (long id : oldBookings) {
      bookings = bookings.remove(id);
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
      LegacyWindowBookings w = windows.get(first);
      if (!w.pending().isEmpty() || w.expiresAt().isAfter(at)) {
        return;
      }
      windows = windows.remove(first);
    }
  }

  private void put(Ticket t) {
    tickets = tickets.put(t.id(), t);
  }

  private void setLine(int i, LegacyLine l) {
    if (!linesCopied) {
      lines = lines.clone();
      linesCopied = true;
    }
    lines[i] = l;
  }

  private void setDesk(int i, LegacyFloor.Desk d) {
    if (!desksCopied) {
      desks = desks.clone();
      desksCopied = true;
    }
    desks[i] = d;
  }

  /** A copy of the ticket in another state; identity, number, line and join order stay. */
  static Ticket copy(Ticket t, TicketState state, Instant calledAt, String desk, int recalls, Instant startedAt,
      Instant endedAt, Instant postponedUntil) {
    return new Ticket(t.id(), t.day(), t.service(), t.number(), t.display(), t.origin(), t.line(), t.categories(),
        t.personId(), t.bookingId(), t.bookedFor(), t.joinSeq(), state, t.issuedAt(), calledAt, desk, recalls,
        startedAt, endedAt, postponedUntil, t.parentId(), t.returnTo());
  }

  @Override
  public String toString() {
    return "LegacyDraft[seq=" + seq + ", lines=" + Arrays.toString(lines) + "]";
  }
}
