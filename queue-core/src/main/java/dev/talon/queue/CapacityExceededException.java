package dev.talon.queue;

/** The slot window has no place left for the service. */
public class CapacityExceededException extends QueueException {
  private static final long serialVersionUID = 1L;

  public CapacityExceededException(String message) {
    super(message);
  }
}
