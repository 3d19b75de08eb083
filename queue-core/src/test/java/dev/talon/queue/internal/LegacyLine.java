// Test-scope oracle: the engine before issue 12, kept only for DifferentialTest.
package dev.talon.queue.internal;

/**
 * One line (a FIFO of the waiting ticket ids of one service and line class, in join order),
 * immutable; {@code waiting} is the number of ids. {@code lastJoin} is the largest join order ever appended, so a ticket
 * with a larger one is appended in O(1) and only a rejoin with an older one pays for an insert.
 */
record LegacyLine(String service, String lineClass, LegacyLongDeque ids, int waiting, long lastJoin) {

  LegacyLine withIds(LegacyLongDeque newIds, int newWaiting) {
    return new LegacyLine(service, lineClass, newIds, newWaiting, lastJoin);
  }

  int compareKey(String otherService, String otherClass) {
    int c = service.compareTo(otherService);
    return c != 0 ? c : lineClass.compareTo(otherClass);
  }
}
