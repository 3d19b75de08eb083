package dev.talon.queue.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.talon.queue.InvalidRequestException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** NodeMetrics on one node: what it serves, its leases, and each kind of ownership change. */
class NodeMetricsTest {

  @Test
  void bind_takeoverLossAndHandOver_areCountedAndLeaseGaugesFollow() throws Exception {
    try (HikariDataSource ds = TestDatabases.h2Memory()) {
      JdbcEventStore store = JdbcEventStore.builder(ds).createSchema(true).build();
      BranchNode node = BranchNode.builder(store).nodeId("n1").leaseTtl(Duration.ofSeconds(3))
          .heartbeat(Duration.ofMillis(100)).branch("s1", Workload::configure).branch("s2", Workload::configure)
          .build();
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      NodeMetrics.bind(node, registry);
      assertThat(Files.readString(Path.of("..", "README.md"))).as("the README's line")
          .contains("NodeMetrics.bind(node, registry);");
      awaitOwned(node, 2);

      assertThat(gauge(registry, "talon.node.branches")).isEqualTo(2);
      assertThat(gauge(registry, "talon.node.branches.configured")).isEqualTo(2);
      assertThat(lease(registry, "talon.node.lease.held", "s1")).isEqualTo(1);
      assertThat(lease(registry, "talon.node.lease.epoch", "s1")).isEqualTo(node.owner("s1").orElseThrow().epoch());
      assertThat(lease(registry, "talon.node.lease.remaining", "s2")).isGreaterThan(0).isLessThanOrEqualTo(3);
      assertThat(changes(registry, "takeover")).isEqualTo(2);
      assertThat(changes(registry, "lost")).isZero();

      try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
        // another node takes s1 under a newer epoch: n1's next renewal matches nothing
        s.executeUpdate("UPDATE talon_leases SET owner = 'intruder', epoch = epoch + 1, "
            + "expires_at = DATEADD(HOUR, 1, CURRENT_TIMESTAMP) WHERE branch_id = 's1'");
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (node.ownedBranches().size() != 1 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(node.ownedBranches()).containsExactly("s2");
      assertThat(changes(registry, "lost")).isEqualTo(1);
      assertThat(lease(registry, "talon.node.lease.held", "s1")).isZero();
      assertThat(lease(registry, "talon.node.lease.epoch", "s1")).isZero();
      assertThat(lease(registry, "talon.node.lease.remaining", "s1")).isZero();
      assertThat(gauge(registry, "talon.node.branches")).isEqualTo(1);

      node.close();
      assertThat(changes(registry, "hand-over")).isEqualTo(1);
      assertThat(changes(registry, "takeover")).isEqualTo(2);
      assertThat(gauge(registry, "talon.node.branches")).isZero();
    }
  }

  @Test
  void bind_badArguments_areRefused() {
    assertThatThrownBy(() -> NodeMetrics.bind(null, new SimpleMeterRegistry()))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("was null");
    try (HikariDataSource ds = TestDatabases.h2Memory()) {
      JdbcEventStore store = JdbcEventStore.builder(ds).createSchema(true).build();
      try (BranchNode node = BranchNode.builder(store).nodeId("n1").branch("s1", Workload::configure).build()) {
        assertThatThrownBy(() -> NodeMetrics.bind(node, null)).isInstanceOf(InvalidRequestException.class);
      }
    }
  }

  private static double gauge(SimpleMeterRegistry registry, String name) {
    return registry.get(name).tags("node", "n1").gauge().value();
  }

  private static double lease(SimpleMeterRegistry registry, String name, String branch) {
    return registry.get(name).tags("node", "n1", "branch", branch).gauge().value();
  }

  private static double changes(SimpleMeterRegistry registry, String change) {
    return registry.get("talon.node.ownership").tags("node", "n1", "change", change).functionCounter().count();
  }

  private static void awaitOwned(BranchNode node, int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (node.ownedBranches().size() < count && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(node.ownedBranches()).hasSize(count);
  }
}
