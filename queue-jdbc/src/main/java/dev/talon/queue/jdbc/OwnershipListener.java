package dev.talon.queue.jdbc;

import dev.talon.queue.Branch;

/**
 * Hears which branches a {@link BranchNode} gained and lost, so that the embedding application can
 * route requests. Called on the node's heartbeat thread (and on the thread closing the node);
 * implementations should return quickly and must not call {@link BranchNode#close()}.
 */
public interface OwnershipListener {

  /** This node now serves the branch: its history has been replayed and {@code branch} is open. */
  void gained(String branchId, long epoch, Branch branch);

  /**
   * This node no longer serves the branch; its engine is closed. {@code reason} says why: another
   * node took the lease over, the lease could not be renewed in time, or this node was closed.
   */
  void lost(String branchId, long epoch, String reason);
}
