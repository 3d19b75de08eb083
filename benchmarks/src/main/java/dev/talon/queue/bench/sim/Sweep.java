package dev.talon.queue.bench.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.talon.queue.bench.sim.Scenario.PolicySpec;
import dev.talon.queue.bench.sim.SimulationResult.ClassResult;
import dev.talon.queue.bench.sim.SimulationResult.PolicyResult;
import dev.talon.queue.bench.sim.SvgChart.Axis;
import dev.talon.queue.bench.sim.SvgChart.Point;
import dev.talon.queue.spi.Policy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * A sweep: one policy family over a range of its parameter, run on the same arrivals as the
 * scenario's own policies, and the Pareto frontier of booked visitors on time against the
 * walk-in p95 and p99 waits of everyone (censored waits counted as their length so far).
 *
 * <pre>{@code
 * SweepResult r = Sweep.run(scenario, Sweep.Family.MAX_WAIT, Sweep.Range.parse("15:180:15"), PolicyResolver.library());
 * }</pre>
 */
final class Sweep {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int MAX_POINTS = 200;

  private Sweep() {}

  /** The policy families a sweep can vary, each with one parameter. */
  enum Family {
    /** Strict priority for bookings, guarded by a maximum wait of x minutes for every class. */
    MAX_WAIT("max-wait", "limit (min)", "15:180:15",
        x -> "{\"type\":\"max-wait\",\"limit\":\"" + duration(x) + "\",\"inner\":{\"type\":\"priority\","
            + "\"order\":[\"booked\",\"walk-in\"]}}"),
    /** A ratio of x booked calls to one walk-in call. */
    RATIO("ratio", "booked weight", "1:10:1",
        x -> "{\"type\":\"ratio\",\"weights\":{\"booked\":" + x.longValue() + ",\"walk-in\":1}}"),
    /** Earliest deadline first: booked visitors 10 minutes, walk-ins x minutes. */
    DEADLINE("deadline", "walk-in target (min)", "10:180:10",
        x -> "{\"type\":\"deadline\",\"targets\":{\"booked\":\"PT10M\",\"walk-in\":\"" + duration(x) + "\"}}"),
    /** Booked-time interleave with a late limit of x minutes. */
    BOOKED_TIME("booked-time", "late limit (min)", "0:60:5",
        x -> "{\"type\":\"booked-time\",\"lateLimit\":\"" + duration(x) + "\"}");

    final String id;
    final String parameter;
    final String defaultRange;
    private final Function<Double, String> json;

    Family(String id, String parameter, String defaultRange, Function<Double, String> json) {
      this.id = id;
      this.parameter = parameter;
      this.defaultRange = defaultRange;
      this.json = json;
    }

    String json(double x) {
      return json.apply(x);
    }

    static Family of(String id) {
      for (Family f : values()) {
        if (f.id.equals(id)) {
          return f;
        }
      }
      throw new IllegalArgumentException("unknown sweep family \"" + id + "\"; the families are "
          + Arrays.stream(values()).map(f -> f.id).toList());
    }

    private static String duration(double minutes) {
      long seconds = Math.round(minutes * 60);
      return seconds % 60 == 0 ? "PT" + seconds / 60 + "M" : "PT" + seconds + "S";
    }
  }

  /** Parameter values from {@code from} to {@code to} (inclusive) in steps of {@code step}. */
  record Range(double from, double to, double step) {
    Range {
      if (!(step > 0) || !(from >= 0) || !(to >= from)) {
        throw new IllegalArgumentException("a sweep range needs 0 <= FROM <= TO and STEP > 0, was " + from + ":" + to
            + ":" + step);
      }
      if ((to - from) / step + 1 > MAX_POINTS + 1e-9) {
        throw new IllegalArgumentException("a sweep range may hold at most " + MAX_POINTS + " values, "
            + from + ":" + to + ":" + step + " holds " + (long) Math.floor((to - from) / step + 1));
      }
    }

    /** {@code FROM:TO:STEP}, e.g. {@code 15:180:15}. */
    static Range parse(String text) {
      String[] parts = text.split(":");
      if (parts.length != 3) {
        throw new IllegalArgumentException("a sweep range is FROM:TO:STEP (e.g. 15:180:15), was \"" + text + "\"");
      }
      try {
        return new Range(Double.parseDouble(parts[0]), Double.parseDouble(parts[1]), Double.parseDouble(parts[2]));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("a sweep range is FROM:TO:STEP with numbers, was \"" + text + "\"", e);
      }
    }

    List<Double> values() {
      List<Double> out = new ArrayList<>();
      for (int i = 0; from + i * step <= to + 1e-9; i++) {
        out.add(ClassTally.round(from + i * step));
      }
      return out;
    }
  }

  /**
   * One policy of the sweep.
   *
   * @param label        its label (the parameter's value for grid points)
   * @param parameter    the parameter's value; null for the scenario's own policies
   * @param bundled      true for the scenario's own policies
   * @param bookedOnTime share of visitors with a booking called on time; null when nobody had one
   * @param walkInP95    p95 wait of everyone in the walk-in line (minutes)
   * @param p95AtLeast   true when that is a lower bound (censored waits at or below it)
   * @param walkInP99    p99 likewise
   * @param p99AtLeast   likewise
   * @param servedShare  share of everyone who came who was served
   * @param paretoP95    on the frontier of booked on time against walk-in p95
   * @param paretoP99    on the frontier of booked on time against walk-in p99
   */
  record SweepPoint(String label, Double parameter, boolean bundled, Double bookedOnTime, Double walkInP95,
      boolean p95AtLeast, Double walkInP99, boolean p99AtLeast, double servedShare, boolean paretoP95,
      boolean paretoP99) {}

  /** The sweep's outcome, in grid order then the scenario's policies. */
  record SweepResult(String scenario, long seed, String family, String parameter, List<SweepPoint> points) {
    SweepResult {
      points = List.copyOf(points);
    }
  }

  static SweepResult run(Scenario scenario, Family family, Range range, PolicyResolver resolver, DaySimulation sim) {
    List<PolicySpec> grid = new ArrayList<>();
    for (double x : range.values()) {
      if (family == Family.RATIO && (x != Math.rint(x) || x < 1)) {
        throw new IllegalArgumentException("sweep ratio: the booked weight must be a whole number >= 1, was "
            + JsonCursor.format(x) + "; give a range like 1:10:1");
      }
      String json = family.json(x);
      Policy<?> policy;
      try {
        JsonNode node = JSON.readTree(json);
        policy = resolver.resolve(node);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("sweep " + family.id + " at " + JsonCursor.format(x) + ": " + e.getMessage(),
            e);
      }
      grid.add(new PolicySpec(family.id + " " + JsonCursor.format(x), policy, json));
    }
    List<PolicySpec> all = new ArrayList<>(grid);
    for (PolicySpec own : scenario.policies()) {
      if (all.stream().noneMatch(p -> p.label().equals(own.label()))) {
        all.add(own);
      }
    }
    Scenario swept = scenario.withPolicies(all);
    SimulationResult r = sim.run(swept);
    List<Double> values = range.values();
    List<SweepPoint> points = new ArrayList<>();
    for (int i = 0; i < r.policies().size(); i++) {
      PolicyResult p = r.policies().get(i);
      ClassResult w = p.row(Policy.WALK_IN) != null ? p.row(Policy.WALK_IN) : p.row("all");
      ClassResult a = p.row("all");
      points.add(new SweepPoint(p.label(), i < grid.size() ? values.get(i) : null, i >= grid.size(), a.onTimeShare(),
          w.everyoneP95(), w.everyoneP95AtLeast(), w.everyoneP99(), w.everyoneP99AtLeast(),
          a.arrived() == 0 ? 0 : ClassTally.round((double) a.served() / a.arrived()), false, false));
    }
    List<SweepPoint> marked = new ArrayList<>();
    for (SweepPoint p : points) {
      marked.add(new SweepPoint(p.label(), p.parameter(), p.bundled(), p.bookedOnTime(), p.walkInP95(), p.p95AtLeast(),
          p.walkInP99(), p.p99AtLeast(), p.servedShare(), pareto(p, points, SweepPoint::walkInP95),
          pareto(p, points, SweepPoint::walkInP99)));
    }
    return new SweepResult(scenario.name(), scenario.seed(), family.id, family.parameter, marked);
  }

  /** Not dominated: no other point has as many bookings on time and as short a wait, one of them strictly better. */
  static boolean pareto(SweepPoint p, List<SweepPoint> all, Function<SweepPoint, Double> wait) {
    double on = p.bookedOnTime() == null ? 0 : p.bookedOnTime();
    Double w = wait.apply(p);
    if (w == null) {
      return false;
    }
    for (SweepPoint q : all) {
      double qOn = q.bookedOnTime() == null ? 0 : q.bookedOnTime();
      Double qw = wait.apply(q);
      if (q != p && qw != null && qOn >= on && qw <= w && (qOn > on || qw < w)) {
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------- reports

  static String console(SweepResult r) {
    StringBuilder sb = new StringBuilder();
    List<List<String>> rows = rows(r);
    int[] width = new int[rows.get(0).size()];
    for (List<String> row : rows) {
      for (int i = 0; i < width.length; i++) {
        width[i] = Math.max(width[i], row.get(i).length());
      }
    }
    for (int k = 0; k < rows.size(); k++) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < width.length; i++) {
        String c = rows.get(k).get(i);
        line.append(i > 0 ? "  " : "").append(i == 0 ? c + " ".repeat(width[i] - c.length())
            : " ".repeat(width[i] - c.length()) + c);
      }
      sb.append(line.toString().stripTrailing()).append('\n');
      if (k == 0) {
        sb.append("-".repeat(Arrays.stream(width).sum() + 2 * (width.length - 1))).append('\n');
      }
    }
    return sb.toString();
  }

  private static List<List<String>> rows(SweepResult r) {
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("policy", "booked on time", "walk-in p95", "walk-in p99", "served", "frontier p95",
        "frontier p99"));
    for (SweepPoint p : r.points()) {
      rows.add(List.of(p.label() + (p.bundled() ? " (bundled)" : ""),
          p.bookedOnTime() == null ? "n/a" : Verdict.pct(p.bookedOnTime()), Verdict.min(p.walkInP95(), p.p95AtLeast()),
          Verdict.min(p.walkInP99(), p.p99AtLeast()), Verdict.pct(p.servedShare()), p.paretoP95() ? "yes" : "",
          p.paretoP99() ? "yes" : ""));
    }
    return rows;
  }

  static String csv(SweepResult r) {
    StringBuilder sb = new StringBuilder();
    Reports.row(sb, List.of("scenario", "seed", "family", "policy", "parameter", "bundled", "booked_on_time",
        "walk_in_p95_min", "walk_in_p95_at_least", "walk_in_p99_min", "walk_in_p99_at_least", "served_share",
        "pareto_p95", "pareto_p99"));
    for (SweepPoint p : r.points()) {
      Reports.row(sb, List.of(r.scenario(), Long.toString(r.seed()), r.family(), p.label(),
          p.parameter() == null ? "" : JsonCursor.format(p.parameter()), Boolean.toString(p.bundled()),
          p.bookedOnTime() == null ? "" : p.bookedOnTime().toString(), String.valueOf(p.walkInP95()),
          Boolean.toString(p.p95AtLeast()), String.valueOf(p.walkInP99()), Boolean.toString(p.p99AtLeast()),
          Double.toString(p.servedShare()), Boolean.toString(p.paretoP95()), Boolean.toString(p.paretoP99())));
    }
    return sb.toString();
  }

  static String html(SweepResult r) {
    StringBuilder h = new StringBuilder();
    Html.head(h, "Talon sweep: " + r.family() + " on " + r.scenario());
    h.append("<h1>Sweep of ").append(Html.escape(r.family())).append(" on ").append(Html.escape(r.scenario()))
        .append("</h1>\n<p class=\"description\">Every policy ran the same arrivals (seed ").append(r.seed())
        .append("). The frontier joins the policies no other beats on both booked visitors on time and the walk-in"
            + " wait of everyone (≥: a lower bound, censored waits of those who left or were sent home lie at or below"
            + " it). Diamonds: the scenario's own policies.</p>\n<p class=\"summary\">")
        .append(Html.escape(summary(r))).append("</p>\n<div class=\"multiples\">\n");
    Html.figure(h, chart(r, true));
    Html.figure(h, chart(r, false));
    h.append("</div>\n<div class=\"scroll\"><table>\n<thead><tr>");
    List<List<String>> rows = rows(r);
    for (int i = 0; i < rows.get(0).size(); i++) {
      h.append(i == 0 ? "<th>" : "<th class=\"n\">").append(Html.escape(rows.get(0).get(i))).append("</th>");
    }
    h.append("</tr></thead>\n<tbody>\n");
    for (List<String> row : rows.subList(1, rows.size())) {
      h.append("<tr>");
      for (int i = 0; i < row.size(); i++) {
        h.append(i == 0 ? "<td>" : "<td class=\"n\">").append(Html.escape(row.get(i))).append("</td>");
      }
      h.append("</tr>\n");
    }
    h.append("</tbody></table></div>\n</body>\n</html>\n");
    return h.toString();
  }

  /** The frontier in words: its points by walk-in p95, and where the scenario's own policies stand. */
  static String summary(SweepResult r) {
    List<SweepPoint> frontier = r.points().stream().filter(SweepPoint::paretoP95)
        .sorted(Comparator.comparingDouble(SweepPoint::walkInP95)).toList();
    List<String> parts = new ArrayList<>();
    for (SweepPoint p : frontier) {
      parts.add(p.label() + " (" + (p.bookedOnTime() == null ? "n/a" : Verdict.pct(p.bookedOnTime())) + " on time, p95 "
          + Verdict.min(p.walkInP95(), p.p95AtLeast()) + ")");
    }
    List<String> off = r.points().stream().filter(p -> p.bundled() && !p.paretoP95()).map(SweepPoint::label).toList();
    return "Frontier (booked on time against walk-in p95): " + String.join(", ", parts) + "."
        + (off.isEmpty() ? "" : " Off the frontier among the scenario's policies: " + String.join(", ", off) + ".");
  }

  private static String chart(SweepResult r, boolean p95) {
    List<Point> points = new ArrayList<>();
    List<SweepPoint> sorted = new ArrayList<>(r.points());
    Function<SweepPoint, Double> wait = p95 ? SweepPoint::walkInP95 : SweepPoint::walkInP99;
    sorted.removeIf(p -> wait.apply(p) == null);
    for (SweepPoint p : sorted) {
      boolean front = p95 ? p.paretoP95() : p.paretoP99();
      points.add(new Point(p.label(), wait.apply(p), p.bookedOnTime() == null ? 0 : p.bookedOnTime() * 100,
          p.bundled(), front));
    }
    // In result order: the grid's circles first, then the scenario's policies as diamonds, each in the same colour
    // on both charts.
    String which = p95 ? "p95" : "p99";
    return SvgChart.scatter("Frontier: booked on time vs walk-in " + which, Axis.numeric("walk-in " + which
        + " wait of everyone (minutes)"), new Axis("booked visitors on time (%)", SvgChart::number, null), points);
  }

  /** Writes sweep.csv, sweep.json and sweep.html into {@code dir}. */
  static Path write(SweepResult r, Path dir) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("sweep.csv"), csv(r), StandardCharsets.UTF_8);
      Files.writeString(dir.resolve("sweep.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r) + "\n",
          StandardCharsets.UTF_8);
      Files.writeString(dir.resolve("sweep.html"), html(r), StandardCharsets.UTF_8);
      return dir.resolve("sweep.html");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the sweep reports to " + dir + ": " + e.getMessage(), e);
    }
  }
}
