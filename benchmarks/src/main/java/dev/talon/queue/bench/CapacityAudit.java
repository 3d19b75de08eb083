package dev.talon.queue.bench;

/**
 * The check after a booking rush. Threads walk the same sequence of windows, booking in the one at
 * their cursor and moving on only when it is refused as full; nobody cancels. So after the rush:
 * no window holds more acknowledged bookings than its capacity; every window below the furthest
 * cursor was refused as full at some moment and must hold exactly its capacity (a place taken but
 * never acknowledged, or an acknowledgement that was lost, shows up here); and nothing was booked
 * beyond the furthest cursor.
 */
final class CapacityAudit {
  private CapacityAudit() {}

  /** Thrown when the audit finds a broken window; it fails the benchmark run. */
  static final class Violation extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    Violation(String message) {
      super(message);
    }
  }

  /**
   * Checks the acknowledged bookings per window.
   *
   * @param subject      what was audited, for the message
   * @param acknowledged acknowledged bookings per window index
   * @param capacity     places per window
   * @param frontier     the furthest window any thread reached
   * @throws Violation naming the first broken window
   */
  static void check(String subject, int[] acknowledged, int capacity, int frontier) {
    for (int w = 0; w < acknowledged.length; w++) {
      int n = acknowledged[w];
      if (n > capacity) {
        throw new Violation(subject + " overbooked window " + w + ": " + n + " acknowledged bookings, capacity "
            + capacity);
      }
      if (w < frontier && n != capacity) {
        throw new Violation(subject + " refused window " + w + " as full but it holds " + n
            + " acknowledged bookings of " + capacity + " places");
      }
      if (w > frontier && n != 0) {
        throw new Violation(subject + " holds " + n + " bookings in window " + w
            + ", beyond the furthest window any thread reached (" + frontier + ")");
      }
    }
  }
}
