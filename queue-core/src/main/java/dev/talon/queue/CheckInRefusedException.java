package dev.talon.queue;

/** A booking was presented too early or too late for check-in. */
public class CheckInRefusedException extends QueueException {
  private static final long serialVersionUID = 1L;

  public CheckInRefusedException(String message) {
    super(message);
  }
}
