package dev.talon.queue.bench.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.talon.queue.bench.sim.SimulationResult.Arrivals;
import dev.talon.queue.bench.sim.SimulationResult.ClassResult;
import dev.talon.queue.bench.sim.SimulationResult.PolicyResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report files of a simulation: CSV (one row per policy and class), JSON (the whole
 * {@link SimulationResult}) and HTML. All three are pure functions of the result, with {@code \n}
 * line ends on every platform, so the same scenario and seed give byte-identical files.
 */
final class Reports {
  static final String CSV = "results.csv";
  static final String JSON = "results.json";
  static final String HTML = "report.html";
  static final String ESTIMATORS_CSV = "estimators.csv";
  static final String VISITORS_CSV = "visitors.csv";
  static final String CALENDAR_CSV = "calendar.csv";

  private static final ObjectWriter JSON_WRITER = JsonMapper.builder().build()
      .writer(new DefaultPrettyPrinter()
          .withObjectIndenter(new DefaultIndenter("  ", "\n"))
          .withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n")));

  private Reports() {}

  /** The paths of the written files. */
  record Written(Path directory, Path csv, Path json, Path html, Path estimators, Path visitors, Path calendar) {}

  /**
   * Writes the files into {@code <outDir>/<scenario>/}, replacing earlier ones: CSV, estimators CSV,
   * JSON, HTML, the per-visitor CSV only when {@code visitorRows} holds rows, and the booking calendar's
   * figures only when the scenario has a calendar.
   */
  static Written write(SimulationResult r, Path outDir) {
    return write(r, outDir, List.of());
  }

  static Written write(SimulationResult r, Path outDir, List<String> visitorRows) {
    Path dir = outDir.resolve(r.scenario()).toAbsolutePath().normalize();
    Written w = new Written(dir, dir.resolve(CSV), dir.resolve(JSON), dir.resolve(HTML), dir.resolve(ESTIMATORS_CSV),
        visitorRows.isEmpty() ? null : dir.resolve(VISITORS_CSV),
        r.arrivals().calendar() == null ? null : dir.resolve(CALENDAR_CSV));
    try {
      Files.createDirectories(dir);
      Files.writeString(w.csv(), csv(r), StandardCharsets.UTF_8);
      Files.writeString(w.estimators(), estimatorsCsv(r), StandardCharsets.UTF_8);
      Files.writeString(w.json(), json(r), StandardCharsets.UTF_8);
      Files.writeString(w.html(), Html.report(r), StandardCharsets.UTF_8);
      if (w.visitors() != null) {
        Files.writeString(w.visitors(), PolicyRun.VISITOR_HEADER + "\n" + String.join("\n", visitorRows) + "\n",
            StandardCharsets.UTF_8);
      } else {
        Files.deleteIfExists(dir.resolve(VISITORS_CSV)); // a stale dump of an earlier run would mislead
      }
      if (w.calendar() != null) {
        Files.writeString(w.calendar(), calendarCsv(r), StandardCharsets.UTF_8);
      } else {
        Files.deleteIfExists(dir.resolve(CALENDAR_CSV));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the reports to " + dir + ": " + e.getMessage(), e);
    }
    return w;
  }

  static String json(SimulationResult r) {
    try {
      return JSON_WRITER.writeValueAsString(r) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the result could not be written as JSON", e);
    }
  }

  static String csv(SimulationResult r) {
    StringBuilder sb = new StringBuilder();
    row(sb, List.of("scenario", "seed", "policy", "policy_name", "bypass_bound", "class", "arrived", "served", "left",
        "refused", "sent_home", "ticketed", "censored", "everyone_p50_min", "everyone_p50_at_least", "everyone_p95_min",
        "everyone_p95_at_least", "everyone_p99_min", "everyone_p99_at_least", "waited_share", "within_target_share",
        "wait_mean_min", "wait_p50_min", "wait_p95_min", "wait_p99_min", "wait_max_min",
        "bypass_max", "with_booking", "on_time_share", "desk_share", "estimated", "estimate_mae_min",
        "estimate_in_range"));
    for (PolicyResult p : r.policies()) {
      for (ClassResult c : p.classes()) {
        List<String> cells = new ArrayList<>(List.of(r.scenario(), Long.toString(r.seed()), p.label(), p.policy(),
            Integer.toString(p.bypassBound()), c.cls()));
        for (Object v : new Object[] {c.arrived(), c.served(), c.left(), c.refused(), c.sentHome(), c.ticketed(),
            c.censored(), c.everyoneP50(), c.everyoneP50AtLeast(), c.everyoneP95(), c.everyoneP95AtLeast(),
            c.everyoneP99(), c.everyoneP99AtLeast(), c.waitedShare(), c.withinTargetShare(), c.waitMean(),
            c.waitP50(), c.waitP95(), c.waitP99(), c.waitMax(), c.bypassMax(), c.withBooking(), c.onTimeShare(),
            c.deskShare(), c.estimated(), c.estimateMae(), c.estimateInRange()}) {
          cells.add(v == null ? "" : v.toString());
        }
        row(sb, cells);
      }
    }
    return sb.toString();
  }

  /** One row per policy and estimator: MAE, coverage and stated coverage. */
  static String estimatorsCsv(SimulationResult r) {
    StringBuilder sb = new StringBuilder();
    row(sb, List.of("scenario", "seed", "policy", "estimator", "mae_min", "coverage", "stated_coverage", "compared",
        "censored"));
    for (PolicyResult p : r.policies()) {
      for (SimulationResult.EstimatorResult e : p.estimators()) {
        row(sb, List.of(r.scenario(), Long.toString(r.seed()), p.label(), e.name(), text(e.mae()), text(e.coverage()),
            text(e.statedCoverage()), Integer.toString(p.estimatesCompared()), Integer.toString(p.estimatesCensored())));
      }
    }
    return sb.toString();
  }

  /** The booking calendar's figures: one row, the same under every policy. */
  static String calendarCsv(SimulationResult r) {
    SimulationResult.CalendarFigures c = r.arrivals().calendar();
    StringBuilder sb = new StringBuilder();
    row(sb, List.of("scenario", "seed", "holds", "bookings_made", "holds_expired", "cancelled", "waitlist_joined",
        "offers", "offers_accepted", "offers_expired", "waitlist_unserved", "released_at_opening", "places",
        "places_unused"));
    List<String> cells = new ArrayList<>(List.of(r.scenario(), Long.toString(r.seed())));
    for (int v : new int[] {c.holds(), c.bookingsMade(), c.holdsExpired(), c.cancelled(), c.waitlistJoined(),
        c.offers(), c.offersAccepted(), c.offersExpired(), c.waitlistUnserved(), c.releasedAtOpening(), c.places(),
        c.placesUnused()}) {
      cells.add(Integer.toString(v));
    }
    row(sb, cells);
    return sb.toString();
  }

  /** One sentence about the booking calendar's nights, for the console and the HTML report; null without one. */
  static String calendarText(SimulationResult.CalendarFigures c) {
    if (c == null) {
      return null;
    }
    return String.format(Locale.ROOT, "%d places held, %d bookings made (%d holds expired unconfirmed, %d cancelled);"
        + " waiting list: %d joined, %d offers (%d accepted, %d expired), %d still waiting at opening; %d of %d places"
        + " unused when the day opened.", c.holds(), c.bookingsMade(), c.holdsExpired(), c.cancelled(),
        c.waitlistJoined(), c.offers(), c.offersAccepted(), c.offersExpired(), c.waitlistUnserved(), c.placesUnused(),
        c.places());
  }

  private static String text(Double v) {
    return v == null ? "" : v.toString();
  }

  static void row(StringBuilder sb, List<String> cells) {
    for (int i = 0; i < cells.size(); i++) {
      String c = cells.get(i);
      if (i > 0) {
        sb.append(',');
      }
      sb.append(c.contains(",") || c.contains("\"") || c.contains("\n") ? '"' + c.replace("\"", "\"\"") + '"' : c);
    }
    sb.append('\n');
  }

  /** One sentence about who came, for the console and the HTML report. */
  static String arrivalsText(Arrivals a) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%d visitors: %d walk-ins, %d wanted a booking",
        a.visitors(), a.walkIns(), a.wantedBooking()));
    if (a.wantedBooking() > 0) {
      sb.append(String.format(Locale.ROOT, " (%d booked, %d of them in a later window than wanted; %d found no place"
          + " and walked in; %d bookings not kept)", a.booked(), a.bookedLater(), a.bookingFull(), a.bookingsNotKept()));
    }
    return sb.append('.').toString();
  }
}
