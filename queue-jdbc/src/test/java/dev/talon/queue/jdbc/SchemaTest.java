package dev.talon.queue.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.talon.queue.InvalidConfigurationException;
import dev.talon.queue.StorageException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.ds.PGSimpleDataSource;

/** Start-up: the shipped DDL, schema creation and checks, and every bad configuration. */
class SchemaTest {

  static Stream<Arguments> databases() {
    return Stream.of(
        Arguments.of("h2", (Supplier<HikariDataSource>) TestDatabases::h2Memory),
        Arguments.of("postgresql", (Supplier<HikariDataSource>) TestDatabases::postgres));
  }

  private static void execute(HikariDataSource ds, String sql) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static boolean tableExists(HikariDataSource ds, String table) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.executeQuery("SELECT 1 FROM " + table + " WHERE 1 = 0").close();
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"talon_; DROP TABLE talon_events; --", "x'); DELETE FROM t; --", "Talon_", "1talon",
      "_talon", "talon-", "talon events", "", "a234567890123456789012345678901"})
  void tablePrefix_notASafeIdentifier_isRefusedBeforeAnySql(String prefix) {
    JdbcSpy spy = new JdbcSpy(TestDatabases.h2Memory());
    assertThatThrownBy(() -> JdbcEventStore.builder(spy).tablePrefix(prefix))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("table prefix must match").hasMessageContaining(prefix);
    assertThat(spy.executed.get()).isZero();
  }

  @Test
  void tablePrefix_null_isRefused() {
    assertThatThrownBy(() -> JdbcEventStore.builder(TestDatabases.h2Memory()).tablePrefix(null))
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("was null");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void build_tableDroppedOutsideTalon_isRefusedNamingItAndTheFileThatCreatesIt(String name,
      Supplier<HikariDataSource> db) throws Exception {
    try (HikariDataSource ds = db.get()) {
      JdbcEventStore.builder(ds).tablePrefix("q_").createSchema(true).build();
      execute(ds, "DROP TABLE q_nodes");
      for (boolean create : new boolean[] {false, true}) {
        assertThatThrownBy(() -> JdbcEventStore.builder(ds).tablePrefix("q_").createSchema(create).build())
            .isInstanceOf(InvalidConfigurationException.class)
            .hasMessageContaining("table q_nodes").hasMessageContaining("missing")
            .hasMessageContaining("db/talon/" + name + "/V4__talon_nodes.sql")
            .hasMessageContaining("with talon_ replaced by q_");
      }
      assertThat(tableExists(ds, "q_nodes")).isFalse();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void files_runAsShippedInOrder_giveASchemaTheStoreAccepts(String name, Supplier<HikariDataSource> db)
      throws Exception {
    try (HikariDataSource ds = db.get()) {
      StringBuilder all = new StringBuilder();
      for (String file : Schema.MIGRATIONS) {
        String path = "db/talon/" + name + "/" + file;
        if (name.equals("h2")) {
          execute(ds, "RUNSCRIPT FROM 'classpath:/" + path + "'");
        } else {
          try (InputStream in = JdbcEventStore.class.getResourceAsStream("/" + path)) {
            String ddl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            execute(ds, ddl); // the whole file in one go, as psql -f would send it
            all.append(ddl);
          }
        }
      }
      JdbcEventStore store = JdbcEventStore.builder(ds).build(); // creation off: the files made it current
      assertThat(store.dialect().name()).isEqualTo(name);
      var events = SampleEvents.batch(1, 3, new Random(1));
      store.append("b1", 0, events);
      assertThat(store.load("b1", 0)).isEqualTo(events);
      var snapshot = new dev.talon.queue.spi.BranchSnapshot(3, new byte[] {0, -1, 0x7f, -128});
      store.saveSnapshot("b1", snapshot);
      assertThat(store.loadSnapshot("b1")).contains(snapshot);
      try (Connection c = ds.getConnection(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT COUNT(*), MAX(version) FROM talon_schema_history")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(4);
        assertThat(rs.getInt(2)).isEqualTo(4);
      }
      if (name.equals("postgresql")) {
        assertThat(all.toString()).contains("CREATE INDEX IF NOT EXISTS talon_events_ticket_idx",
            "COMMENT ON TABLE talon_events",
            "CREATE INDEX IF NOT EXISTS talon_events_time_idx ON talon_events (branch_id, occurred_at)");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void createSchema_twoPrefixesInOneDatabase_keepSeparateHistories(String name, Supplier<HikariDataSource> db) {
    try (HikariDataSource ds = db.get()) {
      JdbcEventStore a = JdbcEventStore.builder(ds).tablePrefix("a_").createSchema(true).build();
      JdbcEventStore b = JdbcEventStore.builder(ds).tablePrefix("b_").createSchema(true).build();
      JdbcEventStore.builder(ds).tablePrefix("a_").createSchema(true).build(); // a second start changes nothing
      var events = SampleEvents.batch(1, 2, new Random(2));
      a.append("x", 0, events);
      assertThat(a.load("x", 0)).isEqualTo(events);
      assertThat(b.load("x", 0)).isEmpty();
      b.append("x", 0, SampleEvents.batch(1, 1, new Random(3)));
      assertThat(a.tablePrefix()).isEqualTo("a_");
    }
  }

  @Test
  void build_h2FileThatDelaysCommits_isRefusedWithTheFix(@TempDir Path dir) {
    try (HikariDataSource ds = TestDatabases.pool("jdbc:h2:file:" + dir.resolve("db").toAbsolutePath(), 2)) {
      assertThatThrownBy(() -> JdbcEventStore.builder(ds).createSchema(true).build())
          .isInstanceOf(InvalidConfigurationException.class)
          .hasMessageContaining("WRITE_DELAY=500").hasMessageContaining(";WRITE_DELAY=0");
    }
  }

  @Test
  void build_h2FileWithoutDelay_starts(@TempDir Path dir) {
    try (HikariDataSource ds = TestDatabases.pool(TestDatabases.h2FileUrl(dir), 2)) {
      assertThat(JdbcEventStore.builder(ds).createSchema(true).build().dialect()).isEqualTo(Dialect.h2());
    }
  }

  @Test
  void dialect_detectedFromProductName_andUnsupportedOnesAreRefused() {
    assertThat(Dialect.forProductName("PostgreSQL")).isEqualTo(Dialect.postgresql());
    assertThat(Dialect.forProductName("H2")).isEqualTo(Dialect.h2());
    assertThatThrownBy(() -> Dialect.forProductName("MySQL"))
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("\"MySQL\" is not supported")
        .hasMessageContaining("dialect(Dialect.postgresql())");
  }

  @Test
  void dialect_overridden_isUsed() {
    try (HikariDataSource ds = TestDatabases.h2Memory()) {
      JdbcEventStore store = JdbcEventStore.builder(ds).dialect(Dialect.h2()).createSchema(true).build();
      assertThat(store.dialect()).isSameAs(Dialect.h2());
      assertThatThrownBy(() -> JdbcEventStore.builder(ds).dialect(null)).isInstanceOf(InvalidConfigurationException.class);
    }
  }

  @Test
  void build_unreachableDatabase_throwsStorageExceptionWithSqlState() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {"127.0.0.1"});
    ds.setPortNumbers(new int[] {port});
    ds.setDatabaseName("nothing");
    ds.setUser("nobody");
    assertThatThrownBy(() -> JdbcEventStore.builder(ds).build())
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("starting the JDBC event store failed at statement connect")
        .hasMessageContaining("SQLState 08");
  }

  @Test
  void queryTimeout_invalid_isRefused() {
    var b = JdbcEventStore.builder(TestDatabases.h2Memory());
    for (Duration d : new Duration[] {null, Duration.ofSeconds(-1), Duration.ofMillis(1500)}) {
      assertThatThrownBy(() -> b.queryTimeout(d)).isInstanceOf(InvalidConfigurationException.class)
          .hasMessageContaining("query timeout");
    }
    b.queryTimeout(Duration.ZERO).queryTimeout(Duration.ofSeconds(5));
  }

  @Test
  void builder_nullDataSource_isRefused() {
    assertThatThrownBy(() -> JdbcEventStore.builder(null)).isInstanceOf(InvalidConfigurationException.class);
  }

  @Test
  void statements_customPrefix_rewritesEveryName() {
    Schema s = new Schema("zz_");
    for (int v = 1; v <= Schema.VERSION; v++) {
      String all = String.join("\n", s.statements((SqlDialect) Dialect.postgresql(), v));
      assertThat(all.replace("__talon_", "")).as("every name but the file's own").doesNotContain("talon_")
          .contains("zz_schema_history");
      assertThat(s.statements((SqlDialect) Dialect.h2(), v)).allMatch(sql -> !sql.endsWith(";"));
    }
    assertThat(String.join("\n", s.statements((SqlDialect) Dialect.h2(), 1)))
        .contains("zz_events", "zz_events_pk", "zz_branches_pk");
  }
}
