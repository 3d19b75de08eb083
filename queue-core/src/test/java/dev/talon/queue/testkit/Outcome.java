package dev.talon.queue.testkit;

import dev.talon.queue.QueueException;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What an operation returned, or which {@link QueueException} it threw. Two outcomes are the same
 * when they returned equal values or threw the same exception class; messages are kept for
 * reports only.
 *
 * @param value   the returned value (a ticket, a booking, an optional ticket) or null
 * @param error   the exception class thrown, or null
 * @param message the exception's message, or null
 */
public record Outcome(Object value, Class<? extends QueueException> error, String message) {

  public static Outcome ok(Object value) {
    return new Outcome(value, null, null);
  }

  public static Outcome failed(QueueException e) {
    return new Outcome(null, e.getClass(), e.getMessage());
  }

  /** Runs the call and captures its outcome; exceptions other than {@link QueueException} propagate. */
  public static Outcome of(Supplier<Object> call) {
    try {
      return ok(call.get());
    } catch (QueueException e) {
      return failed(e);
    }
  }

  public boolean failed() {
    return error != null;
  }

  public boolean sameAs(Outcome other) {
    return Objects.equals(value, other.value) && Objects.equals(error, other.error);
  }

  @Override
  public String toString() {
    return error == null ? "returned " + value : "threw " + error.getSimpleName() + ": " + message;
  }
}
