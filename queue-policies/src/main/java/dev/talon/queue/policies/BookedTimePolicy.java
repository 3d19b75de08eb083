package dev.talon.queue.policies;

import dev.talon.queue.Origin;
import dev.talon.queue.Ticket;
import dev.talon.queue.spi.Bypass;
import dev.talon.queue.spi.DispatchView;
import dev.talon.queue.spi.LineView;
import dev.talon.queue.spi.TicketFacts;
import java.time.Duration;
import java.time.Instant;

/*
 * Booked-time interleave (Berlin's ZMS): a booked ticket counts as arriving at its booked time.
 *
 * Classification. A booked visitor who checks in no later than the late limit after the booked
 * window's start joins the booked line; a later one (or one the engine already marked late)
 * joins the walk-in line and counts as arriving at check-in like everyone there.
 *
 * Rule. A head's effective arrival is its booked start when it is an on-time booked ticket, its
 * issue time otherwise. The desk calls the head with the earliest effective arrival, the
 * earliest-joined on a tie. Booked visitors who check in early wait for their time unless
 * nobody who arrived earlier waits; booked visitors who check in a little late keep their place.
 * The engine's lines stay FIFO: within the booked line, visitors keep check-in order, and the
 * line's head carries the line's effective arrival.
 *
 * Bound: unbounded in count. After a walk-in T arrives at 09:05, every booked visitor of the 09:00
 * window who checks in within the late limit is called first, and a window can hold any number
 * of them; the order is the effective-arrival order, not the join order.
 */
final class BookedTimePolicy extends LeafPolicy<Void> {
  private final Duration lateLimit;

  BookedTimePolicy(PolicyConfig.BookedTime config) {
    super(config, Bypass.unbounded());
    this.lateLimit = config.lateLimit();
  }

  @Override
  public String classify(TicketFacts t) {
    boolean onTime = t.origin() == Origin.BOOKED && t.bookedStart() != null && !t.late()
        && !t.at().isAfter(t.bookedStart().plus(lateLimit));
    return onTime ? BOOKED : WALK_IN;
  }

  /** The booked start of an on-time booked ticket, else its issue time. */
  Instant effectiveArrival(LineView line) {
    Ticket t = line.head();
    boolean onTime = Heads.booked(t) && !WALK_IN.equals(line.lineClass())
        && !t.issuedAt().isAfter(t.bookedFor().plus(lateLimit));
    return onTime ? t.bookedFor() : t.issuedAt();
  }

  @Override
  public LineView select(DispatchView<Void> view) {
    return Heads.earliestBy(view.lines(), this::effectiveArrival);
  }
}
