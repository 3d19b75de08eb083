package dev.talon.queue.jdbc;

import dev.talon.queue.StorageException;
import java.sql.SQLException;
import java.util.Set;

/*
 * Turns a driver's SQLException into a StorageException that names the step and the SQLState,
 * with the driver's message and the exception as its cause where they cannot carry bound values.
 *
 * Connecting and reading metadata, the schema and the server settings bind no values of ours: the
 * driver's message says what is wrong ("Connection to db:5432 refused", "password authentication
 * failed for user ...", "database ... does not exist"), so it goes into the message, and the
 * SQLException stays the cause.
 *
 * Statements bind ticket and booking data, and drivers put bound values into their messages
 * (PostgreSQL's "Detail: Key (...)=(...)" and "Failing row contains (...)", H2's "VALUES (...)",
 * PostgreSQL's "invalid input syntax for type ...: \"...\""); those values can be personal data.
 * So for a statement the message keeps the SQLState, its class and the vendor code, plus the
 * driver's first line only for the classes that are about the connection or the server
 * (08, 28, 3D, 40, 53, 57, 58, HY), never the data classes (22, 23) nor anything after the
 * first line. The cause is then a copy of the SQLException with that same safe text, the
 * original's SQLState, vendor code, class name and stack trace, and no chained exceptions.
 */
final class SqlFailure {
  /** Steps that bind no values: the driver's message is kept whole. */
  private static final Set<String> NO_BOUND_VALUES = Set.of(
      "connect", "read-metadata", "check-durability", "read-schema-version", "lock-schema", "apply");
  /** SQLState classes whose first line is about the connection or the server, not the data. */
  private static final Set<String> SAFE_FIRST_LINE = Set.of("08", "28", "3D", "40", "53", "57", "58", "HY");
  private static final int MAX_DRIVER_TEXT = 300;

  private SqlFailure() {}

  static StorageException of(String what, String statement, SQLException e) {
    String state = e.getSQLState();
    String head = what + " failed at statement " + statement + ": SQLState "
        + (state == null ? "unknown" : state + " (" + meaning(state) + ")") + ", vendor code " + e.getErrorCode()
        + ", " + e.getClass().getSimpleName();
    if (bindsNoValues(statement)) {
      String driver = e.getMessage() == null ? "" : ": " + shorten(e.getMessage().strip());
      return new StorageException(head + driver, e);
    }
    String safe = safeFirstLine(state, e.getMessage());
    SQLException cause = new SQLException(e.getClass().getName() + (safe == null
        ? " (the driver's message is withheld: it may carry bound values)" : ": " + safe), state, e.getErrorCode());
    cause.setStackTrace(e.getStackTrace());
    return new StorageException(head + (safe == null ? "" : ": " + safe), cause);
  }

  private static boolean bindsNoValues(String statement) {
    return NO_BOUND_VALUES.contains(statement) || statement.startsWith("DDL ");
  }

  /** The driver's first line, for SQLState classes that do not describe data; else null. */
  static String safeFirstLine(String state, String message) {
    if (state == null || state.length() < 2 || message == null || !SAFE_FIRST_LINE.contains(state.substring(0, 2))) {
      return null;
    }
    String line = message.strip();
    int cut = line.indexOf('\n');
    line = cut >= 0 ? line.substring(0, cut) : line;
    for (String marker : new String[] {"Detail:", "Where:", "Hint:", "Position:", "SQL statement", "VALUES"}) {
      int at = line.indexOf(marker);
      if (at >= 0) {
        line = line.substring(0, at);
      }
    }
    line = line.strip();
    return line.isEmpty() ? null : shorten(line);
  }

  private static String shorten(String s) {
    return s.length() > MAX_DRIVER_TEXT ? s.substring(0, MAX_DRIVER_TEXT - 3) + "..." : s;
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
      case "3D" -> "invalid catalog name";
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
