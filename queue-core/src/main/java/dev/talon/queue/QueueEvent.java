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
      long joinSeq, String requestId) implements QueueEvent {
    public TicketIssued {
      categories = Set.copyOf(categories);
    }
  }

  /** A desk called the ticket; {@code line} is the line the policy chose. */
  record TicketCalled(long seq, Instant at, long ticketId, String desk, String line) implements QueueEvent {}

  /** The desk called the same ticket again. */
  record TicketRecalled(long seq, Instant at, long ticketId, String desk, int recalls) implements QueueEvent {}

  /** The desk handed the call back; the ticket waits again at its old place. */
  record CallReturned(long seq, Instant at, long ticketId, String desk) implements QueueEvent {}

  /** The visitor arrived at the desk. */
  record ServiceStarted(long seq, Instant at, long ticketId, String desk) implements QueueEvent {}

  /** The desk finished serving the visitor. */
  record ServiceFinished(long seq, Instant at, long ticketId, String desk) implements QueueEvent {}

  /** The visitor did not come to the desk. */
  record TicketNoShow(long seq, Instant at, long ticketId, String desk) implements QueueEvent {}

  /** The waiting ticket was cancelled. */
  record TicketCancelled(long seq, Instant at, long ticketId) implements QueueEvent {}

  /** A place in a slot window was reserved. */
  record BookingMade(
      long seq, Instant at, long bookingId, String code, String service, long window,
      LocalDateTime windowStart, String personId, String requestId) implements QueueEvent {}

  /** The booking was cancelled and its place released. */
  record BookingCancelled(long seq, Instant at, long bookingId) implements QueueEvent {}

  /** The booking checked in; {@code ticketId} is the ticket issued for it (the next event). */
  record BookingCheckedIn(long seq, Instant at, long bookingId, long ticketId, boolean late) implements QueueEvent {}

  /** The booking was never checked in and expired at window end plus grace; its place is released. */
  record BookingExpired(long seq, Instant at, long bookingId) implements QueueEvent {}

  /** The admission mode was switched. */
  record AdmissionModeChanged(long seq, Instant at, AdmissionMode from, AdmissionMode to) implements QueueEvent {}
}
