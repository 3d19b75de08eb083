package dev.talon.queue;

/** Whether a desk is working. A paused or closed desk calls nothing. */
public enum DeskState {
  OPEN,
  /** Temporarily away (lunch, a break, a technical problem); has a reason. */
  PAUSED,
  CLOSED
}
