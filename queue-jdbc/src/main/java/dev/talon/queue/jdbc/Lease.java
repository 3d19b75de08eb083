package dev.talon.queue.jdbc;

import dev.talon.queue.InvalidRequestException;
import java.time.Instant;

/**
 * Who serves a branch: the node holding its lease, the lease's epoch (the fencing token that node's
 * engine appends with) and when the lease expires by the database's clock unless renewed.
 */
public record Lease(String branchId, String nodeId, long epoch, Instant expiresAt) {
  public Lease {
    if (branchId == null || branchId.isBlank()) {
      throw new InvalidRequestException("lease branch id must not be blank, was " + branchId);
    }
    if (nodeId == null || nodeId.isBlank()) {
      throw new InvalidRequestException("lease node id must not be blank, was " + nodeId);
    }
    if (epoch < 1) {
      throw new InvalidRequestException("lease epoch must be at least 1, was " + epoch);
    }
    if (expiresAt == null) {
      throw new InvalidRequestException("lease expiry must not be null");
    }
  }
}
