package dev.talon.queue.bench.sim;

import dev.talon.queue.Branch;
import dev.talon.queue.Ticket;
import java.time.Duration;
import java.util.Optional;

/**
 * The wait estimate a visitor is given when the ticket is issued (or the booking checks in). The
 * simulator asks right after the ticket is issued and later compares the estimate with the wait
 * that followed: the mean absolute error, and how often the actual wait fell between the
 * optimistic and the pessimistic bound.
 */
@FunctionalInterface
public interface WaitEstimator {

  /** The estimate for {@code ticket}, just issued by {@code branch}; empty when none is given. */
  Optional<Estimate> estimate(Branch branch, Ticket ticket);

  /**
   * A wait estimate.
   *
   * @param expected    the most likely wait
   * @param optimistic  the shortest plausible wait
   * @param pessimistic the longest plausible wait
   */
  record Estimate(Duration expected, Duration optimistic, Duration pessimistic) {
    public Estimate {
      if (expected == null || optimistic == null || pessimistic == null || optimistic.isNegative()
          || optimistic.compareTo(expected) > 0 || expected.compareTo(pessimistic) > 0) {
        throw new IllegalArgumentException("an estimate needs 0 <= optimistic <= expected <= pessimistic, was "
            + optimistic + " <= " + expected + " <= " + pessimistic);
      }
    }
  }

  /**
   * The engine's own estimate. The engine does not give wait estimates yet (a separate open
   * issue), so this answers empty and the reports print "n/a"; once {@link Branch} offers an
   * estimate, this is the one place that reads it.
   */
  static WaitEstimator engine() {
    return (branch, ticket) -> Optional.empty();
  }
}
