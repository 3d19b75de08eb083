package dev.talon.queue.bench.sim;

import dev.talon.queue.bench.sim.SimulationResult.DayProfile;
import dev.talon.queue.bench.sim.SimulationResult.PolicyResult;
import dev.talon.queue.bench.sim.SimulationResult.ProfileSeries;
import dev.talon.queue.bench.sim.SimulationResult.WaitCurve;
import dev.talon.queue.bench.sim.SvgChart.Axis;
import dev.talon.queue.bench.sim.SvgChart.Series;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The self-contained HTML report, with no scripts or links: the verdict first, then small multiples
 * of the waits of everyone and of the day's profile, the estimators, the full table and its notes.
 */
final class Html {
  private static final String STYLE = """
      body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2em auto;
             max-width: 1500px; padding: 0 1em; color: #222; }
      h1 { font-size: 1.6em; margin-bottom: .2em; } h2 { font-size: 1.25em; margin-top: 2em; }
      h3 { font-size: 1.05em; margin: 1.2em 0 .4em; }
      .description { color: #444; max-width: 70em; }
      dl.facts { display: grid; grid-template-columns: max-content auto; gap: .2em 1em; }
      dl.facts dt { font-weight: 600; } dl.facts dd { margin: 0; }
      table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
      th, td { padding: .25em .6em; border-bottom: 1px solid #e4e4e4; white-space: nowrap; }
      th { background: #f4f4f4; text-align: left; } td.n, th.n { text-align: right; }
      tbody { border-top: 2px solid #999; } tr.all td { font-weight: 600; }
      td.best { background: #e3f4e1; font-weight: 600; } td.worst { background: #fbe7e4; }
      .scroll { overflow-x: auto; }
      table.wrap th { white-space: normal; max-width: 8.5em; vertical-align: bottom; }
      #verdict { border: 2px solid #2c7a2c; border-radius: 6px; padding: .2em 1.2em 1em; background: #fafdf9; }
      #verdict h2 { margin-top: .6em; } #verdict p.summary { font-size: 1.1em; max-width: 70em; }
      #verdict ul.trades li { margin: .25em 0; max-width: 80em; }
      ol.notes, p.note { color: #555; font-size: .92em; max-width: 80em; }
      .multiples { display: grid; grid-template-columns: repeat(auto-fill, minmax(440px, 1fr)); gap: 12px; }
      .multiples figure { margin: 0; }
      svg.chart { width: 100%; height: auto; background: #fff; border: 1px solid #ddd; display: block; }
      svg .title { font-size: 14px; font-weight: 600; } svg .tick, svg .legend { font-size: 11px; fill: #333; }
      svg .axis { font-size: 12px; fill: #333; } svg .grid { stroke: #eee; } svg .frame { fill: none; stroke: #999; }
      svg .point { fill: #9aa8b8; } svg .pareto { fill: #1f77b4; } svg .frontier { stroke: #1f77b4; stroke-width: 2; }
      code, pre { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .92em; }
      """;

  private Html() {}

  static String report(SimulationResult r) {
    StringBuilder h = new StringBuilder();
    head(h, "Talon day simulator: " + r.scenario());
    h.append("<h1>Talon day simulator: ").append(escape(r.scenario())).append("</h1>\n");
    if (!r.description().isBlank()) {
      h.append("<p class=\"description\">").append(escape(r.description())).append("</p>\n");
    }
    verdict(h, r);
    h.append("<dl class=\"facts\">\n");
    fact(h, "Seed", Long.toString(r.seed()));
    fact(h, "Days", r.firstDay() + (r.days() > 1 ? " and the " + (r.days() - 1) + " days after" : ""));
    fact(h, "Time zone", r.zone());
    fact(h, "Event store", r.store());
    fact(h, "Arrivals", Reports.arrivalsText(r.arrivals()));
    if (r.arrivals().calendar() != null) {
      fact(h, "Booking calendar", Reports.calendarText(r.arrivals().calendar()));
    }
    h.append("</dl>\n");

    h.append("<h2 id=\"waits\">Waits of everyone with a ticket</h2>\n<p class=\"note\">Per policy, on shared axes:"
        + " solid lines, the share of each class called within the time; dashed, the share gone uncalled by then (left"
        + " or sent home: their waits are censored). What is missing at the right end was still waiting.</p>\n");
    h.append("<div class=\"multiples\">\n");
    double waitMax = 0;
    for (PolicyResult p : r.policies()) {
      for (WaitCurve c : p.waitCurves()) {
        waitMax = Math.max(waitMax, c.minutes().isEmpty() ? 0 : c.minutes().get(c.minutes().size() - 1));
      }
    }
    for (PolicyResult p : r.policies()) {
      figure(h, waitChart(p, waitMax));
    }
    h.append("</div>\n");

    h.append("<h2 id=\"profiles\">The day, averaged").append(r.days() > 1 ? " over " + r.days() + " days" : "")
        .append("</h2>\n<p class=\"note\">Time of day on the horizontal axis; each value is the average of the samples"
            + " taken in that part of the day").append(r.days() > 1 ? " on every day" : "").append(".</p>\n");
    h.append("<div class=\"multiples\">\n");
    for (String unit : PROFILE_UNITS) {
      double max = 0;
      for (PolicyResult p : r.policies()) {
        for (ProfileSeries s : p.profile().series()) {
          if (s.unit().equals(unit)) {
            max = Math.max(max, smoothed(s, p.profile().binMinutes(), unit).stream().mapToDouble(Double::doubleValue)
                .max().orElse(0));
          }
        }
      }
      for (PolicyResult p : r.policies()) {
        figure(h, profileChart(p, unit, max));
      }
    }
    h.append("</div>\n");

    estimators(h, r);

    h.append("<h2 id=\"table\">Results per policy and class</h2>\n<div class=\"scroll\"><table class=\"wrap\">\n")
        .append("<thead><tr>");
    for (int i = 0; i < ResultTable.HEADER.size(); i++) {
      h.append(i >= ResultTable.FIRST_NUMERIC ? "<th class=\"n\">" : "<th>").append(escape(ResultTable.HEADER.get(i)))
          .append("</th>");
    }
    h.append("</tr></thead>\n");
    for (List<List<String>> group : ResultTable.groups(r)) {
      h.append("<tbody>\n");
      for (List<String> row : group) {
        h.append("all".equals(row.get(1)) ? "<tr class=\"all\">" : "<tr>");
        for (int i = 0; i < row.size(); i++) {
          h.append(i >= ResultTable.FIRST_NUMERIC ? "<td class=\"n\">" : "<td>").append(escape(row.get(i)))
              .append("</td>");
        }
        h.append("</tr>\n");
      }
      h.append("</tbody>\n");
    }
    h.append("</table></div>\n<p class=\"note\">Desk time spent calling and recalling visitors who had gone: ");
    List<String> recall = new ArrayList<>();
    for (PolicyResult p : r.policies()) {
      recall.add(escape(p.label()) + " " + (p.recallShare() == null ? "n/a" : Verdict.pct(p.recallShare())));
    }
    h.append(String.join(", ", recall)).append(" of staffed time.</p>\n<ol class=\"notes\">\n");
    for (String note : r.notes()) {
      h.append("<li>").append(escape(note)).append("</li>\n");
    }
    h.append("</ol>\n");

    h.append("<h2>Policies</h2>\n<dl class=\"facts\">\n");
    for (PolicyResult p : r.policies()) {
      factHtml(h, p.label(), "<code>" + escape(p.config()) + "</code>, declared bypass bound "
          + escape(ResultTable.bound(p.bypassBound())));
    }
    h.append("</dl>\n</body>\n</html>\n");
    return h.toString();
  }

  static void head(StringBuilder h, String title) {
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
        .append(escape(title)).append("</title>\n<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n");
  }

  static void figure(StringBuilder h, String svg) {
    h.append("<figure>").append(svg).append("</figure>\n");
  }

  private static void verdict(StringBuilder h, SimulationResult r) {
    Verdict v = r.verdict();
    h.append("<section id=\"verdict\">\n<h2>Verdict: which policy for this branch?</h2>\n<p class=\"summary\">")
        .append(escape(v.summary())).append("</p>\n<div class=\"scroll\"><table class=\"wrap\">\n<thead><tr><th>#</th>")
        .append("<th>policy</th>");
    for (Verdict.Question q : v.questions()) {
      h.append("<th class=\"n\">").append(escape(q.text())).append(q.higherIsBetter() ? " ↑" : " ↓").append("</th>");
    }
    h.append("<th class=\"n\">").append(escape(v.walkInClass())).append(" gone uncalled</th>")
        .append("<th class=\"n\">mean rank</th></tr></thead>\n<tbody>\n");
    for (Verdict.Standing s : v.standings()) {
      h.append("<tr><td>").append(s.place()).append("</td><td>").append(escape(s.label())).append("</td>");
      for (Verdict.Answer a : s.answers()) {
        String cls = a.rank() == null ? "n" : a.rank() == 1 ? "n best" : a.rank() == v.standings().size() ? "n worst"
            : "n";
        h.append("<td class=\"").append(cls).append("\">").append(escape(a.shown())).append("</td>");
      }
      PolicyResult p = r.policies().stream().filter(x -> x.label().equals(s.label())).findFirst().orElseThrow();
      SimulationResult.ClassResult w = p.row(v.walkInClass());
      h.append("<td class=\"n\">").append(w.censored()).append(" of ").append(w.ticketed()).append("</td>");
      h.append("<td class=\"n\">").append(s.meanRank() == null ? "n/a" : String.format(Locale.ROOT, "%.1f",
          s.meanRank())).append("</td></tr>\n");
    }
    h.append("</tbody></table></div>\n<ul class=\"trades\">\n");
    for (Verdict.Standing s : v.standings()) {
      h.append("<li>").append(escape(s.trade())).append("</li>\n");
    }
    h.append("</ul>\n<p class=\"note\">Green: best on the question; red: worst. Waits count everyone who had a ticket:"
        + " a visitor who left or was sent home uncalled counts with the wait so far, and ≥ marks a percentile that"
        + " such censored waits may have pushed higher. Booked on time: visitors with a booking called within the"
        + " on-time limit of their window. Share served and served within target: of everyone who came, refused ones"
        + " included. Fairness: the declared bypass bound (lower is fairer), the measured one in brackets.</p>\n")
        .append("</section>\n");
  }

  private static void estimators(StringBuilder h, SimulationResult r) {
    List<List<String>> rows = ResultTable.estimatorRows(r);
    if (rows.isEmpty()) {
      return;
    }
    h.append("<h2 id=\"estimators\">Wait estimates: MAE / coverage per estimator</h2>\n<p class=\"note\">Estimates"
        + " given at issue to every ticket that then waited, against the wait until its call (minutes); coverage is"
        + " the share of actual waits inside the estimator's range, its stated coverage in brackets. Censored: tickets"
        + " cancelled or sent home before a call, left out.</p>\n<div class=\"scroll\"><table class=\"wrap\">\n"
        + "<thead><tr>");
    for (int i = 0; i < rows.get(0).size(); i++) {
      h.append(i >= 1 ? "<th class=\"n\">" : "<th>").append(escape(rows.get(0).get(i))).append("</th>");
    }
    h.append("</tr></thead>\n<tbody>\n");
    for (List<String> row : rows.subList(1, rows.size())) {
      h.append("<tr>");
      for (int i = 0; i < row.size(); i++) {
        h.append(i >= 1 ? "<td class=\"n\">" : "<td>").append(escape(row.get(i))).append("</td>");
      }
      h.append("</tr>\n");
    }
    h.append("</tbody></table></div>\n<dl class=\"facts\">\n");
    for (int i = 0; i < EstimatorPanel.NAMES.size(); i++) {
      fact(h, EstimatorPanel.NAMES.get(i), EstimatorPanel.DESCRIPTIONS.get(i));
    }
    h.append("</dl>\n");
  }

  /** The minutes, with one more point at the shared axis end, where every curve stays at its last value. */
  private static double[] extended(List<Double> minutes, double end) {
    double[] x = new double[minutes.size() + 1];
    for (int i = 0; i < minutes.size(); i++) {
      x[i] = minutes.get(i);
    }
    x[minutes.size()] = Math.max(end, minutes.isEmpty() ? 0 : minutes.get(minutes.size() - 1));
    return x;
  }

  private static double[] percents(List<Double> shares) {
    double[] y = new double[shares.size() + 1];
    for (int i = 0; i < shares.size(); i++) {
      y[i] = shares.get(i) * 100;
    }
    y[shares.size()] = shares.isEmpty() ? 0 : y[shares.size() - 1];
    return y;
  }

  private static String waitChart(PolicyResult p, double waitMax) {
    List<Series> series = new ArrayList<>();
    for (WaitCurve c : p.waitCurves()) {
      series.add(new Series(c.cls() + " called", extended(c.minutes(), waitMax), percents(c.calledShare())));
    }
    for (WaitCurve c : p.waitCurves()) {
      series.add(new Series(c.cls() + " gone", extended(c.minutes(), waitMax), percents(c.goneShare()), true));
    }
    return SvgChart.lines("Waits: " + p.label(), Axis.numeric("wait (minutes)"),
        new Axis("share of everyone with a ticket (%)", SvgChart::number, null), series,
        new SvgChart.Scale(waitMax, 100.0));
  }

  /** The profile charts, one row of small multiples per unit. */
  private static final List<String> PROFILE_UNITS = List.of("tickets", "desks", "visitors per hour");
  private static final double SMOOTH_MINUTES = 30;

  private static String profileChart(PolicyResult p, String unit, double yMax) {
    DayProfile d = p.profile();
    double[] x = d.minuteOfDay().stream().mapToDouble(Double::doubleValue).toArray();
    List<Series> series = new ArrayList<>();
    for (ProfileSeries s : d.series()) {
      if (s.unit().equals(unit)) {
        series.add(new Series(s.name(), x, smoothed(s, d.binMinutes(), unit).stream().mapToDouble(Double::doubleValue)
            .toArray(), s.name().equals("desks open")));
      }
    }
    double from = x.length == 0 ? 0 : x[0];
    double to = x.length == 0 ? 1 : x[x.length - 1] + d.binMinutes();
    Axis time = new Axis("time of day", m -> clock(m, false), SvgChart.clockTicks(from, to));
    String title = switch (unit) {
      case "tickets" -> "Waiting tickets: ";
      case "desks" -> "Desks open and busy: ";
      default -> "Visitors leaving (30-min average): ";
    };
    String yTitle = switch (unit) {
      case "tickets" -> "tickets waiting (average)";
      case "desks" -> "desks (average)";
      default -> "visitors giving up per hour";
    };
    return SvgChart.lines(title + p.label(), time, Axis.numeric(yTitle), series, new SvgChart.Scale(null, yMax));
  }

  /** Leavers are few per bin: shown as a moving average over about half an hour; the rest as they are. */
  private static List<Double> smoothed(ProfileSeries s, double binMinutes, String unit) {
    if (!unit.equals("visitors per hour")) {
      return s.values();
    }
    int half = (int) Math.max(0, Math.round(SMOOTH_MINUTES / binMinutes / 2));
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < s.values().size(); i++) {
      double sum = 0;
      int n = 0;
      for (int k = Math.max(0, i - half); k <= Math.min(s.values().size() - 1, i + half); k++) {
        sum += s.values().get(k);
        n++;
      }
      out.add(sum / n);
    }
    return out;
  }

  /** Minutes since the first day's midnight as {@code HH:mm}, or {@code d3 HH:mm} over several days. */
  static String clock(double minute, boolean withDay) {
    long m = Math.round(minute);
    String hm = String.format(Locale.ROOT, "%02d:%02d", (m % 1440) / 60, m % 60);
    return withDay ? "d" + (m / 1440 + 1) + " " + hm : hm;
  }

  private static void fact(StringBuilder h, String term, String text) {
    factHtml(h, term, escape(text));
  }

  private static void factHtml(StringBuilder h, String term, String html) {
    h.append("<dt>").append(escape(term)).append("</dt><dd>").append(html).append("</dd>\n");
  }

  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
