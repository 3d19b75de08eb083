package dev.talon.queue.bench;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.ThreadParams;

/*
 * The baseline of JdbcQueueBenchmark: the cheapest durable write a hand-written application could
 * do per operation. One prepared INSERT of one JSON row, autocommit (one commit per row), on a
 * connection the thread keeps for the whole trial. The table has the columns and key of the
 * store's event table (branch_id, seq primary key, type, time, ticket id, JSON payload; JSONB on
 * PostgreSQL) but no foreign key and no fence row to lock, and every thread writes its own
 * branch id, so threads never wait for each other's rows.
 *
 * One operation here is one row and one commit; an issue + call on the store is at least two events.
 * The report gives the ratio both per operation and per event.
 */

/** Baseline for the JDBC store: one autocommitted single-row INSERT of a JSON row per operation. */
@State(Scope.Benchmark)
public class RawInsertBenchmark {
  static final String TABLE = "raw_events";
  private static final Timestamp AT = Timestamp.from(EngineFixture.START);

  /** The database by benchmark name (see {@link BenchDatabase}). */
  @Param({BenchDatabase.H2_FILE, BenchDatabase.POSTGRES})
  public String database;

  BenchDatabase db;

  @Setup(Level.Trial)
  public void start() throws SQLException {
    db = BenchDatabase.start(database);
    createTable(db.dataSource(), database.equals(BenchDatabase.POSTGRES));
  }

  /** Creates the baseline's table (also for ScaleBenchmark). */
  static void createTable(javax.sql.DataSource ds, boolean postgres) throws SQLException {
    String json = postgres ? "JSONB" : "VARCHAR";
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE " + TABLE + " (branch_id VARCHAR(64) NOT NULL, seq BIGINT NOT NULL, "
          + "type VARCHAR(64) NOT NULL, occurred_at TIMESTAMP WITH TIME ZONE NOT NULL, ticket_id BIGINT, "
          + "payload " + json + " NOT NULL, PRIMARY KEY (branch_id, seq))");
    }
  }

  /** The baseline's prepared INSERT of one row (also for ScaleBenchmark). */
  static PreparedStatement prepareInsert(Connection connection, boolean postgres) throws SQLException {
    return connection.prepareStatement("INSERT INTO " + TABLE
        + " (branch_id, seq, type, occurred_at, ticket_id, payload) VALUES (?, ?, ?, ?, ?, "
        + (postgres ? "CAST(? AS JSONB)" : "?") + ")");
  }

  /** Inserts one autocommitted row of the branch (also for ScaleBenchmark). */
  static int insertRow(PreparedStatement insert, String branchId, long seq) throws SQLException {
    insert.setString(1, branchId);
    insert.setLong(2, seq);
    insert.setString(3, "TicketIssued");
    insert.setTimestamp(4, AT);
    insert.setLong(5, seq);
    insert.setString(6, "{\"seq\":" + seq + ",\"at\":\"2026-03-02T10:00:00Z\",\"ticketId\":" + seq
        + ",\"service\":\"docs\",\"line\":\"walk-in\",\"display\":\"A" + seq + "\",\"origin\":\"WALK_IN\","
        + "\"categories\":[],\"requestId\":null}");
    return insert.executeUpdate();
  }

  @TearDown(Level.Trial)
  public void stop() throws IOException {
    db.close();
  }

  /** One thread's connection, statement and sequence; its rows carry its own branch id. */
  @State(Scope.Thread)
  public static class Writer {
    Connection connection;
    PreparedStatement insert;
    String branchId;
    long seq;

    @Setup(Level.Trial)
    public void open(RawInsertBenchmark bench, ThreadParams thread) throws SQLException {
      connection = bench.db.dataSource().getConnection();
      connection.setAutoCommit(true);
      insert = prepareInsert(connection, bench.database.equals(BenchDatabase.POSTGRES));
      branchId = "raw-" + thread.getThreadIndex();
    }

    @TearDown(Level.Trial)
    public void close() throws SQLException {
      insert.close();
      connection.close();
    }
  }

  /** Insert one row, committed on its own. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public int insert(Writer w) throws SQLException {
    return insertRow(w.insert, w.branchId, ++w.seq);
  }
}
