package dev.talon.queue;

/** The states of a booking: {@code BOOKED → CHECKED_IN | CANCELLED | EXPIRED}. */
public enum BookingState {
  BOOKED,
  CHECKED_IN,
  CANCELLED,
  EXPIRED;

  /** True for the states a booking never leaves. */
  public boolean isTerminal() {
    return this != BOOKED;
  }
}
