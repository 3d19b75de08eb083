package dev.talon.queue;

import java.time.LocalDateTime;

/**
 * A request for a place in a slot window.
 *
 * @param service     the service code
 * @param windowStart the local start of the window in the branch's zone; must be a window boundary
 * @param personId    the visitor's person id; null when unknown
 * @param requestId   an idempotency key: a retry with the same id returns the same booking; null for none
 * @param windows     how many consecutive windows the matter takes, from {@code windowStart} on (1 to 96);
 *                    all of them are taken or none, and they are cancelled, expire and move as one
 * @param channel     the channel the request came through, for the channel quotas; null for none
 */
public record BookRequest(String service, LocalDateTime windowStart, String personId, String requestId, int windows,
    Channel channel) {
  /** The most consecutive windows one booking may take. */
  public static final int MAX_WINDOWS = 96;

  public BookRequest {
    Checks.notBlank("service code", service);
    Checks.notNull("window start", windowStart);
    Checks.optional("person id", personId);
    Checks.optional("request id", requestId);
    if (windows < 1 || windows > MAX_WINDOWS) {
      throw new InvalidRequestException("a booking takes 1 to " + MAX_WINDOWS + " consecutive windows, was " + windows);
    }
  }

  /** A request for one window, through no particular channel. */
  public BookRequest(String service, LocalDateTime windowStart, String personId, String requestId) {
    this(service, windowStart, personId, requestId, 1, null);
  }

  /** A booking of the service in the window starting at {@code windowStart}. */
  public static BookRequest of(String service, LocalDateTime windowStart) {
    return new BookRequest(service, windowStart, null, null);
  }

  public BookRequest withRequestId(String id) {
    return new BookRequest(service, windowStart, personId, id, windows, channel);
  }

  public BookRequest withPerson(String id) {
    return new BookRequest(service, windowStart, id, requestId, windows, channel);
  }

  /** A copy taking this many consecutive windows. */
  public BookRequest withWindows(int count) {
    return new BookRequest(service, windowStart, personId, requestId, count, channel);
  }

  /** A copy coming through this channel. */
  public BookRequest withChannel(Channel through) {
    return new BookRequest(service, windowStart, personId, requestId, windows, through);
  }
}
