package dev.talon.queue;

/** The clock returned an instant earlier than one the branch has already acted on. */
public class ClockWentBackwardsException extends QueueException {
  private static final long serialVersionUID = 1L;

  public ClockWentBackwardsException(String message) {
    super(message);
  }
}
