package dev.talon.queue;

/** The desk id is not configured on this branch. */
public class UnknownDeskException extends QueueException {
  private static final long serialVersionUID = 1L;

  public UnknownDeskException(String message) {
    super(message);
  }
}
