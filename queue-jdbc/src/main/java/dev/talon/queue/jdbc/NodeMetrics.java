package dev.talon.queue.jdbc;

import dev.talon.queue.InvalidRequestException;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * Binds a {@link BranchNode} to a Micrometer {@link MeterRegistry} in one call:
 * {@code NodeMetrics.bind(node, registry)}. Micrometer is an optional dependency of queue-jdbc:
 * add {@code io.micrometer:micrometer-core} to use this class. Bind each branch the node gains
 * with {@code dev.talon.queue.TalonMetrics} (from an {@link OwnershipListener}) for its tickets.
 *
 * <p>Every meter is tagged {@code node}; those about one branch also {@code branch} (one per
 * branch the node is configured for):
 * <table>
 * <caption>Meters</caption>
 * <tr><th>name</th><th>type</th><th>what</th></tr>
 * <tr><td>{@code talon.node.branches}</td><td>gauge</td><td>branches this node serves now</td></tr>
 * <tr><td>{@code talon.node.branches.configured}</td><td>gauge</td><td>branches it may serve</td></tr>
 * <tr><td>{@code talon.node.lease.held}</td><td>gauge, per branch</td><td>1 while this node holds
 *     the branch's lease, else 0</td></tr>
 * <tr><td>{@code talon.node.lease.epoch}</td><td>gauge, per branch</td><td>the epoch (fencing
 *     token) of this node's lease; 0 when it does not hold it</td></tr>
 * <tr><td>{@code talon.node.lease.remaining}</td><td>gauge (seconds), per branch</td><td>until the
 *     lease runs out unless renewed, by this JVM's clock; 0 when not held</td></tr>
 * <tr><td>{@code talon.node.ownership}</td><td>function counter, tag {@code change}</td><td>
 *     {@code takeover}: branches acquired and opened (free, or their owner's lease ran out);
 *     {@code hand-over}: released gracefully (to balance the nodes, or at close);
 *     {@code lost}: taken by another node or not renewed in time</td></tr>
 * </table>
 *
 * <p>Cost: nothing between scrapes. The node counts ownership changes anyway (they are rare: a
 * lease acquisition, release or loss), and every gauge reads the node's map of held leases at
 * scrape time. Bind a node once.
 */
public final class NodeMetrics {
  private final BranchNode node;

  private NodeMetrics(BranchNode node) {
    this.node = node;
  }

  /**
   * Registers the node's meters with {@code registry}.
   *
   * @throws InvalidRequestException for a null node or registry
   */
  public static NodeMetrics bind(BranchNode node, MeterRegistry registry) {
    if (node == null) {
      throw new InvalidRequestException("a branch node is required, was null");
    }
    if (registry == null) {
      throw new InvalidRequestException("a meter registry is required, was null");
    }
    Tags base = Tags.of("node", node.nodeId());
    Gauge.builder("talon.node.branches", node, BranchNode::ownedCount).tags(base)
        .description("branches this node serves now").register(registry);
    Gauge.builder("talon.node.branches.configured", node, n -> n.configuredBranches().size()).tags(base)
        .description("branches this node may serve").register(registry);
    for (String id : node.configuredBranches()) {
      Tags tags = base.and("branch", id);
      Gauge.builder("talon.node.lease.held", node, n -> n.epoch(id) > 0 ? 1 : 0).tags(tags)
          .description("1 while this node holds the branch's lease").register(registry);
      Gauge.builder("talon.node.lease.epoch", node, n -> n.epoch(id)).tags(tags)
          .description("the epoch of this node's lease on the branch; 0 when not held").register(registry);
      Gauge.builder("talon.node.lease.remaining", node, n -> n.leaseSecondsLeft(id)).tags(tags).baseUnit("seconds")
          .description("seconds until the lease runs out unless renewed; 0 when not held").register(registry);
    }
    ownership(registry, base, node, "takeover", BranchNode::takeovers);
    ownership(registry, base, node, "hand-over", BranchNode::handOvers);
    ownership(registry, base, node, "lost", BranchNode::losses);
    return new NodeMetrics(node);
  }

  private static void ownership(MeterRegistry registry, Tags base, BranchNode node, String change,
      java.util.function.ToDoubleFunction<BranchNode> count) {
    FunctionCounter.builder("talon.node.ownership", node, count).tags(base.and("change", change))
        .description("changes of this node's branch ownership").register(registry);
  }

  @Override
  public String toString() {
    return "NodeMetrics[" + node.nodeId() + "]";
  }
}
