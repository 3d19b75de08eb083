package dev.talon.queue;

import java.time.Instant;
import java.time.LocalDateTime;

/**
 * A visitor waiting for a place in a full slot window. When a place of the window frees, the first
 * visitor waiting is offered it: the place is held for them ({@code QueueEvent.PlaceOffered}, which
 * the application turns into an SMS) until {@link SlotCalendar#offerTime()} has passed; {@link
 * Branch#confirm} with the offer's hold id accepts it, and a lapsed offer goes to the next in line.
 *
 * @param id          branch-wide entry id
 * @param service     the service code
 * @param windowStart the window's local start in the branch's zone
 * @param personId    the visitor's person id, when given
 * @param joinedAt    when the visitor joined the list
 * @param channel     the channel the request came through (its offer counts there); null for none
 */
public record WaitlistEntry(long id, String service, LocalDateTime windowStart, String personId, Instant joinedAt,
    Channel channel) {
  /** An entry through no particular channel. */
  public WaitlistEntry(long id, String service, LocalDateTime windowStart, String personId, Instant joinedAt) {
    this(id, service, windowStart, personId, joinedAt, null);
  }
}
