package dev.talon.queue.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.talon.queue.Inspection;
import dev.talon.queue.Branch;
import dev.talon.queue.Durability;
import dev.talon.queue.IssueRequest;
import dev.talon.queue.QueueEvent;
import dev.talon.queue.QueueEvent.TicketIssued;
import dev.talon.queue.StorageException;
import dev.talon.queue.Ticket;
import dev.talon.queue.spi.BranchSnapshot;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.QueueClock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.postgresql.PGConnection;

/**
 * The database fails in the middle of an append: the operation fails with a StorageException that
 * names the statement and SQLState (never the bound values), nothing half-written is visible, the
 * engine is unchanged, and the next operation succeeds.
 */
class FaultInjectionTest {
  private static final String PERSON = "PERSON-770101-SECRET";
  private final ManualClock clock = QueueClock.manual(Instant.parse("2026-11-24T05:00:00Z"));

  private static IssueRequest request(int n) {
    return IssueRequest.walkIn("docs").withPerson(PERSON).withRequestId("req-secret-" + n);
  }

  private static void assertUnchanged(Branch b, JdbcEventStore store, long seq, List<Ticket> tickets) {
    assertThat(b.lastSeq()).isEqualTo(seq);
    assertThat(Inspection.tickets(b)).isEqualTo(tickets);
    assertThat(store.load(b.id(), 0)).hasSize((int) seq); // nothing of the failed batch is visible
  }

  @ParameterizedTest
  @EnumSource(value = Durability.class, names = {"SYNC", "GROUP"})
  void issue_connectionFailsAtEachStepOfTheAppend_failsCleanlyAndTheNextIssueSucceeds(Durability mode) {
    try (HikariDataSource ds = TestDatabases.h2Memory()) {
      JdbcSpy spy = new JdbcSpy(ds);
      JdbcEventStore store = JdbcEventStore.builder(spy).createSchema(true).build();
      Branch b = Workload.open("b1", store, clock, mode);
      b.issue(request(0)); // the branch row exists from here on
      Set<String> failedAt = new HashSet<>();
      for (int step = 1; ; step++) {
        clock.advance(Duration.ofSeconds(5));
        long seq = b.lastSeq();
        List<Ticket> tickets = Inspection.tickets(b);
        spy.failStep(step);
        try {
          b.issue(request(step));
          spy.clearFault();
          break; // the append has fewer steps than this: all were failed once
        } catch (StorageException e) {
          spy.clearFault();
          assertThat(e.getMessage()).contains("SQLState 08006 (connection exception)", "failed at statement")
              .doesNotContain(PERSON, "req-secret");
          failedAt.add(e.getMessage().replaceAll(".*failed at statement (\\S+):.*", "$1"));
          assertUnchanged(b, store, seq, tickets);
        }
        Ticket next = b.issue(request(100 + step));
        assertThat(next.id()).isEqualTo(tickets.size() + 1);
      }
      assertThat(failedAt).containsExactlyInAnyOrder("raise-fence", "insert-events", "commit");
    }
  }

  @Test
  void issue_commitTookEffectButItsAnswerWasLost_isAcknowledgedExactlyOnce() {
    try (HikariDataSource ds = TestDatabases.h2Memory()) {
      answerOfTheAppendLost_acknowledgedExactlyOnce(ds, "commit");
    }
  }

  @Test
  void issue_postgresAppendRanButItsAnswerWasLost_isAcknowledgedExactlyOnce() {
    try (HikariDataSource ds = TestDatabases.postgres()) {
      answerOfTheAppendLost_acknowledgedExactlyOnce(ds, "execute"); // the append's one autocommit statement
    }
  }

  /** The step that ends an append (a commit, or PostgreSQL's one statement) took effect; its answer is lost. */
  private void answerOfTheAppendLost_acknowledgedExactlyOnce(HikariDataSource ds, String lastStep) {
    JdbcSpy spy = new JdbcSpy(ds);
    JdbcEventStore store = JdbcEventStore.builder(spy).createSchema(true).build();
    Branch b = Workload.open("b1", store, clock, Durability.SYNC);
    b.issue(request(0));
    spy.fault = new JdbcSpy.Fault() {
      @Override
      public void before(String step, int n, Connection real) {}

      @Override
      public void after(String step, int n, Connection real) throws SQLException {
        if (step.equals(lastStep)) {
          spy.clearFault();
          throw new SQLException("injected: connection lost after the " + step + " was sent", "08006");
        }
      }
    };
    Ticket t = b.issue(request(1));
    assertThat(b.lastSeq()).isEqualTo(store.load("b1", 0).size());
    assertThat(store.load("b1", 0)).filteredOn(e -> e instanceof TicketIssued i && "req-secret-1".equals(i.requestId()))
        .singleElement().extracting(e -> ((TicketIssued) e).ticketId()).isEqualTo(t.id());
    assertThat(b.issue(request(2)).id()).isEqualTo(t.id() + 1);
  }

  @Test
  void operations_whileTheDatabaseIsDown_failAndSucceedAgainWhenItIsBack() {
    try (HikariDataSource ds = TestDatabases.h2Memory()) {
      JdbcSpy spy = new JdbcSpy(ds);
      JdbcEventStore store = JdbcEventStore.builder(spy).createSchema(true).build();
      Branch b = Workload.open("b1", store, clock, Durability.SYNC);
      Ticket first = b.issue(request(0));
      long seq = b.lastSeq();
      List<Ticket> tickets = Inspection.tickets(b);
      spy.fault = (step, n, real) -> {
        throw new SQLException("injected: database unreachable", "08001");
      };
      for (int i = 1; i <= 5; i++) {
        clock.advance(Duration.ofSeconds(5));
        int n = i;
        assertThatThrownBy(() -> b.issue(request(n))).isInstanceOf(StorageException.class)
            .hasMessageContaining("SQLState 08001");
        assertThatThrownBy(() -> b.callNext("1")).isInstanceOf(StorageException.class);
      }
      spy.clearFault();
      assertUnchanged(b, store, seq, tickets);
      assertThat(b.callNext("1")).get().extracting(Ticket::id).isEqualTo(first.id());
      assertThat(b.issue(request(6)).id()).isEqualTo(first.id() + 1);
      try (Branch reopened = Workload.open("b1", JdbcEventStore.builder(ds).build(), clock, Durability.SYNC)) {
        assertThat(Inspection.tickets(reopened)).isEqualTo(Inspection.tickets(b));
      }
    }
  }

  @Test
  void saveSnapshot_connectionFailsAtEachStep_failsNamingTheStatementAndChangesNothing() {
    try (HikariDataSource ds = TestDatabases.h2Memory()) {
      JdbcSpy spy = new JdbcSpy(ds);
      JdbcEventStore store = JdbcEventStore.builder(spy).createSchema(true).build();
      store.append("b1", 0, SampleEvents.batch(1, 5, new Random(5)));
      BranchSnapshot second = new BranchSnapshot(2, new byte[] {2});
      BranchSnapshot third = new BranchSnapshot(3, new byte[] {3});
      store.saveSnapshot("b1", second);
      store.saveSnapshot("b1", third);
      BranchSnapshot fifth = new BranchSnapshot(5, PERSON.getBytes(StandardCharsets.UTF_8)); // a state holds persons
      Set<String> failedAt = new HashSet<>();
      for (int step = 1; ; step++) {
        spy.failStep(step);
        try {
          store.saveSnapshot("b1", fifth);
          spy.clearFault();
          break; // the save has fewer steps than this: all were failed once
        } catch (StorageException e) {
          spy.clearFault();
          assertThat(e.getMessage()).contains("saving the snapshot at event 5 of branch b1 failed at statement",
              "SQLState 08006 (connection exception)").doesNotContain(PERSON);
          failedAt.add(e.getMessage().replaceAll(".*failed at statement (\\S+):.*", "$1"));
          assertThat(JdbcStoreContract.snapshotRows(ds, "b1")).as("rows after a failed %s", failedAt)
              .containsExactly(2L, 3L);
          assertThat(store.loadSnapshot("b1")).contains(third);
        }
      }
      assertThat(failedAt).containsExactlyInAnyOrder("insert-snapshot", "trim-snapshots", "commit");
      assertThat(JdbcStoreContract.snapshotRows(ds, "b1")).containsExactly(3L, 5L);
      assertThat(store.loadSnapshot("b1")).contains(fifth);
    }
  }

  @Test
  void loadSnapshot_stateEmptiedOutsideTalon_failsNamingTheSnapshot() throws Exception {
    try (HikariDataSource ds = TestDatabases.h2Memory()) {
      JdbcEventStore store = JdbcEventStore.builder(ds).createSchema(true).build();
      store.append("b1", 0, SampleEvents.batch(1, 2, new Random(6)));
      store.saveSnapshot("b1", new BranchSnapshot(2, PERSON.getBytes(StandardCharsets.UTF_8)));
      try (Connection c = ds.getConnection();
          PreparedStatement ps = c.prepareStatement("UPDATE talon_snapshots SET state = X''")) {
        assertThat(ps.executeUpdate()).isEqualTo(1);
      }
      assertThatThrownBy(() -> store.loadSnapshot("b1")).isInstanceOf(StorageException.class)
          .hasMessageContaining("stored snapshot 2 of branch b1 in table talon_snapshots has an empty state");
    }
  }

  /** Terminates the server process behind the store's connection just before the n-th step. */
  private static JdbcSpy.Fault terminateBackendAt(int at, JdbcSpy spy, String[] seen) {
    int target = spy.steps.get() + at;
    return (step, n, real) -> {
      if (n == target) {
        seen[0] = step;
        int pid = real.unwrap(PGConnection.class).getBackendPID();
        try (Connection admin = TestDatabases.postgresAdmin();
            PreparedStatement ps = admin.prepareStatement("SELECT pg_terminate_backend(?)")) {
          ps.setInt(1, pid);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            assertThat(rs.getBoolean(1)).as("backend %d terminated", pid).isTrue();
          }
        }
      }
    };
  }

  @Test
  void issue_postgresBackendTerminatedMidAppend_failsCleanlyAndTheNextIssueSucceeds() {
    try (HikariDataSource ds = TestDatabases.postgres()) {
      JdbcSpy spy = new JdbcSpy(ds);
      JdbcEventStore store = JdbcEventStore.builder(spy).createSchema(true).build();
      Branch b = Workload.open("b1", store, clock, Durability.SYNC);
      b.issue(request(0));
      // once the branch row exists, an append on PostgreSQL is one autocommit statement
      for (int round = 1; round <= 3; round++) {
        clock.advance(Duration.ofSeconds(5));
        long seq = b.lastSeq();
        List<Ticket> tickets = Inspection.tickets(b);
        String[] seen = new String[1];
        spy.fault = terminateBackendAt(1, spy, seen);
        int n = round;
        assertThatThrownBy(() -> b.issue(request(n)))
            .isInstanceOf(StorageException.class)
            .hasMessageMatching("(?s).*SQLState (57P01|08006|08003).*")
            .hasMessageNotContaining(PERSON).hasMessageNotContaining("req-secret");
        spy.clearFault();
        assertThat(seen[0]).isEqualTo("execute");
        assertUnchanged(b, store, seq, tickets);
        Ticket next = b.issue(request(10 + round)); // after the failure: may first read the store back
        assertThat(next.id()).isEqualTo(tickets.size() + 1);
        int stepsBefore = spy.steps.get();
        assertThat(b.issue(request(20 + round)).id()).isEqualTo(next.id() + 1);
        assertThat(spy.steps.get() - stepsBefore).as("statements of one append").isEqualTo(1);
      }
      List<QueueEvent> history = store.load("b1", 0);
      assertThat(history).hasSize((int) b.lastSeq());
      try (Branch reopened = Workload.open("b1", JdbcEventStore.builder(ds).build(), clock, Durability.SYNC)) {
        assertThat(Inspection.tickets(reopened)).isEqualTo(Inspection.tickets(b));
      }
    }
  }

  @Test
  void load_storedPayloadChangedOutsideTalon_failsNamingTheEventNotItsContent() throws Exception {
    try (HikariDataSource ds = TestDatabases.h2Memory()) {
      JdbcEventStore store = JdbcEventStore.builder(ds).createSchema(true).build();
      Branch b = Workload.open("b1", store, clock, Durability.SYNC);
      b.issue(request(0));
      try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
          "UPDATE talon_events SET payload = REPLACE(payload, '\"ticketId\":1', '\"ticketId\":\"" + PERSON + "\"') "
              + "WHERE type = 'TicketIssued'")) {
        assertThat(ps.executeUpdate()).isEqualTo(1);
      }
      assertThatThrownBy(() -> store.load("b1", 0)).isInstanceOf(StorageException.class)
          .hasMessageContaining("stored event 3 of branch b1").hasMessageContaining("ticketId")
          .hasMessageNotContaining(PERSON);
    }
  }
}
