package dev.talon.queue.bench.sim;

import dev.talon.queue.bench.sim.SimulationResult.ClassSeries;
import dev.talon.queue.bench.sim.SimulationResult.PolicyResult;
import dev.talon.queue.bench.sim.SimulationResult.WaitPercentiles;
import dev.talon.queue.bench.sim.SvgChart.Axis;
import dev.talon.queue.bench.sim.SvgChart.Series;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The self-contained HTML report: the table, the notes and SVG charts, with no scripts or links. */
final class Html {
  private static final String STYLE = """
      body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2em auto;
             max-width: 1200px; padding: 0 1em; color: #222; }
      h1 { font-size: 1.6em; margin-bottom: .2em; } h2 { font-size: 1.2em; margin-top: 2em; }
      .description { color: #444; max-width: 60em; }
      dl.facts { display: grid; grid-template-columns: max-content auto; gap: .2em 1em; }
      dl.facts dt { font-weight: 600; } dl.facts dd { margin: 0; }
      table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
      th, td { padding: .25em .6em; border-bottom: 1px solid #e4e4e4; white-space: nowrap; }
      th { background: #f4f4f4; text-align: left; } td.n, th.n { text-align: right; }
      tbody { border-top: 2px solid #999; } tr.all td { font-weight: 600; }
      ol.notes { color: #555; font-size: .92em; max-width: 70em; }
      .charts { display: flex; flex-wrap: wrap; gap: 1em; }
      svg { background: #fff; border: 1px solid #ddd; }
      svg .title { font-size: 13px; font-weight: 600; } svg .tick, svg .legend { font-size: 11px; fill: #333; }
      svg .axis { font-size: 12px; fill: #333; } svg .grid { stroke: #eee; } svg .frame { fill: none; stroke: #999; }
      code, pre { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .92em; }
      """;

  private Html() {}

  static String report(SimulationResult r) {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Talon day simulator: ")
        .append(escape(r.scenario())).append("</title>\n<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n");
    h.append("<h1>Talon day simulator: ").append(escape(r.scenario())).append("</h1>\n");
    if (!r.description().isBlank()) {
      h.append("<p class=\"description\">").append(escape(r.description())).append("</p>\n");
    }
    h.append("<dl class=\"facts\">\n");
    fact(h, "Seed", Long.toString(r.seed()));
    fact(h, "Days", r.firstDay() + (r.days() > 1 ? " and the " + (r.days() - 1) + " days after" : ""));
    fact(h, "Time zone", r.zone());
    fact(h, "Event store", r.store());
    fact(h, "Arrivals", Reports.arrivalsText(r.arrivals()));
    h.append("</dl>\n");

    h.append("<h2>Results per policy and class</h2>\n<table>\n<thead><tr>");
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
    h.append("</table>\n<ol class=\"notes\">\n");
    for (String note : r.notes()) {
      h.append("<li>").append(escape(note)).append("</li>\n");
    }
    h.append("</ol>\n");

    h.append("<h2>Waiting tickets per class over the day</h2>\n<div class=\"charts\">\n");
    for (PolicyResult p : r.policies()) {
      h.append(queueChart(p, r.days()));
    }
    h.append("</div>\n<h2>Wait distributions per policy</h2>\n<div class=\"charts\">\n");
    for (String cls : classes(r)) {
      h.append(waitChart(r, cls));
    }
    h.append("</div>\n<h2>Policies</h2>\n<dl class=\"facts\">\n");
    for (PolicyResult p : r.policies()) {
      factHtml(h, p.label(), "<code>" + escape(p.config()) + "</code>, declared bypass bound "
          + escape(ResultTable.bound(p.bypassBound())));
    }
    h.append("</dl>\n</body>\n</html>\n");
    return h.toString();
  }

  private static String queueChart(PolicyResult p, int days) {
    List<Double> minutes = p.queue().minutes();
    double[] x = minutes.stream().mapToDouble(Double::doubleValue).toArray();
    List<Series> series = new ArrayList<>();
    for (ClassSeries c : p.queue().classes()) {
      series.add(new Series(c.cls(), x, c.waiting().stream().mapToDouble(Integer::doubleValue).toArray()));
    }
    double from = x.length == 0 ? 0 : x[0];
    double to = x.length == 0 ? 1 : x[x.length - 1];
    Axis time = new Axis(days > 1 ? "day and time" : "time of day", m -> clock(m, days > 1),
        SvgChart.clockTicks(from, to));
    return SvgChart.lines("Waiting tickets: " + p.label(), time, Axis.numeric("tickets waiting"), series);
  }

  private static String waitChart(SimulationResult r, String cls) {
    List<Series> series = new ArrayList<>();
    for (PolicyResult p : r.policies()) {
      for (WaitPercentiles w : p.waitPercentiles()) {
        if (w.cls().equals(cls)) {
          series.add(new Series(p.label(), w.minutes().stream().mapToDouble(Double::doubleValue).toArray(),
              w.percentiles().stream().mapToDouble(Double::doubleValue).toArray()));
        }
      }
    }
    return SvgChart.lines("Wait distribution: " + cls, Axis.numeric("wait (minutes)"),
        new Axis("served within (%)", SvgChart::number, null), series);
  }

  private static Set<String> classes(SimulationResult r) {
    Set<String> out = new LinkedHashSet<>();
    for (PolicyResult p : r.policies()) {
      p.waitPercentiles().forEach(w -> out.add(w.cls()));
    }
    out.remove("all");
    out.add("all");
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
