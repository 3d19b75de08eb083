package dev.talon.queue.internal;

import dev.talon.queue.DeskState;

/**
 * One desk's status, immutable; {@code current} is the ticket it called last and has not let go
 * of (0: free). Replaced as a whole by the writer, so a reader sees one consistent status.
 */
record DeskSlot(DeskState state, String reason, boolean autoCall, long current) {
  static final DeskSlot OPEN = new DeskSlot(DeskState.OPEN, null, false, 0);

  DeskSlot holding(long ticket) {
    return new DeskSlot(state, reason, autoCall, ticket);
  }
}
