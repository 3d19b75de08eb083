package dev.talon.queue.jdbc;

import dev.talon.queue.InvalidConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;

/*
 * The store's tables: names, the shipped DDL, and the checks made at start.
 *
 * The DDL files in the jar are written for the default prefix "talon_" so that an administrator can
 * run them by hand. For another prefix every word starting with "talon_" is rewritten; the prefix
 * has been validated against PREFIX (lower-case letters, digits, underscores), so the rewrite
 * cannot put anything but an identifier into the SQL. Statements end with ";" at the end of a
 * line; "--" lines are comments. This is the only SQL built from configuration; no SQL is ever
 * built from values, which are always bound parameters.
 *
 * Start-up order matters: the version is read BEFORE any DDL runs, so that a schema from a newer
 * release is reported as such and never "repaired" with this release's DDL.
 */
final class Schema {
  /** The schema version this release reads and writes. */
  static final int VERSION = 1;
  static final String DEFAULT_PREFIX = "talon_";
  static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,29}");
  private static final Pattern DEFAULT_NAME = Pattern.compile("\\btalon_");

  final String prefix;
  final String versions;
  final String branches;
  final String events;
  final String snapshots;
  final String leases;
  final String nodes;

  Schema(String prefix) {
    this.prefix = prefix;
    this.versions = prefix + "schema_version";
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

  /** The statements of the dialect's DDL file, with this schema's prefix. */
  List<String> ddl(SqlDialect dialect) {
    String text;
    try (InputStream in = Schema.class.getResourceAsStream(dialect.ddlResource())) {
      if (in == null) {
        throw new IllegalStateException("the DDL resource " + dialect.ddlResource() + " is missing from the jar");
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("could not read the DDL resource " + dialect.ddlResource(), e);
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
      throw new IllegalStateException("the DDL resource " + dialect.ddlResource() + " ends without ';'");
    }
    return statements;
  }

  /** Checks the schema at start, creating what is missing first if asked to. */
  void prepare(Connection c, SqlDialect dialect, boolean create, Logger log) {
    Integer installed = installedVersion(c, dialect);
    if (installed != null && installed > VERSION) {
      throw newer(installed);
    }
    if (create && (installed == null || !allTablesExist(c, dialect))) {
      createOrComplete(c, dialect, log);
      installed = installedVersion(c, dialect);
      if (installed != null && installed > VERSION) {
        throw newer(installed); // another release created it between our two looks
      }
    }
    for (String table : List.of(versions, branches, events, snapshots, leases, nodes)) {
      if (!exists(c, dialect, table)) {
        throw new InvalidConfigurationException("table " + table + " of the Talon event store is missing and schema "
            + "creation is off; create the schema with JdbcEventStore.builder(dataSource).createSchema(true) or run "
            + "the DDL file dev/talon/queue/jdbc/" + dialect.name() + ".sql from the queue-jdbc jar"
            + (prefix.equals(DEFAULT_PREFIX) ? "" : " with talon_ replaced by " + prefix));
      }
    }
    if (installed == null || installed < VERSION) {
      throw new InvalidConfigurationException("table " + versions + " records schema version "
          + (installed == null ? "none" : installed) + " but this release needs version " + VERSION
          + "; run the DDL file dev/talon/queue/jdbc/" + dialect.name() + ".sql to complete it");
    }
  }

  private InvalidConfigurationException newer(int installed) {
    return new InvalidConfigurationException("the Talon event store schema in the database (table " + versions
        + ") is version " + installed + ", newer than version " + VERSION + " that this release understands; "
        + "upgrade Talon to the release that created it, or point the store at another table prefix");
  }

  private void createOrComplete(Connection c, SqlDialect dialect, Logger log) {
    String current = "?";
    try {
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        for (String sql : ddl(dialect)) {
          current = sql.lines().findFirst().orElse(sql);
          s.execute(sql);
        }
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(auto);
      }
      log.info("created the Talon event store schema (version {}, {}, prefix {})", VERSION, dialect.name(), prefix);
    } catch (SQLException e) {
      if (installedVersion(c, dialect) != null && allTablesExist(c, dialect)) {
        return; // another process created it at the same time
      }
      throw SqlFailure.of("creating the Talon event store schema", "DDL `" + current + "`", e);
    }
  }

  private boolean allTablesExist(Connection c, SqlDialect dialect) {
    for (String table : List.of(versions, branches, events, snapshots, leases, nodes)) {
      if (!exists(c, dialect, table)) {
        return false;
      }
    }
    return true;
  }

  /** The highest installed version, or null when the version table does not exist. */
  private Integer installedVersion(Connection c, SqlDialect dialect) {
    try (PreparedStatement ps = c.prepareStatement("SELECT MAX(version) FROM " + versions);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      int v = rs.getInt(1);
      return rs.wasNull() ? 0 : v;
    } catch (SQLException e) {
      if (dialect.isMissingTable(e)) {
        rollbackQuietly(c);
        return null;
      }
      throw SqlFailure.of("reading the schema version", "read-schema-version", e);
    }
  }

  private boolean exists(Connection c, SqlDialect dialect, String table) {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + table + " WHERE 1 = 0");
        ResultSet rs = ps.executeQuery()) {
      return true;
    } catch (SQLException e) {
      if (dialect.isMissingTable(e)) {
        rollbackQuietly(c);
        return false;
      }
      throw SqlFailure.of("looking for table " + table, "probe-table", e);
    }
  }

  private static void rollbackQuietly(Connection c) {
    try {
      if (!c.getAutoCommit()) {
        c.rollback();
      }
    } catch (SQLException ignored) {
      // the probe's failure is what matters; a failed rollback surfaces on the next statement
    }
  }
}
