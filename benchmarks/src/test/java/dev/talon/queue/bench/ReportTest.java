package dev.talon.queue.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {

  private static Measurement thrpt(String benchmark, int threads, Map<String, String> params, double score,
      Double alloc) {
    return new Measurement(benchmark, "thrpt", threads, params, score, null, "ops/s", alloc, Map.of());
  }

  private final Report report = new Report(List.of(
      thrpt(Report.ISSUE_CALL, 1, Map.of("policy", "fifo", "store", "dropping"), 300, 120.0),
      thrpt(Report.OFFER_POLL, 1, Map.of("queue", BaselineQueues.PBQ), 100, 24.0),
      thrpt(Report.OFFER_POLL, 1, Map.of("queue", BaselineQueues.CLQ), 1500, 48.0),
      thrpt(Report.ISSUE_CALL, 2, Map.of("policy", "fifo", "store", "dropping"), 100, 400.0),
      thrpt(Report.OFFER_POLL, 2, Map.of("queue", BaselineQueues.PBQ), 100, 24.0),
      thrpt(Report.RUSH_TALON, 2, Map.of("store", "dropping"), 50, 900.0),
      thrpt(Report.RUSH_LOCKED, 2, Map.of(), 25, 300.0)));

  @Test
  void ratios_pairEngineAndBaselinesOfTheSameThreadCountOnly() {
    assertThat(report.ratios()).containsExactlyInAnyOrder(
        new Report.Ratio("issue+call", 1, "talon fifo / dropping store", BaselineQueues.PBQ, 3.0),
        new Report.Ratio("issue+call", 1, "talon fifo / dropping store", BaselineQueues.CLQ, 0.2),
        new Report.Ratio("issue+call", 2, "talon fifo / dropping store", BaselineQueues.PBQ, 1.0),
        new Report.Ratio("booking", 2, "talon / dropping store", "synchronized baseline", 2.0));
  }

  @Test
  void targets_compareWithTheIssuesBoundsAndSayWhatWasNotMeasured() {
    assertThat(report.targets()).containsExactly(
        new Report.Target("issue+call >= 1.0x PriorityBlockingQueue", "talon fifo / dropping store", 1, 1.0, 3.0, true),
        new Report.Target("allocation <= 300 B per issue+call", "talon fifo / dropping store", 1, 300, 120.0, true),
        new Report.Target("issue+call >= 1.0x PriorityBlockingQueue", "talon fifo / dropping store", 2, 1.0, 1.0, true));
  }

  @Test
  void text_printsOneTablePerThreadCountWithRatioColumns() {
    String text = report.text();

    assertThat(text).contains("issue + call, 1 thread ", "issue + call, 2 threads", "booking rush, 2 threads");
    assertThat(text).containsPattern("talon fifo / dropping store +300 +n/a +120 +3\\.00x +0\\.20x");
    assertThat(text).containsPattern("talon / dropping store +50 +n/a +900 +2\\.00x");
    assertThat(text).containsPattern("issue\\+call >= 1\\.0x PriorityBlockingQueue +talon fifo / dropping store +2 +1\\.00x +met");
  }
  private static Measurement calendar(String benchmark, String capacity, String waitlist, double score) {
    return thrpt(benchmark, 2, Map.of("store", "dropping", "capacity", capacity, "waitlist", waitlist), score, 1000.0);
  }

  @Test
  void ratios_calendarRush_comparedWithPlainCapacityWithoutAListOfTheSameBenchmark() {
    Report r = new Report(List.of(
        thrpt(Report.RUSH_TALON, 2, Map.of("store", "dropping"), 400, 900.0),
        calendar(Report.CAL_BOOK, "plain", "none", 200),
        calendar(Report.CAL_BOOK, "schedule", "waiting", 100),
        calendar(Report.CAL_HOLD, "plain", "none", 50),
        calendar(Report.CAL_HOLD, "schedule", "none", 25)));

    assertThat(r.ratios()).containsExactlyInAnyOrder(
        new Report.Ratio("booking calendar", 2, "book, schedule capacity, waiting list",
            "book, plain capacity, no waiting list", 0.5),
        new Report.Ratio("booking calendar", 2, "hold+confirm, schedule capacity, no waiting list",
            "hold+confirm, plain capacity, no waiting list", 0.5),
        new Report.Ratio("booking calendar", 2, "hold+confirm, plain capacity, no waiting list",
            "book, plain capacity, no waiting list", 0.25));
    assertThat(r.text()).contains("booking calendar rush, 2 threads")
        .containsPattern("book, schedule capacity, waiting list +100 +n/a +1000 +0\\.50x +0\\.25x")
        .containsPattern("book, plain capacity, no waiting list +200 +n/a +1000 +0\\.50x");
  }

  private static Measurement jdbc(String durability, String database, int threads, double score) {
    return thrpt(Report.JDBC_QUEUE, threads, Map.of("durability", durability, "database", database), score, null);
  }

  private final Report jdbcReport = new Report(List.of(
      jdbc("SYNC", BenchDatabase.POSTGRES, 4, 100),
      jdbc("GROUP", BenchDatabase.POSTGRES, 4, 150),
      jdbc("GROUP", BenchDatabase.H2_FILE, 4, 600),
      jdbc("GROUP", BenchDatabase.POSTGRES, 1, 90),
      thrpt(Report.RAW_INSERT, 4, Map.of("database", BenchDatabase.POSTGRES), 400, null),
      thrpt(Report.RAW_INSERT, 4, Map.of("database", BenchDatabase.H2_FILE), 1000, null)));

  @Test
  void ratios_jdbc_perOperationPerEventAndAgainstSyncOnTheSameDatabaseOnly() {
    assertThat(jdbcReport.ratios()).containsExactlyInAnyOrder(
        new Report.Ratio("jdbc per operation", 4, "talon SYNC / postgres", "raw insert / postgres", 0.25),
        new Report.Ratio("jdbc per event", 4, "talon SYNC / postgres", "raw insert / postgres", 0.5),
        new Report.Ratio("jdbc per operation", 4, "talon GROUP / postgres", "raw insert / postgres", 0.375),
        new Report.Ratio("jdbc per event", 4, "talon GROUP / postgres", "raw insert / postgres", 0.75),
        new Report.Ratio("jdbc vs SYNC", 4, "talon GROUP / postgres", "talon SYNC / postgres", 1.5),
        new Report.Ratio("jdbc per operation", 4, "talon GROUP / h2-file", "raw insert / h2-file", 0.6),
        new Report.Ratio("jdbc per event", 4, "talon GROUP / h2-file", "raw insert / h2-file", 1.2));
  }

  @Test
  void targets_jdbc_syncEventsAgainstRawInsertsOnPostgresAtFourThreads() {
    // 2 events per issue + call: 2 x 100 ops/s against 400 rows/s is exactly the 0.5x required at 4 threads
    assertThat(jdbcReport.targets()).containsExactly(
        new Report.Target("SYNC events/s >= 0.5x raw inserts/s", "talon SYNC / postgres", 4, 0.5, 0.5, true));
  }

  @Test
  void text_jdbc_oneTablePerThreadCountWithRawInsertRows() {
    String text = jdbcReport.text();

    assertThat(text).contains("jdbc issue + call, 1 thread ", "jdbc issue + call, 4 threads");
    assertThat(text).containsPattern("talon GROUP / postgres +150 +n/a +300 +0\\.38x +0\\.75x +1\\.50x");
    assertThat(text).containsPattern("raw insert / h2-file \\(rows/s\\) +1,000 +n/a +1,000");
  }
}
