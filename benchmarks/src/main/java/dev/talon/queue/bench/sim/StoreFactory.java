package dev.talon.queue.bench.sim;

import dev.talon.queue.jdbc.JdbcEventStore;
import dev.talon.queue.spi.EventStore;
import java.nio.file.Path;
import org.h2.jdbcx.JdbcDataSource;

/**
 * Where the engine of each simulated run keeps its events. Every run (one per policy) gets a
 * fresh store. The in-memory store is the default; {@link #h2File} writes every run's events
 * durably to an H2 file, as an embedding application would (SYNC durability: slower, same results).
 */
public interface StoreFactory {

  /** A short name for the reports, e.g. {@code in-memory}. */
  String name();

  /** A fresh, empty store for the run named {@code run} (scenario and policy label). */
  EventStore open(String run);

  /** The run named {@code run} is over: whatever its store holds open (connections, files) is let go. */
  default void release(String run) {}

  /** Events in this JVM's memory ({@link EventStore#inMemory()}). */
  static StoreFactory inMemory() {
    return new StoreFactory() {
      @Override
      public String name() {
        return "in-memory";
      }

      @Override
      public EventStore open(String run) {
        return EventStore.inMemory();
      }
    };
  }

  /**
   * Events in an H2 database file per run, under {@code dir} (created if needed; an existing file
   * of the same run is replaced), through the JDBC store with schema creation on. Each run's
   * store takes its connections from a small pool that stays open until the run is
   * {@linkplain #release released}: without an open connection, H2 closes (and compacts) the
   * database file after every append and opens it again for the next, which cost four fifths of
   * the main job's time.
   */
  static StoreFactory h2File(Path dir) {
    h2FileUrl(dir.resolve("check"));
    java.util.Map<String, com.zaxxer.hikari.HikariDataSource> pools = new java.util.concurrent.ConcurrentHashMap<>();
    return new StoreFactory() {
      @Override
      public void release(String run) {
        com.zaxxer.hikari.HikariDataSource pool = pools.remove(run);
        if (pool != null) {
          pool.close();
        }
      }

      @Override
      public String name() {
        return "h2-file";
      }

      @Override
      public EventStore open(String run) {
        release(run); // a run of the same name before that was not released: its file is replaced
        String file = run.replaceAll("[^A-Za-z0-9_-]", "_");
        Path db = dir.resolve(file).toAbsolutePath();
        try {
          java.nio.file.Files.createDirectories(dir);
          java.nio.file.Files.deleteIfExists(Path.of(db + ".mv.db"));
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException("cannot prepare the H2 file " + db, e);
        }
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(h2FileUrl(db));
        com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
        config.setDataSource(ds);
        config.setPoolName("sim-" + file);
        config.setMaximumPoolSize(2); // the commit thread, and a snapshot save beside it
        config.setMinimumIdle(1);
        com.zaxxer.hikari.HikariDataSource pool = new com.zaxxer.hikari.HikariDataSource(config);
        pools.put(run, pool);
        return JdbcEventStore.builder(pool).createSchema(true).build();
      }
    };
  }

  /**
   * The JDBC URL of the H2 file database at {@code db}, with durable writes. H2 has no escape in
   * its URL: everything after a {@code ;} is read as a connection setting, so a path with one
   * would break the store or inject settings (for example {@code INIT=...}). Such a path is
   * refused.
   *
   * @throws IllegalArgumentException when the absolute path contains {@code ;}
   */
  static String h2FileUrl(Path db) {
    String path = db.toAbsolutePath().toString();
    if (path.indexOf(';') >= 0) {
      throw new IllegalArgumentException(UNSAFE_H2_PATH + ", was " + path);
    }
    return "jdbc:h2:file:" + path + ";WRITE_DELAY=0";
  }

  /** Why a path is refused for an H2 file. */
  String UNSAFE_H2_PATH = "an H2 database path must not contain ';' (H2 reads what follows as connection settings)";
}
