package dev.talon.queue;

/** The service code is not configured on this branch. */
public class UnknownServiceException extends QueueException {
  private static final long serialVersionUID = 1L;

  public UnknownServiceException(String message) {
    super(message);
  }
}
