package dev.talon.queue;

/** A request value is missing, blank or malformed (a null service code, a blank request id, ...). */
public class InvalidRequestException extends QueueException {
  private static final long serialVersionUID = 1L;

  public InvalidRequestException(String message) {
    super(message);
  }
}
