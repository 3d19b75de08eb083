package dev.talon.queue;

/** Which visitors a branch admits; switchable at runtime. */
public enum AdmissionMode {
  /** Only booked visitors: walk-in tickets are refused. */
  BOOKING_ONLY,
  /** Booked visitors and walk-ins. */
  MIXED,
  /** Walk-ins only: new bookings are refused (existing ones still check in). */
  WALK_IN_ONLY
}
