package dev.talon.queue;

/**
 * How many places one person may have within a span of days, enforced by the branch itself, in
 * the same step that takes the place (so two requests at once cannot both pass): e.g. one booking
 * per person per 10 days.
 *
 * <p>The rule. A person's places are their bookings that were not cancelled (booked, checked in,
 * or expired unused), their live holds (offers from a waiting list among them) and their entries
 * on waiting lists. A new hold, booking or waiting-list entry for a window on date {@code d} is
 * refused when the person already has {@code max} places on dates less than {@code days} days
 * from {@code d} (before or after). Only requests with a person id are limited; the id is the
 * pseudonymised one when a key is configured.
 *
 * @param max  places per person within the span; at least 1
 * @param days the span in days; at least 1 (1: per calendar day)
 */
public record BookingLimit(int max, int days) {
  public BookingLimit {
    if (max < 1) {
      throw new InvalidConfigurationException("a booking limit must allow at least 1 place per person, was " + max);
    }
    if (days < 1 || days > 366) {
      throw new InvalidConfigurationException("a booking limit's span must be between 1 and 366 days, was " + days);
    }
  }
}
