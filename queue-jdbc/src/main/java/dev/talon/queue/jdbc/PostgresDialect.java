package dev.talon.queue.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.slf4j.Logger;

/*
 * PostgreSQL 12 or newer. Events are stored as jsonb, so the JSON parameter is cast. The server
 * runs apart from the application, so a killed application loses nothing the server committed;
 * what remains is the server's own crash, which synchronous_commit=off (or fsync=off) exposes:
 * the store starts anyway, since that is the administrator's deliberate choice, but says so.
 */
final class PostgresDialect extends SqlDialect {
  static final PostgresDialect INSTANCE = new PostgresDialect();

  private PostgresDialect() {}

  @Override
  public String name() {
    return "postgresql";
  }

  @Override
  String jsonParameter() {
    return "CAST(? AS JSONB)";
  }

  /*
   * A batch in one round trip. The store's own path takes three (raise the fence, insert the batch,
   * commit: each waits for the server), which a single-row autocommit INSERT does not pay; with the
   * fence raised in a data-modifying CTE and the rows unnested from arrays, the append is one
   * autocommit statement, as atomic as the transaction (the rows are inserted only if the fence row
   * matched, and a duplicate key fails all of it).
   */
  @Override
  String appendInOneStatement(Schema schema) {
    return "WITH fence AS (UPDATE " + schema.branches + " SET fence = ? WHERE branch_id = ? AND fence <= ? "
        + "RETURNING branch_id) INSERT INTO " + schema.events
        + " (branch_id, seq, type, occurred_at, ticket_id, payload) "
        + "SELECT fence.branch_id, u.seq, u.type, u.occurred_at, u.ticket_id, CAST(u.payload AS JSONB) FROM fence, "
        + "UNNEST(CAST(? AS BIGINT[]), CAST(? AS VARCHAR[]), CAST(CAST(? AS TEXT[]) AS TIMESTAMPTZ[]), "
        + "CAST(? AS BIGINT[]), CAST(? AS TEXT[])) AS u(seq, type, occurred_at, ticket_id, payload)";
  }

  @Override
  String nowPlusMillis() {
    return "CURRENT_TIMESTAMP + CAST(? AS DOUBLE PRECISION) * INTERVAL '1 millisecond'";
  }

  @Override
  boolean transactionalDdl() {
    return true;
  }

  /*
   * A query on the catalogue views, read with the statement's own snapshot, where unqualified
   * names are created (current_schema()). Not to_regclass: it looks through the backend's catalogue
   * cache, which a schema upgrade waiting on the advisory lock does not refresh when the lock is
   * granted, so it could miss a table the previous holder created and committed meanwhile.
   */
  @Override
  boolean tableExists(Connection c, String table) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM information_schema.tables "
        + "WHERE table_schema = current_schema() AND table_name = ?")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getInt(1) > 0;
      }
    }
  }


  @Override
  boolean isMissingParent(SQLException e) {
    return "23503".equals(e.getSQLState()); // foreign_key_violation
  }

  @Override
  void checkDurability(Connection c, Logger log) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT name, setting FROM pg_settings WHERE name IN ('synchronous_commit', 'fsync')");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        if ("off".equalsIgnoreCase(rs.getString(2))) {
          log.warn("PostgreSQL runs with {}=off: a crash of the database server (not of this application) can lose "
              + "operations Talon has acknowledged", rs.getString(1));
        }
      }
    }
  }
}
