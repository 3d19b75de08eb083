package dev.talon.queue.jdbc;

import dev.talon.queue.InvalidConfigurationException;
import dev.talon.queue.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import org.slf4j.Logger;

/*
 * The store's tables: names, the numbered schema files, and what happens to them at start.
 *
 * Files. db/talon/<dialect>/V<n>__<name>.sql in the jar, in Flyway's naming so that a Flyway user
 * can list the directory as a location. V1 is the schema as first released (snapshot state as
 * JSON on PostgreSQL, with a format column); each later file changes it the way a release did. A
 * file is complete on its own: it creates the version table talon_schema_history if missing and
 * records its own version last, so a database upgraded by Talon, by Flyway or by hand (psql -f,
 * RUNSCRIPT) says where it is. Its statements tolerate running again where the database lets them
 * (IF NOT EXISTS), which matters on H2, whose DDL commits at once and so cannot roll a half-run
 * file back. The version table has its own name (not Flyway's flyway_schema_history, and not the
 * first release's talon_schema_version, whose single row said 1 for every schema since and which
 * V1 still creates, so that nodes of earlier releases keep starting during a rolling upgrade).
 *
 * Prefix. The files are written for the default prefix "talon_" and run unchanged by psql and
 * Flyway; for another prefix every word starting with "talon_" is rewritten here. Placeholders
 * (${prefix}) were the alternative: they would make every file unrunnable by hand and make Flyway
 * fail on the default setup until the placeholder is configured, so the common case pays for the
 * rare one. The prefix has been validated against PREFIX, so the rewrite cannot put anything but
 * an identifier into the SQL. This is the only SQL built from configuration; values are always
 * bound parameters.
 *
 * Start. The version is the highest row of talon_schema_history; without that table it is found
 * from the tables themselves (detect: which tables exist, and whether the snapshot state is
 * bytes), so that a database created before versioned files is recognised and recorded ("stamped")
 * instead of migrated again. Then:
 *   newer than this release          -> refused, nothing changed (schema creation or not);
 *   current, recorded                 -> nothing to do (the common start: two cheap reads);
 *   current, not recorded             -> recorded when schema creation is on, else a warning;
 *   older, schema creation on         -> the missing files run in order, under the schema lock;
 *   older, schema creation off        -> refused with the files to run, nothing changed.
 * Reads and the decision are repeated under the lock: another node may have done the work while
 * this one waited.
 *
 * Lock. Several nodes may start at once on one database; a file must not run twice.
 * PostgreSQL: its DDL is transactional, so the whole upgrade is one transaction that first takes
 * pg_advisory_xact_lock on a key derived from the prefix; a second node blocks there, then reads
 * the new version and does nothing. The lock ends with the transaction, also when the node dies.
 * No statement in that transaction may fail on purpose (a failure aborts it on PostgreSQL), so
 * the probes ask the catalogue instead of trying a table. H2: DDL commits the open transaction,
 * so no row lock survives it; the lock is a claimed row instead: INSERT into <prefix>schema_lock
 * with a fixed key, and the unique key lets exactly one start through. The others poll until the
 * row is gone. The holder deletes it when done, also after a failure; a row left by a JVM killed
 * mid-upgrade is reported after LOCK_WAIT with the row to delete. H2 is embedded, so such a row
 * needs a kill during the few milliseconds of an upgrade.
 */
final class Schema {
  /** The numbered files, in order; the last one is the version this release reads and writes. */
  static final List<String> MIGRATIONS = List.of(
      "V1__talon_schema.sql", "V2__talon_leases.sql", "V3__talon_snapshot_state_bytes.sql", "V4__talon_nodes.sql");
  static final int VERSION = MIGRATIONS.size();
  static final String DEFAULT_PREFIX = "talon_";
  static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,29}");
  private static final Pattern DEFAULT_NAME = Pattern.compile("\\btalon_");
  private static final long LOCK_WAIT_MILLIS = 60_000;
  private static final long LOCK_POLL_MILLIS = 20;

  final String prefix;
  final String history;
  final String lock;
  final String branches;
  final String events;
  final String snapshots;
  final String leases;
  final String nodes;

  Schema(String prefix) {
    this.prefix = prefix;
    this.history = prefix + "schema_history";
    this.lock = prefix + "schema_lock";
    this.branches = prefix + "branches";
    this.events = prefix + "events";
    this.snapshots = prefix + "snapshots";
    this.leases = prefix + "leases";
    this.nodes = prefix + "nodes";
  }

  static String validPrefix(String prefix) {
    if (prefix == null || !PREFIX.matcher(prefix).matches()) {
      throw new InvalidConfigurationException("table prefix must match " + PREFIX.pattern()
          + " (a lower-case letter, then up to 29 lower-case letters, digits or underscores), was "
          + (prefix == null ? "null" : '"' + prefix + '"'));
    }
    return prefix;
  }

  /** Where file {@code version} (1-based) of the dialect is in the jar. */
  static String resource(SqlDialect dialect, int version) {
    return "db/talon/" + dialect.name() + "/" + MIGRATIONS.get(version - 1);
  }

  /** The statements of file {@code version} of the dialect, with this schema's prefix. */
  List<String> statements(SqlDialect dialect, int version) {
    String path = resource(dialect, version);
    String text;
    try (InputStream in = Schema.class.getResourceAsStream("/" + path)) {
      if (in == null) {
        throw new IllegalStateException("the schema file " + path + " is missing from the jar");
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("could not read the schema file " + path, e);
    }
    text = DEFAULT_NAME.matcher(text).replaceAll(Matcher.quoteReplacement(prefix));
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : text.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("--")) {
        continue;
      }
      current.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        String sql = current.toString().strip();
        statements.add(sql.substring(0, sql.length() - 1));
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      throw new IllegalStateException("the schema file " + path + " ends without ';'");
    }
    return statements;
  }

  /** What start-up found: the recorded version (null without a version table) and the detected one. */
  record Found(Integer recorded, int detected) {
    int version() {
      return recorded != null ? recorded : detected;
    }
  }

  /** Checks the schema at start, upgrading it first if asked to; see the note at the top. */
  void prepare(Connection c, SqlDialect dialect, boolean create, Logger log) {
    Found found = inspect(c, dialect);
    check(found, dialect, create);
    if (found.version() == VERSION && found.recorded() != null) {
      requireTables(c, dialect);
      return;
    }
    if (!create) { // current but not recorded: usable as it is, and nothing may be written
      log.warn("the Talon event store schema (prefix {}) is at version {} but table {} does not record it; "
          + "start once with createSchema(true) to record it", prefix, VERSION, history);
      return;
    }
    if (dialect.transactionalDdl()) {
      upgradeInOneTransaction(c, dialect, log);
    } else {
      upgradeUnderClaimedRow(c, dialect, log);
    }
  }

  /**
   * A recorded current version with a table dropped outside Talon: refused, naming the table and
   * the file that creates it (the store would otherwise fail at its first use of the table).
   */
  private void requireTables(Connection c, SqlDialect dialect) {
    String[][] tables = {{branches, "1"}, {events, "1"}, {snapshots, "1"}, {leases, "2"}, {nodes, "4"}};
    try {
      for (String[] t : tables) {
        if (!dialect.tableExists(c, t[0])) {
          throw new InvalidConfigurationException("table " + t[0] + " of the Talon event store is missing although "
              + "table " + history + " records version " + VERSION + "; it was dropped outside Talon: run "
              + resource(dialect, Integer.parseInt(t[1])) + " from the queue-jdbc jar again"
              + (prefix.equals(DEFAULT_PREFIX) ? "" : " with talon_ replaced by " + prefix) + " to create it");
        }
      }
    } catch (SQLException e) {
      throw SqlFailure.of("looking for the tables of the Talon event store", "read-schema-version", e);
    }
  }

  /** Refuses a newer schema, and an older one when it may not be upgraded. */
  private void check(Found found, SqlDialect dialect, boolean create) {
    int v = found.version();
    if (v > VERSION) {
      throw new SchemaVersionException("the Talon event store schema in the database (table " + history
          + ") is at version " + v + ", newer than version " + VERSION + " that this release knows (up to "
          + MIGRATIONS.get(VERSION - 1) + "); upgrade Talon to the release that wrote it, or point the store "
          + "at another table prefix", v, VERSION, List.of());
    }
    if (v < VERSION && !create) {
      List<String> files = new ArrayList<>();
      for (int n = v + 1; n <= VERSION; n++) {
        files.add(resource(dialect, n));
      }
      throw new SchemaVersionException("the Talon event store schema (prefix " + prefix + ") is at version " + v
          + (v == 0 ? " (no Talon tables)" : found.recorded() == null ? " (found by its tables; no table " + history
              + " records it)" : "") + " but this release needs version " + VERSION + ", and schema creation is "
          + "off; run " + String.join(", then ", files) + " from the queue-jdbc jar"
          + (prefix.equals(DEFAULT_PREFIX) ? "" : " with talon_ replaced by " + prefix)
          + " (or list db/talon/" + dialect.name() + " in your Flyway locations), or start once with "
          + "JdbcEventStore.builder(dataSource).createSchema(true)", v, VERSION, files);
    }
  }

  /** PostgreSQL: inspect, record and apply in one transaction under an advisory lock. */
  private void upgradeInOneTransaction(Connection c, SqlDialect dialect, Logger log) {
    String step = "lock-schema";
    try {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
          ps.setLong(1, lockKey());
          ps.executeQuery().close();
        }
        step = "apply";
        upgrade(c, dialect, log);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw SqlFailure.of("upgrading the Talon event store schema", step, e);
    }
  }

  /** The advisory lock's key: one per prefix, so stores on other prefixes do not wait for each other. */
  long lockKey() {
    CRC32 crc = new CRC32();
    crc.update(("dev.talon.queue.jdbc schema " + prefix).getBytes(StandardCharsets.UTF_8));
    return crc.getValue();
  }

  /** H2: claim the lock row, inspect, record and apply statement by statement, release the row. */
  private void upgradeUnderClaimedRow(Connection c, SqlDialect dialect, Logger log) {
    String owner = UUID.randomUUID().toString();
    try {
      claim(c, dialect, owner);
    } catch (SQLException e) {
      throw SqlFailure.of("claiming the Talon schema lock (table " + lock + ")", "lock-schema", e);
    }
    try {
      upgrade(c, dialect, log);
    } catch (SQLException e) {
      throw SqlFailure.of("upgrading the Talon event store schema", "apply", e);
    } finally {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + lock + " WHERE id = 1 AND owner = ?")) {
        ps.setString(1, owner);
        ps.executeUpdate();
      } catch (SQLException e) {
        log.error("could not release the Talon schema lock: delete the row of table {} before the next start", lock);
      }
    }
  }

  private void claim(Connection c, SqlDialect dialect, String owner) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS " + lock + " (id INTEGER NOT NULL, owner VARCHAR(36) NOT NULL, "
          + "claimed_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP, CONSTRAINT " + lock
          + "_pk PRIMARY KEY (id))");
    } catch (SQLException e) {
      if (!dialect.tableExists(c, lock)) { // else another start created it at the same time
        throw e;
      }
    }
    long deadline = System.nanoTime() + LOCK_WAIT_MILLIS * 1_000_000;
    while (true) {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + lock + " (id, owner) VALUES (1, ?)")) {
        ps.setString(1, owner);
        ps.executeUpdate();
        return;
      } catch (SQLException e) {
        if (!dialect.isUniqueViolation(e)) {
          throw e;
        }
      }
      if (System.nanoTime() - deadline > 0) {
        throw new StorageException("another start has held the Talon schema lock (the row of table " + lock
            + ") for more than " + LOCK_WAIT_MILLIS / 1000 + " s; if no Talon store is starting on this "
            + "database, a start was killed while upgrading: delete that row and start again");
      }
      try {
        Thread.sleep(LOCK_POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StorageException("interrupted while waiting for the Talon schema lock (table " + lock + ")");
      }
    }
  }

  /** Under the lock: look again, record a schema found in place, apply the missing files. */
  private void upgrade(Connection c, SqlDialect dialect, Logger log) throws SQLException {
    Found found = inspect(c, dialect);
    check(found, dialect, true);
    int from = found.version();
    if (found.recorded() == null && from > 0) {
      stamp(c, dialect, from);
      log.info("recorded the Talon event store schema found in place as version {} ({}, prefix {})", from,
          dialect.name(), prefix);
    }
    for (int n = from + 1; n <= VERSION; n++) {
      try (Statement s = c.createStatement()) {
        for (String sql : statements(dialect, n)) {
          try {
            s.execute(sql);
          } catch (SQLException e) {
            throw SqlFailure.of("applying " + resource(dialect, n), "DDL `" + sql.lines().findFirst().orElse(sql)
                + "`", e);
          }
        }
      }
      log.info("applied {} to the Talon event store schema (prefix {})", resource(dialect, n), prefix);
    }
  }

  /** Creates the version table (as every file does) and records versions 1..version as found in place. */
  private void stamp(Connection c, SqlDialect dialect, int version) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(statements(dialect, 1).get(0)); // CREATE TABLE IF NOT EXISTS <prefix>schema_history
    }
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO " + history + " (version, description, script) VALUES (?, ?, ?)")) {
      for (int n = 1; n <= version; n++) {
        ps.setInt(1, n);
        ps.setString(2, "found in place at start");
        ps.setString(3, MIGRATIONS.get(n - 1));
        ps.executeUpdate();
      }
    }
  }

  /** The recorded and the detected version; reads only, and no statement that fails on purpose. */
  Found inspect(Connection c, SqlDialect dialect) {
    try {
      Integer recorded = null;
      if (dialect.tableExists(c, history)) {
        try (PreparedStatement ps = c.prepareStatement("SELECT MAX(version) FROM " + history);
            ResultSet rs = ps.executeQuery()) {
          rs.next();
          recorded = rs.getInt(1); // 0 for an empty table
        }
      }
      return new Found(recorded, recorded != null ? recorded : detect(c, dialect));
    } catch (SQLException e) {
      throw SqlFailure.of("reading the schema version", "read-schema-version", e);
    }
  }

  /**
   * The version of a schema no version table describes, from what each file added: 0 without the
   * tables of V1, then 1, 2 with the lease table, 3 with snapshot state as bytes, 4 with the node
   * table. The first missing step ends the count, so a later file is never taken as applied over
   * an earlier missing one.
   */
  private int detect(Connection c, SqlDialect dialect) throws SQLException {
    if (!dialect.tableExists(c, branches) || !dialect.tableExists(c, events) || !dialect.tableExists(c, snapshots)) {
      return 0;
    }
    if (!dialect.tableExists(c, leases)) {
      return 1;
    }
    if (!snapshotStateIsBytes(c)) {
      return 2;
    }
    return dialect.tableExists(c, nodes) ? 4 : 3;
  }

  private boolean snapshotStateIsBytes(Connection c) throws SQLException {
    boolean bytes = false;
    boolean format = false;
    try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + snapshots + " WHERE 1 = 0");
        ResultSet rs = ps.executeQuery()) {
      ResultSetMetaData md = rs.getMetaData();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        String name = md.getColumnName(i).toLowerCase(Locale.ROOT);
        int type = md.getColumnType(i);
        format |= name.equals("format");
        bytes |= name.equals("state") && (type == Types.BINARY || type == Types.VARBINARY
            || type == Types.LONGVARBINARY || type == Types.BLOB);
      }
    }
    return bytes && !format;
  }
}
