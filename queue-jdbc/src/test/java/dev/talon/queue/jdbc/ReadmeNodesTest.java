package dev.talon.queue.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.talon.queue.Branch;
import dev.talon.queue.IssueRequest;
import dev.talon.queue.Talon;
import dev.talon.queue.Ticket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's "Running several nodes" snippets, verbatim between the markers (each line of a
 * marked block must be in README.md), run on H2 so that they cannot rot.
 */
class ReadmeNodesTest {
  /** The README's branch configurations. */
  static final class Offices {
    static Talon north(Talon t) {
      return Workload.configure(t);
    }

    static Talon south(Talon t) {
      return Workload.configure(t);
    }
  }

  /** Stands in for the HTTP client that forwards a request to another node. */
  static final class Forwarder {
    final List<String> sent = new CopyOnWriteArrayList<>();

    Ticket post(String address, Object request) {
      sent.add(address);
      return null;
    }
  }

  private final List<String> gained = new CopyOnWriteArrayList<>();
  private final OwnershipListener router = new OwnershipListener() {
    @Override
    public void gained(String branchId, long epoch, Branch branch) {
      gained.add(branchId);
    }

    @Override
    public void lost(String branchId, long epoch, String reason) {}
  };

  @Test
  void nodeSnippet_asInReadme_servesBothBranchesAndHandsThemOver() throws Exception {
    try (HikariDataSource ds = TestDatabases.h2Memory()) {
      JdbcEventStore store = JdbcEventStore.builder(ds).createSchema(true).build();
      // --- node begins
      BranchNode node = BranchNode.builder(store)
          .nodeId("web-1")                          // unique among the nodes
          .address("http://10.0.0.11:8080")         // how routers reach it (default: the node id)
          .leaseTtl(Duration.ofSeconds(5))           // default 5 s
          .heartbeat(Duration.ofSeconds(1))          // default 1 s, at most a third of the TTL
          .branch("north", Offices::north)           // Function<Talon, Talon>: services, desks, policy...
          .branch("south", Offices::south)
          .maxBranches(50)                           // optional: this node's capacity
          .listener(router)                          // OwnershipListener: gained / lost
          .build();                                  // registers the node and starts the heartbeat
      // --- node ends
      awaitGained(2);
      // --- calls begin
      node.branch("north").ifPresent(b -> b.callNext("3"));   // served here?
      node.route("north");          // Optional<Route>(branchId, nodeId, address, epoch, local), from memory
      node.owner("north");          // Optional<Lease>(branchId, nodeId, epoch, expiresAt), from the database
      // --- calls end
      assertThat(node.route("north")).map(Route::address).contains("http://10.0.0.11:8080");
      assertThat(node.route("north")).map(Route::local).contains(true);
      assertThat(node.owner("north")).map(Lease::nodeId).contains("web-1");
      node.close();
      assertThat(node.ownedBranches()).isEmpty();
    }
  }

  @Test
  void dispatchSnippet_asInReadme_servesHere_orForwardsToTheOwnersAddress() throws Exception {
    try (HikariDataSource ds = TestDatabases.h2Memory()) {
      JdbcEventStore store = JdbcEventStore.builder(ds).createSchema(true).build();
      BranchNode owner = BranchNode.builder(store).nodeId("web-1").address("http://10.0.0.11:8080")
          .branch("north", Offices::north).listener(router).build();
      awaitGained(1);
      BranchNode node = BranchNode.builder(store).nodeId("web-2").address("http://10.0.0.12:8080")
          .heartbeat(Duration.ofMillis(100)).branch("north", Offices::north).build();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (node.route("north").isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20); // web-2 learns the route at its heartbeat
      }
      Forwarder forwarder = new Forwarder();
      Object request = "POST /branches/north/tickets";
      String branchId = "north";
      for (BranchNode n : List.of(owner, node)) {
        node = n;
        // --- dispatch begins
        Ticket t = node.dispatch(branchId,
            branch -> branch.issue(IssueRequest.walkIn("docs")),        // served here
            route -> forwarder.post(route.address(), request));         // served there: forward the request
        // --- dispatch ends
        assertThat(t == null).isEqualTo(n != owner);
      }
      assertThat(forwarder.sent).containsExactly("http://10.0.0.11:8080");
      node.close();
      owner.close();
    }
  }

  @Test
  void readme_containsEveryMarkedLine() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    String self = Files.readString(Path.of("src/test/java/dev/talon/queue/jdbc/ReadmeNodesTest.java"));
    int blocks = 0;
    for (String block : List.of("node", "calls", "dispatch")) {
      String begin = "// --- " + block + " begin";
      String body = self.substring(self.indexOf('\n', self.indexOf(begin)) + 1, self.indexOf("// --- " + block + " end"));
      for (String line : body.lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
        assertThat(readme).as("README line of block %s", block).contains(line);
      }
      blocks++;
    }
    assertThat(blocks).isEqualTo(3);
  }

  private void awaitGained(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (gained.size() < count && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(gained).hasSize(count);
  }
}
