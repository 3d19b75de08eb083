package dev.talon.queue.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.talon.queue.Branch;
import dev.talon.queue.Durability;
import dev.talon.queue.IssueRequest;
import dev.talon.queue.spi.QueueClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Many branches in one JVM share a bounded number of background threads. */
class ManyBranchesTest {

  @Test
  void manyAsyncBranches_writingAtOnce_shareABoundedCommitPool() {
    int bound = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    int count = bound * 5;
    try (HikariDataSource ds = TestDatabases.h2Memory()) {
      JdbcEventStore store = JdbcEventStore.builder(ds).createSchema(true).build();
      List<Branch> branches = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        branches.add(Workload.open("many-" + i, store, QueueClock.system(), Durability.ASYNC));
      }
      for (int round = 0; round < 5; round++) {
        for (Branch b : branches) {
          b.issue(IssueRequest.walkIn("docs")); // ASYNC: committed in the background
        }
      }
      long commitThreads = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.getName().startsWith("talon-commit-")).count();
      for (Branch b : branches) {
        b.close(); // waits for its commits
      }
      assertThat(commitThreads).as("commit threads for %d branches", count).isPositive().isLessThanOrEqualTo(bound);
      for (int i = 0; i < count; i++) {
        assertThat(store.load("many-" + i, 0)).as("events of many-%d", i).hasSizeGreaterThanOrEqualTo(5);
      }
    }
  }
}
