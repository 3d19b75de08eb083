package dev.talon.queue;

/** A branch, policy or limit configuration breaks a rule; thrown while building, never later. */
public class InvalidConfigurationException extends QueueException {
  private static final long serialVersionUID = 1L;

  public InvalidConfigurationException(String message) {
    super(message);
  }
}
