package dev.talon.queue;

import java.time.Instant;
import java.time.LocalDateTime;

/**
 * A place held in a slot window while the visitor fills in the booking form: it counts against
 * the window's capacity until {@link Branch#confirm} turns it into a booking, {@link
 * Branch#releaseHold} lets it go, or it expires at {@code expiresAt} (released once, by the
 * branch's clock, with a {@code HoldReleased} event).
 *
 * @param id          branch-wide hold id
 * @param service     the service code
 * @param windowStart the window's local start in the branch's zone
 * @param personId    the visitor's person id, when given
 * @param heldAt      when the place was held
 * @param expiresAt   when an unconfirmed hold is released
 * @param windows     how many consecutive windows it holds from {@code windowStart} on
 * @param channel     the channel it came through; null for none
 */
public record Hold(long id, String service, LocalDateTime windowStart, String personId, Instant heldAt,
    Instant expiresAt, int windows, Channel channel) {
  /** A hold of one window, through no particular channel. */
  public Hold(long id, String service, LocalDateTime windowStart, String personId, Instant heldAt, Instant expiresAt) {
    this(id, service, windowStart, personId, heldAt, expiresAt, 1, null);
  }
}
