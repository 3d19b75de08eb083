package dev.talon.queue;

/**
 * What a runtime change of hours or capacity does to the bookings (and holds) it leaves without a
 * place. Each affected booking gets its own event, which the application turns into a message to
 * the visitor.
 */
public enum AffectedBookings {
  /** The change is refused while any booking or hold would lose its place; nothing changes. */
  REFUSE,
  /** Affected holds are released and affected bookings cancelled ({@code BookingCancelled}). */
  CANCEL,
  /**
   * Affected bookings move, keeping their codes, to the first later window of their service with a
   * free place within the booking horizon ({@code BookingRescheduled}); one with none is cancelled.
   * Affected holds are released.
   */
  MOVE
}
