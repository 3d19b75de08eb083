package dev.talon.queue;

/** The branch is closed at that time, or the slot window lies outside opening hours or the booking horizon. */
public class OutOfHoursException extends QueueException {
  private static final long serialVersionUID = 1L;

  public OutOfHoursException(String message) {
    super(message);
  }
}
