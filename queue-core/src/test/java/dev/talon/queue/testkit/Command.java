package dev.talon.queue.testkit;

import dev.talon.queue.AdmissionMode;
import dev.talon.queue.Origin;
import java.util.Set;

/**
 * A generated command, before it meets a branch: services, desks and persons are indexes into
 * the scenario, tickets and bookings are {@link Pick}s among those the run has produced so far.
 * {@link Driver#resolve} turns a command into a concrete {@link Op} against the current state, so
 * that random sequences keep hitting live tickets instead of unknown ids.
 */
public sealed interface Command {

  /** How a pick chooses among the tickets or bookings produced so far. */
  enum PickKind {
    /** One in the state the operation needs (e.g. a called ticket for a recall), else any. */
    USUAL,
    /** Any, whatever its state. */
    ANY,
    /** An id or code that names nothing (unknown id, malformed or mistyped code). */
    UNKNOWN
  }

  /** @param index which candidate, modulo their number */
  record Pick(PickKind kind, int index) {}

  /** How a clock step chooses its target. */
  enum ClockStep {
    /** {@code amount} seconds on. */
    SECONDS,
    /** {@code amount} hours on. */
    HOURS,
    /** To the next window boundary, {@code amount} (-1, 0, +1) seconds off. */
    NEXT_WINDOW,
    /** To the next local midnight of the branch, {@code amount} seconds off. */
    LOCAL_MIDNIGHT,
    /** To the next UTC midnight, {@code amount} seconds off (must not restart the numbering). */
    UTC_MIDNIGHT,
    /** To when check-in of a picked booking opens, {@code amount} seconds off. */
    CHECK_IN_OPENS,
    /** To the late check-in limit of a picked booking, {@code amount} seconds off. */
    LATE_LIMIT,
    /** To the end of a picked booking's window, {@code amount} seconds off. */
    WINDOW_END,
    /** To window end plus grace of a picked booking, {@code amount} seconds off. */
    EXPIRY,
    /** {@code amount} seconds back (within or beyond the tolerance). */
    BACK,
    /** To when a picked ticket's timed postponement ends, {@code amount} seconds off. */
    POSTPONE_ENDS
  }

  /**
   * @param service    index into the scenario's services; -1 for an unknown service
   * @param person     0 for none, 1 and 2 for ordinary persons, 3 for the banned one
   * @param requestId  0 for none, else one of a few shared ids (so retries and reuses happen)
   */
  record Issue(int service, Origin origin, Set<String> categories, int person, int requestId) implements Command {}

  /**
   * @param days       days ahead of the current local window
   * @param windows    windows ahead of the current one (-1 is the past window)
   * @param misalignSeconds seconds added to the window start (0 for a boundary)
   */
  record Book(int service, int days, int windows, int misalignSeconds, int person, int requestId) implements Command {}

  record CancelBooking(Pick booking) implements Command {}

  record CheckIn(Pick booking) implements Command {}

  /** @param desk index into the scenario's desks; -1 for an unknown desk */
  record CallNext(int desk) implements Command {}

  record Recall(Pick ticket) implements Command {}

  record ReturnCall(Pick ticket) implements Command {}

  record Start(Pick ticket) implements Command {}

  record Finish(Pick ticket) implements Command {}

  record NoShow(Pick ticket) implements Command {}

  record CancelTicket(Pick ticket) implements Command {}

  /**
   * @param booking the booking a booking-anchored step aims at (for {@link ClockStep#POSTPONE_ENDS}
   *                the postponed ticket)
   */
  record Clock(ClockStep step, int amount, Pick booking) implements Command {}

  /**
   * @param period 0 indefinitely, 1 the configured period, 2 one minute, 3 twenty minutes, -1 a zero
   *               period (bad input)
   */
  record Postpone(Pick ticket, int period) implements Command {}

  record Resume(Pick ticket) implements Command {}

  /**
   * @param service services counted on from the ticket's own: 0 is its own (bad input), 1 and 2 the
   *                next ones (with one service, its own again); -1 an unknown service
   */
  record Transfer(Pick ticket, int service, boolean keepPlace, boolean thenReturn) implements Command {}

  /** Walk-direct: the desk calls the picked ticket by name. */
  record CallTicket(int desk, Pick ticket) implements Command {}

  /**
   * @param desk   index into the scenario's desks; -1 for an unknown desk
   * @param reason for a pause: 0 a reason, 1 a blank one, 2 null (both bad input)
   */
  record SetDesk(int desk, dev.talon.queue.DeskState to, int reason) implements Command {}

  /** @param desk index into the scenario's desks; -1 for an unknown desk */
  record SetAutoCall(int desk, boolean on) implements Command {}

  record SetMode(AdmissionMode mode) implements Command {}

  record Rotate() implements Command {}
}
