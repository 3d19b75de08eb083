package dev.talon.queue;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * When a branch is open, in its own time zone: time ranges per day of the week (several a day, e.g.
 * around a lunch closure; a day with none is closed), and dated exceptions that replace the week's
 * ranges on one date (an empty list: a holiday; ranges on a normally closed day: a moved working
 * day; shorter ranges: a shortened day). Times are local wall-clock times: on a day with a
 * daylight-saving change a range keeps its wall-clock bounds and simply lasts an hour more or less.
 *
 * <p>{@link OpeningHours} is the simple case: {@link #of(OpeningHours)} turns one into a calendar.
 * The branch can change a date's ranges at runtime ({@link Branch#changeHours}).
 *
 * @param week       ranges per day of the week; a missing day is closed
 * @param exceptions ranges on particular dates, replacing the week's; an empty list closes the date
 */
public record OpeningCalendar(Map<DayOfWeek, List<TimeRange>> week, Map<LocalDate, List<TimeRange>> exceptions) {
  public OpeningCalendar {
    EnumMap<DayOfWeek, List<TimeRange>> w = new EnumMap<>(DayOfWeek.class);
    if (week != null) {
      week.forEach((day, ranges) -> {
        if (day == null) {
          throw new InvalidConfigurationException("opening hours must name a day of the week, were given for null");
        }
        List<TimeRange> r = checked(day.toString(), ranges);
        if (!r.isEmpty()) {
          w.put(day, r);
        }
      });
    }
    TreeMap<LocalDate, List<TimeRange>> x = new TreeMap<>();
    if (exceptions != null) {
      exceptions.forEach((date, ranges) -> {
        if (date == null) {
          throw new InvalidConfigurationException("an exception to the opening hours must name a date, was null");
        }
        x.put(date, checked(date.toString(), ranges));
      });
    }
    week = java.util.Collections.unmodifiableMap(w);
    exceptions = java.util.Collections.unmodifiableSortedMap(x);
  }

  /**
   * The ranges of one day, sorted, refused if any overlap or are null.
   *
   * @throws InvalidConfigurationException naming the day and the ranges
   */
  public static List<TimeRange> checked(String day, List<TimeRange> ranges) {
    if (ranges == null || ranges.stream().anyMatch(java.util.Objects::isNull)) {
      throw new InvalidConfigurationException("opening hours of " + day + " must be a list of time ranges, were "
          + ranges);
    }
    List<TimeRange> sorted = new ArrayList<>(ranges);
    sorted.sort(null);
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i - 1).overlaps(sorted.get(i))) {
        throw new InvalidConfigurationException("opening hours of " + day + " overlap: " + sorted.get(i - 1)
            + " and " + sorted.get(i));
      }
    }
    return List.copyOf(sorted);
  }

  /** Closed on every day (a start to add days and dates to). */
  public static OpeningCalendar closed() {
    return new OpeningCalendar(Map.of(), Map.of());
  }

  /** Open around the clock, every day. */
  public static OpeningCalendar always() {
    return of(OpeningHours.always());
  }

  /** The simple calendar of daily hours with closed weekdays. */
  public static OpeningCalendar of(OpeningHours hours) {
    EnumMap<DayOfWeek, List<TimeRange>> w = new EnumMap<>(DayOfWeek.class);
    for (DayOfWeek d : DayOfWeek.values()) {
      if (!hours.closedDays().contains(d)) {
        w.put(d, List.of(new TimeRange(hours.opens(), hours.closes())));
      }
    }
    return new OpeningCalendar(w, Map.of());
  }

  /** A copy open on these days of the week in these ranges (replacing what they had). */
  public OpeningCalendar on(java.util.Set<DayOfWeek> days, TimeRange... ranges) {
    EnumMap<DayOfWeek, List<TimeRange>> w = new EnumMap<>(DayOfWeek.class);
    w.putAll(week);
    for (DayOfWeek d : days) {
      w.put(d, List.of(ranges));
    }
    return new OpeningCalendar(w, exceptions);
  }

  /** A copy open on this day of the week in these ranges (none: closed). */
  public OpeningCalendar on(DayOfWeek day, TimeRange... ranges) {
    return on(java.util.EnumSet.of(day), ranges);
  }

  /** A copy open Monday to Friday in these ranges. */
  public OpeningCalendar weekdays(TimeRange... ranges) {
    return on(java.util.EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), ranges);
  }

  /** A copy whose ranges on this date are these (none: closed, e.g. a holiday). */
  public OpeningCalendar onDate(LocalDate date, TimeRange... ranges) {
    TreeMap<LocalDate, List<TimeRange>> x = new TreeMap<>(exceptions);
    x.put(date, List.of(ranges));
    return new OpeningCalendar(week, x);
  }

  /** A copy closed all day on these dates. */
  public OpeningCalendar closedOn(LocalDate... dates) {
    OpeningCalendar c = this;
    for (LocalDate d : dates) {
      c = c.onDate(d);
    }
    return c;
  }

  /** The ranges of a date: its exception if it has one, else its day of the week's (empty: closed). */
  public List<TimeRange> rangesOn(LocalDate date) {
    List<TimeRange> x = exceptions.get(date);
    return x != null ? x : week.getOrDefault(date.getDayOfWeek(), List.of());
  }

  /** True if open around the clock on every day, with no exceptions. */
  public boolean isAlwaysOpen() {
    if (!exceptions.isEmpty() || week.size() != 7) {
      return false;
    }
    for (List<TimeRange> r : week.values()) {
      if (r.size() != 1 || !r.get(0).from().equals(LocalTime.MIN) || !r.get(0).to().equals(LocalTime.MAX)) {
        return false;
      }
    }
    return true;
  }

  /** True if the branch is open at this local time. */
  public boolean isOpen(LocalDateTime at) {
    return isOpen(rangesOn(at.toLocalDate()), at.toLocalTime());
  }

  static boolean isOpen(List<TimeRange> ranges, LocalTime t) {
    for (int i = 0; i < ranges.size(); i++) {
      if (ranges.get(i).contains(t)) {
        return true;
      }
    }
    return false;
  }

  /** True if the interval {@code [start, end)} lies within one range of one day. */
  public boolean covers(LocalDateTime start, LocalDateTime end) {
    return covers(rangesOn(start.toLocalDate()), start, end);
  }

  /** True if {@code [start, end)} lies within one day and within one of these ranges. */
  public static boolean covers(List<TimeRange> ranges, LocalDateTime start, LocalDateTime end) {
    if (!start.toLocalDate().equals(end.minusNanos(1).toLocalDate())) {
      return false;
    }
    LocalTime s = start.toLocalTime();
    LocalTime e = end.toLocalTime();
    boolean endsAtMidnight = e.equals(LocalTime.MIDNIGHT);
    for (TimeRange r : ranges) {
      if (!s.isBefore(r.from()) && (endsAtMidnight ? r.to().equals(LocalTime.MAX) : !e.isAfter(r.to()))) {
        return true;
      }
    }
    return false;
  }
}
