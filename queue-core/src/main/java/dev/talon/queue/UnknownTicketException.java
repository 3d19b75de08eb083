package dev.talon.queue;

/** No ticket has this id on this branch. */
public class UnknownTicketException extends QueueException {
  private static final long serialVersionUID = 1L;

  public UnknownTicketException(String message) {
    super(message);
  }
}
