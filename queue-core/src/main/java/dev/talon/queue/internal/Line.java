package dev.talon.queue.internal;

/**
 * One line (a FIFO of ticket ids of one service and line class), immutable. Tickets leave the
 * middle of a line lazily: a cancelled id stays in {@code ids} until it reaches the head, where
 * the next call drops it; {@code waiting} counts only the tickets still waiting.
 */
record Line(String service, String lineClass, LongDeque ids, int waiting) {

  Line withIds(LongDeque newIds, int newWaiting) {
    return new Line(service, lineClass, newIds, newWaiting);
  }

  int compareKey(String otherService, String otherClass) {
    int c = service.compareTo(otherService);
    return c != 0 ? c : lineClass.compareTo(otherClass);
  }
}
