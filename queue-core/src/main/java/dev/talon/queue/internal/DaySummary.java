package dev.talon.queue.internal;

import dev.talon.queue.Ticket;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Collection;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

/*
 * What the statistics of one branch-local day need of the ended tickets that left the core: per
 * service, line class and desk, the counts by final state and the waits and service times as
 * histograms of whole seconds (value -> how many). Statistics report counts and nearest-rank
 * percentiles of whole seconds, and a histogram gives exactly those, so a day's statistics are the
 * same whether its ended tickets are still in the core or already folded in here. A histogram has
 * one entry per distinct value, so a day of thousands of tickets takes a few kilobytes.
 *
 * Immutable once published: the writer folds tickets into a copy (with()) and publishes the copy
 * whole (Core.summaries), so a reader never sees a half-folded summary.
 */
final class DaySummary {
  final LocalDate day;
  final TreeMap<String, Tally> byService;
  final TreeMap<String, Tally> byClass;
  final TreeMap<String, Tally> byDesk;

  DaySummary(LocalDate day) {
    this(day, new TreeMap<>(), new TreeMap<>(), new TreeMap<>());
  }

  DaySummary(LocalDate day, TreeMap<String, Tally> byService, TreeMap<String, Tally> byClass,
      TreeMap<String, Tally> byDesk) {
    this.day = day;
    this.byService = byService;
    this.byClass = byClass;
    this.byDesk = byDesk;
  }

  /** A copy with the tickets added (all of this day). */
  DaySummary with(Collection<Ticket> tickets) {
    DaySummary s = new DaySummary(day, copy(byService), copy(byClass), copy(byDesk));
    tickets.forEach(s::add);
    return s;
  }

  /** Adds one ticket; only on a summary not yet published. */
  void add(Ticket t) {
    add(byService, t.service(), t);
    add(byClass, t.line(), t);
    if (t.desk() != null) {
      add(byDesk, t.desk(), t);
    }
  }

  private static void add(TreeMap<String, Tally> groups, String key, Ticket t) {
    groups.computeIfAbsent(key, k -> new Tally()).add(t);
  }

  static TreeMap<String, Tally> copy(TreeMap<String, Tally> groups) {
    TreeMap<String, Tally> out = new TreeMap<>();
    groups.forEach((k, v) -> out.put(k, v.copy()));
    return out;
  }

  /** The groups of one kind: service, line class or desk. */
  static TreeMap<String, Tally> groups(DaySummary s, Function<DaySummary, TreeMap<String, Tally>> kind) {
    return s == null ? new TreeMap<>() : copy(kind.apply(s));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DaySummary s && s.day.equals(day) && s.byService.equals(byService)
        && s.byClass.equals(byClass) && s.byDesk.equals(byDesk);
  }

  @Override
  public int hashCode() {
    return Objects.hash(day, byService, byClass, byDesk);
  }

  @Override
  public String toString() {
    return "DaySummary[" + day + ", services=" + byService.keySet() + "]";
  }

  /** The counts and histograms of one group. */
  static final class Tally {
    int issued;
    int served;
    int noShow;
    int cancelled;
    int transferred;
    int abandoned;
    final TreeMap<Long, Integer> waits;
    final TreeMap<Long, Integer> services;

    Tally() {
      this(new TreeMap<>(), new TreeMap<>());
    }

    Tally(TreeMap<Long, Integer> waits, TreeMap<Long, Integer> services) {
      this.waits = waits;
      this.services = services;
    }

    Tally copy() {
      Tally t = new Tally(new TreeMap<>(waits), new TreeMap<>(services));
      t.issued = issued;
      t.served = served;
      t.noShow = noShow;
      t.cancelled = cancelled;
      t.transferred = transferred;
      t.abandoned = abandoned;
      return t;
    }

    void add(Ticket t) {
      issued++;
      switch (t.state()) {
        case DONE -> served++;
        case NO_SHOW -> noShow++;
        case CANCELLED -> cancelled++;
        case TRANSFERRED -> transferred++;
        case WAITING, POSTPONED -> abandoned++;
        default -> { }
      }
      if (t.calledAt() != null) {
        waits.merge(Duration.between(t.issuedAt(), t.calledAt()).toSeconds(), 1, Integer::sum);
      }
      if (t.startedAt() != null && t.endedAt() != null) {
        services.merge(Duration.between(t.startedAt(), t.endedAt()).toSeconds(), 1, Integer::sum);
      }
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Tally t && t.issued == issued && t.served == served && t.noShow == noShow
          && t.cancelled == cancelled && t.transferred == transferred && t.abandoned == abandoned
          && t.waits.equals(waits) && t.services.equals(services);
    }

    @Override
    public int hashCode() {
      return Objects.hash(issued, served, noShow, cancelled, transferred, abandoned, waits, services);
    }

    @Override
    public String toString() {
      return "Tally[" + issued + " issued, " + served + " served, waits=" + waits + "]";
    }
  }
}
