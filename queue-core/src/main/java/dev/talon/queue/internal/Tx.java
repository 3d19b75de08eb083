package dev.talon.queue.internal;

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
import dev.talon.queue.PostponeReturn;
import dev.talon.queue.ServiceLevel;
import dev.talon.queue.TransferRequest;
import dev.talon.queue.IllegalTransitionException;
import dev.talon.queue.InvalidRequestException;
import dev.talon.queue.IssueRequest;
import dev.talon.queue.LateArrival;
import dev.talon.queue.OpeningHours;
import dev.talon.queue.Origin;
import dev.talon.queue.OutOfHoursException;
import dev.talon.queue.QueueEvent;
import dev.talon.queue.QueueEvent.AdmissionModeChanged;
import dev.talon.queue.QueueEvent.AutoCallChanged;
import dev.talon.queue.QueueEvent.DeskStateChanged;
import dev.talon.queue.QueueEvent.HeadsUp;
import dev.talon.queue.QueueEvent.ServiceLevelBreached;
import dev.talon.queue.QueueEvent.TicketPostponed;
import dev.talon.queue.QueueEvent.TicketResumed;
import dev.talon.queue.QueueEvent.TicketTransferred;
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
import dev.talon.queue.Ticket;
import dev.talon.queue.TicketState;
import dev.talon.queue.UnknownBookingException;
import dev.talon.queue.UnknownDeskException;
import dev.talon.queue.UnknownServiceException;
import dev.talon.queue.UnknownTicketException;
import dev.talon.queue.spi.LineView;
import dev.talon.queue.spi.TicketFacts;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The decisions of operations: reads the core, validates, and emits the events of one operation
 * (after the clock catch-up events), applying each to the core as it goes and adding it to the
 * batch's event list. A validation failure throws before the operation's own events are emitted;
 * the engine undoes anything emitted before the failure (the catch-up events, or the first events
 * of a multi-event operation), so a refused operation changes nothing. Pure with respect to the
 * engine: the only outside input is {@code now}. Owned by the writer, like its core; one per core.
 */
final class Tx {
  final Core d;
  Instant now;
  List<QueueEvent> events;
  /** The facts handed to the policy's classify, refilled each time. */
  private final Facts facts = new Facts();

  /** Where refusals are counted; null for the engine's read-only uses of a Tx. */
  private final EngineStats stats;

  Tx(Core d) {
    this(d, null);
  }

  Tx(Core d, EngineStats stats) {
    this.d = d;
    this.stats = stats;
  }

  /** Counts a refusal decided here (the admission mode, the check-in window), then returns the exception to throw. */
  <E extends RuntimeException> E refused(String operation, String service, String reason, E e) {
    if (stats != null) {
      stats.refused(operation, service, reason);
    }
    return e;
  }

  /** Prepares for the next operation: its clock reading and the list its events go to. */
  Tx at(Instant now, List<QueueEvent> events) {
    this.now = now;
    this.events = events;
    return this;
  }

  long next() {
    return d.seq + 1;
  }

  void emit(QueueEvent e) {
    d.apply(e);
    events.add(e);
  }

  // ---------------------------------------------------------------- the clock

  /** Emits the events that the passage of time implies: a new day, a new window, expiries. */
  void catchUp() {
    if (d.lastAt != null && now.isBefore(d.lastAt)) {
      throw new ClockWentBackwardsException("the clock went backwards: it reads " + now
          + " but branch " + d.config.branchId() + " has already acted at " + d.lastAt);
    }
    if (d.day == null || !now.isBefore(d.dayEndsAt)) {
      emit(new DayStarted(next(), now, d.calendar.dayOf(now)));
    }
    if (d.window < 0 || !now.isBefore(d.windowEndsAt)) {
      long w = d.calendar.windowIndex(now);
      emit(new WindowRotated(next(), now, w, d.calendar.windowStart(w)));
      if (!d.cal.waiting.isEmpty()) {
        BookingOps.dropUnservable(this);
      }
    }
    if (!d.windows.isEmpty() && !d.windows.firstEntry().getValue().expiresAt.isAfter(now)) {
      expireDue(); // windows are keyed in time order: nothing expires before the first one does
    }
    if (!d.postponed.isEmpty()) {
      resumeDue();
    }
    if (d.cal.holdDue(now)) {
      BookingOps.expireHolds(this);
    }
    if (d.cal.coolingDue(now)) {
      BookingOps.endCooling(this);
    }
  }

  /**
   * True if {@link #catchUp()} would emit events at {@code now}: a new day or window, a pending
   * booking past its expiry, or a postponement that has ended. Cheap; the engine checkpoints the
   * core before such a catch-up so that an operation failing after it can be undone.
   */
  boolean catchUpDue() {
    if (d.day == null || !now.isBefore(d.dayEndsAt) || d.window < 0 || !now.isBefore(d.windowEndsAt)
        || d.cal.holdDue(now) || d.cal.coolingDue(now)) {
      return true;
    }
    if (!d.windows.isEmpty()) { // an empty map's values() would allocate an iterator on every operation
      for (WindowBookings w : d.windows.values()) {
        if (w.expiresAt.isAfter(now)) {
          break;
        }
        if (!w.pending.isEmpty()) {
          return true;
        }
      }
    }
    if (!d.postponed.isEmpty()) {
      for (Instant until : d.postponed.values()) {
        if (!until.isAfter(now)) {
          return true;
        }
      }
    }
    return false;
  }

  private void resumeDue() {
    List<Long> due = new ArrayList<>(0); // no backing array until a postponement is actually due
    d.postponed.forEach((id, until) -> {
      if (!until.isAfter(now)) {
        due.add(id);
      }
    });
    for (long id : due) {
      resumed(d.tickets.get(id));
    }
  }

  private void resumed(Ticket t) {
    PostponeReturn rule = d.config.limits().postponeReturn();
    String line = rule == PostponeReturn.RAISE_CLASS ? d.config.limits().postponeRaiseTo() : t.line();
    long joinSeq = rule == PostponeReturn.KEEP_PLACE ? t.joinSeq() : d.nextJoinSeq;
    emit(new TicketResumed(next(), now, t.id(), line, joinSeq));
  }

  // ---------------------------------------------------------------- after every operation

  /**
   * What follows any operation: free desks with auto-call call, then heads-up and service-level
   * events fire once for what crossed their thresholds. Runs only when configured.
   */
  void afterOp() {
    autoCall();
    if (d.config.limits().headsUpAhead() > 0 || !d.config.limits().headsUpWait().isZero()) {
      headsUp();
    }
    if (!d.config.serviceLevels().isEmpty()) {
      serviceLevels();
    }
    if (d.cal.freed) {
      BookingOps.offerFreed(this);
    }
  }

  private void autoCall() {
    List<Desk> desks = d.config.desks();
    for (int i = 0; i < desks.size(); i++) {
      DeskSlot status = d.desks[i];
      if (status.autoCall() && status.state() == DeskState.OPEN && d.deskCurrent[i] == 0) {
        callNext(desks.get(i).id());
      }
    }
  }

  private void headsUp() {
    int maxAhead = d.config.limits().headsUpAhead();
    double maxWait = d.config.limits().headsUpWait().toMillis() / 1000.0;
    for (int s = 0; s < d.config.services().size(); s++) {
      String service = d.config.services().get(s).code();
      if (d.waitingFor(s) == 0) {
        continue;
      }
      Desk desk = Estimator.virtualDesk(d, service);
      int[] open = Estimator.desks(d, service);
      int limit = Math.max(maxAhead + 1, 1);
      if (maxWait > 0) {
        double perTicket = d.serviceMean[s] / Math.max(1, open[0]);
        limit = Math.max(limit, (int) Math.min(10_000, Math.ceil(maxWait / Math.max(perTicket, 1e-3)) + open[1] + 1));
      }
      List<Ticket> order = Estimator.callOrder(d.policy, d.policyState, Estimator.waiting(d, desk), desk, now, limit,
          -1);
      for (int k = 0; k < order.size(); k++) {
        Ticket t = order.get(k);
        if (!t.service().equals(service) || d.notified.contains(t.id())) {
          continue;
        }
        double expected = Estimator.waitSeconds(d, service, order.subList(0, k), open[0], open[1])[0];
        if ((maxAhead > 0 && k <= maxAhead) || (maxWait > 0 && expected <= maxWait)) {
          emit(new HeadsUp(next(), now, t.id(), k, Estimator.seconds(expected)));
        }
      }
    }
  }

  private void serviceLevels() {
    for (var entry : d.config.serviceLevels().entrySet()) {
      String service = entry.getKey();
      ServiceLevel level = entry.getValue();
      int s = d.config.indexOf(service);
      if (level.maxWait() != null) {
        List<Ticket> late = new ArrayList<>();
        for (Line l : d.lines) {
          if (l.service().equals(service) && l.waiting() > 0) {
            for (int k = 0; k < l.ids.size(); k++) {
              Ticket t = d.tickets.get(l.ids.get(k));
              if (t.state() == TicketState.WAITING && !d.breached.contains(t.id())
                  && now.isAfter(t.issuedAt().plus(level.maxWait()))) {
                late.add(t);
              }
            }
          }
        }
        late.sort((a, b) -> Long.compare(a.id(), b.id()));
        for (Ticket t : late) {
          emit(new ServiceLevelBreached(next(), now, service, ServiceLevel.Target.WAIT, t.id(),
              Duration.between(t.issuedAt(), now).toSeconds(), level.maxWait().toSeconds()));
        }
      }
      if (level.maxServiceTime() != null) {
        for (long current : d.deskCurrent) {
          Ticket t = d.ticket(current);
          if (t != null && t.service().equals(service) && t.state() == TicketState.SERVING
              && !d.breached.contains(t.id()) && now.isAfter(t.startedAt().plus(level.maxServiceTime()))) {
            emit(new ServiceLevelBreached(next(), now, service, ServiceLevel.Target.SERVICE_TIME, t.id(),
                Duration.between(t.startedAt(), now).toSeconds(), level.maxServiceTime().toSeconds()));
          }
        }
      }
      if (level.maxLineLength() > 0 && !d.lineBreached[s] && d.waitingFor(s) > level.maxLineLength()) {
        emit(new ServiceLevelBreached(next(), now, service, ServiceLevel.Target.LINE_LENGTH, 0, d.waitingFor(s),
            level.maxLineLength()));
      }
    }
  }

  private void expireDue() {
    List<Long> due = null;
    for (WindowBookings w : d.windows.values()) {
      if (w.expiresAt.isAfter(now)) {
        break;
      }
      if (!w.pending.isEmpty()) {
        if (due == null) {
          due = new ArrayList<>();
        }
        for (long id : w.pending.toArray()) {
          due.add(id);
        }
      }
    }
    if (due != null) {
      for (long id : due) {
        emit(new BookingExpired(next(), now, id));
      }
    }
  }

  // ---------------------------------------------------------------- commands

  Ticket issue(IssueRequest r) {
    int svc = service(r.service());
    if (d.mode == AdmissionMode.BOOKING_ONLY) {
      throw refused("issue", r.service(), "admission-mode", new AdmissionRefusedException("admission-mode",
          "the branch admits booked visitors only; walk-in tickets are not issued (mode BOOKING_ONLY)"));
    }
    if (!d.cal.isOpen(d.calendar, now)) {
      LocalDateTime local = d.calendar.local(now);
      throw new OutOfHoursException("branch " + d.config.branchId() + " is closed at " + local
          + "; it is open " + d.cal.openText(local.toLocalDate(), " except "));
    }
    TicketFacts facts = facts(r.service(), r.origin(), r.categories(), r.personId(), false, null, now);
    return issueTicket(svc, facts, 0, r.requestId(), null, d.nextJoinSeq, 0, null);
  }

  private Ticket issueTicket(int svc, TicketFacts facts, long bookingId, String requestId, String lineOverride,
      long joinSeq, long parentId, String returnTo) {
    String lineClass = lineOverride != null ? lineOverride : d.policy.classify(facts);
    if (lineClass == null || lineClass.isBlank()) {
      throw new IllegalStateException("policy " + d.policy.name() + " classified a ticket into a blank line: " + facts);
    }
    int number = d.numbers[svc] + 1;
    String prefix = d.config.services().get(svc).prefix();
    long id = d.nextTicketId;
    emit(new TicketIssued(next(), now, id, d.day, facts.service(), number, display(prefix, number), facts.origin(),
        lineClass, facts.categories(), facts.personId(), bookingId, facts.bookedStart(), joinSeq, requestId, parentId,
        returnTo));
    return d.tickets.get(id);
  }

  private TicketFacts facts(String service, Origin origin, Set<String> categories, String personId, boolean late,
      Instant bookedStart, Instant at) {
    return facts.set(service, origin, categories, personId, late, bookedStart, at);
  }

  static String display(String prefix, int number) {
    // one concatenation each: allocates only the resulting string
    if (number < 10) {
      return prefix + "-00" + number;
    }
    return number < 100 ? prefix + "-0" + number : prefix + "-" + number;
  }

  Booking book(BookRequest r) {
    return BookingOps.book(this, r);
  }

  Booking cancelBooking(String code) {
    Booking b = booking(code);
    if (b.state() != BookingState.BOOKED) {
      throw new IllegalTransitionException("booking " + b.code() + " cannot be cancelled: it is " + b.state()
          + " (only BOOKED can be cancelled)");
    }
    return BookingOps.cancel(this, b);
  }

  Ticket checkIn(String code) {
    Booking b = booking(code);
    if (b.state() != BookingState.BOOKED) {
      Ticket checkedIn = b.ticketId() > 0 ? d.tickets.get(b.ticketId()) : null;
      String ticket = b.ticketId() <= 0 ? "" : checkedIn != null ? " as ticket " + checkedIn.display()
          : " as ticket id " + b.ticketId() + ", which has ended and is no longer kept";
      throw new IllegalTransitionException("booking " + b.code() + " cannot check in: it is " + b.state() + ticket
          + " (only BOOKED can check in)");
    }
    Duration early = d.config.limits().earlyCheckIn();
    Instant opens = b.startsAt().minus(early);
    if (now.isBefore(opens)) {
      throw refused("check-in", b.service(), "check-in-too-early", new CheckInRefusedException("booking " + b.code()
          + " is too early: check-in opens at " + d.calendar.local(opens) + ", " + early.toMinutes()
          + " minutes before its window " + b.windowStart()));
    }
    boolean late = now.isAfter(b.startsAt().plus(d.config.limits().lateCheckIn()));
    if (late && d.config.limits().lateArrival() == LateArrival.REFUSE) {
      throw refused("check-in", b.service(), "check-in-too-late", new CheckInRefusedException("booking " + b.code()
          + " is too late: check-in closed at " + d.calendar.local(b.startsAt().plus(d.config.limits().lateCheckIn()))
          + ", " + d.config.limits().lateCheckIn().toMinutes() + " minutes after its window " + b.windowStart()));
    }
    int svc = service(b.service());
    long ticketId = d.nextTicketId;
    emit(new BookingCheckedIn(next(), now, b.id(), ticketId, late));
    TicketFacts facts = facts(b.service(), Origin.BOOKED, Set.of(), b.personId(), late, b.startsAt(), now);
    return issueTicket(svc, facts, b.id(), null, null, d.nextJoinSeq, 0, null);
  }

  Ticket callNext(String deskId) {
    Desk desk = openDesk(deskId);
    dev.talon.queue.spi.DispatchView<Object> view = d.viewFor(desk, now);
    if (view.lines().isEmpty()) {
      return null;
    }
    LineView chosen = d.policy.select(view);
    if (chosen == null || !offered(view.lines(), chosen)) {
      throw new IllegalStateException("policy " + d.policy.name() + " selected " + chosen
          + ", which is not one of the lines it was offered: " + List.copyOf(view.lines()));
    }
    Object nextState = d.policy.afterCall(view, chosen);
    Ticket head = chosen.head();
    TicketCalled e = new TicketCalled(next(), now, head.id(), desk.id(), chosen.lineClass(), false, head.display(),
        head.service());
    d.applyCalled(e, nextState);
    events.add(e);
    return d.tickets.get(head.id());
  }

  /** Whether the policy chose one of the offered lines (by identity or, for a rebuilt view, by value). */
  private static boolean offered(List<LineView> lines, LineView chosen) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i) == chosen) {
        return true;
      }
    }
    for (int i = 0; i < lines.size(); i++) {
      if (LineView.sameLine(lines.get(i), chosen)) {
        return true;
      }
    }
    return false;
  }

  Ticket recall(long id) {
    Ticket t = inState(id, "recalled", TicketState.CALLED);
    if (t.recalls() >= d.config.limits().recallLimit()) {
      emit(new TicketNoShow(next(), now, id, t.desk()));
    } else {
      emit(new TicketRecalled(next(), now, id, t.desk(), t.recalls() + 1, t.display(), t.service()));
    }
    return d.tickets.get(id);
  }

  Ticket returnCall(long id) {
    Ticket t = inState(id, "handed back", TicketState.CALLED);
    emit(new CallReturned(next(), now, id, t.desk(), t.display(), t.service()));
    return d.tickets.get(id);
  }

  Ticket startService(long id) {
    Ticket t = inState(id, "started", TicketState.CALLED);
    emit(new ServiceStarted(next(), now, id, t.desk()));
    return d.tickets.get(id);
  }

  Ticket finish(long id) {
    Ticket t = inState(id, "finished", TicketState.CALLED, TicketState.SERVING);
    if (t.state() == TicketState.CALLED) {
      emit(new ServiceStarted(next(), now, id, t.desk()));
    }
    emit(new ServiceFinished(next(), now, id, t.desk()));
    if (t.returnTo() != null) {
      TicketFacts facts = facts(t.returnTo(), Origin.TRANSFERRED, t.categories(), t.personId(), false, null,
          now);
      issueTicket(service(t.returnTo()), facts, 0, null, null, t.joinSeq(), t.id(), null);
    }
    return d.tickets.get(id);
  }

  Ticket callTicket(String deskId, long id) {
    Desk desk = openDesk(deskId);
    Ticket t = inState(id, "called by name", TicketState.WAITING, TicketState.POSTPONED);
    if (!desk.serves(t.service())) {
      throw new IllegalTransitionException("desk " + deskId + " cannot call ticket " + t.display()
          + ": it serves " + desk.services().stream().sorted().toList() + ", not " + t.service());
    }
    emit(new TicketCalled(next(), now, id, desk.id(), t.line(), true, t.display(), t.service()));
    return d.tickets.get(id);
  }

  Ticket postpone(long id, Duration period) {
    if (period != null && (period.isNegative() || period.isZero())) {
      throw new InvalidRequestException("postpone period must be > 0 (or indefinite), was " + period);
    }
    inState(id, "postponed", TicketState.WAITING, TicketState.CALLED);
    emit(new TicketPostponed(next(), now, id, period == null ? null : now.plus(period)));
    return d.tickets.get(id);
  }

  Ticket resume(long id) {
    resumed(inState(id, "resumed", TicketState.POSTPONED));
    return d.tickets.get(id);
  }

  Ticket transfer(long id, TransferRequest r) {
    if (r == null) {
      throw new InvalidRequestException("transfer request must not be null");
    }
    Ticket t = inState(id, "transferred", TicketState.SERVING, TicketState.CALLED);
    int svc = service(r.service());
    if (r.service().equals(t.service())) {
      throw new InvalidRequestException("a transfer must go to another service; ticket " + t.display()
          + " is already in " + t.service() + " (hand the call back instead)");
    }
    long newId = d.nextTicketId;
    emit(new TicketTransferred(next(), now, id, newId, r.service(), t.display(), t.service()));
    TicketFacts facts = facts(r.service(), Origin.TRANSFERRED, t.categories(), t.personId(), false, null, now);
    String returnTo = r.returnAfter() ? t.service() : t.returnTo();
    return issueTicket(svc, facts, 0, null, r.lineClass(), r.keepPlace() ? t.joinSeq() : d.nextJoinSeq, id, returnTo);
  }

  void setDeskState(String deskId, DeskState state, String reason) {
    desk(deskId);
    if (state == null) {
      throw new InvalidRequestException("desk state must not be null");
    }
    if (state == DeskState.PAUSED && (reason == null || reason.isBlank())) {
      throw new InvalidRequestException("pausing desk " + deskId + " needs a reason, was "
          + (reason == null ? "null" : '"' + reason + '"'));
    }
    DeskSlot status = d.desk(deskId);
    if (status.state() != state || !java.util.Objects.equals(status.reason(), reason)) {
      emit(new DeskStateChanged(next(), now, deskId, state, state == DeskState.OPEN ? null : reason));
    }
  }

  void setAutoCall(String deskId, boolean on) {
    desk(deskId);
    if (d.desk(deskId).autoCall() != on) {
      emit(new AutoCallChanged(next(), now, deskId, on));
    }
  }

  private Desk openDesk(String deskId) {
    Desk desk = desk(deskId);
    DeskSlot status = d.desk(deskId);
    if (status.state() != DeskState.OPEN) {
      throw new IllegalTransitionException("desk " + deskId + " is " + status.state()
          + (status.reason() == null ? "" : " (" + status.reason() + ")")
          + ": a paused or closed desk calls nothing; open it first");
    }
    return desk;
  }

  Ticket noShow(long id) {
    Ticket t = inState(id, "marked a no-show", TicketState.CALLED);
    emit(new TicketNoShow(next(), now, id, t.desk()));
    return d.tickets.get(id);
  }

  Ticket cancel(long id) {
    inState(id, "cancelled", TicketState.WAITING, TicketState.POSTPONED);
    emit(new TicketCancelled(next(), now, id));
    return d.tickets.get(id);
  }

  void setPolicy(dev.talon.queue.spi.Policy<?> policy) {
    if (policy == null) {
      throw new InvalidRequestException("policy must not be null");
    }
    String json = policy.configuration().orElseThrow(() -> new InvalidRequestException("policy " + policy.name()
        + " has no configuration(); a policy switched at runtime must describe itself so that a replay can rebuild it"));
    try {
      Object rebuilt = d.config.policyResolver() == null ? null : d.config.policyResolver().apply(json);
      if (rebuilt == null && dev.talon.queue.spi.Policy.builtIn(json).isEmpty()) {
        throw new InvalidRequestException("no policy resolver knows " + json + "; configure Talon.policyResolver so"
            + " that the branch can replay the switch");
      }
    } catch (InvalidRequestException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new InvalidRequestException("the policy resolver cannot rebuild " + json + ": " + e.getMessage());
    }
    emit(new QueueEvent.PolicyChanged(next(), now, json));
  }

  void setMode(AdmissionMode mode) {
    if (mode == null) {
      throw new InvalidRequestException("admission mode must not be null");
    }
    if (mode != d.mode) {
      emit(new AdmissionModeChanged(next(), now, d.mode, mode));
    }
  }

  // ---------------------------------------------------------------- look-ups with specific errors

  int service(String code) {
    int i = d.config.indexOf(code);
    if (i < 0) {
      throw new UnknownServiceException("unknown service " + code + "; branch " + d.config.branchId()
          + " has " + d.config.serviceIndex().keySet().stream().sorted().toList());
    }
    return i;
  }

  Desk desk(String id) {
    if (id == null || id.isBlank()) {
      throw new InvalidRequestException("desk id must not be null or blank, was " + (id == null ? "null" : '"' + id + '"'));
    }
    Desk desk = d.config.deskById().get(id);
    if (desk == null) {
      throw new UnknownDeskException("unknown desk " + id + "; branch " + d.config.branchId() + " has desks "
          + d.config.deskById().keySet().stream().sorted().toList());
    }
    return desk;
  }

  Booking booking(String code) {
    if (code == null || code.isBlank()) {
      throw new InvalidRequestException("booking code must not be null or blank, was "
          + (code == null ? "null" : '"' + code + '"'));
    }
    long id = BookingCodes.decode(code);
    Booking b = id > 0 ? d.bookings.get(id) : null;
    if (b == null) {
      throw new UnknownBookingException("no booking has code " + code + " at branch " + d.config.branchId()
          + (id < 0 ? " (the code is malformed or mistyped)" : ""));
    }
    return b;
  }

  private Ticket inState(long id, String action, TicketState... allowed) {
    Ticket t = d.ticket(id);
    if (t == null && id > 0 && id < d.nextTicketId) {
      // issued here, so it ended and left the core (Core: ended tickets kept, days forgotten)
      throw new IllegalTransitionException("ticket id " + id + " cannot be " + action + ": it has ended and is no"
          + " longer kept, and only " + List.of(allowed) + " allows that");
    }
    if (t == null) {
      throw new UnknownTicketException("no ticket has id " + id + " at branch " + d.config.branchId());
    }
    for (TicketState s : allowed) {
      if (t.state() == s) {
        return t;
      }
    }
    throw new IllegalTransitionException("ticket " + t.display() + " (id " + id + ") cannot be " + action
        + ": it is " + t.state() + ", and only " + List.of(allowed) + " allows that");
  }
}
