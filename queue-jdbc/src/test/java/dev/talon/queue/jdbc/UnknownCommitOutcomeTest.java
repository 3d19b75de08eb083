package dev.talon.queue.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.zaxxer.hikari.HikariDataSource;
import dev.talon.queue.Inspection;
import dev.talon.queue.Branch;
import dev.talon.queue.Durability;
import dev.talon.queue.IssueRequest;
import dev.talon.queue.StorageException;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.QueueClock;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The database commits an append, the answer is lost, and the store's check on a fresh connection
 * fails too (the database went away right at the commit, as in a failover): the store reports
 * that the outcome is unknown, while the events are in fact stored. The engine must notice (the
 * next append conflicts with the stored events), adopt what was committed and go on.
 */
class UnknownCommitOutcomeTest {
  private final ManualClock clock = QueueClock.manual(Instant.parse("2026-11-24T05:00:00Z"));

  /** Loses the answer of the next commit and fails the check that follows it. */
  private static void loseNextCommitAndItsCheck(JdbcSpy spy) {
    boolean[] committed = {false};
    spy.fault = new JdbcSpy.Fault() {
      @Override
      public void before(String step, int n, Connection real) throws SQLException {
        if (committed[0]) {
          spy.clearFault();
          throw new SQLException("injected: database unreachable during the check", "08001");
        }
      }

      @Override
      public void after(String step, int n, Connection real) throws SQLException {
        if (step.equals("commit")) {
          committed[0] = true;
          throw new SQLException("injected: connection lost after the commit was sent", "08006");
        }
      }
    };
  }

  @Test
  void nextOperation_afterAnUnknownCommitOutcome_succeedsOnceTheDatabaseIsBack() {
    try (HikariDataSource ds = TestDatabases.h2Memory()) {
      JdbcSpy spy = new JdbcSpy(ds);
      JdbcEventStore store = JdbcEventStore.builder(spy).createSchema(true).build();
      Branch b = Workload.open("b1", store, clock, Durability.SYNC);
      b.issue(IssueRequest.walkIn("docs"));
      loseNextCommitAndItsCheck(spy);
      assertThatThrownBy(() -> b.issue(IssueRequest.walkIn("docs").withRequestId("r1")))
          .isInstanceOf(StorageException.class).hasMessageContaining("could not be checked");
      assertThat(store.load("b1", 0)).hasSizeGreaterThan((int) b.lastSeq()); // it was committed after all
      clock.advance(Duration.ofSeconds(5));
      assertTimeoutPreemptively(Duration.ofSeconds(5), () -> b.issue(IssueRequest.walkIn("docs")));
      assertThat(b.lastSeq()).isEqualTo(store.load("b1", 0).size());
    }
  }

  @Test
  void asyncWriter_afterAnUnknownCommitOutcome_writesEverythingAcknowledged() {
    try (HikariDataSource ds = TestDatabases.h2Memory()) {
      JdbcSpy spy = new JdbcSpy(ds);
      JdbcEventStore store = JdbcEventStore.builder(spy).createSchema(true).build();
      Branch b = Workload.open("b1", store, clock, Durability.ASYNC);
      b.issue(IssueRequest.walkIn("docs"));
      b.close();
      Branch again = Workload.open("b1", store, clock, Durability.ASYNC);
      loseNextCommitAndItsCheck(spy);
      JdbcSpy.Fault armed = spy.fault;
      again.issue(IssueRequest.walkIn("docs")); // acknowledged at once; its commit's outcome becomes unknown
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (spy.fault == armed && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      for (int i = 0; i < 4; i++) {
        clock.advance(Duration.ofSeconds(5));
        again.issue(IssueRequest.walkIn("docs")); // the database is back
      }
      assertTimeoutPreemptively(Duration.ofSeconds(8), again::close);
      try (Branch reopened = Workload.open("b1", JdbcEventStore.builder(ds).build(), clock, Durability.SYNC)) {
        assertThat(Inspection.tickets(reopened)).isEqualTo(Inspection.tickets(again));
      }
    }
  }
}
