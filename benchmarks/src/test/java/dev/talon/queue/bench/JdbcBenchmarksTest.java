package dev.talon.queue.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talon.queue.Ticket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * The JDBC benchmarks' workloads on H2 in a file, run as plain code: every acknowledged operation
 * is in the database. (PostgreSQL takes seconds to start; the smoke run covers it.)
 */
class JdbcBenchmarksTest {
  private static final Blackhole BH = new Blackhole(
      "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
  private static final ThreadParams ONE_THREAD = new ThreadParams(0, 1, 0, 1, 0, 1, 0, 1, 0, 1);

  private static long count(BenchDatabase db, String sql, String branchId) throws SQLException {
    try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, branchId);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  @Test
  void issueAndCall_eachMode_keepsOneThousandWaitingAndWritesEveryEventOnClose() throws Exception {
    for (String mode : new String[] {"SYNC", "GROUP", "ASYNC"}) {
      JdbcQueueBenchmark bench = new JdbcQueueBenchmark();
      bench.durability = mode;
      bench.database = BenchDatabase.H2_FILE;
      bench.start();
      try {
        EngineQueueBenchmark.Desk desk = new EngineQueueBenchmark.Desk();
        desk.assign(ONE_THREAD);
        for (int iteration = 1; iteration <= 2; iteration++) {
          bench.open(ONE_THREAD);
          for (int i = 0; i < 100; i++) {
            Ticket called = bench.issueAndCall(desk, BH);
            assertThat(called.desk()).as(mode).isEqualTo("d0");
          }
          assertThat(bench.branch.waiting(EngineFixture.SERVICE)).as(mode).hasSize(EngineFixture.WAITING);
          long lastSeq = bench.branch.lastSeq();
          bench.close();

          // a fresh branch per iteration; its prefill and its 100 issues + calls are all stored
          assertThat(count(bench.db, "SELECT COUNT(*) FROM talon_events WHERE branch_id = ?", "jdbc-" + iteration))
              .as(mode).isEqualTo(lastSeq).isGreaterThanOrEqualTo(EngineFixture.WAITING + 200L);
        }
      } finally {
        bench.stop();
      }
    }
  }

  @Test
  void insert_eachCall_commitsOneRowOfItsThread() throws Exception {
    RawInsertBenchmark bench = new RawInsertBenchmark();
    bench.database = BenchDatabase.H2_FILE;
    bench.start();
    try {
      RawInsertBenchmark.Writer writer = new RawInsertBenchmark.Writer();
      writer.open(bench, ONE_THREAD);
      for (int i = 0; i < 50; i++) {
        assertThat(bench.insert(writer)).isEqualTo(1);
      }
      writer.close();

      assertThat(count(bench.db, "SELECT COUNT(*) FROM " + RawInsertBenchmark.TABLE + " WHERE branch_id = ?", "raw-0"))
          .isEqualTo(50);
    } finally {
      bench.stop();
    }
  }

  @Test
  void start_unknownDatabase_isRefusedWithTheKnownOnes() {
    assertThatThrownBy(() -> BenchDatabase.start("sqlite")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown benchmark database \"sqlite\"; known: h2-file, postgres");
  }

  @Test
  void stop_h2File_removesItsDirectory() throws Exception {
    BenchDatabase db = BenchDatabase.start(BenchDatabase.H2_FILE);
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (x INT)");
    }
    Path dir = db.directory();
    assertThat(dir).isDirectory();

    db.close();

    assertThat(dir).doesNotExist();
  }
}
