package dev.talon.queue;

/** What happens to a booked visitor who checks in later than the late check-in limit. */
public enum LateArrival {
  /** The check-in is refused with {@link CheckInRefusedException}. */
  REFUSE,
  /** The visitor gets a ticket, but in the walk-in line rather than the booked one. */
  WALK_IN_LINE
}
