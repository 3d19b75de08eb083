package dev.talon.queue.jdbc;

import dev.talon.queue.InvalidRequestException;

/**
 * Where a branch is served: the node holding its lease, the address that node registered (what
 * the integrator gave {@link BranchNode.Builder#address(String)}, e.g. {@code http://10.0.0.7:8080}),
 * the lease's epoch, and whether that node is the one asked.
 */
public record Route(String branchId, String nodeId, String address, long epoch, boolean local) {
  public Route {
    if (branchId == null || branchId.isBlank()) {
      throw new InvalidRequestException("route branch id must not be blank, was " + branchId);
    }
    if (nodeId == null || nodeId.isBlank()) {
      throw new InvalidRequestException("route node id must not be blank, was " + nodeId);
    }
    if (address == null || address.isBlank()) {
      throw new InvalidRequestException("route address must not be blank, was " + address);
    }
    if (epoch < 1) {
      throw new InvalidRequestException("route epoch must be at least 1, was " + epoch);
    }
  }
}
