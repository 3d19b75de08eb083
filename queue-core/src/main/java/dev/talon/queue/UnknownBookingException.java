package dev.talon.queue;

/** No booking has this code on this branch. */
public class UnknownBookingException extends QueueException {
  private static final long serialVersionUID = 1L;

  public UnknownBookingException(String message) {
    super(message);
  }
}
