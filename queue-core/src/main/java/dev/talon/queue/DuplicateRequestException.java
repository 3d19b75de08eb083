package dev.talon.queue;

/** A request id was reused for a request with different content. */
public class DuplicateRequestException extends QueueException {
  private static final long serialVersionUID = 1L;

  public DuplicateRequestException(String message) {
    super(message);
  }
}
