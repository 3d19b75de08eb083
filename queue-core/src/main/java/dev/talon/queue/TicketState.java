package dev.talon.queue;

/**
 * The states of a ticket: {@code WAITING → CALLED → SERVING → DONE}; a recall keeps it
 * {@code CALLED} and counts; {@code CALLED → NO_SHOW} after the recall limit;
 * {@code CALLED → WAITING} when a desk hands the call back; {@code WAITING → CANCELLED}.
 * {@code POSTPONED} and {@code TRANSFERRED} belong to the service-centre features.
 */
public enum TicketState {
  WAITING,
  CALLED,
  SERVING,
  POSTPONED,
  DONE,
  NO_SHOW,
  TRANSFERRED,
  CANCELLED;

  /** True for the states a ticket never leaves. */
  public boolean isTerminal() {
    return this == DONE || this == NO_SHOW || this == TRANSFERRED || this == CANCELLED;
  }
}
