package dev.talon.queue.spi;

import dev.talon.queue.Ticket;

/**
 * One non-empty line as a policy sees it when a desk calls. The engine's views are its own lines,
 * valid only during the policy call they are passed to (like the {@link DispatchView} holding
 * them): keep the service and line class, not the view. A policy that offers another policy a
 * rebuilt view may build its lines with {@link #of}; the engine then matches them by value.
 */
public interface LineView {

  /** The service code. */
  String service();

  /** The line class (what {@link Policy#classify} returned). */
  String lineClass();

  /** How many tickets wait in it (at least 1). */
  int waiting();

  /** The ticket that would be called from it. */
  Ticket head();

  /** A line view of fixed values, for tests and for policies that build views of their own. */
  static LineView of(String service, String lineClass, int waiting, Ticket head) {
    return new FixedLineView(service, lineClass, waiting, head);
  }

  /** Whether two views show the same line in the same state: service, class, length and head. */
  static boolean sameLine(LineView a, LineView b) {
    return a == b || a != null && b != null && a.service().equals(b.service())
        && a.lineClass().equals(b.lineClass()) && a.waiting() == b.waiting() && a.head().equals(b.head());
  }
}
