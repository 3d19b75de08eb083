package dev.talon.queue;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Set;

/**
 * One state change of a branch. Every change is an event; the store and the listeners see the
 * same events, and replaying a branch's events in {@link #seq()} order rebuilds an identical
 * engine. Events are immutable records of plain values, so any JSON mapper that understands
 * records can serialise them (the type name is the simple class name).
 */
public sealed interface QueueEvent {

  /** Position in the branch's history: 1, 2, 3, ... without gaps. */
  long seq();

  /** The branch clock's time at which the change happened. */
  Instant at();

  /** A new branch-local day began; numbering of every service restarts at 1. */
  record DayStarted(long seq, Instant at, LocalDate day) implements QueueEvent {}

  /** The slot window epoch advanced to the window with this index (days since epoch × windows per day + slot). */
  record WindowRotated(long seq, Instant at, long window, LocalDateTime windowStart) implements QueueEvent {}

  /** A ticket was issued and joined its line. */
  record TicketIssued(
      long seq, Instant at, long ticketId, LocalDate day, String service, int number, String display,
      Origin origin, String line, Set<String> categories, String personId, long bookingId, Instant bookedFor,
      long joinSeq, String requestId, long parentId, String returnTo) implements QueueEvent {
    public TicketIssued {
      categories = Set.copyOf(categories);
    }
  }

  /**
   * A desk called the ticket; {@code line} is the line the policy chose. {@code direct} is true when
   * the desk called this ticket by name (walk-direct), bypassing the policy. {@code display} (e.g.
   * {@code A-017}) and {@code service} are the ticket's, so that a board can show the call from
   * the event alone; both are null in events stored before they were recorded (they are the
   * ticket's {@link TicketIssued} values).
   */
  record TicketCalled(long seq, Instant at, long ticketId, String desk, String line, boolean direct, String display,
      String service) implements QueueEvent {
    /** An event without the ticket's display number and service (as stored by earlier versions). */
    public TicketCalled(long seq, Instant at, long ticketId, String desk, String line, boolean direct) {
      this(seq, at, ticketId, desk, line, direct, null, null);
    }
  }

  /**
   * The desk called the same ticket again; {@code display} and {@code service} as in
   * {@link TicketCalled}.
   */
  record TicketRecalled(long seq, Instant at, long ticketId, String desk, int recalls, String display, String service)
      implements QueueEvent {
    /** An event without the ticket's display number and service (as stored by earlier versions). */
    public TicketRecalled(long seq, Instant at, long ticketId, String desk, int recalls) {
      this(seq, at, ticketId, desk, recalls, null, null);
    }
  }

  /**
   * The desk handed the call back; the ticket waits again at its old place. {@code display} and
   * {@code service} as in {@link TicketCalled}, so that a board can take the call down.
   */
  record CallReturned(long seq, Instant at, long ticketId, String desk, String display, String service)
      implements QueueEvent {
    /** An event without the ticket's display number and service (as stored by earlier versions). */
    public CallReturned(long seq, Instant at, long ticketId, String desk) {
      this(seq, at, ticketId, desk, null, null);
    }
  }

  /** The visitor arrived at the desk. */
  record ServiceStarted(long seq, Instant at, long ticketId, String desk) implements QueueEvent {}

  /** The desk finished serving the visitor. */
  record ServiceFinished(long seq, Instant at, long ticketId, String desk) implements QueueEvent {}

  /** The visitor did not come to the desk. */
  record TicketNoShow(long seq, Instant at, long ticketId, String desk) implements QueueEvent {}

  /** The waiting ticket was cancelled. */
  record TicketCancelled(long seq, Instant at, long ticketId) implements QueueEvent {}

  /**
   * A place in a slot window was reserved: {@code windows} consecutive windows from {@code window}
   * on (1 in events stored before multi-window bookings), through {@code channel} (null: none).
   */
  record BookingMade(
      long seq, Instant at, long bookingId, String code, String service, long window,
      LocalDateTime windowStart, String personId, String requestId, int windows, Channel channel)
      implements QueueEvent {
    public BookingMade {
      windows = Math.max(1, windows); // absent (0) in events stored before multi-window bookings
    }

    /** A booking of one window through no channel (as stored by earlier versions). */
    public BookingMade(long seq, Instant at, long bookingId, String code, String service, long window,
        LocalDateTime windowStart, String personId, String requestId) {
      this(seq, at, bookingId, code, service, window, windowStart, personId, requestId, 1, null);
    }
  }

  /** The booking was cancelled and its place released. */
  record BookingCancelled(long seq, Instant at, long bookingId) implements QueueEvent {}

  /** The booking checked in; {@code ticketId} is the ticket issued for it (the next event). */
  record BookingCheckedIn(long seq, Instant at, long bookingId, long ticketId, boolean late) implements QueueEvent {}

  /** The booking was never checked in and expired at window end plus grace; its place is released. */
  record BookingExpired(long seq, Instant at, long bookingId) implements QueueEvent {}

  /** The ticket was postponed until {@code until} (null: until resumed by hand). */
  record TicketPostponed(long seq, Instant at, long ticketId, Instant until) implements QueueEvent {}

  /**
   * The postponed ticket waits again, in {@code line} at join order {@code joinSeq} (its old one
   * when it kept its place).
   */
  record TicketResumed(long seq, Instant at, long ticketId, String line, long joinSeq) implements QueueEvent {}

  /**
   * The ticket being served was transferred; {@code newTicketId} is issued in the next event (with
   * its own display number). {@code display} and {@code service} are the transferred ticket's, as
   * in {@link TicketCalled} (null in events stored before they were recorded).
   */
  record TicketTransferred(long seq, Instant at, long ticketId, long newTicketId, String toService, String display,
      String service) implements QueueEvent {
    /** An event without the ticket's display number and service (as stored by earlier versions). */
    public TicketTransferred(long seq, Instant at, long ticketId, long newTicketId, String toService) {
      this(seq, at, ticketId, newTicketId, toService, null, null);
    }
  }

  /** A desk opened, paused or closed. */
  record DeskStateChanged(long seq, Instant at, String desk, DeskState state, String reason) implements QueueEvent {}

  /** A desk's auto-call was switched on or off. */
  record AutoCallChanged(long seq, Instant at, String desk, boolean on) implements QueueEvent {}

  /** A waiting ticket is close to its turn: notify the visitor (SMS, app). Fires once per ticket. */
  record HeadsUp(long seq, Instant at, long ticketId, int ahead, java.time.Duration expectedWait)
      implements QueueEvent {}

  /**
   * A service-level target was breached: {@code observed} against {@code limit}, in seconds for
   * times and in tickets for the line length; {@code ticketId} is 0 for the line length.
   */
  record ServiceLevelBreached(long seq, Instant at, String service, ServiceLevel.Target target, long ticketId,
      long observed, long limit) implements QueueEvent {}

  /**
   * The branch's policy was switched at runtime; {@code policy} is the new policy's configuration
   * (JSON), and its state starts afresh. Waiting tickets keep their lines and places.
   */
  record PolicyChanged(long seq, Instant at, String policy) implements QueueEvent {}

  /** The admission mode was switched. */
  record AdmissionModeChanged(long seq, Instant at, AdmissionMode from, AdmissionMode to) implements QueueEvent {}

  /**
   * The opening hours of {@code day} were changed at runtime to {@code ranges} (empty: closed all
   * day). The bookings and holds it leaves outside the hours follow in their own events.
   */
  record HoursChanged(long seq, Instant at, LocalDate day, java.util.List<TimeRange> ranges) implements QueueEvent {
    public HoursChanged {
      ranges = java.util.List.copyOf(ranges);
    }
  }

  /**
   * A capacity rule was added at runtime (it wins over the configured schedule where it matches).
   * The bookings and holds it leaves without a place follow in their own events.
   */
  record CapacityChanged(long seq, Instant at, CapacityRule rule) implements QueueEvent {}

  /**
   * A place in a slot window was held until {@code expiresAt}, waiting for its confirmation:
   * {@code windows} consecutive windows from {@code window} on, through {@code channel}, asked for
   * with {@code requestId} (each null when not given).
   */
  record PlaceHeld(long seq, Instant at, long holdId, String service, long window, LocalDateTime windowStart,
      String personId, Instant expiresAt, int windows, Channel channel, String requestId) implements QueueEvent {
    public PlaceHeld {
      windows = Math.max(1, windows); // absent (0) in events stored before multi-window holds
    }

    /** A hold of one window through no channel, without a request id (as stored by earlier versions). */
    public PlaceHeld(long seq, Instant at, long holdId, String service, long window, LocalDateTime windowStart,
        String personId, Instant expiresAt) {
      this(seq, at, holdId, service, window, windowStart, personId, expiresAt, 1, null, null);
    }
  }

  /**
   * The hold was confirmed; its place passes to booking {@code bookingId}, made in the next event.
   * {@code requestId} is the confirmation's idempotency key (null: none).
   */
  record HoldConfirmed(long seq, Instant at, long holdId, long bookingId, String requestId) implements QueueEvent {
    /** A confirmation without a request id (as stored by earlier versions). */
    public HoldConfirmed(long seq, Instant at, long holdId, long bookingId) {
      this(seq, at, holdId, bookingId, null);
    }
  }

  /** The hold ended unconfirmed and its place is free: at its expiry ({@code expired}) or before. */
  record HoldReleased(long seq, Instant at, long holdId, boolean expired) implements QueueEvent {}

  /**
   * The booking moved, keeping its code and its number of windows, to the window {@code window}
   * starting at {@code windowStart}; {@code requestId} is the request's idempotency key (null: none,
   * or moved by a change of hours or capacity).
   */
  record BookingRescheduled(long seq, Instant at, long bookingId, long window, LocalDateTime windowStart,
      String requestId) implements QueueEvent {
    /** A move without a request id (as stored by earlier versions). */
    public BookingRescheduled(long seq, Instant at, long bookingId, long window, LocalDateTime windowStart) {
      this(seq, at, bookingId, window, windowStart, null);
    }
  }

  /** A visitor joined the waiting list of a full window, through {@code channel} (null: none). */
  record WaitlistJoined(long seq, Instant at, long entryId, String service, long window, LocalDateTime windowStart,
      String personId, Channel channel) implements QueueEvent {
    /** An entry through no channel (as stored by earlier versions). */
    public WaitlistJoined(long seq, Instant at, long entryId, String service, long window, LocalDateTime windowStart,
        String personId) {
      this(seq, at, entryId, service, window, windowStart, personId, null);
    }
  }

  /** A visitor left the waiting list unserved: by request, or ({@code expired}) because the window ended. */
  record WaitlistLeft(long seq, Instant at, long entryId, boolean expired) implements QueueEvent {}

  /**
   * A freed place was offered to the first visitor waiting ({@code entryId}, who leaves the list):
   * it is held as hold {@code holdId} until {@code expiresAt}; confirming the hold accepts the offer.
   */
  record PlaceOffered(long seq, Instant at, long entryId, long holdId, String service, long window,
      LocalDateTime windowStart, String personId, Instant expiresAt, Channel channel) implements QueueEvent {
    /** An offer through no channel (as stored by earlier versions). */
    public PlaceOffered(long seq, Instant at, long entryId, long holdId, String service, long window,
        LocalDateTime windowStart, String personId, Instant expiresAt) {
      this(seq, at, entryId, holdId, service, window, windowStart, personId, expiresAt, null);
    }
  }

  /**
   * A place freed by a cancellation (or left by a reschedule) that nobody waited for is closed to
   * new bookings until {@code until} ({@link SlotCalendar#cooldown()}); it counts in {@code channel}
   * meanwhile. {@code coolingId} names it for {@link CoolingEnded}.
   */
  record PlaceCooling(long seq, Instant at, long coolingId, String service, long window, LocalDateTime windowStart,
      Channel channel, Instant until) implements QueueEvent {}

  /** The cool-down {@code coolingId} ended: the place is free again (first for a waiting list, if any). */
  record CoolingEnded(long seq, Instant at, long coolingId) implements QueueEvent {}
}
