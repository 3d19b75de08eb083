package dev.talon.queue.internal;

import dev.talon.queue.DeskState;

/**
 * One desk's status, immutable: replaced as a whole by the writer when the desk opens, pauses,
 * closes or switches auto-call, so a reader sees one consistent status. The ticket a desk holds
 * changes with every call and lives apart, in the core's {@code deskCurrent}, so that a call
 * allocates no new status.
 */
record DeskSlot(DeskState state, String reason, boolean autoCall) {
  static final DeskSlot OPEN = new DeskSlot(DeskState.OPEN, null, false);
}
