package dev.talon.queue;

/**
 * The store failed to make an operation durable. The operation did not happen: the engine's
 * state is as it was before it, and later operations succeed once the store is back. The message
 * names the statement or step that failed, never the values bound to it. When connecting or
 * reading metadata failed, the message carries the driver's own text (server unreachable, login
 * refused, no such database) and the cause is the driver's exception; for a statement, the cause
 * keeps the SQLState and stack trace while the driver's text, which can quote bound values, is
 * left out.
 */
public class StorageException extends QueueException {
  private static final long serialVersionUID = 1L;

  public StorageException(String message) {
    super(message);
  }

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
