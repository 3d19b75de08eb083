package dev.talon.queue.bench;

import dev.talon.queue.CapacityExceededException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The booking rush baseline: what one would write with a lock. One monitor guards the places taken
 * per window and a map of bookings by code; a booking checks the capacity, takes a place, makes a
 * code and records the booking, and a full window is refused with the same exception type the
 * engine throws.
 */
final class SynchronizedBookings {
  /** One booking: its id, code and window index. */
  record Reservation(long id, String code, int window) {}

  private final int capacity;
  private final int[] taken;
  private final Map<String, Reservation> byCode = new HashMap<>();
  private long lastId;

  SynchronizedBookings(int windows, int capacity) {
    this.capacity = capacity;
    this.taken = new int[windows];
  }

  /** Books a place in the window, or throws {@link CapacityExceededException} when it is full. */
  synchronized Reservation book(int window) {
    if (taken[window] >= capacity) {
      throw new CapacityExceededException("window " + window + " is full: " + taken[window] + " of " + capacity
          + " places booked");
    }
    taken[window]++;
    long id = ++lastId;
    Reservation r = new Reservation(id, Long.toString(id, 36).toUpperCase(Locale.ROOT), window);
    byCode.put(r.code(), r);
    return r;
  }

  /** The booking with this code, or null. */
  synchronized Reservation byCode(String code) {
    return byCode.get(code);
  }

  /** Places taken in the window. */
  synchronized int taken(int window) {
    return taken[window];
  }
}
