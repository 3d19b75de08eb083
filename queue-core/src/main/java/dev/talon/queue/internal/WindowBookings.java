package dev.talon.queue.internal;

import dev.talon.queue.Channel;
import java.time.Instant;

/**
 * The bookings of one slot window, owned by the writer: places taken per service index (bookings,
 * holds and cool-downs covering the window, multi-window ones in each window they cover), the
 * part of them per channel (for the channel quotas), the ids still waiting to check in (bookings
 * whose first window this is), and when those expire (window end plus grace).
 */
final class WindowBookings {
  static final int CHANNELS = Channel.values().length;

  final int[] taken;
  /** Per service index times CHANNELS plus channel ordinal: the places taken through that channel. */
  final int[] byChannel;
  final LongRing pending;
  final Instant expiresAt;

  WindowBookings(int[] taken, int[] byChannel, LongRing pending, Instant expiresAt) {
    this.taken = taken;
    this.byChannel = byChannel;
    this.pending = pending;
    this.expiresAt = expiresAt;
  }

  int taken(int service) {
    return taken[service];
  }

  int taken(int service, Channel channel) {
    return byChannel[service * CHANNELS + channel.ordinal()];
  }

  /** Takes ({@code delta} 1) or frees (-1) one place of the service through the channel (null: none). */
  void add(int service, Channel channel, int delta) {
    taken[service] += delta;
    if (channel != null) {
      byChannel[service * CHANNELS + channel.ordinal()] += delta;
    }
  }
}
