package dev.talon.queue;

import java.time.Instant;
import java.time.LocalDateTime;

/**
 * A reserved place in a slot window; it becomes a ticket at check-in.
 *
 * @param id          branch-wide identifier
 * @param code        the code the visitor presents at check-in
 * @param service     the service code
 * @param windowStart the window's local start time in the branch's zone
 * @param startsAt    the window's start as an instant
 * @param endsAt      the window's end as an instant
 * @param state       booked, checked in, cancelled or expired
 * @param personId    the visitor's person id, when given; may be null
 * @param ticketId    the ticket issued at check-in; 0 before
 * @param bookedAt    when the booking was made
 * @param windows     how many consecutive windows it takes from {@code windowStart} on; its check-in
 *                    and expiry follow the first ({@code startsAt}, {@code endsAt})
 * @param channel     the channel it was booked through; null for none
 */
public record Booking(
    long id,
    String code,
    String service,
    LocalDateTime windowStart,
    Instant startsAt,
    Instant endsAt,
    BookingState state,
    String personId,
    long ticketId,
    Instant bookedAt,
    int windows,
    Channel channel) {

  /** A booking of one window, through no particular channel. */
  public Booking(long id, String code, String service, LocalDateTime windowStart, Instant startsAt, Instant endsAt,
      BookingState state, String personId, long ticketId, Instant bookedAt) {
    this(id, code, service, windowStart, startsAt, endsAt, state, personId, ticketId, bookedAt, 1, null);
  }
}
