package dev.talon.queue.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.talon.queue.Branch;
import dev.talon.queue.Durability;
import dev.talon.queue.Inspection;
import dev.talon.queue.spi.BranchSnapshot;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.QueueClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Versioned schema files: an upgrade from the schema as first released, a fresh database, the
 * refusals (older with creation off, newer than the code), a schema created before versioned
 * files, and two stores starting at once.
 */
class MigrationTest {

  static Stream<Arguments> databases() {
    return Stream.of(
        Arguments.of("h2", (Supplier<HikariDataSource>) TestDatabases::h2Memory),
        Arguments.of("postgresql", (Supplier<HikariDataSource>) TestDatabases::postgres));
  }

  private static SqlDialect dialect(String name) {
    return (SqlDialect) (name.equals("h2") ? Dialect.h2() : Dialect.postgresql());
  }

  private static void execute(HikariDataSource ds, String... sql) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      for (String one : sql) {
        s.execute(one);
      }
    }
  }

  private static List<String> rows(HikariDataSource ds, String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          row.append(i > 1 ? " " : "").append(rs.getString(i));
        }
        rows.add(row.toString().toLowerCase(java.util.Locale.ROOT));
      }
    }
    return rows;
  }

  /** Every column of every table in the current schema, with its type: what "changes nothing" compares. */
  private static List<String> catalogue(HikariDataSource ds) throws SQLException {
    return rows(ds, "SELECT table_name, column_name, data_type FROM information_schema.columns "
        + "WHERE table_schema = CURRENT_SCHEMA ORDER BY table_name, column_name");
  }

  /**
   * The schema as the first release created it: V1 as shipped, without the version table that V1
   * adds (the first release had only talon_schema_version, whose row said 1 for every schema since),
   * so the store must recognise it by its tables.
   */
  private static void createFirstRelease(HikariDataSource ds, String name) throws SQLException {
    execute(ds, new Schema("talon_").statements(dialect(name), 1).toArray(String[]::new));
    execute(ds, "DROP TABLE talon_schema_history");
  }

  private static List<String> history(HikariDataSource ds) throws SQLException {
    return rows(ds, "SELECT version, script FROM talon_schema_history ORDER BY version");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void build_firstReleaseSchemaWithEventsAndASnapshot_upgradesThenSavesSnapshotsAndReplays(String name,
      Supplier<HikariDataSource> db) throws Exception {
    try (HikariDataSource ds = db.get()) {
      // A real history, written by today's store under another prefix, copied into first-release tables.
      ManualClock clock = QueueClock.manual(Instant.parse("2026-11-24T05:00:00Z"));
      JdbcEventStore source = JdbcEventStore.builder(ds).tablePrefix("src_").createSchema(true).build();
      Branch before = Workload.open("b1", source, clock, Durability.SYNC);
      Workload load = new Workload(before, clock, "r");
      Random r = new Random(11);
      for (int i = 0; i < 60; i++) {
        load.step(r);
        clock.advance(Duration.ofSeconds(20 + r.nextInt(20)));
      }
      before.close();
      createFirstRelease(ds, name);
      execute(ds, "INSERT INTO talon_branches (branch_id, fence, created_at) SELECT branch_id, fence, created_at "
              + "FROM src_branches",
          "INSERT INTO talon_events SELECT * FROM src_events",
          "INSERT INTO talon_snapshots (branch_id, seq, format, state) VALUES ('b1', 5, 1, '{\"tickets\": []}')");
      assertThat(rows(ds, "SELECT COUNT(*) FROM talon_snapshots")).containsExactly("1");

      JdbcEventStore store = JdbcEventStore.builder(ds).createSchema(true).build();

      assertThat(rows(ds, "SELECT version, description FROM talon_schema_history ORDER BY version"))
          .as("found in place as version 1, then upgraded file by file")
          .containsExactly("1 found in place at start", "2 branch leases", "3 snapshot state as bytes, events by time",
              "4 node registry");
      assertThat(store.loadSnapshot("b1")).as("the first release's unreadable snapshot is gone").isEmpty();
      assertThat(store.load("b1", 0)).isEqualTo(source.load("b1", 0)).hasSizeGreaterThan(40);
      BranchSnapshot bytes = new BranchSnapshot(3, new byte[] {0, -1, 0x7f, -128, 0});
      store.saveSnapshot("b1", bytes);
      assertThat(store.loadSnapshot("b1")).contains(bytes);

      Branch after = Workload.open("b1", store, clock, Durability.SYNC);
      assertThat(after.lastSeq()).isEqualTo(before.lastSeq());
      assertThat(Inspection.tickets(after)).isEqualTo(Inspection.tickets(before));
      assertThat(Inspection.bookings(after)).isEqualTo(Inspection.bookings(before));
      Workload more = new Workload(after, clock, "s");
      for (int i = 0; i < 2 * Workload.SNAPSHOT_EVERY; i++) {
        more.step(r);
        clock.advance(Duration.ofSeconds(20 + r.nextInt(20)));
      }
      after.close();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (store.loadSnapshot("b1").orElseThrow().seq() <= 3 && System.nanoTime() < deadline) {
        Thread.sleep(20); // the engine saves snapshots on its snapshot thread
      }
      assertThat(store.loadSnapshot("b1").orElseThrow().seq()).as("the engine saved a snapshot").isGreaterThan(3);
      try (Branch reopened = Workload.open("b1", store, clock, Durability.SYNC)) {
        assertThat(reopened.lastSeq()).isEqualTo(after.lastSeq());
        assertThat(Inspection.tickets(reopened)).isEqualTo(Inspection.tickets(after));
        assertThat(Inspection.bookings(reopened)).isEqualTo(Inspection.bookings(after));
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void build_freshDatabase_appliesEveryFileAndRecordsTheLatestVersion(String name, Supplier<HikariDataSource> db)
      throws Exception {
    try (HikariDataSource ds = db.get()) {
      JdbcEventStore.builder(ds).createSchema(true).build();
      assertThat(history(ds)).hasSize(Schema.VERSION).last().isEqualTo("4 v4__talon_nodes.sql");
      List<String> columns = catalogue(ds);
      JdbcEventStore.builder(ds).createSchema(true).build(); // a second start changes nothing
      JdbcEventStore.builder(ds).build();
      assertThat(catalogue(ds)).isEqualTo(columns).anyMatch(c -> c.startsWith("talon_nodes node_id"))
          .noneMatch(c -> c.startsWith("talon_snapshots format"));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void build_olderSchemaWithCreationOff_isRefusedNamingTheFilesAndChangesNothing(String name,
      Supplier<HikariDataSource> db) throws Exception {
    try (HikariDataSource ds = db.get()) {
      createFirstRelease(ds, name);
      List<String> columns = catalogue(ds);
      assertThatThrownBy(() -> JdbcEventStore.builder(ds).build())
          .isInstanceOfSatisfying(SchemaVersionException.class, e -> {
            assertThat(e.found()).isEqualTo(1);
            assertThat(e.expected()).isEqualTo(4);
            assertThat(e.scripts()).containsExactly("db/talon/" + name + "/V2__talon_leases.sql",
                "db/talon/" + name + "/V3__talon_snapshot_state_bytes.sql", "db/talon/" + name + "/V4__talon_nodes.sql");
          })
          .hasMessageContaining("at version 1 (found by its tables; no table talon_schema_history records it) but "
              + "this release needs version 4")
          .hasMessageContaining("run db/talon/" + name + "/V2__talon_leases.sql, then db/talon/" + name
              + "/V3__talon_snapshot_state_bytes.sql, then db/talon/" + name + "/V4__talon_nodes.sql")
          .hasMessageContaining("createSchema(true)");
      assertThat(catalogue(ds)).isEqualTo(columns).noneMatch(c -> c.startsWith("talon_schema_history"));
    }
  }

  @Test
  void build_emptyDatabaseWithCreationOffAndAPrefix_namesEveryFileAndThePrefix() throws Exception {
    try (HikariDataSource ds = TestDatabases.h2Memory()) {
      assertThatThrownBy(() -> JdbcEventStore.builder(ds).tablePrefix("q_").build())
          .isInstanceOfSatisfying(SchemaVersionException.class, e -> assertThat(e.scripts()).hasSize(4))
          .hasMessageContaining("at version 0 (no Talon tables)")
          .hasMessageContaining("run db/talon/h2/V1__talon_schema.sql, then")
          .hasMessageContaining("with talon_ replaced by q_");
      assertThat(catalogue(ds)).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void build_schemaNewerThanTheCode_isRefusedWithOrWithoutCreationAndChangesNothing(String name,
      Supplier<HikariDataSource> db) throws Exception {
    try (HikariDataSource ds = db.get()) {
      JdbcEventStore.builder(ds).createSchema(true).build();
      execute(ds, "INSERT INTO talon_schema_history (version, description, script) "
          + "VALUES (5, 'from the future', 'V5__talon_future.sql')", "DROP TABLE talon_nodes");
      List<String> columns = catalogue(ds);
      for (boolean create : new boolean[] {false, true}) {
        assertThatThrownBy(() -> JdbcEventStore.builder(ds).createSchema(create).build())
            .isInstanceOfSatisfying(SchemaVersionException.class, e -> assertThat(e.scripts()).isEmpty())
            .hasMessageContaining("is at version 5, newer than version 4 that this release knows")
            .hasMessageContaining("table talon_schema_history").hasMessageContaining("upgrade Talon");
      }
      assertThat(catalogue(ds)).as("the newer schema was left alone").isEqualTo(columns);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void build_currentSchemaWithoutVersionTable_isRecordedNotMigratedAgain(String name, Supplier<HikariDataSource> db)
      throws Exception {
    try (HikariDataSource ds = db.get()) {
      JdbcEventStore first = JdbcEventStore.builder(ds).createSchema(true).build();
      execute(ds, "DROP TABLE talon_schema_history"); // as the single DDL file before versioned files left it
      first.append("b1", 0, SampleEvents.batch(1, 3, new Random(5)));
      BranchSnapshot kept = new BranchSnapshot(3, new byte[] {1, 2, 3});
      first.saveSnapshot("b1", kept);
      List<String> columns = catalogue(ds);

      JdbcEventStore.builder(ds).build(); // creation off: starts on it as it is, records nothing
      assertThat(catalogue(ds)).isEqualTo(columns);

      JdbcEventStore store = JdbcEventStore.builder(ds).createSchema(true).build();
      assertThat(rows(ds, "SELECT version, description FROM talon_schema_history ORDER BY version"))
          .containsExactly("1 found in place at start", "2 found in place at start", "3 found in place at start",
              "4 found in place at start");
      assertThat(store.loadSnapshot("b1")).as("V3 did not run again (it empties the snapshots)").contains(kept);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void build_twoStoresStartingAtOnce_applyEachFileOnce(String name, Supplier<HikariDataSource> db) throws Exception {
    try (HikariDataSource ds = db.get()) {
      createFirstRelease(ds, name);
      JdbcSpy a = new JdbcSpy(ds);
      JdbcSpy b = new JdbcSpy(ds);
      for (JdbcSpy spy : List.of(a, b)) {
        spy.fault = new JdbcSpy.Fault() {
          @Override
          public void before(String step, int n, Connection real) {}

          @Override
          public void after(String step, int n, Connection real) {
            if (!spy.ddl.isEmpty() && spy.ddl.get(spy.ddl.size() - 1).startsWith("DELETE FROM talon_snapshots")) {
              try {
                Thread.sleep(300); // hold the upgrade open while the other store arrives
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          }
        };
      }
      CountDownLatch go = new CountDownLatch(1);
      List<CompletableFuture<JdbcEventStore>> starts = Stream.of(a, b).map(spy -> CompletableFuture.supplyAsync(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        return JdbcEventStore.builder(spy).createSchema(true).build();
      })).collect(Collectors.toList());
      go.countDown();
      for (CompletableFuture<JdbcEventStore> start : starts) {
        assertThat(start.get(60, TimeUnit.SECONDS)).isNotNull();
      }
      List<String> all = new ArrayList<>(a.ddl);
      all.addAll(b.ddl);
      for (String marker : List.of("CREATE TABLE IF NOT EXISTS talon_leases", "DELETE FROM talon_snapshots",
          "CREATE TABLE IF NOT EXISTS talon_nodes")) {
        assertThat(all).as(marker).filteredOn(sql -> sql.startsWith(marker)).hasSize(1);
      }
      assertThat(history(ds)).hasSize(4);
    }
  }

  @Test
  void files_inTheJar_areExactlyTheListedOnesForEachDialect() throws Exception {
    for (String name : List.of("h2", "postgresql")) {
      try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/talon", name))) {
        assertThat(files.map(p -> p.getFileName().toString()).sorted())
            .containsExactlyElementsOf(Schema.MIGRATIONS);
      }
      for (int v = 1; v <= Schema.VERSION; v++) {
        List<String> statements = new Schema("talon_").statements(dialect(name), v);
        assertThat(statements.get(0)).startsWith("CREATE TABLE IF NOT EXISTS talon_schema_history");
        assertThat(statements.get(statements.size() - 1))
            .startsWith("INSERT INTO talon_schema_history").contains("SELECT " + v + ", ")
            .contains("'" + Schema.MIGRATIONS.get(v - 1) + "'");
      }
    }
  }
}
