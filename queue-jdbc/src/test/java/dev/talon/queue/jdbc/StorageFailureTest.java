package dev.talon.queue.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.zaxxer.hikari.HikariDataSource;
import dev.talon.queue.Origin;
import dev.talon.queue.QueueEvent;
import dev.talon.queue.StorageException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A StorageException keeps what the driver said about connecting (the cause and its message: no
 * values of ours are bound there) and never a bound value of a statement, which can be a person id.
 */
class StorageFailureTest {
  private static final String IIN = "KZ-IIN-870412300123";

  static QueueEvent issuedTo(String personId, long seq) {
    return new QueueEvent.TicketIssued(seq, Instant.parse("2026-03-02T08:00:00Z"), seq, LocalDate.of(2026, 3, 2), "docs",
        (int) seq, "A-00" + seq, Origin.WALK_IN, "walk-in", Set.of(), personId, 0, null, seq, null, 0, null);
  }

  /** The exception as a log line with its stack trace would show it: every message of the chain. */
  static String rendered(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString();
  }

  @Test
  void build_unreachableH2Server_keepsTheDriversMessageAndCause() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:tcp://127.0.0.1:1/nothing");

    StorageException e = catchThrowableOfType(StorageException.class, () -> JdbcEventStore.builder(ds).build());

    assertThat(e).hasMessageContaining("starting the JDBC event store failed at statement connect")
        .hasCauseInstanceOf(SQLException.class);
    assertThat(e.getMessage()).contains(e.getCause().getMessage().lines().findFirst().orElseThrow());
  }

  @Test
  void build_postgresUnreachableUnknownUserOrMissingDatabase_eachSaysWhichWithTheCause() {
    String url = TestDatabases.postgresUrl();
    PGSimpleDataSource unreachable = new PGSimpleDataSource();
    unreachable.setURL("jdbc:postgresql://127.0.0.1:1/talon");
    PGSimpleDataSource unknownUser = new PGSimpleDataSource();
    unknownUser.setURL(url);
    unknownUser.setUser("no_such_role");
    unknownUser.setPassword("wrong");
    PGSimpleDataSource missingDatabase = new PGSimpleDataSource();
    missingDatabase.setURL(url.replaceFirst("/talon[0-9]+", "/no_such_database"));
    missingDatabase.setUser("postgres");

    assertThat(failureOf(unreachable)).hasMessageContaining("SQLState 08001").hasMessageContaining("refused");
    assertThat(failureOf(unknownUser)).hasMessageContaining("SQLState 28000")
        .hasMessageContaining("role \"no_such_role\" does not exist");
    assertThat(failureOf(missingDatabase)).hasMessageContaining("SQLState 3D000")
        .hasMessageContaining("database \"no_such_database\" does not exist");
  }

  private static StorageException failureOf(PGSimpleDataSource ds) {
    ds.setConnectTimeout(5);
    StorageException e = catchThrowableOfType(StorageException.class, () -> JdbcEventStore.builder(ds).build());
    assertThat(e).hasCauseInstanceOf(SQLException.class).hasMessageContaining("failed at statement connect");
    return e;
  }

  @Test
  void append_postgresRowInTheServersDetail_carriesNoBoundValueButKeepsACause() throws Exception {
    try (HikariDataSource ds = TestDatabases.postgres()) {
      JdbcEventStore store = JdbcEventStore.builder(ds).createSchema(true).build();
      try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
        // PostgreSQL reports a failing check with "Detail: Failing row contains (..., <payload>, ...)"
        s.execute("ALTER TABLE talon_events ADD CONSTRAINT no_iin CHECK (payload::text NOT LIKE '%KZ-IIN%')");
      }

      StorageException e = catchThrowableOfType(StorageException.class,
          () -> store.append("b1", 0, List.of(issuedTo(IIN, 1))));

      assertThat(e).hasMessageContaining("failed at statement insert-events")
          .hasMessageContaining("SQLState 23514 (integrity constraint violation)");
      assertThat(e.getCause()).isInstanceOf(SQLException.class);
      assertThat(((SQLException) e.getCause()).getSQLState()).isEqualTo("23514");
      assertThat(rendered(e)).doesNotContain("870412300123").doesNotContain("Failing row");
    }
  }

  @Test
  void append_h2ValuesInTheDriversMessage_carriesNoBoundValue() {
    try (HikariDataSource h2 = TestDatabases.h2Memory()) {
      JdbcSpy spy = new JdbcSpy(h2);
      JdbcEventStore store = JdbcEventStore.builder(spy).createSchema(true).build();
      spy.fault = (step, n, real) -> {
        if (step.equals("execute")) {
          // H2 quotes the offending value, e.g. for a payload longer than its column
          throw new SQLException("Value too long for column \"PAYLOAD CHARACTER VARYING(20)\": \"'{\"personId\":\""
              + IIN + "\"}' (32)\"; SQL statement:\nINSERT INTO talon_events", "22001", 22001);
        }
      };

      StorageException e = catchThrowableOfType(StorageException.class,
          () -> store.append("b1", 0, List.of(issuedTo(IIN, 1))));

      assertThat(e).hasMessageContaining("SQLState 22001 (data exception)").hasCauseInstanceOf(SQLException.class);
      assertThat(rendered(e)).doesNotContain("870412300123");
    }
  }

  @Test
  void append_connectionLostWithDetail_keepsTheFirstLineOnly() {
    try (HikariDataSource h2 = TestDatabases.h2Memory()) {
      JdbcSpy spy = new JdbcSpy(h2);
      JdbcEventStore store = JdbcEventStore.builder(spy).createSchema(true).build();
      spy.fault = (step, n, real) -> {
        if (step.equals("execute")) {
          throw new SQLException("An I/O error occurred while sending to the backend.\n  Detail: row (" + IIN + ")",
              "08006", 0);
        }
      };

      StorageException e = catchThrowableOfType(StorageException.class,
          () -> store.append("b1", 0, List.of(issuedTo(IIN, 1))));

      assertThat(e).hasMessageEndingWith(": An I/O error occurred while sending to the backend.");
      assertThat(rendered(e)).doesNotContain("870412300123");
    }
  }
}
