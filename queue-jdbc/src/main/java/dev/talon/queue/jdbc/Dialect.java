package dev.talon.queue.jdbc;

import dev.talon.queue.InvalidConfigurationException;

/**
 * The database a {@link JdbcEventStore} talks to. The store detects it from the connection's
 * metadata ({@code DatabaseMetaData.getDatabaseProductName()}); set it on the builder only when
 * detection is wrong, e.g. for a database that speaks the PostgreSQL protocol under another name.
 * The DDL of each dialect ships in the jar as {@code dev/talon/queue/jdbc/<name>.sql}.
 */
public sealed interface Dialect permits SqlDialect {

  /** The dialect's name, which is also the base name of its DDL file: {@code postgresql} or {@code h2}. */
  String name();

  /** PostgreSQL 12 or newer: events as {@code jsonb}, a partial index for ticket histories. */
  static Dialect postgresql() {
    return PostgresDialect.INSTANCE;
  }

  /**
   * H2 2.x, in memory or in a file (the embedded default). A file database must not delay its
   * commits: open it with {@code ;WRITE_DELAY=0} in the JDBC URL, or the store refuses to start.
   */
  static Dialect h2() {
    return H2Dialect.INSTANCE;
  }

  /** The dialect for a database product name as JDBC reports it. */
  static Dialect forProductName(String productName) {
    if (productName != null) {
      String p = productName.trim().toLowerCase(java.util.Locale.ROOT);
      if (p.equals("postgresql")) {
        return postgresql();
      }
      if (p.equals("h2")) {
        return h2();
      }
    }
    throw new InvalidConfigurationException("the database \"" + productName + "\" is not supported by the JDBC "
        + "event store; supported are PostgreSQL and H2. If it speaks one of their dialects, set it with "
        + "JdbcEventStore.builder(dataSource).dialect(Dialect.postgresql()) or Dialect.h2()");
  }
}
