package dev.talon.queue.internal;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;

/**
 * Time arithmetic of one branch: local days and slot windows in the branch's zone. A window is
 * identified by {@code epochDay * windowsPerDay + slot}, where slot counts windows from local
 * midnight, so indexes grow with time and windows align with the local clock, not with UTC.
 */
final class BranchCalendar {
  private final ZoneId zone;
  private final long windowMinutes;
  private final int windowsPerDay;

  BranchCalendar(ZoneId zone, long windowMinutes, int windowsPerDay) {
    this.zone = zone;
    this.windowMinutes = windowMinutes;
    this.windowsPerDay = windowsPerDay;
  }

  ZoneId zone() {
    return zone;
  }

  LocalDateTime local(Instant at) {
    return LocalDateTime.ofInstant(at, zone);
  }

  /**
   * True if the branch is open at this instant: {@link dev.talon.queue.OpeningHours#isOpen} without
   * building a LocalDateTime (the zone's offset is a cached value; the rest is arithmetic), since
   * every issue asks it.
   */
  boolean isOpen(dev.talon.queue.OpeningHours hours, Instant at) {
    long local = at.getEpochSecond() + zone.getRules().getOffset(at).getTotalSeconds();
    long day = Math.floorDiv(local, 86_400L);
    long nanoOfDay = Math.floorMod(local, 86_400L) * 1_000_000_000L + at.getNano();
    java.time.DayOfWeek weekday = java.time.DayOfWeek.of((int) Math.floorMod(day + 3, 7L) + 1); // 1970-01-01 was a Thursday
    return !hours.closedDays().contains(weekday) && nanoOfDay >= hours.opens().toNanoOfDay()
        && nanoOfDay < hours.closes().toNanoOfDay();
  }

  LocalDate dayOf(Instant at) {
    return local(at).toLocalDate();
  }

  Instant startOfDay(LocalDate day) {
    return day.atStartOfDay(zone).toInstant();
  }

  long windowIndex(LocalDateTime local) {
    int minuteOfDay = local.getHour() * 60 + local.getMinute();
    return local.toLocalDate().toEpochDay() * windowsPerDay + minuteOfDay / windowMinutes;
  }

  long windowIndex(Instant at) {
    return windowIndex(local(at));
  }

  /** True if the local time is exactly on a window boundary. */
  boolean isBoundary(LocalDateTime local) {
    return local.getSecond() == 0 && local.getNano() == 0 && (local.getHour() * 60 + local.getMinute()) % windowMinutes == 0;
  }

  LocalDateTime windowStart(long index) {
    long day = Math.floorDiv(index, windowsPerDay);
    long slot = Math.floorMod(index, windowsPerDay);
    return LocalDate.ofEpochDay(day).atTime(LocalTime.MIDNIGHT).plusMinutes(slot * windowMinutes);
  }

  Instant startOf(long index) {
    return windowStart(index).atZone(zone).toInstant();
  }

  Instant endOf(long index) {
    return windowStart(index).plusMinutes(windowMinutes).atZone(zone).toInstant();
  }

  long windowMinutes() {
    return windowMinutes;
  }
}
