package dev.talon.queue.internal;

import dev.talon.queue.Ticket;
import dev.talon.queue.spi.LineView;

/**
 * One line: a FIFO of the waiting ticket ids of one service and line class, in join order. Owned
 * by the writer. {@code lastJoin} is the largest join order ever appended, so a ticket with a
 * larger one is appended in O(1) and only a rejoin with an older one pays for an insert.
 *
 * <p>A line is its own {@link LineView}: the writer sets {@link #head} when it builds a dispatch
 * view, so offering a policy the lines allocates nothing. The view is valid during the policy call
 * only (the SPI says so); afterwards head and length move on with the line.
 */
final class Line implements LineView {
  final String service;
  final String lineClass;
  final LongRing ids;
  long lastJoin;
  /** The head as of the last dispatch view; written and read by the writer only. */
  private Ticket head;

  Line(String service, String lineClass, LongRing ids, long lastJoin) {
    this.service = service;
    this.lineClass = lineClass;
    this.ids = ids;
    this.lastJoin = lastJoin;
  }

  @Override
  public String service() {
    return service;
  }

  @Override
  public String lineClass() {
    return lineClass;
  }

  @Override
  public int waiting() {
    return ids.size();
  }

  @Override
  public Ticket head() {
    return head;
  }

  /** Readies this line to be offered with the given head. */
  LineView offer(Ticket head) {
    this.head = head;
    return this;
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
