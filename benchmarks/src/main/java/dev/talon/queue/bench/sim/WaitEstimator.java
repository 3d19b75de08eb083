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
   * The engine's own estimate ({@link Branch#estimate(long)}), for a ticket that still waits; a
   * ticket called at once (a desk was free) has no wait to estimate and counts as an estimate of 0.
   */
  static WaitEstimator engine() {
    return (branch, ticket) -> {
      Ticket now = branch.ticket(ticket.id()).orElse(ticket);
      if (now.state() != dev.talon.queue.TicketState.WAITING) {
        return Optional.of(new Estimate(Duration.ZERO, Duration.ZERO, Duration.ZERO));
      }
      dev.talon.queue.WaitEstimate e = branch.estimate(ticket.id());
      return Optional.of(new Estimate(e.expected(), e.optimistic(), e.pessimistic()));
    };
  }
}
