package dev.talon.queue;

/**
 * The store failed to make an operation durable. The operation did not happen: the engine's
 * state is as it was before it, and later operations succeed once the store is back. The message
 * names the statement or step that failed, never the values bound to it.
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
