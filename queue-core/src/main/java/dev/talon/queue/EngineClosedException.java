package dev.talon.queue;

/** The branch engine was closed; no further operations are accepted. */
public class EngineClosedException extends QueueException {
  private static final long serialVersionUID = 1L;

  public EngineClosedException(String message) {
    super(message);
  }
}
