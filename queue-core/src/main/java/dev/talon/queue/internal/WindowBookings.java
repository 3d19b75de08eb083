package dev.talon.queue.internal;

import java.time.Instant;

/**
 * The bookings of one slot window, owned by the writer: places taken per service index, the ids
 * still waiting to check in, and when those expire (window end plus grace).
 */
final class WindowBookings {
  final int[] taken;
  final LongRing pending;
  final Instant expiresAt;

  WindowBookings(int[] taken, LongRing pending, Instant expiresAt) {
    this.taken = taken;
    this.pending = pending;
    this.expiresAt = expiresAt;
  }

  int taken(int service) {
    return taken[service];
  }
}
