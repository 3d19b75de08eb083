package dev.talon.queue;

import java.time.LocalTime;

/**
 * A range of local time within one day, {@code [from, to)}. {@link LocalTime#MAX} as {@code to}
 * means "until midnight" (the end of the day).
 *
 * @param from first moment of the range (inclusive)
 * @param to   end of the range (exclusive); after {@code from}
 */
public record TimeRange(LocalTime from, LocalTime to) implements Comparable<TimeRange> {
  public TimeRange {
    if (from == null || to == null || !from.isBefore(to)) {
      throw new InvalidConfigurationException("a time range must start before it ends, was " + from + "–" + to);
    }
  }

  /** The range {@code [from, to)}. */
  public static TimeRange of(LocalTime from, LocalTime to) {
    return new TimeRange(from, to);
  }

  /** The range between two {@code HH:mm} times; {@code "24:00"} as the end means midnight. */
  public static TimeRange of(String from, String to) {
    return new TimeRange(parse(from), "24:00".equals(to) ? LocalTime.MAX : parse(to));
  }

  private static LocalTime parse(String time) {
    try {
      return LocalTime.parse(time);
    } catch (RuntimeException e) {
      throw new InvalidConfigurationException("a time of day must read HH:mm, was " + Checks.quote(time));
    }
  }

  /** True if the local time lies in the range. */
  public boolean contains(LocalTime t) {
    return !t.isBefore(from) && t.isBefore(to);
  }

  /** True if the ranges share a moment. */
  public boolean overlaps(TimeRange other) {
    return from.isBefore(other.to) && other.from.isBefore(to);
  }

  @Override
  public int compareTo(TimeRange o) {
    int c = from.compareTo(o.from);
    return c != 0 ? c : to.compareTo(o.to);
  }

  @Override
  public String toString() {
    return from + "–" + (to.equals(LocalTime.MAX) ? "24:00" : to.toString());
  }
}
