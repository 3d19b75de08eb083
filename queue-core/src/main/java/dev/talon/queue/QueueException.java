package dev.talon.queue;

/**
 * The root of every exception Talon throws. All are unchecked; each subclass names one rule,
 * and its message states the rule and the offending value so that a person can act on it.
 * An operation that throws a {@code QueueException} has changed nothing: neither the engine's
 * state nor its store.
 */
public class QueueException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public QueueException(String message) {
    super(message);
  }

  public QueueException(String message, Throwable cause) {
    super(message, cause);
  }
}
