package dev.talon.queue;

/** The ticket or booking is not in a state that allows the operation (see the lifecycle in the README). */
public class IllegalTransitionException extends QueueException {
  private static final long serialVersionUID = 1L;

  public IllegalTransitionException(String message) {
    super(message);
  }
}
