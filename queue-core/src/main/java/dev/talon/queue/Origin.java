package dev.talon.queue;

/** Where a ticket came from. */
public enum Origin {
  /** Issued at the kiosk to a visitor without a booking. */
  WALK_IN,
  /** Issued at check-in of a booking. */
  BOOKED,
  /** Issued when a visitor was transferred from another service. */
  TRANSFERRED,
  /** Issued online to a visitor who is not yet in the building. */
  REMOTE
}
