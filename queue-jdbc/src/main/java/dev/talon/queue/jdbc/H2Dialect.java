package dev.talon.queue.jdbc;

import dev.talon.queue.InvalidConfigurationException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import org.slf4j.Logger;

/*
 * H2 2.x. Embedded H2 runs inside the application's JVM, so a killed JVM takes the database's
 * unwritten buffers with it. H2 writes committed changes to its file in the background, up to
 * WRITE_DELAY milliseconds (500 by default) after the commit returned; with WRITE_DELAY=0 the
 * commit writes them before it returns. A store that acknowledges operations must not run on a
 * delayed file database, so start-up refuses one (in-memory databases are exempt: they keep
 * nothing across a JVM exit anyway, and say so by their URL).
 */
final class H2Dialect extends SqlDialect {
  static final H2Dialect INSTANCE = new H2Dialect();

  private H2Dialect() {}

  @Override
  public String name() {
    return "h2";
  }

  @Override
  String jsonParameter() {
    return "?";
  }

  @Override
  String nowPlusMillis() {
    return "DATEADD(MILLISECOND, CAST(? AS BIGINT), CURRENT_TIMESTAMP)";
  }

  @Override
  boolean transactionalDdl() {
    return false;
  }

  @Override
  boolean tableExists(Connection c, String table) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES "
        + "WHERE TABLE_SCHEMA = CURRENT_SCHEMA AND TABLE_NAME = ?")) {
      ps.setString(1, table.toUpperCase(Locale.ROOT)); // unquoted names are stored in upper case
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getInt(1) > 0;
      }
    }
  }


  @Override
  boolean isMissingParent(SQLException e) {
    return "23506".equals(e.getSQLState()); // H2's "referential integrity violation: parent missing"
  }

  @Override
  void checkDurability(Connection c, Logger log) throws SQLException {
    String url = c.getMetaData().getURL();
    if (url != null && url.startsWith("jdbc:h2:mem:")) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'");
        ResultSet rs = ps.executeQuery()) {
      if (rs.next()) {
        int delay = Integer.parseInt(rs.getString(1).trim());
        if (delay > 0) {
          throw new InvalidConfigurationException("the H2 database writes commits to its file up to " + delay
              + " ms after they return (WRITE_DELAY=" + delay + "), so a killed JVM could lose acknowledged "
              + "operations; add ;WRITE_DELAY=0 to its JDBC URL");
        }
      }
    }
  }
}
