// Test-scope oracle: the engine before issue 12, kept only for DifferentialTest.
package dev.talon.queue.internal;

import java.time.Instant;

/**
 * The bookings of one slot window: places taken per service index, the ids still waiting to
 * check in, and when those expire (window end plus grace). Immutable.
 */
record LegacyWindowBookings(int[] taken, LegacyLongDeque pending, Instant expiresAt) {

  int taken(int service) {
    return taken[service];
  }

  LegacyWindowBookings add(int service, long bookingId) {
    int[] t = taken.clone();
    t[service]++;
    return new LegacyWindowBookings(t, pending.addLast(bookingId), expiresAt);
  }

  /** Removes the booking from the pending ids and, when {@code release}, frees its place. */
  LegacyWindowBookings remove(int service, long bookingId, boolean release) {
    int[] t = taken;
    if (release) {
      t = taken.clone();
      t[service]--;
    }
    return new LegacyWindowBookings(t, pending.removeFirstOccurrence(bookingId), expiresAt);
  }
}
