package dev.talon.queue.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import org.slf4j.Logger;

/*
 * What differs between the databases, kept to the few points where it must: the directory of the
 * schema files, whether DDL is transactional, how the catalogue is asked for a table, how a JSON
 * parameter is bound, the SQLState that means "the referenced row does not exist", and the check
 * that the database really keeps a commit once it has acknowledged it. Everything else is standard
 * SQL that both run unchanged. The two subclasses are the only dialects; users pick one through
 * the public Dialect interface, never implement it.
 */
abstract sealed class SqlDialect implements Dialect permits H2Dialect, PostgresDialect {

  /**
   * Whether DDL takes part in transactions (PostgreSQL), so a schema upgrade can be one transaction
   * under a transaction-scoped lock; false where DDL commits at once (H2).
   */
  abstract boolean transactionalDdl();

  /**
   * Whether the table (a lower-case name) exists in the connection's current schema, asked of the
   * catalogue: unlike trying the table, the question cannot fail and abort a transaction.
   */
  abstract boolean tableExists(Connection c, String table) throws SQLException;

  /** The SQL expression for a JSON text parameter in an INSERT. */
  abstract String jsonParameter();

  /**
   * One statement that raises the branch's fence and inserts a whole batch, for databases that can
   * take a batch as array parameters; null where the store must use its statement-per-step
   * transaction. Parameters: token, branch id, token, then arrays of seq, type, occurred-at (ISO
   * text), ticket id and payload. Its update count is the rows inserted: 0 when the fence did not
   * match (a new branch, or a stale token).
   */
  String appendInOneStatement(Schema schema) {
    return null;
  }

  /** The database's current time plus a number of milliseconds bound as the one parameter. */
  abstract String nowPlusMillis();

  /** True if the failure says a foreign key refers to a row that does not exist. */
  abstract boolean isMissingParent(SQLException e);

  /** True if the failure, or one chained to it, is a unique or primary key violation. */
  final boolean isUniqueViolation(SQLException e) {
    for (SQLException x = e; x != null; x = x.getNextException()) {
      if ("23505".equals(x.getSQLState())) {
        return true;
      }
      if (x.getCause() instanceof SQLException c && "23505".equals(c.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Checks, at start, that a commit the database acknowledges survives the failures this
   * database is exposed to; refuses to start (or warns) otherwise.
   */
  abstract void checkDurability(Connection c, Logger log) throws SQLException;

  @Override
  public String toString() {
    return name();
  }
}
