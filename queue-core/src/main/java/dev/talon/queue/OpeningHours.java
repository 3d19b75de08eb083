package dev.talon.queue;

import java.time.DayOfWeek;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.EnumSet;
import java.util.Set;

/**
 * When the branch is open, in its own time zone: the same hours every day except the closed days.
 *
 * @param opens      opening time (inclusive)
 * @param closes     closing time (exclusive); after {@code opens}
 * @param closedDays the days of the week on which the branch is closed
 */
public record OpeningHours(LocalTime opens, LocalTime closes, Set<DayOfWeek> closedDays) {
  public OpeningHours {
    if (opens == null || closes == null || !opens.isBefore(closes)) {
      throw new InvalidConfigurationException(
          "opening hours must open before they close, were " + opens + "–" + closes);
    }
    if (closedDays != null && closedDays.stream().anyMatch(java.util.Objects::isNull)) {
      throw new InvalidConfigurationException("closed days must be days of the week, were " + closedDays);
    }
    closedDays = closedDays == null || closedDays.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(closedDays));
  }

  /** Open every day from {@code opens} until {@code closes}. */
  public static OpeningHours daily(LocalTime opens, LocalTime closes) {
    return new OpeningHours(opens, closes, Set.of());
  }

  /** Open around the clock (the default, convenient in tests). */
  public static OpeningHours always() {
    return new OpeningHours(LocalTime.MIN, LocalTime.MAX, Set.of());
  }

  /** A copy that is also closed on the given days. */
  public OpeningHours closedOn(DayOfWeek... days) {
    if (days == null || java.util.Arrays.asList(days).contains(null)) {
      throw new InvalidConfigurationException("closed days must be days of the week, were "
          + (days == null ? "null" : java.util.Arrays.toString(days)));
    }
    EnumSet<DayOfWeek> all = EnumSet.noneOf(DayOfWeek.class);
    all.addAll(closedDays);
    all.addAll(Set.of(days));
    return new OpeningHours(opens, closes, all);
  }

  /** True if the branch never closes (as with {@link #always()}). */
  public boolean isAlwaysOpen() {
    return closedDays.isEmpty() && opens.equals(LocalTime.MIN) && closes.equals(LocalTime.MAX);
  }

  /** True if the branch is open at this local time. */
  public boolean isOpen(LocalDateTime at) {
    LocalTime t = at.toLocalTime();
    return !closedDays.contains(at.getDayOfWeek()) && !t.isBefore(opens) && t.isBefore(closes);
  }

  /** True if the whole interval {@code [start, end)} of one day lies within opening hours. */
  public boolean covers(LocalDateTime start, LocalDateTime end) {
    if (closedDays.contains(start.getDayOfWeek()) || !start.toLocalDate().equals(end.minusNanos(1).toLocalDate())) {
      return false;
    }
    LocalTime s = start.toLocalTime();
    LocalTime e = end.toLocalTime();
    boolean endsAtMidnight = e.equals(LocalTime.MIDNIGHT);
    return !s.isBefore(opens) && (endsAtMidnight ? closes.equals(LocalTime.MAX) : !e.isAfter(closes));
  }
}
