package dev.talon.queue.internal;

import dev.talon.queue.AdmissionMode;
import dev.talon.queue.BoardView;
import dev.talon.queue.Booking;
import dev.talon.queue.BookingState;
import dev.talon.queue.Desk;
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
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;

/*
 * The state of one branch and its transition function, shared by live operations and recovery.
 *
 * Ownership. A core is mutable and owned by the writer: only the thread that holds the branch's
 * writer role (see BranchEngine) calls apply() or reads the writer-only fields, so they are plain
 * fields with no copying and no retries. The role changes hands through a volatile CAS, which
 * orders one holder's writes before the next holder's reads.
 *
 * Readers. Other threads read only what the core publishes: tickets and bookings (immutable
 * records in Slabs), desk slots (immutable records in an array with release stores), the board's
 * calls, the measured service times, the policy in force with its state, the mode, and seq and
 * lastAt. Each of those is written with release semantics after the value it points to is built,
 * so a reader sees whole values, never a half-built one; see the comments at each access.
 *
 * Determinism. apply(event) changes the core exactly as the event says. A live operation (Tx)
 * decides which events to emit by reading the core and applies them one by one; recovery applies
 * the stored events to a fresh core. Both run this same apply(), so a replayed branch is
 * identical to the live one (invariant 7).
 *
 * Lines are rings of the waiting ticket ids in join order: a ticket that leaves (called,
 * cancelled, postponed) is removed from its ring, and one that rejoins with an old join order
 * (kept place after a hand-back, postponement or transfer) is inserted by join order.
 *
 * Ended tickets (issue 14, defect 7). A ticket that reaches a terminal state stays readable while
 * it is among the ENDED_KEPT most recently ended ones (at least; up to twice that many): when the
 * ring of ended ids reaches 2 * ENDED_KEPT, the oldest ENDED_KEPT leave the core and are folded
 * into their day's DaySummary, which keeps the day's statistics exact. The rule counts events, so a
 * replay, a snapshot plus tail and the live core prune at the same events (snapshot + tail = full
 * replay, byte for byte). Memory and snapshots follow the waiting tickets and this window, not the
 * day's total. At the start of a day the ended tickets of earlier days leave and so do the
 * summaries of earlier days (statistics of an earlier day show only its tickets still open).
 */
final class Core {
  static final int BOARD_CALLS = 10;

  private static final VarHandle SEQ;
  private static final VarHandle LAST_AT;
  private static final VarHandle POLICY_STATE;
  private static final VarHandle CALL_COUNT;
  /** Slots of the board's call ring (a power of two, well above BOARD_CALLS; see calls()). */
  private static final int CALL_RING = 64;
  private static final VarHandle DESK = MethodHandles.arrayElementVarHandle(DeskSlot[].class);
  private static final VarHandle CURRENT = MethodHandles.arrayElementVarHandle(long[].class);

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      SEQ = l.findVarHandle(Core.class, "seq", long.class);
      LAST_AT = l.findVarHandle(Core.class, "lastAt", Instant.class);
      POLICY_STATE = l.findVarHandle(Core.class, "policyState", Object.class);
      CALL_COUNT = l.findVarHandle(Core.class, "callCount", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final BranchConfig config;
  final BranchCalendar calendar;

  // ---- published to readers (written with release semantics, read with acquire/volatile)
  /** Sequence number of the last applied event (0 for a new branch). */
  volatile long seq;
  /** The latest clock time the branch acted on; null for a new branch. */
  volatile Instant lastAt;
  volatile Policy<Object> policy;
  volatile Object policyState;
  volatile AdmissionMode mode;
  /*
   * The board's latest calls: a ring of parallel arrays, so that a call allocates nothing for the
   * board. The writer fills slot (count mod CALL_RING), then publishes count + 1 with release. A
   * reader (calls()) takes count with acquire, copies the newest BOARD_CALLS slots with plain reads
   * and takes count again: if the writer has not lapped the slots it read in between, they hold what
   * the first count published (reference and int reads do not tear), else it reads again.
   */
  private final String[] callDisplay = new String[CALL_RING];
  private final String[] callDesk = new String[CALL_RING];
  private final Instant[] callAt = new Instant[CALL_RING];
  private final int[] callRecalls = new int[CALL_RING];
  private volatile long callCount;
  /** Per service index: moving mean and variance of service time; copied on write (a finish), never written once published. */
  volatile double[] serviceMean;
  volatile double[] serviceVar;
  final Slab<Ticket> tickets = new Slab<>();
  final Slab<Booking> bookings = new Slab<>();
  /** Per desk index (desks sorted by id); elements stored with release, read with acquire. */
  final DeskSlot[] desks;
  /** Per desk index: the ticket it called last and has not let go of (0: free); stored with release, read with acquire. */
  final long[] deskCurrent;

  // ---- the writer's own
  LocalDate day;
  Instant dayEndsAt;
  int[] numbers;
  long window = -1;
  Instant windowEndsAt;
  /** Lines sorted by service code, then line class. */
  Line[] lines = new Line[0];
  /** Window index to its bookings, for windows with places taken or bookings pending. */
  final TreeMap<Long, WindowBookings> windows = new TreeMap<>();
  long nextTicketId = 1;
  long nextBookingId = 1;
  long nextJoinSeq = 1;
  /** Ticket id to the end of its timed postponement, in id order. */
  final TreeMap<Long, Instant> postponed = new TreeMap<>();
  /** Ticket ids whose heads-up fired (while they wait). */
  final TreeSet<Long> notified = new TreeSet<>();
  /** Ticket ids whose wait or service-time breach fired. */
  final TreeSet<Long> breached = new TreeSet<>();
  /** Per service index: the line-length breach fired and the line is still too long. */
  final boolean[] lineBreached;
  /** Ids of the ended tickets still kept, in the order they ended; see the design note. */
  final LongRing ended = new LongRing();

  // ---- published: replaced whole (volatile), never changed once published
  /** Per branch-local day, the statistics of its ended tickets that left the core. */
  volatile NavigableMap<LocalDate, DaySummary> summaries = Collections.emptyNavigableMap();

  /** Ended tickets kept readable (at least this many, fewer than twice as many). */
  static final int ENDED_KEPT = 256;

  /** Hours and capacity changed at runtime, and the live holds (the booking calendar's state). */
  final CalendarState cal;

  @SuppressWarnings("unchecked")
  Core(BranchConfig config, BranchCalendar calendar, AdmissionMode mode) {
    this.config = config;
    this.calendar = calendar;
    this.policy = (Policy<Object>) config.policy();
    this.policyState = policy.initialState();
    this.mode = mode;
    this.cal = new CalendarState(config.calendar(), config.simpleHours(), config.slots().personLimit());
    int services = config.services().size();
    this.numbers = new int[services];
    this.lineBreached = new boolean[services];
    this.desks = new DeskSlot[config.desks().size()];
    Arrays.fill(desks, DeskSlot.OPEN);
    this.deskCurrent = new long[desks.length];
    double mean = config.estimation().defaultServiceTime().toMillis() / 1000.0;
    double[] m = new double[services];
    double[] v = new double[services];
    Arrays.fill(m, mean);
    Arrays.fill(v, mean * mean);
    this.serviceMean = m;
    this.serviceVar = v;
  }

  // ---------------------------------------------------------------- reading

  Ticket ticket(long id) {
    return id > 0 ? tickets.get(id) : null;
  }

  /** Any thread: the desk's status (an immutable record stored with release). */
  DeskSlot desk(int index) {
    return (DeskSlot) DESK.getAcquire(desks, index);
  }

  DeskSlot desk(String id) {
    return desk(config.deskIndexOf(id));
  }

  /** Any thread: the ticket the desk holds (0: free). */
  long current(int index) {
    return (long) CURRENT.getAcquire(deskCurrent, index);
  }

  private void hold(int index, long ticket) {
    CURRENT.setRelease(deskCurrent, index, ticket); // a long element: no tearing with VarHandle access
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
  Ticket head(Line line, Instant now) {
    LongRing ids = line.ids;
    if (ids.isEmpty()) {
      return null;
    }
    Duration cooldown = config.limits().recallCooldown();
    for (int i = 0; i < ids.size(); i++) {
      Ticket t = tickets.get(ids.get(i));
      if (t.state() == TicketState.WAITING
          && (cooldown.isZero() || t.calledAt() == null || !now.isBefore(t.calledAt().plus(cooldown)))) {
        return t;
      }
    }
    return null;
  }

  /**
   * The dispatch view of a desk: its services' lines with a callable head, in line order. The
   * writer reuses one view object and list for every call (the SPI says a view is valid only
   * during the policy call it is passed to), and each line is its own LineView: building a view
   * allocates nothing.
   */
  DispatchView<Object> viewFor(Desk desk, Instant now) {
    ReusableView view = reusable;
    view.clear(lines.length);
    for (Line l : lines) {
      if (l.waiting() > 0 && desk.serves(l.service)) {
        Ticket head = head(l, now);
        if (head != null) {
          view.push(l.offer(head));
        }
      }
    }
    view.now = now;
    view.desk = desk;
    view.state = policyState;
    return view;
  }

  /** A view built by the estimator, which simulates calls on its own lists. */
  record View(Instant now, Desk desk, List<LineView> lines, Object state) implements DispatchView<Object> {}

  /** The writer's one dispatch view, refilled for every call (the estimator keeps one per reader thread). */
  static final class ReusableView extends java.util.AbstractList<LineView> implements DispatchView<Object> {
    private LineView[] items = new LineView[8];
    private int size;
    Instant now;
    Desk desk;
    Object state;

    @Override
    public Instant now() {
      return now;
    }

    @Override
    public Desk desk() {
      return desk;
    }

    @Override
    public List<LineView> lines() {
      return this; // read-only: AbstractList refuses add, set and remove
    }

    @Override
    public LineView get(int index) {
      java.util.Objects.checkIndex(index, size);
      return items[index];
    }

    @Override
    public int size() {
      return size;
    }

    void clear(int capacity) {
      if (items.length < capacity) {
        items = new LineView[capacity];
      }
      java.util.Arrays.fill(items, 0, size, null);
      size = 0;
    }

    void push(LineView v) {
      items[size++] = v;
    }

    @Override
    public Object state() {
      return state;
    }

    @Override
    public String toString() {
      return "DispatchView[now=" + now + ", desk=" + desk + ", lines=" + super.toString() + ", state=" + state + "]";
    }
  }

  private final ReusableView reusable = new ReusableView();

  int waitingFor(int service) {
    String code = config.services().get(service).code();
    int n = 0;
    for (Line l : lines) {
      if (l.service.equals(code)) {
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
      DispatchView<Object> view = viewFor(desk, c.at());
      LineView chosen = null;
      // by index: a view's list is random access, and an iterator would be garbage on every call
      for (int at = 0, n = view.lines().size(); at < n; at++) {
        LineView lv = view.lines().get(at);
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
      forgetPastDays(d.day());
      cal.forgetPersonPlaces(d.day());
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
      Ticket back = copy(t, TicketState.WAITING, t.calledAt(), null, t.recalls(), null, null, null);
      put(back);
      freeDesk(r.desk(), t.id());
      rejoin(back, t.line(), t.joinSeq());
    } else if (e instanceof ServiceStarted s) {
      Ticket t = tickets.get(s.ticketId());
      put(copy(t, TicketState.SERVING, t.calledAt(), t.desk(), t.recalls(), s.at(), null, null));
    } else if (e instanceof ServiceFinished f) {
      Ticket t = tickets.get(f.ticketId());
      put(copy(t, TicketState.DONE, t.calledAt(), t.desk(), t.recalls(), t.startedAt(), f.at(), null));
      freeDesk(t.desk(), t.id());
      ended(t.id());
      measure(config.indexOf(t.service()), Duration.between(t.startedAt(), f.at()));
      unflag(breached, t.id());
    } else if (e instanceof TicketNoShow n) {
      Ticket t = tickets.get(n.ticketId());
      put(copy(t, TicketState.NO_SHOW, t.calledAt(), t.desk(), t.recalls(), t.startedAt(), n.at(), null));
      freeDesk(t.desk(), t.id());
      ended(t.id());
    } else if (e instanceof TicketCancelled c) {
      Ticket t = tickets.get(c.ticketId());
      leaveLine(t);
      put(copy(t, TicketState.CANCELLED, t.calledAt(), t.desk(), t.recalls(), t.startedAt(), c.at(), null));
      ended(t.id());
    } else if (e instanceof TicketPostponed p) {
      Ticket t = tickets.get(p.ticketId());
      if (t.state() == TicketState.WAITING) {
        leaveLine(t);
      } else {
        freeDesk(t.desk(), t.id());
      }
      put(copy(t, TicketState.POSTPONED, t.calledAt(), null, t.recalls(), null, null, p.until()));
      if (p.until() != null) {
        postponed.put(t.id(), p.until());
      }
    } else if (e instanceof TicketResumed r) {
      Ticket t = tickets.get(r.ticketId());
      postponed.remove(t.id());
      Ticket back = t.withLifecycle(r.line(), r.joinSeq(), TicketState.WAITING, t.calledAt(), null, t.recalls(),
          null, null, null);
      put(back);
      rejoin(back, r.line(), r.joinSeq());
      nextJoinSeq = Math.max(nextJoinSeq, r.joinSeq() + 1);
    } else if (e instanceof TicketTransferred x) {
      Ticket t = tickets.get(x.ticketId());
      put(copy(t, TicketState.TRANSFERRED, t.calledAt(), t.desk(), t.recalls(), t.startedAt(), x.at(), null));
      freeDesk(t.desk(), t.id());
      ended(t.id());
      if (t.startedAt() != null) {
        measure(config.indexOf(t.service()), Duration.between(t.startedAt(), x.at()));
      }
      unflag(breached, t.id());
    } else if (e instanceof DeskStateChanged d) {
      int i = config.deskIndexOf(d.desk());
      DeskSlot old = desks[i];
      setDesk(i, new DeskSlot(d.state(), d.reason(), old.autoCall()));
    } else if (e instanceof AutoCallChanged a) {
      int i = config.deskIndexOf(a.desk());
      DeskSlot old = desks[i];
      setDesk(i, new DeskSlot(old.state(), old.reason(), a.on()));
    } else if (e instanceof HeadsUp h) {
      notified.add(h.ticketId());
    } else if (e instanceof ServiceLevelBreached b) {
      if (b.target() == ServiceLevel.Target.LINE_LENGTH) {
        lineBreached[config.indexOf(b.service())] = true;
      } else {
        breached.add(b.ticketId());
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
      Policy<Object> next = resolvePolicy(c);
      setPolicyState(next.initialState());
      policy = next;
    } else if (CalendarState.handles(e)) {
      cal.apply(this, e);
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
      p = Policy.builtIn(c.policy()).orElse(null);
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
    setPolicyState(nextPolicyState);
    clearLineBreaches();
  }

  private void setPolicyState(Object state) {
    // release: a reader (estimate) that sees the new state sees it fully built
    POLICY_STATE.setRelease(this, state);
  }

  private void called(TicketCalled c) {
    Ticket t = tickets.get(c.ticketId());
    if (t.state() == TicketState.POSTPONED) {
      postponed.remove(t.id()); // walk-direct of a postponed ticket
    } else {
      Line l = lines[lineIndex(t.service(), t.line())];
      if (l.ids.peekFirst() == t.id()) {
        l.ids.removeFirst();
      } else {
        l.ids.removeFirstOccurrence(t.id());
      }
    }
    put(copy(t, TicketState.CALLED, c.at(), c.desk(), t.recalls(), null, null, null));
    int d = config.deskIndexOf(c.desk());
    hold(d, t.id());
    addBoardCall(t.display(), c.desk(), c.at(), t.recalls());
    unflag(notified, t.id());
    unflag(breached, t.id());
  }

  private static void unflag(TreeSet<Long> flags, long id) {
    if (!flags.isEmpty()) { // no boxing on the common path where no flag is set
      flags.remove(id);
    }
  }

  private void begin(QueueEvent e) {
    long s = seq;
    if (e.seq() != s + 1) {
      throw new StorageException("history of branch " + config.branchId() + " is not contiguous: expected event "
          + (s + 1) + ", found " + e.seq() + (s == 0 && e.seq() > 1 ? "; the events before it were removed by"
          + " retention (EventStore.removeHistoryBefore), and only the snapshot that covered them, which this"
          + " engine cannot use (see the log), could rebuild the branch" : ""));
    }
    // release: readers of seq and lastAt see values no older than the records stored before them
    SEQ.setRelease(this, e.seq());
    Instant last = lastAt;
    if (last == null || e.at().isAfter(last)) {
      LAST_AT.setRelease(this, e.at());
    }
  }

  private void issued(TicketIssued i) {
    int svc = serviceIndex(i, i.service());
    Ticket t = Ticket.issuedBy(i);
    put(t);
    if (i.day().equals(day) && numbers[svc] < i.number()) {
      numbers[svc] = i.number();
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
      Line[] grown = new Line[lines.length + 1];
      System.arraycopy(lines, 0, grown, 0, at);
      System.arraycopy(lines, at, grown, at + 1, lines.length - at);
      LongRing ids = new LongRing();
      ids.addLast(t.id());
      grown[at] = new Line(t.service(), lineClass, ids, joinSeq);
      lines = grown;
      return;
    }
    Line l = lines[idx];
    if (joinSeq > l.lastJoin) {
      l.ids.addLast(t.id());
      l.lastJoin = joinSeq;
    } else {
      LongRing ids = l.ids;
      int at = ids.size();
      for (int k = 0; k < ids.size(); k++) {
        if (tickets.get(ids.get(k)).joinSeq() > joinSeq) {
          at = k;
          break;
        }
      }
      ids.insert(at, t.id());
    }
  }

  /**
   * A waiting ticket leaves its line from wherever it is (O(line length); cancellations and
   * postponements are rare next to issues and calls).
   */
  private void leaveLine(Ticket t) {
    if (t.state() == TicketState.WAITING) {
      lines[lineIndex(t.service(), t.line())].ids.removeFirstOccurrence(t.id());
      unflag(notified, t.id());
      unflag(breached, t.id());
    } else if (t.state() == TicketState.POSTPONED) {
      postponed.remove(t.id());
    }
  }

  private void freeDesk(String deskId, long ticketId) {
    if (deskId == null) {
      return;
    }
    int d = config.deskIndexOf(deskId);
    if (deskCurrent[d] == ticketId) {
      hold(d, 0);
    }
  }

  private void measure(int service, Duration took) {
    double x = took.toMillis() / 1000.0;
    double a = config.estimation().smoothing();
    double[] mean = serviceMean.clone();
    double[] var = serviceVar.clone();
    double diff = x - mean[service];
    mean[service] += a * diff;
    var[service] = (1 - a) * (var[service] + a * diff * diff);
    serviceVar = var;
    serviceMean = mean;
  }

  private void addBoardCall(String display, String desk, Instant at, int recalls) {
    long n = callCount;
    int slot = (int) (n & (CALL_RING - 1));
    callDisplay[slot] = display; // plain: published by the release store of the count below
    callDesk[slot] = desk;
    callAt[slot] = at;
    callRecalls[slot] = recalls;
    CALL_COUNT.setRelease(this, n + 1);
  }

  /** Any thread: the latest calls, newest first (at most BOARD_CALLS); see the ring's comment. */
  BoardView.Call[] calls() {
    while (true) {
      long n = (long) CALL_COUNT.getAcquire(this);
      int k = (int) Math.min(n, BOARD_CALLS);
      BoardView.Call[] out = new BoardView.Call[k];
      for (int i = 0; i < k; i++) {
        int slot = (int) ((n - 1 - i) & (CALL_RING - 1));
        out[i] = new BoardView.Call(callDisplay[slot], callDesk[slot], callAt[slot], callRecalls[slot]);
      }
      VarHandle.acquireFence(); // the slot reads above happen before the second look at the count
      if ((long) CALL_COUNT.getAcquire(this) - n <= CALL_RING - BOARD_CALLS) {
        return out;
      }
    }
  }

  /** Restores the board's calls (newest first), when decoding a snapshot into a fresh core. */
  void restoreCalls(BoardView.Call[] newestFirst) {
    for (int i = newestFirst.length - 1; i >= 0; i--) {
      BoardView.Call c = newestFirst[i];
      addBoardCall(c.display(), c.desk(), c.at(), c.recalls());
    }
  }

  /** A line-length breach ends, silently, once the line is back within its maximum. */
  private void clearLineBreaches() {
    for (int s = 0; s < lineBreached.length; s++) {
      if (lineBreached[s]) {
        ServiceLevel level = config.serviceLevels().get(config.services().get(s).code());
        if (waitingFor(s) <= level.maxLineLength()) {
          lineBreached[s] = false;
        }
      }
    }
  }

  private void booked(BookingMade b) {
    Instant starts = calendar.startOf(b.window());
    Instant ends = calendar.endOf(b.window());
    bookings.put(b.bookingId(), new Booking(b.bookingId(), b.code(), b.service(), b.windowStart(), starts, ends,
        BookingState.BOOKED, b.personId(), 0, b.at(), b.windows(), b.channel()));
    int svc = serviceIndex(b, b.service());
    take(b.window(), b.windows(), svc, b.channel(), 1);
    windows.get(b.window()).pending.addLast(b.bookingId()); // check-in and expiry follow the first window
    nextBookingId = Math.max(nextBookingId, b.bookingId() + 1);
    cal.personPlace(CalendarState.BOOKING, b.bookingId(), b.personId(), b.windowStart().toLocalDate());
  }

  /** The bookings of the window ending at {@code ends}, made when it has none yet. */
  WindowBookings window(long index, Instant ends) {
    WindowBookings w = windows.get(index);
    if (w == null) {
      w = new WindowBookings(new int[numbers.length], new int[numbers.length * WindowBookings.CHANNELS],
          new LongRing(), ends.plus(config.limits().bookingGrace()));
      windows.put(index, w);
    }
    return w;
  }

  /**
   * Takes ({@code delta} 1) or frees (-1) a place of the service in each of {@code count}
   * consecutive windows from {@code first} on: a booking, hold or cool-down counts in every window
   * it covers. A window dropped after its expiry with nothing pending took its counts with it.
   */
  void take(long first, int count, int svc, dev.talon.queue.Channel channel, int delta) {
    for (long w = first; w < first + count; w++) {
      WindowBookings wb = delta > 0 ? window(w, calendar.endOf(w)) : windows.get(w);
      if (wb != null) {
        wb.add(svc, channel, delta);
      }
    }
  }

  /**
   * A booking moves to another window with its code (BookingRescheduled): its places are freed and
   * taken again from the new first window on, as many as it has.
   */
  void moveBooking(long id, long to, java.time.LocalDateTime toStart, Instant at) {
    Booking b = bookings.get(id);
    int svc = config.indexOf(b.service());
    long from = calendar.windowIndex(b.windowStart());
    take(from, b.windows(), svc, b.channel(), -1);
    WindowBookings old = windows.get(from);
    old.pending.removeFirstOccurrence(id);
    if (old.pending.isEmpty() && !old.expiresAt.isAfter(at)) {
      windows.remove(from);
    }
    Instant ends = calendar.endOf(to);
    bookings.put(id, new Booking(b.id(), b.code(), b.service(), toStart, calendar.startOf(to), ends, b.state(),
        b.personId(), b.ticketId(), b.bookedAt(), b.windows(), b.channel()));
    take(to, b.windows(), svc, b.channel(), 1);
    windows.get(to).pending.addLast(id);
    cal.personPlace(CalendarState.BOOKING, id, b.personId(), toStart.toLocalDate());
  }

  private void bookingLeaves(long id, BookingState to, long ticketId, boolean release, Instant at) {
    Booking b = bookings.get(id);
    bookings.put(id, new Booking(b.id(), b.code(), b.service(), b.windowStart(), b.startsAt(), b.endsAt(), to,
        b.personId(), ticketId, b.bookedAt(), b.windows(), b.channel()));
    long w = calendar.windowIndex(b.windowStart());
    WindowBookings wb = windows.get(w);
    if (release) {
      take(w, b.windows(), config.indexOf(b.service()), b.channel(), -1);
      cal.freed = true; // the offer pass serves the waiting lists
    }
    if (to == BookingState.CANCELLED) {
      cal.personPlace(CalendarState.BOOKING, id, b.personId(), null); // a cancelled booking counts for no limit
    }
    wb.pending.removeFirstOccurrence(id);
    if (wb.pending.isEmpty() && !wb.expiresAt.isAfter(at)) {
      windows.remove(w);
    }
  }

  /**
   * At the start of a day the engine forgets tickets of earlier days that reached a terminal
   * state, and bookings of earlier days that did; their events stay in the store. Memory stays
   * proportional to a day's work however long the engine runs.
   */
  private void forgetPastDays(LocalDate today) {
    List<Long> oldTickets = new ArrayList<>();
    tickets.forEach(t -> {
      if (t.state().isTerminal() && t.day().isBefore(today)) {
        oldTickets.add(t.id());
      }
    });
    oldTickets.forEach(tickets::remove);
    tickets.compact();
    if (!oldTickets.isEmpty()) {
      long[] kept = ended.toArray();
      ended.clear();
      for (long id : kept) {
        if (tickets.get(id) != null) {
          ended.addLast(id);
        }
      }
    }
    if (!summaries.isEmpty() && summaries.firstKey().isBefore(today)) {
      summaries = Collections.unmodifiableNavigableMap(new TreeMap<>(summaries.tailMap(today, true)));
    }
    List<Long> oldBookings = new ArrayList<>();
    bookings.forEach(b -> {
      if (b.state().isTerminal() && b.windowStart().toLocalDate().isBefore(today)) {
        oldBookings.add(b.id());
      }
    });
    oldBookings.forEach(bookings::remove);
    bookings.compact();
  }

  /** A ticket reached a terminal state: it joins the ended ones kept, and the oldest of those may leave. */
  private void ended(long id) {
    ended.addLast(id);
    if (ended.size() >= 2 * ENDED_KEPT) {
      pruneEnded(ENDED_KEPT);
    }
  }

  /**
   * The {@code n} tickets that ended first leave the core, folded into their day's summary. The
   * slab loses them before the new summaries are published (see Statistics for why that order).
   */
  private void pruneEnded(int n) {
    TreeMap<LocalDate, List<Ticket>> byDay = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      Ticket t = tickets.get(ended.removeFirst());
      byDay.computeIfAbsent(t.day(), k -> new ArrayList<>()).add(t);
      tickets.remove(t.id());
    }
    tickets.compact();
    TreeMap<LocalDate, DaySummary> next = new TreeMap<>(summaries);
    byDay.forEach((d, ts) -> next.put(d, next.getOrDefault(d, new DaySummary(d)).with(ts)));
    summaries = Collections.unmodifiableNavigableMap(next); // volatile: published whole, after the slab removals
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
      var first = windows.firstEntry();
      WindowBookings w = first.getValue();
      if (!w.pending.isEmpty() || w.expiresAt.isAfter(at)) {
        return;
      }
      windows.remove(first.getKey());
    }
  }

  private void put(Ticket t) {
    tickets.put(t.id(), t);
  }

  private void setDesk(int i, DeskSlot d) {
    DESK.setRelease(desks, i, d); // an immutable record, built before it is published
  }

  /** A copy of the ticket in another state; identity, number, line and join order stay. */
  static Ticket copy(Ticket t, TicketState state, Instant calledAt, String desk, int recalls, Instant startedAt,
      Instant endedAt, Instant postponedUntil) {
    return t.withLifecycle(t.line(), t.joinSeq(), state, calledAt, desk, recalls, startedAt, endedAt, postponedUntil);
  }

  @Override
  public String toString() {
    return "Core[seq=" + seq + ", lines=" + Arrays.toString(lines) + "]";
  }
}
