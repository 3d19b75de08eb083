package dev.talon.queue.bench.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * A small line chart drawn as inline SVG: axes with rounded ticks, one polyline per series and a
 * legend. No scripts and no external resources, so the HTML report works offline; every number
 * is printed with a fixed format, so the same data gives the same bytes.
 */
final class SvgChart {
  private static final int WIDTH = 560;
  private static final int HEIGHT = 320;
  private static final int LEFT = 56;
  private static final int RIGHT = 150;
  private static final int TOP = 30;
  private static final int BOTTOM = 46;
  private static final String[] COLOURS = {
      "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#17becf", "#bcbd22"};

  /**
   * One line: points {@code (x[i], y[i])}, dashed or solid. Lines are drawn thickest first, so a
   * line lying on top of another leaves the one below visible at its edges; a line identical to
   * an earlier one says so in the legend.
   */
  record Series(String name, double[] x, double[] y, boolean dashed) {
    Series(String name, double[] x, double[] y) {
      this(name, x, y, false);
    }
  }

  /** Fixed axis ends, so that small multiples share their scales; null leaves an end to the data. */
  record Scale(Double xMax, Double yMax) {
    static final Scale AUTO = new Scale(null, null);
  }

  /** An axis: the title and how a tick value is printed; {@code ticks} null means rounded numeric ticks. */
  record Axis(String title, DoubleFunction<String> format, double[] ticks) {
    static Axis numeric(String title) {
      return new Axis(title, SvgChart::number, null);
    }
  }

  private SvgChart() {}

  static String lines(String title, Axis xAxis, Axis yAxis, List<Series> series) {
    return lines(title, xAxis, yAxis, series, Scale.AUTO);
  }

  static String lines(String title, Axis xAxis, Axis yAxis, List<Series> series, Scale scale) {
    return chart(title, xAxis, yAxis, series, List.of(), scale);
  }

  /**
   * A point of a scatter chart: {@code marked} points are drawn as filled diamonds with their label,
   * the others as small circles; {@code linked} points are joined in order by a line (a frontier).
   */
  record Point(String label, double x, double y, boolean marked, boolean linked) {}

  static String scatter(String title, Axis xAxis, Axis yAxis, List<Point> points) {
    return chart(title, xAxis, yAxis, List.of(), points, Scale.AUTO);
  }

  private static String chart(String title, Axis xAxis, Axis yAxis, List<Series> series, List<Point> points,
      Scale scale) {
    double xMin = Double.POSITIVE_INFINITY;
    double xMax = Double.NEGATIVE_INFINITY;
    double yMax = 0;
    for (Series s : series) {
      for (int i = 0; i < s.x().length; i++) {
        xMin = Math.min(xMin, s.x()[i]);
        xMax = Math.max(xMax, s.x()[i]);
        yMax = Math.max(yMax, s.y()[i]);
      }
    }
    for (Point p : points) {
      xMin = Math.min(xMin, p.x());
      xMax = Math.max(xMax, p.x());
      yMax = Math.max(yMax, p.y());
    }
    if (scale.xMax() != null) {
      xMax = Math.max(xMax, scale.xMax());
    }
    if (scale.yMax() != null) {
      yMax = Math.max(yMax, scale.yMax());
    }
    if (!(xMax > xMin)) {
      xMin = Double.isInfinite(xMin) ? 0 : xMin;
      xMax = xMin + 1;
    }
    double[] yTicks = niceTicks(0, yMax > 0 ? yMax : 1);
    double yTop = yTicks[yTicks.length - 1];
    double[] xTicks = xAxis.ticks() != null ? xAxis.ticks() : niceTicks(xMin, xMax);
    if (xAxis.ticks() == null) {
      xMin = Math.min(xMin, xTicks[0]);
      xMax = Math.max(xMax, xTicks[xTicks.length - 1]);
    }
    Frame f = new Frame(xMin, xMax, yTop);

    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\""
        + " viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">\n", WIDTH, HEIGHT, Html.escape(title)));
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" class=\"title\">%s</text>\n", LEFT,
        Html.escape(title)));
    for (double t : yTicks) {
      double y = f.y(t);
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" class=\"grid\"/>"
          + "<text x=\"%d\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%s</text>\n", LEFT, y, WIDTH - RIGHT, y,
          LEFT - 6, y + 4, Html.escape(yAxis.format().apply(t))));
    }
    for (double t : xTicks) {
      if (t < xMin || t > xMax) {
        continue;
      }
      double x = f.x(t);
      svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" class=\"grid\"/>"
          + "<text x=\"%.1f\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%s</text>\n", x, TOP, x,
          HEIGHT - BOTTOM, x, HEIGHT - BOTTOM + 16, Html.escape(xAxis.format().apply(t))));
    }
    svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" class=\"frame\"/>\n",
        LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM));
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"axis\" text-anchor=\"middle\">%s</text>\n",
        LEFT + (WIDTH - LEFT - RIGHT) / 2, HEIGHT - 8, Html.escape(xAxis.title())));
    svg.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" class=\"axis\" text-anchor=\"middle\""
        + " transform=\"rotate(-90 14 %d)\">%s</text>\n", TOP + (HEIGHT - TOP - BOTTOM) / 2,
        TOP + (HEIGHT - TOP - BOTTOM) / 2, Html.escape(yAxis.title())));
    for (int i = 0; i < series.size(); i++) {
      Series s = series.get(i);
      String colour = COLOURS[i % COLOURS.length];
      StringBuilder path = new StringBuilder();
      for (int k = 0; k < s.x().length; k++) {
        path.append(k == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.1f,%.1f", f.x(s.x()[k]), f.y(s.y()[k])));
      }
      double width = Math.max(1.4, 4.2 - 0.8 * i); // thickest first: a line on top leaves the one below visible
      String dash = s.dashed() ? " stroke-dasharray=\"6 4\"" : "";
      String name = s.name();
      for (int k = 0; k < i; k++) {
        if (java.util.Arrays.equals(series.get(k).x(), s.x()) && java.util.Arrays.equals(series.get(k).y(), s.y())) {
          name += " (= " + series.get(k).name() + ")";
          break;
        }
      }
      svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\"%s"
          + " stroke-linejoin=\"round\" points=\"%s\"><title>%s</title></polyline>\n", colour, width, dash, path,
          Html.escape(name)));
      legend(svg, i, colour, dash, name);
    }
    List<Point> linked = new ArrayList<>(points.stream().filter(Point::linked).toList());
    linked.sort(java.util.Comparator.comparingDouble(Point::x));
    for (int i = 0; i + 1 < linked.size(); i++) {
      Point p = linked.get(i);
      Point q = linked.get(i + 1);
      svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\""
          + " class=\"frontier\"/>\n", f.x(p.x()), f.y(p.y()), f.x(q.x()), f.y(q.y())));
    }
    int marked = 0;
    List<Point> drawn = new ArrayList<>();
    for (Point p : points) {
      double x = f.x(p.x());
      double y = f.y(p.y());
      if (p.marked()) {
        String colour = COLOURS[(marked + 1) % COLOURS.length];
        Point same = drawn.stream().filter(d -> d.x() == p.x() && d.y() == p.y()).findFirst().orElse(null);
        if (same == null) {
          svg.append(String.format(Locale.ROOT, "<path d=\"M%.1f %.1fl6 6l-6 6l-6 -6z\" fill=\"%s\"%s><title>%s"
              + "</title></path>\n", x, y - 6, colour, p.linked() ? " stroke=\"#000\" stroke-width=\"1.5\"" : "",
              Html.escape(p.label())));
        } else { // on top of an earlier one: a larger hollow diamond around it, so both stay visible
          svg.append(String.format(Locale.ROOT, "<path d=\"M%.1f %.1fl10 10l-10 10l-10 -10z\" fill=\"none\""
              + " stroke=\"%s\" stroke-width=\"2\"><title>%s</title></path>\n", x, y - 10, colour,
              Html.escape(p.label())));
        }
        legend(svg, marked, colour, null, same == null ? p.label() : p.label() + " (= " + same.label() + ")");
        drawn.add(p);
        marked++;
      } else {
        svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" class=\"%s\"><title>%s"
            + "</title></circle>\n", x, y, p.linked() ? "4" : "3", p.linked() ? "pareto" : "point",
            Html.escape(p.label())));
        if (p.linked()) {
          String[] words = p.label().split(" ");
          svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" class=\"tick\">%s</text>\n", x + 6,
              y + 12, Html.escape(words[words.length - 1])));
        }
      }
    }
    svg.append("</svg>\n");
    return svg.toString();
  }

  private static void legend(StringBuilder svg, int i, String colour, String dash, String name) {
    int ly = TOP + 8 + 18 * i;
    String shown = name.length() > 24 ? name.substring(0, 23) + "…" : name;
    if (dash == null) {
      svg.append(String.format(Locale.ROOT, "<path d=\"M%d %dl6 6l-6 6l-6 -6z\" fill=\"%s\"/>", WIDTH - RIGHT + 22,
          ly - 6, colour));
    } else {
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\""
          + " stroke-width=\"3\"%s/>", WIDTH - RIGHT + 12, ly, WIDTH - RIGHT + 32, ly, colour, dash));
    }
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"legend\">%s<title>%s</title></text>\n",
        WIDTH - RIGHT + 38, ly + 4, Html.escape(shown), Html.escape(name)));
  }

  private record Frame(double xMin, double xMax, double yMax) {
    double x(double v) {
      return LEFT + (v - xMin) / (xMax - xMin) * (WIDTH - LEFT - RIGHT);
    }

    double y(double v) {
      return HEIGHT - BOTTOM - v / yMax * (HEIGHT - TOP - BOTTOM);
    }
  }

  /** About five ticks at 1, 2 or 5 times a power of ten, covering {@code [min, max]}. */
  static double[] niceTicks(double min, double max) {
    double raw = (max - min) / 5;
    double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = magnitude;
    for (double m : new double[] {1, 2, 5, 10}) {
      step = m * magnitude;
      if (step >= raw) {
        break;
      }
    }
    double first = Math.floor(min / step) * step;
    List<Double> ticks = new ArrayList<>();
    for (double t = first; t < max + step * 0.999; t += step) {
      ticks.add(Math.round(t / step) * step);
    }
    return ticks.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /**
   * Ticks for minutes since midnight of the first day: whole quarters, hours or days, about eight
   * of them.
   */
  static double[] clockTicks(double fromMinute, double toMinute) {
    double span = toMinute - fromMinute;
    double step = 15;
    for (double s : new double[] {15, 30, 60, 120, 180, 240, 360, 720, 1440, 2880, 7 * 1440, 14 * 1440, 28 * 1440}) {
      step = s;
      if (span / s <= 9) {
        break;
      }
    }
    List<Double> ticks = new ArrayList<>();
    for (double t = Math.ceil(fromMinute / step) * step; t <= toMinute; t += step) {
      ticks.add(t);
    }
    return ticks.stream().mapToDouble(Double::doubleValue).toArray();
  }

  static String number(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }
}
