package dev.talon.queue;

/**
 * Another engine took the branch over: the store refused this engine's append because its
 * fencing token (its ownership epoch) is older than the one the store has seen since. The refused
 * operation did not happen, and the engine refuses every later operation with this exception;
 * the node that owns the branch now serves it. Reopen the branch (with a new epoch) only after
 * acquiring it again.
 */
public class BranchLostException extends QueueException {
  private static final long serialVersionUID = 1L;

  private final String branchId;
  private final long epoch;

  public BranchLostException(String branchId, long epoch, String reason) {
    super("branch " + branchId + " is now owned under a newer epoch than this engine's (epoch " + epoch
        + "); this engine refuses further operations. The store said: " + reason);
    this.branchId = branchId;
    this.epoch = epoch;
  }

  /** The branch that was lost. */
  public String branchId() {
    return branchId;
  }

  /** The fencing token (ownership epoch) of the engine that lost the branch. */
  public long epoch() {
    return epoch;
  }
}
