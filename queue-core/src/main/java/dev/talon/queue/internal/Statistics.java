package dev.talon.queue.internal;

import dev.talon.queue.DailyStatistics;
import dev.talon.queue.DailyStatistics.Group;
import dev.talon.queue.DailyStatistics.Percentiles;
import dev.talon.queue.Ticket;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** Computes a day's statistics from the tickets of that day. */
final class Statistics {
  private Statistics() {}

  static DailyStatistics of(String branchId, LocalDate day, List<Ticket> all) {
    List<Ticket> today = all.stream().filter(t -> t.day().equals(day)).toList();
    return new DailyStatistics(branchId, day, groups(today, Ticket::service), groups(today, Ticket::line),
        groups(today.stream().filter(t -> t.desk() != null).toList(), Ticket::desk));
  }

  private static List<Group> groups(List<Ticket> tickets, Function<Ticket, String> key) {
    Map<String, List<Ticket>> byKey = new TreeMap<>();
    for (Ticket t : tickets) {
      byKey.computeIfAbsent(key.apply(t), k -> new ArrayList<>()).add(t);
    }
    List<Group> out = new ArrayList<>();
    byKey.forEach((k, ts) -> out.add(group(k, ts)));
    return out;
  }

  private static Group group(String key, List<Ticket> ts) {
    int served = 0;
    int noShow = 0;
    int cancelled = 0;
    int transferred = 0;
    int abandoned = 0;
    List<Long> waits = new ArrayList<>();
    List<Long> services = new ArrayList<>();
    for (Ticket t : ts) {
      switch (t.state()) {
        case DONE -> served++;
        case NO_SHOW -> noShow++;
        case CANCELLED -> cancelled++;
        case TRANSFERRED -> transferred++;
        case WAITING, POSTPONED -> abandoned++;
        default -> { }
      }
      if (t.calledAt() != null) {
        waits.add(Duration.between(t.issuedAt(), t.calledAt()).toSeconds());
      }
      if (t.startedAt() != null && t.endedAt() != null) {
        services.add(Duration.between(t.startedAt(), t.endedAt()).toSeconds());
      }
    }
    return new Group(key, ts.size(), served, noShow, cancelled, transferred, abandoned,
        Percentiles.ofSeconds(waits.stream().mapToLong(Long::longValue).toArray()),
        Percentiles.ofSeconds(services.stream().mapToLong(Long::longValue).toArray()));
  }
}
