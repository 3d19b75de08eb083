package dev.talon.queue.policies;

import dev.talon.queue.Desk;
import dev.talon.queue.Origin;
import dev.talon.queue.Ticket;
import dev.talon.queue.spi.DispatchView;
import dev.talon.queue.spi.LineView;
import java.time.Instant;
import java.util.List;

/** Small helpers over the heads a desk sees. */
final class Heads {
  private Heads() {}

  /** The line whose head joined earliest; null for no lines. */
  static LineView earliest(List<LineView> lines) {
    LineView best = null;
    // by index: a view's list is random access, and an iterator would be garbage on every call
    for (int at = 0, n = lines.size(); at < n; at++) {
      LineView l = lines.get(at);
      if (best == null || l.head().joinSeq() < best.head().joinSeq()) {
        best = l;
      }
    }
    return best;
  }

  /**
   * The line whose head has the smallest key, ties going to the head that joined earlier; null
   * for no lines. Keys are instants (deadlines, effective arrivals).
   */
  static LineView earliestBy(List<LineView> lines, java.util.function.Function<LineView, Instant> key) {
    LineView best = null;
    Instant bestKey = null;
    // by index: a view's list is random access, and an iterator would be garbage on every call
    for (int at = 0, n = lines.size(); at < n; at++) {
      LineView l = lines.get(at);
      Instant k = key.apply(l);
      if (k == null) {
        continue;
      }
      if (best == null || k.isBefore(bestKey) || (k.equals(bestKey) && l.head().joinSeq() < best.head().joinSeq())) {
        best = l;
        bestKey = k;
      }
    }
    return best;
  }

  /** True for a booked ticket that carries its booked start. */
  static boolean booked(Ticket t) {
    return t.origin() == Origin.BOOKED && t.bookedFor() != null;
  }

  /** A view over a subset of another view's lines, or with another state, for an inner policy. */
  record View(Instant now, Desk desk, List<LineView> lines, Object state) implements DispatchView<Object> {
    static View of(DispatchView<?> outer, List<LineView> lines, Object state) {
      return new View(outer.now(), outer.desk(), lines, state);
    }
  }
}
