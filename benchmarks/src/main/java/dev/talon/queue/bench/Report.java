package dev.talon.queue.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/*
 * The report of one run: engine/baseline ratios computed from measurements of the same run, the
 * tables printed at the end, and where the run stands against the issue's targets. Targets are
 * information only: CI machines are noisy, so nothing here ever fails a run.
 */
final class Report {
  static final String ISSUE_CALL = "EngineQueueBenchmark.issueAndCall";
  static final String CALL_NEXT = "EngineQueueBenchmark.callNext";
  static final String OFFER_POLL = "BaselineQueueBenchmark.offerAndPoll";
  static final String POLL = "BaselineQueueBenchmark.poll";
  static final String RUSH_TALON = "BookingRushBenchmark.talon";
  static final String RUSH_LOCKED = "BookingRushBenchmark.synchronizedBaseline";
  static final String CAL_BOOK = "BookingCalendarRushBenchmark.book";
  static final String CAL_HOLD = "BookingCalendarRushBenchmark.holdThenConfirm";
  static final String ROTATE = "RotationBenchmark.rotate";
  static final String JDBC_QUEUE = "JdbcQueueBenchmark.issueAndCall";
  static final String RAW_INSERT = "RawInsertBenchmark.insert";
  static final String RECOVERY = "RecoveryBenchmark.open";
  static final String STATUS_READ = "TicketStatusBenchmark.read";
  /** Events one issue + call writes at least: TicketIssued and TicketCalled. */
  static final int EVENTS_PER_ISSUE_CALL = 2;

  /** An engine score divided by a baseline score measured in the same run with the same threads. */
  record Ratio(String group, int threads, String subject, String baseline, double ratio) {}

  /**
   * One target of the issue for one subject.
   *
   * @param required the bound: a minimum ratio, or for allocation a maximum in bytes per operation
   * @param measured the measured ratio or bytes, null when the run did not measure it
   */
  record Target(String target, String subject, int threads, double required, Double measured, boolean met) {}

  private final List<Measurement> all;

  Report(List<Measurement> all) {
    this.all = List.copyOf(all);
  }

  List<Measurement> measurements() {
    return all;
  }

  /** A short human name of what was measured. */
  static String subject(Measurement m) {
    return switch (m.benchmark()) {
      case ISSUE_CALL, CALL_NEXT -> "talon " + m.param("policy") + " / " + m.param("store") + " store";
      case OFFER_POLL, POLL -> m.param("queue");
      case RUSH_TALON -> "talon / " + m.param("store") + " store";
      case RUSH_LOCKED -> "synchronized baseline";
      case CAL_BOOK, CAL_HOLD -> (m.benchmark().equals(CAL_BOOK) ? "book" : "hold+confirm") + ", "
          + m.param("capacity") + " capacity, " + ("waiting".equals(m.param("waitlist")) ? "waiting list" : "no waiting list");
      case ROTATE -> "rotation, " + m.param("pending") + " pending";
      case JDBC_QUEUE -> "talon " + m.param("durability") + " / " + m.param("database");
      case RAW_INSERT -> "raw insert / " + m.param("database");
      case RECOVERY -> "open from " + m.param("from") + ", " + m.param("days") + " day(s) of history";
      default -> m.benchmark() + " " + m.params();
    };
  }

  private List<Measurement> select(String benchmark, int threads) {
    return all.stream().filter(m -> m.benchmark().equals(benchmark) && m.threads() == threads).toList();
  }

  private List<Measurement> select(String benchmark) {
    return all.stream().filter(m -> m.benchmark().equals(benchmark)).toList();
  }

  private TreeSet<Integer> threadCounts(String... benchmarks) {
    TreeSet<Integer> t = new TreeSet<>();
    for (String b : benchmarks) {
      select(b).forEach(m -> t.add(m.threads()));
    }
    return t;
  }

  /** Every engine/baseline ratio of the run: issue + call against each queue, booking against the lock. */
  List<Ratio> ratios() {
    List<Ratio> out = new ArrayList<>();
    for (int t : threadCounts(ISSUE_CALL)) {
      for (Measurement e : select(ISSUE_CALL, t)) {
        for (Measurement b : select(OFFER_POLL, t)) {
          out.add(new Ratio("issue+call", t, subject(e), subject(b), e.score() / b.score()));
        }
      }
    }
    for (int t : threadCounts(RUSH_TALON)) {
      for (Measurement e : select(RUSH_TALON, t)) {
        for (Measurement b : select(RUSH_LOCKED, t)) {
          out.add(new Ratio("booking", t, subject(e), subject(b), e.score() / b.score()));
        }
      }
    }
    for (int t : threadCounts(CAL_BOOK, CAL_HOLD)) {
      for (String b : List.of(CAL_BOOK, CAL_HOLD)) {
        Measurement plain = plainCalendar(b, t);
        for (Measurement e : select(b, t)) {
          if (plain != null && e != plain) {
            out.add(new Ratio("booking calendar", t, subject(e), subject(plain), e.score() / plain.score()));
          }
        }
      }
      Measurement book = plainCalendar(CAL_BOOK, t);
      Measurement hold = plainCalendar(CAL_HOLD, t);
      if (book != null && hold != null) {
        out.add(new Ratio("booking calendar", t, subject(hold), subject(book), hold.score() / book.score()));
      }
    }
    for (int t : threadCounts(JDBC_QUEUE)) {
      for (Measurement e : select(JDBC_QUEUE, t)) {
        Measurement raw = sameDatabase(RAW_INSERT, t, e);
        if (raw != null) {
          out.add(new Ratio("jdbc per operation", t, subject(e), subject(raw), e.score() / raw.score()));
          out.add(new Ratio("jdbc per event", t, subject(e), subject(raw),
              EVENTS_PER_ISSUE_CALL * e.score() / raw.score()));
        }
        Measurement sync = jdbc(t, "SYNC", e.param("database"));
        if (sync != null && sync != e) {
          out.add(new Ratio("jdbc vs SYNC", t, subject(e), subject(sync), e.score() / sync.score()));
        }
      }
    }
    for (Measurement e : select(RECOVERY)) {
      Measurement full = replayOf(e);
      if (e.param("from").equals("snapshot") && full != null) {
        // average time: the ratio is how many times faster opening from the snapshot is
        out.add(new Ratio("recovery speed-up", 1, subject(e), subject(full), full.score() / e.score()));
      }
    }
    return out;
  }

  /** The calendar rush {@code benchmark} at {@code threads} with plain capacity and no waiting list, or null. */
  private Measurement plainCalendar(String benchmark, int threads) {
    return select(benchmark, threads).stream()
        .filter(x -> "plain".equals(x.param("capacity")) && "none".equals(x.param("waitlist")))
        .findFirst().orElse(null);
  }

  /** The full-replay measurement of the same history as {@code m}, or null. */
  private Measurement replayOf(Measurement m) {
    return select(RECOVERY).stream()
        .filter(x -> x.param("from").equals("replay") && x.param("days").equals(m.param("days")))
        .findFirst().orElse(null);
  }

  /** The measurement of {@code benchmark} at {@code threads} on the same database as {@code m}, or null. */
  private Measurement sameDatabase(String benchmark, int threads, Measurement m) {
    return select(benchmark, threads).stream()
        .filter(x -> x.param("database").equals(m.param("database"))).findFirst().orElse(null);
  }

  /** The JDBC issue + call measurement of this mode and database, or null. */
  private Measurement jdbc(int threads, String durability, String database) {
    return select(JDBC_QUEUE, threads).stream()
        .filter(x -> x.param("durability").equals(durability) && x.param("database").equals(database))
        .findFirst().orElse(null);
  }

  private Double ratio(String group, int threads, String subject, String baseline) {
    for (Ratio r : ratios()) {
      if (r.group().equals(group) && r.threads() == threads && r.subject().equals(subject)
          && r.baseline().equals(baseline)) {
        return r.ratio();
      }
    }
    return null;
  }

  /** Issue 12's targets for every engine subject the run measured. */
  List<Target> targets() {
    List<Target> out = new ArrayList<>();
    for (Measurement e : select(ISSUE_CALL)) {
      String s = subject(e);
      int t = e.threads();
      if (t > 2) {
        continue;
      }
      boolean fifoDropping = "fifo".equals(e.param("policy")) && "dropping".equals(e.param("store"));
      if (fifoDropping) {
        atLeast(out, "issue+call >= 1.0x PriorityBlockingQueue", s, t, 1.0,
            ratio("issue+call", t, s, BaselineQueues.PBQ));
        if (t == 1) {
          Double bytes = e.allocBytes();
          out.add(new Target("allocation <= 300 B per issue+call", s, t, 300, bytes, bytes != null && bytes <= 300));
        }
      } else if ("in-memory".equals(e.param("store"))) {
        atLeast(out, "in-memory store >= 0.5x PriorityBlockingQueue", s, t, 0.5,
            ratio("issue+call", t, s, BaselineQueues.PBQ));
      } else if ("booked-first".equals(e.param("policy")) || "ratio".equals(e.param("policy"))) {
        Measurement fifo = select(ISSUE_CALL, t).stream()
            .filter(x -> "fifo".equals(x.param("policy")) && "dropping".equals(x.param("store"))).findFirst().orElse(null);
        // "within 1.5x of fifo": the policy's rate is at least fifo's divided by 1.5
        atLeast(out, "within 1.5x of fifo (rate / fifo rate >= 0.67)", s, t, 1 / 1.5,
            fifo == null ? null : e.score() / fifo.score());
      }
    }
    for (String database : List.of(BenchDatabase.POSTGRES, BenchDatabase.H2_FILE)) {
      for (int t : new int[] {4, 16}) {
        Measurement sync = jdbc(t, "SYNC", database);
        if (sync == null) {
          continue;
        }
        Measurement raw = sameDatabase(RAW_INSERT, t, sync);
        double need = t == 16 ? 1.0 : 0.5;
        atLeast(out, "SYNC events/s >= " + need + "x raw inserts/s", subject(sync), t, need,
            raw == null ? null : EVENTS_PER_ISSUE_CALL * sync.score() / raw.score());
      }
    }
    return out;
  }

  private static void atLeast(List<Target> out, String target, String subject, int threads, double need, Double got) {
    out.add(new Target(target, subject, threads, need, got, got != null && got >= need));
  }

  // ---------------------------------------------------------------- text

  /** The tables printed at the end of a run. */
  String text() {
    StringBuilder sb = new StringBuilder();
    for (int t : threadCounts(ISSUE_CALL, OFFER_POLL)) {
      List<Measurement> baselines = select(OFFER_POLL, t);
      List<String> head = new ArrayList<>(List.of("issue + call, " + t + " thread" + (t == 1 ? "" : "s"), "ops/s",
          "± (99.9%)", "B/op"));
      baselines.forEach(b -> head.add("vs " + shortName(subject(b))));
      Table table = new Table(head);
      for (Measurement e : select(ISSUE_CALL, t)) {
        List<String> row = new ArrayList<>(List.of(subject(e), ops(e.score()), err(e), bytes(e)));
        baselines.forEach(b -> row.add(times(e.score() / b.score())));
        table.row(row);
      }
      for (Measurement b : baselines) {
        List<String> row = new ArrayList<>(List.of(subject(b), ops(b.score()), err(b), bytes(b)));
        baselines.forEach(x -> row.add(""));
        table.row(row);
      }
      sb.append(table).append('\n');
    }
    List<Measurement> latency = new ArrayList<>(select(CALL_NEXT));
    latency.addAll(select(POLL));
    if (!latency.isEmpty()) {
      sb.append(percentileTable("call next / poll latency", latency)).append('\n');
    }
    for (int t : threadCounts(RUSH_TALON, RUSH_LOCKED)) {
      Table table = new Table(List.of("booking rush, " + t + " thread" + (t == 1 ? "" : "s"), "bookings/s",
          "± (99.9%)", "B/op", "vs synchronized"));
      List<Measurement> locked = select(RUSH_LOCKED, t);
      for (Measurement e : select(RUSH_TALON, t)) {
        table.row(List.of(subject(e), ops(e.score()), err(e), bytes(e),
            locked.isEmpty() ? "" : times(e.score() / locked.get(0).score())));
      }
      locked.forEach(b -> table.row(List.of(subject(b), ops(b.score()), err(b), bytes(b), "")));
      sb.append(table).append('\n');
    }
    for (int t : threadCounts(CAL_BOOK, CAL_HOLD)) {
      Table table = new Table(List.of("booking calendar rush, " + t + " thread" + (t == 1 ? "" : "s"), "bookings/s",
          "± (99.9%)", "B/op", "vs plain, no list", "vs booking rush"));
      List<Measurement> rush = select(RUSH_TALON, t).stream().filter(x -> "dropping".equals(x.param("store"))).toList();
      for (String b : List.of(CAL_BOOK, CAL_HOLD)) {
        Measurement plain = plainCalendar(b, t);
        for (Measurement e : select(b, t)) {
          table.row(List.of(subject(e), ops(e.score()), err(e), bytes(e),
              plain == null || plain == e ? "" : times(e.score() / plain.score()),
              rush.isEmpty() ? "" : times(e.score() / rush.get(0).score())));
        }
      }
      sb.append(table).append('\n');
    }
    List<Measurement> rotations = select(ROTATE);
    if (!rotations.isEmpty()) {
      sb.append(percentileTable("window rotation", rotations)).append('\n');
    }
    for (int t : threadCounts(JDBC_QUEUE, RAW_INSERT)) {
      sb.append(jdbcTable(t)).append('\n');
    }
    List<Measurement> reads = select(STATUS_READ);
    if (!reads.isEmpty()) {
      Table table = new Table(List.of("ticket-status reads beside issue + call", "threads", "reads/s", "± (99.9%)"));
      for (Measurement e : reads) {
        table.row(List.of("talon ticket(id), fifo / dropping store", String.valueOf(e.threads()), ops(e.score()),
            err(e)));
      }
      sb.append(table).append('\n');
    }
    List<Measurement> recoveries = select(RECOVERY);
    if (!recoveries.isEmpty()) {
      Table table = new Table(List.of("opening a branch", "ms", "± (99.9%)", "snapshot speed-up"));
      for (Measurement e : recoveries) {
        Measurement full = replayOf(e);
        table.row(List.of(subject(e), String.format(Locale.ROOT, "%.2f", e.score()),
            e.error() == null ? "n/a" : String.format(Locale.ROOT, "%.2f", e.error()),
            e.param("from").equals("snapshot") && full != null ? times(full.score() / e.score()) : ""));
      }
      sb.append(table).append('\n');
    }
    List<Target> targets = targets();
    if (!targets.isEmpty()) {
      Table table = new Table(List.of("target (information only)", "subject", "threads", "measured", "status"));
      for (Target g : targets) {
        String measured = g.measured() == null ? "not measured"
            : g.target().startsWith("allocation") ? String.format(Locale.ROOT, "%.0f B", g.measured())
            : g.target().startsWith("within") ? String.format(Locale.ROOT, "%.2f", g.measured())
            : times(g.measured());
        table.row(List.of(g.target(), g.subject(), String.valueOf(g.threads()), measured,
            g.measured() == null ? "-" : g.met() ? "met" : "MISSED"));
      }
      sb.append(table);
    }
    return sb.toString();
  }

  /**
   * Issue + call on the JDBC store at one thread count: ops/s, the events/s that implies (two per
   * operation at least), the ratio to the raw insert on the same database per operation and per
   * event (a raw insert is one row), and the ratio to SYNC on the same database.
   */
  private String jdbcTable(int t) {
    Table table = new Table(List.of("jdbc issue + call, " + t + " thread" + (t == 1 ? "" : "s"), "ops/s",
        "± (99.9%)", "events/s >=", "vs raw (per op)", "vs raw (per event)", "vs SYNC"));
    for (Measurement e : select(JDBC_QUEUE, t)) {
      Measurement raw = sameDatabase(RAW_INSERT, t, e);
      Measurement sync = jdbc(t, "SYNC", e.param("database"));
      table.row(List.of(subject(e), ops(e.score()), err(e), ops(EVENTS_PER_ISSUE_CALL * e.score()),
          raw == null ? "" : times(e.score() / raw.score()),
          raw == null ? "" : times(EVENTS_PER_ISSUE_CALL * e.score() / raw.score()),
          sync == null || sync == e ? "" : times(e.score() / sync.score())));
    }
    for (Measurement raw : select(RAW_INSERT, t)) {
      table.row(List.of(subject(raw) + " (rows/s)", ops(raw.score()), err(raw), ops(raw.score()), "", "", ""));
    }
    return table.toString();
  }

  private static String percentileTable(String title, List<Measurement> rows) {
    List<String> head = new ArrayList<>(List.of(title, "threads", "mean"));
    for (double q : Measurement.PERCENTILES) {
      head.add(Measurement.label(q));
    }
    head.add("unit");
    head.add("B/op");
    Table table = new Table(head);
    for (Measurement m : rows) {
      List<String> row = new ArrayList<>(List.of(subject(m), String.valueOf(m.threads()), num(m.score())));
      for (double q : Measurement.PERCENTILES) {
        Double v = m.percentiles().get(Measurement.label(q));
        row.add(v == null ? "" : num(v));
      }
      row.add(m.unit());
      row.add(bytes(m));
      table.row(row);
    }
    return table.toString();
  }

  private static String shortName(String baseline) {
    return switch (baseline) {
      case BaselineQueues.PBQ -> "PBQ";
      case BaselineQueues.CSLM -> "CSLM";
      case BaselineQueues.SYNC_PQ -> "sync PQ";
      case BaselineQueues.CLQ -> "CLQ";
      case BaselineQueues.PBQ_TICKETS -> "PBQ+tickets";
      default -> baseline;
    };
  }

  static String ops(double v) {
    return String.format(Locale.ROOT, "%,.0f", v);
  }

  static String times(double ratio) {
    return String.format(Locale.ROOT, "%.2fx", ratio);
  }

  static String num(double v) {
    return String.format(Locale.ROOT, v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : "%.2f", v);
  }

  private static String err(Measurement m) {
    return m.error() == null ? "n/a" : ops(m.error());
  }

  private static String bytes(Measurement m) {
    return m.allocBytes() == null ? "" : String.format(Locale.ROOT, "%.0f", m.allocBytes());
  }

  /** A plain text table; the first column is left-aligned, the others right-aligned. */
  static final class Table {
    private final List<String> head;
    private final List<List<String>> rows = new ArrayList<>();

    Table(List<String> head) {
      this.head = List.copyOf(head);
    }

    void row(List<String> cells) {
      if (cells.size() != head.size()) {
        throw new IllegalArgumentException("a row of " + head.size() + " columns expected, got " + cells);
      }
      rows.add(List.copyOf(cells));
    }

    @Override
    public String toString() {
      int[] width = new int[head.size()];
      for (int i = 0; i < width.length; i++) {
        width[i] = head.get(i).length();
        for (List<String> r : rows) {
          width[i] = Math.max(width[i], r.get(i).length());
        }
      }
      StringBuilder sb = new StringBuilder();
      line(sb, head, width);
      for (int i = 0; i < width.length; i++) {
        sb.append(i == 0 ? "" : "  ").append("-".repeat(width[i]));
      }
      sb.append('\n');
      rows.forEach(r -> line(sb, r, width));
      return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> cells, int[] width) {
      for (int i = 0; i < width.length; i++) {
        String c = cells.get(i);
        String pad = " ".repeat(width[i] - c.length());
        sb.append(i == 0 ? "" : "  ").append(i == 0 ? c + pad : pad + c);
      }
      sb.append('\n');
    }
  }
}
