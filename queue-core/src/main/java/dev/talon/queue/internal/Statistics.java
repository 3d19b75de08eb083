package dev.talon.queue.internal;

import dev.talon.queue.DailyStatistics;
import dev.talon.queue.DailyStatistics.Group;
import dev.talon.queue.DailyStatistics.Percentiles;
import dev.talon.queue.Ticket;
import dev.talon.queue.internal.DaySummary.Tally;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/*
 * A day's statistics: the summary of the day's ended tickets that left the core (DaySummary) plus
 * the tickets of that day the core still keeps. Each ticket is in exactly one of the two: the
 * writer removes folded tickets from the slab before it publishes the summary that holds them, and
 * a reader that sees another summary after reading the slab than before reads again. So a ticket
 * is never counted twice nor missed, and the numbers equal those computed from every ticket.
 */
final class Statistics {
  private Statistics() {}

  /** The statistics of the day as the core shows them now; any thread. */
  static DailyStatistics of(String branchId, LocalDate day, Core core) {
    while (true) {
      NavigableMap<LocalDate, DaySummary> before = core.summaries;
      List<Ticket> kept = new ArrayList<>();
      core.tickets.forEach(t -> {
        if (t.day().equals(day)) {
          kept.add(t);
        }
      });
      if (core.summaries == before) {
        return of(branchId, day, kept, before.get(day));
      }
    }
  }

  /** The statistics of the day from every ticket (the test oracle's form). */
  static DailyStatistics of(String branchId, LocalDate day, List<Ticket> all) {
    return of(branchId, day, all, null);
  }

  /** The statistics of the day from its summary (may be null) and the tickets not in it. */
  static DailyStatistics of(String branchId, LocalDate day, List<Ticket> all, DaySummary summary) {
    TreeMap<String, Tally> services = DaySummary.groups(summary, s -> s.byService);
    TreeMap<String, Tally> classes = DaySummary.groups(summary, s -> s.byClass);
    TreeMap<String, Tally> desks = DaySummary.groups(summary, s -> s.byDesk);
    for (Ticket t : all) {
      if (t.day().equals(day)) {
        services.computeIfAbsent(t.service(), k -> new Tally()).add(t);
        classes.computeIfAbsent(t.line(), k -> new Tally()).add(t);
        if (t.desk() != null) {
          desks.computeIfAbsent(t.desk(), k -> new Tally()).add(t);
        }
      }
    }
    return new DailyStatistics(branchId, day, groups(services), groups(classes), groups(desks));
  }

  private static List<Group> groups(TreeMap<String, Tally> tallies) {
    List<Group> out = new ArrayList<>(tallies.size());
    tallies.forEach((k, t) -> out.add(new Group(k, t.issued, t.served, t.noShow, t.cancelled, t.transferred,
        t.abandoned, percentiles(t.waits), percentiles(t.services))));
    return out;
  }

  /** The nearest-rank percentiles of a histogram of seconds: those Percentiles.ofSeconds gives for its values. */
  static Percentiles percentiles(TreeMap<Long, Integer> histogram) {
    long n = 0;
    for (int c : histogram.values()) {
      n += c;
    }
    if (n == 0) {
      return Percentiles.ofSeconds(new long[0]);
    }
    return new Percentiles((int) n, rank(histogram, n, 50), rank(histogram, n, 90), rank(histogram, n, 95),
        Duration.ofSeconds(histogram.lastKey()));
  }

  private static Duration rank(TreeMap<Long, Integer> histogram, long n, int p) {
    long index = Math.max(0, (long) Math.ceil(p / 100.0 * n) - 1);
    long seen = 0;
    for (Map.Entry<Long, Integer> e : histogram.entrySet()) {
      seen += e.getValue();
      if (seen > index) {
        return Duration.ofSeconds(e.getKey());
      }
    }
    return Duration.ofSeconds(histogram.lastKey());
  }
}
