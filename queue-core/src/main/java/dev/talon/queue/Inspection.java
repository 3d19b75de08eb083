package dev.talon.queue;

import dev.talon.queue.internal.BranchEngine;
import java.util.List;

/**
 * Whole-branch views for test kits, invariant checks and audits: every ticket and booking the
 * branch remembers (waiting, called and ended alike) and the policy's current state. A kit that
 * checks conservation or compares a replayed branch with the original uses these instead of the
 * engine's classes, which are not exported.
 *
 * <p>Each call copies the branch's state as its writer last published it, in time proportional
 * to the day's tickets: meant for tests and occasional audits, not for a board or a kiosk (use
 * {@link Branch#board()}, {@link Branch#waiting} and {@link Branch#position} there).
 */
public final class Inspection {
  private Inspection() {}

  /** Every ticket the branch knows, by id. */
  public static List<Ticket> tickets(Branch branch) {
    return engine(branch).allTickets();
  }

  /** Every booking the branch knows, by id. */
  public static List<Booking> bookings(Branch branch) {
    return engine(branch).allBookings();
  }

  /**
   * The policy's current state ({@code null} for a stateless policy): equal after a replay, from
   * history or from a snapshot, to the state of the branch that recorded the history.
   */
  public static Object policyState(Branch branch) {
    return engine(branch).policyState();
  }

  private static BranchEngine engine(Branch branch) {
    if (branch instanceof BranchEngine e) {
      return e;
    }
    throw new InvalidRequestException("only a branch built by Talon can be inspected, was "
        + (branch == null ? "null" : branch.getClass().getName()));
  }
}
