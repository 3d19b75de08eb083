package dev.talon.queue.jdbc;

import dev.talon.queue.StorageException;
import java.sql.SQLException;

/*
 * Turns a driver's SQLException into a StorageException that names the statement and the SQLState
 * and nothing else. Drivers put bound values into their messages (PostgreSQL's "Key (branch_id,
 * seq)=(...) already exists", H2's "VALUES (...)"), and those values can be personal data, so the
 * driver's message and the exception itself are deliberately not carried: the SQLState, its class
 * and the vendor code identify the failure well enough to act on.
 */
final class SqlFailure {
  private SqlFailure() {}

  static StorageException of(String what, String statement, SQLException e) {
    String state = e.getSQLState();
    return new StorageException(what + " failed at statement " + statement + ": SQLState "
        + (state == null ? "unknown" : state + " (" + meaning(state) + ")") + ", vendor code " + e.getErrorCode()
        + ", " + e.getClass().getSimpleName());
  }

  /** The SQLState class as the SQL standard (and PostgreSQL) names it. */
  static String meaning(String state) {
    if (state.startsWith("57P")) {
      return "the server terminated the connection";
    }
    String cls = state.length() >= 2 ? state.substring(0, 2) : state;
    return switch (cls) {
      case "08" -> "connection exception";
      case "22" -> "data exception";
      case "23" -> "integrity constraint violation";
      case "25" -> "invalid transaction state";
      case "28" -> "invalid authorization";
      case "40" -> "transaction rollback";
      case "42" -> "syntax error or access rule violation";
      case "53" -> "insufficient resources";
      case "54" -> "program limit exceeded";
      case "57" -> "operator intervention";
      case "58" -> "system error";
      case "HY" -> "driver or lock timeout";
      case "XX" -> "internal error";
      default -> "class " + cls;
    };
  }
}
