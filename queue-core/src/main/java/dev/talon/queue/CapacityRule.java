package dev.talon.queue;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.EnumSet;
import java.util.Set;

/**
 * Places per window of one service in a range of the day, on some days of the week or on one
 * date: e.g. 4 places from 14:00 to 18:00 on weekdays (the quiet afternoon) against 2 in the
 * morning. A window takes the capacity of the last matching dated rule, else of the last
 * matching weekday rule, else the service's base capacity in {@link SlotCalendar#capacity()}.
 *
 * @param service the service code
 * @param days    the days of the week it applies to (empty: every day); ignored when {@code date} is given
 * @param date    the one date it applies to; null for a weekly rule
 * @param hours   the windows it applies to: those starting within this range
 * @param places  places per window; at least 0
 */
public record CapacityRule(String service, Set<DayOfWeek> days, LocalDate date, TimeRange hours, int places) {
  public CapacityRule {
    if (service == null || service.isBlank()) {
      throw new InvalidConfigurationException("a capacity rule must name a service, was " + Checks.quote(service));
    }
    if (days == null || days.stream().anyMatch(java.util.Objects::isNull)) {
      throw new InvalidConfigurationException("capacity rule of " + service + " must list days of the week, was "
          + days);
    }
    if (hours == null) {
      throw new InvalidConfigurationException("capacity rule of " + service + " must give a time range");
    }
    if (places < 0) {
      throw new InvalidConfigurationException("capacity rule of " + service + " must give >= 0 places, was "
          + places);
    }
    days = days.isEmpty() || date != null ? Set.of() : Set.copyOf(EnumSet.copyOf(days));
  }

  /** Every day, in the time range. */
  public static CapacityRule daily(String service, TimeRange hours, int places) {
    return new CapacityRule(service, Set.of(), null, hours, places);
  }

  /** On these days of the week, in the time range. */
  public static CapacityRule weekly(String service, Set<DayOfWeek> days, TimeRange hours, int places) {
    return new CapacityRule(service, days, null, hours, places);
  }

  /** On one date, in the time range. */
  public static CapacityRule dated(String service, LocalDate date, TimeRange hours, int places) {
    return new CapacityRule(service, Set.of(), date, hours, places);
  }

  /** True if the window of the service starting at this local time falls under the rule. */
  public boolean matches(String service, LocalDateTime windowStart) {
    return this.service.equals(service) && hours.contains(windowStart.toLocalTime())
        && (date != null ? date.equals(windowStart.toLocalDate())
            : days.isEmpty() || days.contains(windowStart.getDayOfWeek()));
  }
}
