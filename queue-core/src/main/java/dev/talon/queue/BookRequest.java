package dev.talon.queue;

import java.time.LocalDateTime;

/**
 * A request for a place in a slot window.
 *
 * @param service     the service code
 * @param windowStart the local start of the window in the branch's zone; must be a window boundary
 * @param personId    the visitor's person id; null when unknown
 * @param requestId   an idempotency key: a retry with the same id returns the same booking; null for none
 */
public record BookRequest(String service, LocalDateTime windowStart, String personId, String requestId) {
  public BookRequest {
    Checks.notBlank("service code", service);
    Checks.notNull("window start", windowStart);
    Checks.optional("person id", personId);
    Checks.optional("request id", requestId);
  }

  /** A booking of the service in the window starting at {@code windowStart}. */
  public static BookRequest of(String service, LocalDateTime windowStart) {
    return new BookRequest(service, windowStart, null, null);
  }

  public BookRequest withRequestId(String id) {
    return new BookRequest(service, windowStart, personId, id);
  }

  public BookRequest withPerson(String id) {
    return new BookRequest(service, windowStart, id, requestId);
  }
}
