package dev.talon.queue.testkit;

import dev.talon.queue.AdmissionMode;
import dev.talon.queue.AdmissionRefusedException;
import dev.talon.queue.BookRequest;
import dev.talon.queue.Booking;
import dev.talon.queue.BookingState;
import dev.talon.queue.CapacityExceededException;
import dev.talon.queue.CheckInRefusedException;
import dev.talon.queue.ClockWentBackwardsException;
import dev.talon.queue.Desk;
import dev.talon.queue.DeskState;
import dev.talon.queue.DeskStatus;
import dev.talon.queue.PostponeReturn;
import dev.talon.queue.TransferRequest;
import dev.talon.queue.DuplicateRequestException;
import dev.talon.queue.IllegalTransitionException;
import dev.talon.queue.InvalidRequestException;
import dev.talon.queue.IssueRequest;
import dev.talon.queue.LateArrival;
import dev.talon.queue.OpeningHours;
import dev.talon.queue.Origin;
import dev.talon.queue.OutOfHoursException;
import dev.talon.queue.Position;
import dev.talon.queue.QueueEvent;
import dev.talon.queue.QueueException;
import dev.talon.queue.Service;
import dev.talon.queue.Ticket;
import dev.talon.queue.TicketState;
import dev.talon.queue.UnknownBookingException;
import dev.talon.queue.UnknownDeskException;
import dev.talon.queue.UnknownServiceException;
import dev.talon.queue.UnknownTicketException;
import dev.talon.queue.spi.DispatchView;
import dev.talon.queue.spi.LineView;
import dev.talon.queue.spi.Policy;
import dev.talon.queue.spi.TicketFacts;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongFunction;

/*
 * The sequential reference model of one branch.
 *
 * Written from the lifecycle in DESIGN.md and the documented rules of the public API, in the
 * plainest Java available: tickets and bookings in sorted maps, each line a list of waiting ids,
 * capacity counted by walking the bookings, the day's number counted by walking the tickets. No
 * persistent structures, no counters kept in sync, no CAS. It is slow and obviously right, which
 * is the point: the engine must agree with it after every operation.
 *
 * Service-centre operations. Every line is a list kept in join order (a ticket is inserted after
 * every ticket with an equal or lower join order). A policy call offers each line's first ticket
 * that is not within the recall cool-down of its last call; a walk-direct call takes the named
 * waiting or postponed ticket without asking the policy, whose state stays. A postponement (from
 * WAITING or CALLED) leaves the line or frees the desk; the catch-up returns every timed one whose
 * end has come, in ticket id order, after the expiries, by Limits.postponeReturn (old join order,
 * a new one, or a new one in the raised line class). A transfer ends the ticket TRANSFERRED and
 * issues its child in the other service (next number there, origin TRANSFERRED, the kept or a new
 * join order, returnTo when asked); finishing a ticket with a returnTo issues the way back at its
 * join order. Desks start open; paused and closed ones refuse calls.
 *
 * Transactions. A failed operation changes nothing, not even the clock catch-up (new day, window
 * rotation, expiries) that ran before the failure. The model gets this by running every operation
 * on a deep copy of its state and keeping the copy only when the operation succeeds.
 *
 * Order of checks (it decides which exception a bad request gets, so it is part of the
 * contract): a missing request; the admission checks (for check-in after looking the booking
 * up); a request id seen before (the same request returns the current snapshot without touching
 * the clock, a different one is a duplicate); the clock (a step back beyond the tolerance is
 * refused, a smaller one counts as no time passing); the catch-up; then the operation's own
 * rules in the order the engine documents them.
 *
 * Booking codes are opaque to the model: it asks `codes` for the code of booking id n, so that a
 * test can hand it the codes the engine printed.
 */
/**
 * A sequential reference model of a branch, built from a {@link Scenario}. Apply {@link Op}s to
 * it and compare with the engine: it returns the same values, throws the same exception classes
 * and emits the same events.
 */
public final class ReferenceModel {
  private final Scenario sc;
  private final Policy<Object> policy;
  private final LongFunction<String> codes;
  private final ZoneId zone;
  private final long windowMinutes;
  private final long windowsPerDay;
  private final Map<String, String> prefixes = new HashMap<>();
  private final Map<String, Desk> desks = new HashMap<>();
  private Instant clock;
  private State s;

  /** A request id's first request and the id of the ticket or booking it produced. */
  private record Remembered(List<Object> fingerprint, long id) {}

  /** Everything that changes; copied whole before every operation. */
  private static final class State {
    long seq;
    Instant lastAt;
    LocalDate day;
    long window = -1;
    Instant windowEnds;
    long nextJoin = 1;
    long nextTicket = 1;
    long nextBooking = 1;
    Object policyState;
    AdmissionMode mode;
    TreeMap<Long, Ticket> tickets = new TreeMap<>();
    TreeMap<Long, Booking> bookings = new TreeMap<>();
    /** service -> line class -> ids of the waiting tickets, front first. */
    TreeMap<String, TreeMap<String, List<Long>>> lines = new TreeMap<>();
    Map<String, Remembered> requests = new HashMap<>();
    List<QueueEvent> events = new ArrayList<>();
    /** desk id -> its status, for the desks that ever changed state (the others are open). */
    TreeMap<String, DeskStatus> desks = new TreeMap<>();
    /** desk id -> the ticket it last called, while that ticket is still called or served there. */
    TreeMap<String, Long> current = new TreeMap<>();

    State copy() {
      State c = new State();
      c.seq = seq;
      c.lastAt = lastAt;
      c.day = day;
      c.window = window;
      c.windowEnds = windowEnds;
      c.nextJoin = nextJoin;
      c.nextTicket = nextTicket;
      c.nextBooking = nextBooking;
      c.policyState = policyState;
      c.mode = mode;
      c.tickets = new TreeMap<>(tickets);
      c.bookings = new TreeMap<>(bookings);
      lines.forEach((service, classes) -> {
        TreeMap<String, List<Long>> copied = new TreeMap<>();
        classes.forEach((cls, ids) -> copied.put(cls, new ArrayList<>(ids)));
        c.lines.put(service, copied);
      });
      c.requests = new HashMap<>(requests);
      c.desks = new TreeMap<>(desks);
      c.current = new TreeMap<>(current);
      c.events = new ArrayList<>(events);
      return c;
    }
  }

  @SuppressWarnings("unchecked")
  public ReferenceModel(Scenario scenario, Policy<?> policy, LongFunction<String> codes) {
    this.sc = scenario;
    this.policy = (Policy<Object>) policy;
    this.codes = codes;
    this.zone = scenario.zone();
    this.windowMinutes = scenario.slots().windowLength().toMinutes();
    this.windowsPerDay = 24 * 60 / windowMinutes;
    for (Service svc : scenario.services()) {
      prefixes.put(svc.code(), svc.prefix());
    }
    for (Desk d : scenario.desks()) {
      desks.put(d.id(), d);
    }
    this.clock = scenario.start();
    this.s = new State();
    s.policyState = policy.initialState();
    s.mode = AdmissionMode.MIXED;
  }

  // ---------------------------------------------------------------- reading

  public List<QueueEvent> events() {
    return List.copyOf(s.events);
  }

  public long lastSeq() {
    return s.seq;
  }

  public AdmissionMode admissionMode() {
    return s.mode;
  }

  /** The model clock's reading (what the engine's clock reads too). */
  public Instant clock() {
    return clock;
  }

  /** The time of the last event; null before the first. */
  public Instant lastAt() {
    return s.lastAt;
  }

  public List<Ticket> tickets() {
    return List.copyOf(s.tickets.values());
  }

  public Optional<Ticket> ticket(long id) {
    return Optional.ofNullable(s.tickets.get(id));
  }

  public List<Booking> bookings() {
    return List.copyOf(s.bookings.values());
  }

  public Optional<Booking> booking(String code) {
    return s.bookings.values().stream().filter(b -> java.util.Objects.equals(b.code(), code)).findFirst();
  }

  /** The waiting tickets of the service, line by line in line-class order, front first. */
  public List<Ticket> waiting(String service) {
    List<Ticket> out = new ArrayList<>();
    s.lines.getOrDefault(service, new TreeMap<>()).values().forEach(ids -> ids.forEach(id -> out.add(s.tickets.get(id))));
    return out;
  }

  /** The desk's status; desks start open. */
  public DeskStatus deskStatus(String desk) {
    return status(s, desk);
  }

  private static DeskStatus status(State w, String desk) {
    return w.desks.getOrDefault(desk, new DeskStatus(desk, DeskState.OPEN, null, false));
  }

  /** Every open desk with auto-call and no current ticket calls the next one, in the desks' order. */
  private void autoCall(State w) {
    for (Desk d : sc.desks()) {
      DeskStatus st = status(w, d.id());
      if (st.autoCall() && st.state() == DeskState.OPEN && !w.current.containsKey(d.id())) {
        callNext(w, d.id());
      }
    }
  }

  /** The desk that called the ticket is free again (if it has not called another one since). */
  private static void free(State w, Ticket t) {
    if (t.desk() != null && Long.valueOf(t.id()).equals(w.current.get(t.desk()))) {
      w.current.remove(t.desk());
    }
  }

  /** Where the ticket stands: waiting tickets ahead of it in its line, or -1 when it is not waiting. */
  public Position position(long id) {
    Ticket t = s.tickets.get(id);
    if (t == null) {
      throw new UnknownTicketException("no ticket has id " + id);
    }
    if (t.state() != TicketState.WAITING) {
      return new Position(t, -1);
    }
    return new Position(t, s.lines.get(t.service()).get(t.line()).indexOf(id));
  }

  // ---------------------------------------------------------------- applying

  /** Applies the operation; a refused one changes nothing. */
  public Outcome apply(Op op) {
    if (op instanceof Op.SetClock c) {
      clock = c.at();
      return Outcome.ok(null);
    }
    State work = s.copy();
    try {
      int before = work.events.size();
      Object value = run(work, op);
      if (work.events.size() > before) { // after any operation that changed something
        autoCall(work);
        if (value instanceof Ticket t) {
          value = work.tickets.get(t.id());
        } else if (value instanceof Optional<?> o && o.isPresent()) {
          value = Optional.of(work.tickets.get(((Ticket) o.get()).id()));
        }
      }
      s = work;
      return Outcome.ok(value);
    } catch (QueueException e) {
      return Outcome.failed(e);
    }
  }

  private Object run(State w, Op op) {
    if (op instanceof Op.Issue o) {
      return issue(w, o.request());
    } else if (op instanceof Op.Book o) {
      return book(w, o.request());
    } else if (op instanceof Op.CancelBooking o) {
      return cancelBooking(w, o.code());
    } else if (op instanceof Op.CheckIn o) {
      return checkIn(w, o.code());
    } else if (op instanceof Op.CallNext o) {
      return callNext(w, o.desk());
    } else if (op instanceof Op.Recall o) {
      return recall(w, o.ticketId());
    } else if (op instanceof Op.ReturnCall o) {
      return returnCall(w, o.ticketId());
    } else if (op instanceof Op.Start o) {
      return start(w, o.ticketId());
    } else if (op instanceof Op.Finish o) {
      return finish(w, o.ticketId());
    } else if (op instanceof Op.NoShow o) {
      return noShow(w, o.ticketId());
    } else if (op instanceof Op.Cancel o) {
      return cancel(w, o.ticketId());
    } else if (op instanceof Op.SetMode o) {
      Instant now = catchUp(w);
      if (o.mode() == null) {
        throw new InvalidRequestException("admission mode must not be null");
      }
      if (o.mode() != w.mode) {
        emit(w, new QueueEvent.AdmissionModeChanged(w.seq + 1, now, w.mode, o.mode()));
        w.mode = o.mode();
      }
      return null;
    } else if (op instanceof Op.Rotate) {
      catchUp(w);
      return null;
    } else if (op instanceof Op.Postpone o) {
      return postpone(w, o.ticketId(), o.indefinitely() ? null : o.period() == null ? sc.limits().postponePeriod() : o.period());
    } else if (op instanceof Op.Resume o) {
      Instant now = catchUp(w);
      return resumed(w, now, inState(w, o.ticketId(), "resumed", TicketState.POSTPONED));
    } else if (op instanceof Op.Transfer o) {
      return transfer(w, o.ticketId(), o.request());
    } else if (op instanceof Op.CallTicket o) {
      return callTicket(w, o.desk(), o.ticketId());
    } else if (op instanceof Op.OpenDesk o) {
      return setDesk(w, o.desk(), DeskState.OPEN, null);
    } else if (op instanceof Op.PauseDesk o) {
      return setDesk(w, o.desk(), DeskState.PAUSED, o.reason());
    } else if (op instanceof Op.SetAutoCall o) {
      Instant now = catchUp(w);
      desk(o.desk());
      DeskStatus was = status(w, o.desk());
      if (was.autoCall() != o.on()) {
        emit(w, new QueueEvent.AutoCallChanged(w.seq + 1, now, o.desk(), o.on()));
        w.desks.put(o.desk(), new DeskStatus(o.desk(), was.state(), was.reason(), o.on()));
      }
      return null;
    } else if (op instanceof Op.CloseDesk o) {
      return setDesk(w, o.desk(), DeskState.CLOSED, null);
    }
    throw new IllegalStateException("unhandled op " + op);
  }

  // ---------------------------------------------------------------- the clock

  /** Checks the clock and emits what the passage of time implies; returns the operation's time. */
  private Instant catchUp(State w) {
    Instant now = clock;
    if (w.lastAt != null && now.isBefore(w.lastAt)) {
      if (Duration.between(now, w.lastAt).compareTo(sc.clockTolerance()) > 0) {
        throw new ClockWentBackwardsException("the clock reads " + now + " but the branch acted at " + w.lastAt);
      }
      now = w.lastAt;
    }
    LocalDateTime local = local(now);
    if (w.day == null || local.toLocalDate().isAfter(w.day)) {
      w.day = local.toLocalDate();
      emit(w, new QueueEvent.DayStarted(w.seq + 1, now, w.day));
      // a new day forgets ended tickets and bookings of earlier days
      LocalDate today = w.day;
      w.tickets.values().removeIf(t -> t.state().isTerminal() && t.day().isBefore(today));
      w.bookings.values().removeIf(b -> b.state().isTerminal() && b.windowStart().toLocalDate().isBefore(today));
    }
    if (w.window < 0 || !now.isBefore(w.windowEnds)) {
      w.window = windowIndex(local);
      w.windowEnds = zoned(windowStart(w.window).plusMinutes(windowMinutes));
      emit(w, new QueueEvent.WindowRotated(w.seq + 1, now, w.window, windowStart(w.window)));
    }
    List<Booking> due = new ArrayList<>();
    for (Booking b : w.bookings.values()) {
      if (b.state() == BookingState.BOOKED && !b.endsAt().plus(sc.limits().bookingGrace()).isAfter(now)) {
        due.add(b);
      }
    }
    due.sort(Comparator.comparing(Booking::windowStart).thenComparing(Booking::id));
    for (Booking b : due) {
      emit(w, new QueueEvent.BookingExpired(w.seq + 1, now, b.id()));
      w.bookings.put(b.id(), withState(b, BookingState.EXPIRED, 0));
    }
    // timed postponements that have ended return to their lines, in ticket id order
    for (Ticket t : List.copyOf(w.tickets.values())) {
      if (t.state() == TicketState.POSTPONED && t.postponedUntil() != null && !t.postponedUntil().isAfter(now)) {
        resumed(w, now, t);
      }
    }
    return now;
  }

  // ---------------------------------------------------------------- tickets

  private Ticket issue(State w, IssueRequest r) {
    if (r == null) {
      throw new InvalidRequestException("issue request must not be null");
    }
    admit(r.personId());
    List<Object> fingerprint = List.of("issue", r.service(), r.origin(), r.categories(), String.valueOf(r.personId()));
    Ticket again = retried(w, r.requestId(), fingerprint, w.tickets);
    if (again != null) {
      return again;
    }
    Instant now = catchUp(w);
    requireService(r.service());
    if (w.mode == AdmissionMode.BOOKING_ONLY) {
      throw new AdmissionRefusedException("admission-mode", "walk-in tickets are not issued in BOOKING_ONLY");
    }
    if (!isOpen(local(now))) {
      throw new OutOfHoursException("closed at " + local(now));
    }
    Ticket t = newTicket(w, now, r.service(), r.origin(), r.categories(), r.personId(), false, 0, null, r.requestId(),
        w.nextJoin, 0, null);
    remember(w, r.requestId(), fingerprint, t.id());
    return t;
  }

  /** Issues a ticket that joins its line at join order {@code join} (the next one, or a kept one). */
  private Ticket newTicket(State w, Instant now, String service, Origin origin, Set<String> categories, String person,
      boolean late, long bookingId, Instant bookedFor, String requestId, long join, long parentId, String returnTo) {
    String line = policy.classify(TicketFacts.of(service, origin, categories, person, late, bookedFor, now));
    int number = 1;
    for (Ticket t : w.tickets.values()) {
      if (t.service().equals(service) && t.day().equals(w.day)) {
        number++;
      }
    }
    String display = prefixes.get(service) + "-" + String.format("%03d", number);
    long id = w.nextTicket++;
    w.nextJoin = Math.max(w.nextJoin, join + 1);
    emit(w, new QueueEvent.TicketIssued(w.seq + 1, now, id, w.day, service, number, display, origin, line, categories,
        person, bookingId, bookedFor, join, requestId, parentId, returnTo));
    Ticket t = new Ticket(id, w.day, service, number, display, origin, line, categories, person, bookingId, bookedFor,
        join, TicketState.WAITING, now, null, null, 0, null, null, null, parentId, returnTo);
    w.tickets.put(id, t);
    join(w, t);
    return t;
  }

  private Optional<Ticket> callNext(State w, String deskId) {
    Instant now = catchUp(w);
    if (deskId == null || deskId.isBlank()) {
      throw new InvalidRequestException("desk id must not be null or blank");
    }
    Desk desk = desks.get(deskId);
    if (desk == null) {
      throw new UnknownDeskException("unknown desk " + deskId);
    }
    requireOpen(w, deskId);
    List<LineView> offered = new ArrayList<>();
    w.lines.forEach((service, classes) -> classes.forEach((cls, ids) -> {
      if (desk.serves(service)) {
        // the first ticket not within the recall cool-down of its last call
        ids.stream().map(w.tickets::get).filter(t -> callable(t, now)).findFirst()
            .ifPresent(head -> offered.add(LineView.of(service, cls, ids.size(), head)));
      }
    }));
    if (offered.isEmpty()) {
      return Optional.empty();
    }
    View view = new View(now, desk, List.copyOf(offered), w.policyState);
    LineView chosen = policy.select(view);
    w.policyState = policy.afterCall(view, chosen);
    Ticket head = chosen.head();
    w.lines.get(head.service()).get(head.line()).remove(Long.valueOf(head.id()));
    emit(w, new QueueEvent.TicketCalled(w.seq + 1, now, head.id(), desk.id(), chosen.lineClass(), false,
        head.display(), head.service()));
    w.current.put(desk.id(), head.id());
    return Optional.of(put(w, with(head, TicketState.CALLED, now, desk.id(), head.recalls(), null, null)));
  }

  private boolean callable(Ticket t, Instant now) {
    Duration cooldown = sc.limits().recallCooldown();
    return t.calledAt() == null || !now.isBefore(t.calledAt().plus(cooldown));
  }

  private void requireOpen(State w, String deskId) {
    DeskStatus st = w.desks.get(deskId);
    if (st != null && st.state() != DeskState.OPEN) {
      throw new IllegalTransitionException("desk " + deskId + " is " + st.state() + ": it calls nothing");
    }
  }

  private Desk desk(String deskId) {
    if (deskId == null || deskId.isBlank()) {
      throw new InvalidRequestException("desk id must not be null or blank");
    }
    Desk desk = desks.get(deskId);
    if (desk == null) {
      throw new UnknownDeskException("unknown desk " + deskId);
    }
    return desk;
  }

  /** Walk-direct: any waiting or postponed ticket of a service the desk serves; the policy is not asked. */
  private Ticket callTicket(State w, String deskId, long id) {
    Instant now = catchUp(w);
    Desk desk = desk(deskId);
    requireOpen(w, deskId);
    Ticket t = inState(w, id, "called by name", TicketState.WAITING, TicketState.POSTPONED);
    if (!desk.serves(t.service())) {
      throw new IllegalTransitionException("desk " + deskId + " does not serve " + t.service());
    }
    if (t.state() == TicketState.WAITING) {
      w.lines.get(t.service()).get(t.line()).remove(Long.valueOf(id));
    }
    emit(w, new QueueEvent.TicketCalled(w.seq + 1, now, id, deskId, t.line(), true, t.display(), t.service()));
    w.current.put(deskId, id);
    return put(w, with(t, TicketState.CALLED, now, deskId, t.recalls(), null, null));
  }

  private Ticket postpone(State w, long id, Duration period) {
    Instant now = catchUp(w);
    if (period != null && (period.isZero() || period.isNegative())) {
      throw new InvalidRequestException("postpone period must be > 0, was " + period);
    }
    Ticket t = inState(w, id, "postponed", TicketState.WAITING, TicketState.CALLED);
    if (t.state() == TicketState.WAITING) {
      w.lines.get(t.service()).get(t.line()).remove(Long.valueOf(id));
    }
    Instant until = period == null ? null : now.plus(period);
    emit(w, new QueueEvent.TicketPostponed(w.seq + 1, now, id, until));
    free(w, t);
    return put(w, with(t, TicketState.POSTPONED, t.calledAt(), null, t.recalls(), null, null, until));
  }

  /** The postponed ticket waits again where Limits.postponeReturn says. */
  private Ticket resumed(State w, Instant now, Ticket t) {
    PostponeReturn rule = sc.limits().postponeReturn();
    String line = rule == PostponeReturn.RAISE_CLASS ? sc.limits().postponeRaiseTo() : t.line();
    long join = rule == PostponeReturn.KEEP_PLACE ? t.joinSeq() : w.nextJoin;
    w.nextJoin = Math.max(w.nextJoin, join + 1);
    emit(w, new QueueEvent.TicketResumed(w.seq + 1, now, t.id(), line, join));
    Ticket back = new Ticket(t.id(), t.day(), t.service(), t.number(), t.display(), t.origin(), line, t.categories(),
        t.personId(), t.bookingId(), t.bookedFor(), join, TicketState.WAITING, t.issuedAt(), t.calledAt(), null,
        t.recalls(), null, null, null, t.parentId(), t.returnTo());
    put(w, back);
    join(w, back);
    return back;
  }

  private Ticket transfer(State w, long id, TransferRequest r) {
    Instant now = catchUp(w);
    Ticket t = inState(w, id, "transferred", TicketState.SERVING, TicketState.CALLED);
    requireService(r.service());
    if (r.service().equals(t.service())) {
      throw new InvalidRequestException("a transfer must go to another service, not " + t.service());
    }
    emit(w, new QueueEvent.TicketTransferred(w.seq + 1, now, id, w.nextTicket, r.service(), t.display(),
        t.service()));
    free(w, t);
    put(w, with(t, TicketState.TRANSFERRED, t.calledAt(), t.desk(), t.recalls(), t.startedAt(), now));
    return newTicket(w, now, r.service(), Origin.TRANSFERRED, t.categories(), t.personId(), false, 0, null, null,
        r.keepPlace() ? t.joinSeq() : w.nextJoin, id, r.returnAfter() ? t.service() : t.returnTo());
  }

  private Object setDesk(State w, String deskId, DeskState to, String reason) {
    Instant now = catchUp(w);
    desk(deskId);
    if (to == DeskState.PAUSED && (reason == null || reason.isBlank())) {
      throw new InvalidRequestException("a pause needs a reason");
    }
    DeskStatus was = status(w, deskId);
    if (was.state() != to || !java.util.Objects.equals(was.reason(), reason)) {
      emit(w, new QueueEvent.DeskStateChanged(w.seq + 1, now, deskId, to, reason));
      w.desks.put(deskId, new DeskStatus(deskId, to, reason, was.autoCall()));
    }
    return null;
  }

  /** A waiting ticket takes the place its join order gives it in its line. */
  private static void join(State w, Ticket t) {
    List<Long> line = w.lines.computeIfAbsent(t.service(), k -> new TreeMap<>())
        .computeIfAbsent(t.line(), k -> new ArrayList<>());
    int at = line.size();
    while (at > 0 && w.tickets.get(line.get(at - 1)).joinSeq() > t.joinSeq()) {
      at--;
    }
    line.add(at, t.id());
  }

  private record View(Instant now, Desk desk, List<LineView> lines, Object state) implements DispatchView<Object> {}

  private Ticket recall(State w, long id) {
    Instant now = catchUp(w);
    Ticket t = inState(w, id, "recalled", TicketState.CALLED);
    if (t.recalls() >= sc.limits().recallLimit()) {
      emit(w, new QueueEvent.TicketNoShow(w.seq + 1, now, id, t.desk()));
      free(w, t);
      return put(w, with(t, TicketState.NO_SHOW, t.calledAt(), t.desk(), t.recalls(), t.startedAt(), now));
    }
    emit(w, new QueueEvent.TicketRecalled(w.seq + 1, now, id, t.desk(), t.recalls() + 1, t.display(), t.service()));
    // a recall does not change when the ticket was called
    return put(w, with(t, TicketState.CALLED, t.calledAt(), t.desk(), t.recalls() + 1, t.startedAt(), null));
  }

  private Ticket returnCall(State w, long id) {
    Instant now = catchUp(w);
    Ticket t = inState(w, id, "handed back", TicketState.CALLED);
    emit(w, new QueueEvent.CallReturned(w.seq + 1, now, id, t.desk(), t.display(), t.service()));
    free(w, t);
    // the ticket goes back to the place its join order gives it
    Ticket back = put(w, with(t, TicketState.WAITING, t.calledAt(), null, t.recalls(), null, null));
    join(w, back);
    return back;
  }

  private Ticket start(State w, long id) {
    Instant now = catchUp(w);
    Ticket t = inState(w, id, "started", TicketState.CALLED);
    emit(w, new QueueEvent.ServiceStarted(w.seq + 1, now, id, t.desk()));
    return put(w, with(t, TicketState.SERVING, t.calledAt(), t.desk(), t.recalls(), now, null));
  }

  private Ticket finish(State w, long id) {
    Instant now = catchUp(w);
    Ticket t = inState(w, id, "finished", TicketState.CALLED, TicketState.SERVING);
    if (t.state() == TicketState.CALLED) {
      emit(w, new QueueEvent.ServiceStarted(w.seq + 1, now, id, t.desk()));
    }
    emit(w, new QueueEvent.ServiceFinished(w.seq + 1, now, id, t.desk()));
    free(w, t);
    Instant started = t.state() == TicketState.CALLED ? now : t.startedAt();
    Ticket done = put(w, with(t, TicketState.DONE, t.calledAt(), t.desk(), t.recalls(), started, now));
    if (t.returnTo() != null) { // a multi-step visit goes back, keeping its place
      newTicket(w, now, t.returnTo(), Origin.TRANSFERRED, t.categories(), t.personId(), false, 0, null, null,
          t.joinSeq(), id, null);
    }
    return done;
  }

  private Ticket noShow(State w, long id) {
    Instant now = catchUp(w);
    Ticket t = inState(w, id, "marked a no-show", TicketState.CALLED);
    emit(w, new QueueEvent.TicketNoShow(w.seq + 1, now, id, t.desk()));
    free(w, t);
    return put(w, with(t, TicketState.NO_SHOW, t.calledAt(), t.desk(), t.recalls(), t.startedAt(), now));
  }

  private Ticket cancel(State w, long id) {
    Instant now = catchUp(w);
    Ticket t = inState(w, id, "cancelled", TicketState.WAITING, TicketState.POSTPONED);
    emit(w, new QueueEvent.TicketCancelled(w.seq + 1, now, id));
    if (t.state() == TicketState.WAITING) {
      w.lines.get(t.service()).get(t.line()).remove(Long.valueOf(id));
    }
    return put(w, with(t, TicketState.CANCELLED, t.calledAt(), t.desk(), t.recalls(), t.startedAt(), now));
  }

  // ---------------------------------------------------------------- bookings

  private Booking book(State w, BookRequest r) {
    if (r == null) {
      throw new InvalidRequestException("book request must not be null");
    }
    admit(r.personId());
    List<Object> fingerprint = List.of("book", r.service(), r.windowStart(), String.valueOf(r.personId()));
    Booking again = retried(w, r.requestId(), fingerprint, w.bookings);
    if (again != null) {
      return again;
    }
    Instant now = catchUp(w);
    requireService(r.service());
    if (w.mode == AdmissionMode.WALK_IN_ONLY) {
      throw new AdmissionRefusedException("admission-mode", "bookings are not taken in WALK_IN_ONLY");
    }
    int capacity = sc.slots().capacity().getOrDefault(r.service(), 0);
    if (capacity == 0) {
      throw new CapacityExceededException("service " + r.service() + " takes no bookings");
    }
    LocalDateTime start = r.windowStart();
    if (start.getSecond() != 0 || start.getNano() != 0 || (start.getHour() * 60 + start.getMinute()) % windowMinutes != 0) {
      throw new InvalidRequestException("not a window boundary: " + start);
    }
    LocalDateTime end = start.plusMinutes(windowMinutes);
    if (!zoned(end).isAfter(now)) {
      throw new OutOfHoursException("window " + start + " has ended");
    }
    if (start.toLocalDate().isAfter(w.day.plusDays(sc.slots().bookingHorizonDays()))) {
      throw new OutOfHoursException("window " + start + " is beyond the horizon");
    }
    if (!covered(start, end)) {
      throw new OutOfHoursException("window " + start + " is outside opening hours");
    }
    int taken = 0;
    for (Booking b : w.bookings.values()) {
      if (b.service().equals(r.service()) && b.windowStart().equals(start)
          && (b.state() == BookingState.BOOKED || b.state() == BookingState.CHECKED_IN)) {
        taken++;
      }
    }
    if (taken >= capacity) {
      throw new CapacityExceededException("window " + start + " is full");
    }
    long id = w.nextBooking++;
    String code = codes.apply(id);
    emit(w, new QueueEvent.BookingMade(w.seq + 1, now, id, code, r.service(), windowIndex(start), start, r.personId(),
        r.requestId()));
    Booking b = new Booking(id, code, r.service(), start, zoned(start), zoned(end), BookingState.BOOKED, r.personId(), 0,
        now);
    w.bookings.put(id, b);
    remember(w, r.requestId(), fingerprint, id);
    return b;
  }

  private Booking cancelBooking(State w, String code) {
    Instant now = catchUp(w);
    Booking b = lookUp(w, code);
    if (b.state() != BookingState.BOOKED) {
      throw new IllegalTransitionException("booking " + code + " is " + b.state());
    }
    emit(w, new QueueEvent.BookingCancelled(w.seq + 1, now, b.id()));
    Booking cancelled = withState(b, BookingState.CANCELLED, 0);
    w.bookings.put(b.id(), cancelled);
    return cancelled;
  }

  private Ticket checkIn(State w, String code) {
    if (sc.bannedPerson() != null) {
      admit(lookUp(w, code).personId());
    }
    Instant now = catchUp(w);
    Booking b = lookUp(w, code);
    if (b.state() != BookingState.BOOKED) {
      throw new IllegalTransitionException("booking " + code + " is " + b.state());
    }
    if (now.isBefore(b.startsAt().minus(sc.limits().earlyCheckIn()))) {
      throw new CheckInRefusedException("too early");
    }
    boolean late = now.isAfter(b.startsAt().plus(sc.limits().lateCheckIn()));
    if (late && sc.limits().lateArrival() == LateArrival.REFUSE) {
      throw new CheckInRefusedException("too late");
    }
    long ticketId = w.nextTicket;
    emit(w, new QueueEvent.BookingCheckedIn(w.seq + 1, now, b.id(), ticketId, late));
    w.bookings.put(b.id(), withState(b, BookingState.CHECKED_IN, ticketId));
    return newTicket(w, now, b.service(), Origin.BOOKED, Set.of(), b.personId(), late, b.id(), b.startsAt(), null,
        w.nextJoin, 0, null);
  }

  // ---------------------------------------------------------------- helpers

  private void admit(String person) {
    if (sc.bannedPerson() != null && sc.bannedPerson().equals(person)) {
      throw new AdmissionRefusedException(Scenario.BAN_CHECK, "banned");
    }
  }

  private <T> T retried(State w, String requestId, List<Object> fingerprint, Map<Long, T> results) {
    Remembered prior = requestId == null ? null : w.requests.get(requestId);
    if (prior == null) {
      return null;
    }
    if (!prior.fingerprint().equals(fingerprint)) {
      throw new DuplicateRequestException("request id " + requestId + " was used for " + prior.fingerprint());
    }
    return results.get(prior.id());
  }

  private static void remember(State w, String requestId, List<Object> fingerprint, long id) {
    if (requestId != null) {
      w.requests.put(requestId, new Remembered(fingerprint, id));
    }
  }

  private void requireService(String code) {
    if (!prefixes.containsKey(code)) {
      throw new UnknownServiceException("unknown service " + code);
    }
  }

  private Booking lookUp(State w, String code) {
    if (code == null || code.isBlank()) {
      throw new InvalidRequestException("booking code must not be null or blank");
    }
    for (Booking b : w.bookings.values()) {
      if (java.util.Objects.equals(b.code(), code)) {
        return b;
      }
    }
    throw new UnknownBookingException("no booking has code " + code);
  }

  private Ticket inState(State w, long id, String action, TicketState... allowed) {
    Ticket t = w.tickets.get(id);
    if (t == null && id > 0 && id < w.nextTicket) {
      // issued, then forgotten once ended (issue 14: an ended ticket that left the branch)
      throw new IllegalTransitionException("ticket " + id + " cannot be " + action + ": it has ended and is no longer kept");
    }
    if (t == null) {
      throw new UnknownTicketException("no ticket has id " + id);
    }
    for (TicketState a : allowed) {
      if (t.state() == a) {
        return t;
      }
    }
    throw new IllegalTransitionException("ticket " + id + " cannot be " + action + " while " + t.state());
  }

  private boolean isOpen(LocalDateTime at) {
    OpeningHours h = sc.hours();
    LocalTime t = at.toLocalTime();
    return !h.closedDays().contains(at.getDayOfWeek()) && !t.isBefore(h.opens()) && t.isBefore(h.closes());
  }

  /** The whole window lies in one open day's hours (a window ending at midnight needs round-the-clock hours). */
  private boolean covered(LocalDateTime start, LocalDateTime end) {
    OpeningHours h = sc.hours();
    if (h.closedDays().contains(start.getDayOfWeek()) || start.toLocalTime().isBefore(h.opens())) {
      return false;
    }
    LocalDateTime closing = h.closes().equals(LocalTime.MAX)
        ? start.toLocalDate().plusDays(1).atStartOfDay()
        : start.toLocalDate().atTime(h.closes());
    return !end.isAfter(closing);
  }

  private static void emit(State w, QueueEvent e) {
    w.seq = e.seq();
    w.lastAt = e.at();
    w.events.add(e);
  }

  private static Ticket put(State w, Ticket t) {
    w.tickets.put(t.id(), t);
    return t;
  }

  private static Ticket with(Ticket t, TicketState state, Instant calledAt, String desk, int recalls,
      Instant startedAt, Instant endedAt) {
    return with(t, state, calledAt, desk, recalls, startedAt, endedAt, null);
  }

  private static Ticket with(Ticket t, TicketState state, Instant calledAt, String desk, int recalls,
      Instant startedAt, Instant endedAt, Instant postponedUntil) {
    return new Ticket(t.id(), t.day(), t.service(), t.number(), t.display(), t.origin(), t.line(), t.categories(),
        t.personId(), t.bookingId(), t.bookedFor(), t.joinSeq(), state, t.issuedAt(), calledAt, desk, recalls,
        startedAt, endedAt, postponedUntil, t.parentId(), t.returnTo());
  }

  private static Booking withState(Booking b, BookingState state, long ticketId) {
    return new Booking(b.id(), b.code(), b.service(), b.windowStart(), b.startsAt(), b.endsAt(), state, b.personId(),
        ticketId, b.bookedAt());
  }

  LocalDateTime local(Instant at) {
    return LocalDateTime.ofInstant(at, zone);
  }

  Instant zoned(LocalDateTime local) {
    return local.atZone(zone).toInstant();
  }

  /** Days since the epoch times windows per day, plus the window's slot counted from local midnight. */
  long windowIndex(LocalDateTime local) {
    return local.toLocalDate().toEpochDay() * windowsPerDay + (local.getHour() * 60L + local.getMinute()) / windowMinutes;
  }

  LocalDateTime windowStart(long index) {
    return LocalDate.ofEpochDay(Math.floorDiv(index, windowsPerDay)).atStartOfDay()
        .plusMinutes(Math.floorMod(index, windowsPerDay) * windowMinutes);
  }
}
