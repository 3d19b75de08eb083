// Test-scope oracle: the engine before issue 12, kept only for DifferentialTest.
package dev.talon.queue.internal;

import dev.talon.queue.AdmissionMode;
import dev.talon.queue.Booking;
import dev.talon.queue.Ticket;
import java.time.Instant;
import dev.talon.queue.spi.Policy;
import java.time.LocalDate;

/**
 * One immutable version of a branch: everything the engine decides on. The engine holds the
 * current version in one field and replaces it with one CAS; a {@link LegacyDraft} builds the next
 * version from events, so that live operations and recovery share one transition function.
 *
 * <p>Arrays ({@code numbers}, {@code lines}) are never written after the state is published;
 * a draft copies them before its first write.
 */
final class LegacyBranchState {
  /** Sequence number of the last applied event (0 for a new branch). */
  final long seq;
  /** The latest clock time the branch acted on; null for a new branch. */
  final Instant lastAt;
  /** The current branch-local day; null before the first event. */
  final LocalDate day;
  /** When the next local day starts. */
  final Instant dayEndsAt;
  /** The last number issued today, per service index. */
  final int[] numbers;
  /** The current slot window index; -1 before the first rotation. */
  final long window;
  /** When the current window ends. */
  final Instant windowEndsAt;
  /** Lines sorted by service code, then line class. */
  final LegacyLine[] lines;
  final LegacyPersistentLongMap<Ticket> tickets;
  final LegacyPersistentLongMap<Booking> bookings;
  /** Window index to its bookings, for windows with places taken or bookings pending. */
  final LegacyPersistentLongMap<LegacyWindowBookings> windows;
  final long nextTicketId;
  final long nextBookingId;
  final long nextJoinSeq;
  final Object policyState;
  /** The policy in force (the builder's, until a PolicyChanged event switched it). */
  final Policy<?> policy;
  final AdmissionMode mode;
  /** Desks, service times, board calls and once-only flags. */
  final LegacyFloor floor;
  /**
   * Incremented when a failed group commit rolls the branch back; the journal refuses entries of
   * older generations. Not part of the branch's history (a replay starts at 0).
   */
  final int generation;

  LegacyBranchState(long seq, Instant lastAt, LocalDate day, Instant dayEndsAt, int[] numbers, long window,
      Instant windowEndsAt, LegacyLine[] lines, LegacyPersistentLongMap<Ticket> tickets, LegacyPersistentLongMap<Booking> bookings,
      LegacyPersistentLongMap<LegacyWindowBookings> windows, long nextTicketId, long nextBookingId, long nextJoinSeq,
      Object policyState, Policy<?> policy, AdmissionMode mode, LegacyFloor floor, int generation) {
    this.seq = seq;
    this.lastAt = lastAt;
    this.day = day;
    this.dayEndsAt = dayEndsAt;
    this.numbers = numbers;
    this.window = window;
    this.windowEndsAt = windowEndsAt;
    this.lines = lines;
    this.tickets = tickets;
    this.bookings = bookings;
    this.windows = windows;
    this.nextTicketId = nextTicketId;
    this.nextBookingId = nextBookingId;
    this.nextJoinSeq = nextJoinSeq;
    this.policyState = policyState;
    this.policy = policy;
    this.mode = mode;
    this.floor = floor;
    this.generation = generation;
  }

  /** The same state in a new generation (after a rollback). */
  LegacyBranchState nextGeneration() {
    return new LegacyBranchState(seq, lastAt, day, dayEndsAt, numbers, window, windowEndsAt, lines, tickets, bookings,
        windows, nextTicketId, nextBookingId, nextJoinSeq, policyState, policy, mode, floor, generation + 1);
  }

  static LegacyBranchState initial(int services, Policy<?> policy, AdmissionMode mode, LegacyFloor floor) {
    return new LegacyBranchState(0, null, null, null, new int[services], -1, null, new LegacyLine[0], LegacyPersistentLongMap.empty(),
        LegacyPersistentLongMap.empty(), LegacyPersistentLongMap.empty(), 1, 1, 1, policy.initialState(), policy, mode, floor, 0);
  }

  LegacyLine line(String service, String lineClass) {
    for (LegacyLine l : lines) {
      if (l.service().equals(service) && l.lineClass().equals(lineClass)) {
        return l;
      }
    }
    return null;
  }
}
