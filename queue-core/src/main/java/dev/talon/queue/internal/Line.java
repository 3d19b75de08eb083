package dev.talon.queue.internal;

/**
 * One line: a FIFO of the waiting ticket ids of one service and line class, in join order. Owned
 * by the writer. {@code lastJoin} is the largest join order ever appended, so a ticket with a
 * larger one is appended in O(1) and only a rejoin with an older one pays for an insert.
 */
final class Line {
  final String service;
  final String lineClass;
  final LongRing ids;
  long lastJoin;
  /** The last dispatch view of this line; reused while its head and length are unchanged. */
  dev.talon.queue.spi.LineView view;

  Line(String service, String lineClass, LongRing ids, long lastJoin) {
    this.service = service;
    this.lineClass = lineClass;
    this.ids = ids;
    this.lastJoin = lastJoin;
  }

  String service() {
    return service;
  }

  String lineClass() {
    return lineClass;
  }

  int waiting() {
    return ids.size();
  }

  int compareKey(String otherService, String otherClass) {
    int c = service.compareTo(otherService);
    return c != 0 ? c : lineClass.compareTo(otherClass);
  }

  @Override
  public String toString() {
    return service + "/" + lineClass + ids;
  }
}
