package dev.talon.queue.bench.sim;

import dev.talon.queue.bench.sim.SimulationResult.ClassResult;
import dev.talon.queue.bench.sim.SimulationResult.PolicyResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The results as a table of display strings, shared by the console and the HTML report. */
final class ResultTable {
  static final List<String> HEADER = List.of("policy", "class", "arrived", "served", "left", "refused", "home",
      "wait mean", "p50", "p95", "p99", "max", "everyone p95", "p99", "bypass/bound", "on time", "desk", "est. MAE",
      "in range");

  /** Columns from this index on hold numbers and are right-aligned. */
  static final int FIRST_NUMERIC = 2;

  private ResultTable() {}

  /** One group of rows per policy, one row per class; the policy label only on a group's first row. */
  static List<List<List<String>>> groups(SimulationResult result) {
    List<List<List<String>>> groups = new ArrayList<>();
    for (PolicyResult p : result.policies()) {
      List<List<String>> rows = new ArrayList<>();
      for (ClassResult c : p.classes()) {
        rows.add(cells(rows.isEmpty() ? p.label() : "", p.bypassBound(), c));
      }
      groups.add(rows);
    }
    return groups;
  }

  private static List<String> cells(String label, int bound, ClassResult c) {
    boolean estimated = c.estimated() > 0;
    return List.of(label, c.cls(), count(c.arrived()), count(c.served()), count(c.left()), count(c.refused()),
        count(c.sentHome()), minutes(c.waitMean()), minutes(c.waitP50()), minutes(c.waitP95()), minutes(c.waitP99()),
        minutes(c.waitMax()), atLeast(c.everyoneP95(), c.everyoneP95AtLeast()),
        atLeast(c.everyoneP99(), c.everyoneP99AtLeast()),
        (c.bypassMax() == null ? "-" : c.bypassMax().toString()) + "/" + bound(bound),
        c.onTimeShare() == null && c.cls().equals(dev.talon.queue.spi.Policy.WALK_IN) ? "n/a" : percent(c.onTimeShare()),
        percent(c.deskShare()), estimated ? minutes(c.estimateMae()) : "n/a",
        estimated ? percent(c.estimateInRange()) : "n/a");
  }

  private static String atLeast(Double m, boolean atLeast) {
    return m == null ? "-" : (atLeast ? ">=" : "") + minutes(m);
  }

  /** The estimators' table: one row per policy, per estimator its MAE (minutes) and coverage; stated coverage in the header. */
  static List<List<String>> estimatorRows(SimulationResult result) {
    List<List<String>> rows = new ArrayList<>();
    if (result.policies().isEmpty()) {
      return rows;
    }
    List<String> header = new ArrayList<>(List.of("policy", "compared", "censored"));
    for (SimulationResult.EstimatorResult e : result.policies().get(0).estimators()) {
      header.add(e.name() + " (" + percent(e.statedCoverage()) + ")");
    }
    rows.add(header);
    for (PolicyResult p : result.policies()) {
      List<String> row = new ArrayList<>(List.of(p.label(), count(p.estimatesCompared()), count(p.estimatesCensored())));
      for (SimulationResult.EstimatorResult e : p.estimators()) {
        row.add(e.mae() == null ? "n/a" : minutes(e.mae()) + " / " + percent(e.coverage()));
      }
      rows.add(row);
    }
    return rows;
  }

  /** The estimators' table as aligned text. */
  static String estimatorsConsole(SimulationResult result) {
    List<List<String>> rows = estimatorRows(result);
    if (rows.isEmpty()) {
      return "";
    }
    int[] width = new int[rows.get(0).size()];
    for (List<String> row : rows) {
      for (int i = 0; i < width.length; i++) {
        width[i] = Math.max(width[i], row.get(i).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int r = 0; r < rows.size(); r++) {
      line(sb, rows.get(r), width, 1);
      if (r == 0) {
        sb.append("-".repeat(sum(width) + 2 * (width.length - 1))).append('\n');
      }
    }
    return sb.toString();
  }

  static String bound(int bound) {
    return bound < 0 ? "unbounded" : Integer.toString(bound);
  }

  private static String count(int n) {
    return Integer.toString(n);
  }

  private static String minutes(Double m) {
    return m == null ? "-" : String.format(Locale.ROOT, "%.1f", m);
  }

  private static String percent(Double share) {
    return share == null ? "-" : String.format(Locale.ROOT, "%.0f%%", share * 100);
  }

  /** The table as aligned plain text, a rule between policies. */
  static String console(SimulationResult result) {
    List<List<List<String>>> groups = groups(result);
    int[] width = new int[HEADER.size()];
    for (int i = 0; i < width.length; i++) {
      width[i] = HEADER.get(i).length();
    }
    for (List<List<String>> g : groups) {
      for (List<String> row : g) {
        for (int i = 0; i < width.length; i++) {
          width[i] = Math.max(width[i], row.get(i).length());
        }
      }
    }
    StringBuilder sb = new StringBuilder();
    line(sb, HEADER, width, FIRST_NUMERIC);
    String rule = "-".repeat(sum(width) + 2 * (width.length - 1));
    for (List<List<String>> g : groups) {
      sb.append(rule).append('\n');
      for (List<String> row : g) {
        line(sb, row, width, FIRST_NUMERIC);
      }
    }
    return sb.toString();
  }

  private static void line(StringBuilder sb, List<String> cells, int[] width, int firstNumeric) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        line.append("  ");
      }
      String c = cells.get(i);
      String pad = " ".repeat(width[i] - c.length());
      line.append(i >= firstNumeric ? pad + c : c + pad);
    }
    sb.append(line.toString().stripTrailing()).append('\n');
  }

  private static int sum(int[] a) {
    int s = 0;
    for (int v : a) {
      s += v;
    }
    return s;
  }
}
