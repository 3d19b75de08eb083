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

  /**
   * The window of an instant. In the repeated hour of a 25-hour day (the later offset of an
   * overlap) the local time would name a window already passed, so the instant belongs to the
   * window that ends after the overlap: the one holding the last local moment before the change.
   */
  long windowIndex(Instant at) {
    LocalDateTime local = local(at);
    java.time.zone.ZoneRules rules = zone.getRules();
    if (!rules.isFixedOffset()) {
      java.time.zone.ZoneOffsetTransition t = rules.getTransition(local);
      if (t != null && t.isOverlap() && rules.getOffset(at).equals(t.getOffsetAfter())) {
        return windowIndex(t.getDateTimeBefore().minusNanos(1));
      }
    }
    return windowIndex(local);
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

  /**
   * True if the window is part of real time: some instant falls in it. A window whose local start
   * lies in a daylight-saving gap (02:00-02:45 on Berlin's 23-hour day) does not exist; its start
   * would resolve to an instant of a later window. The repeated hour of a 25-hour day belongs to the
   * window whose end falls after it (02:45-03:00 lasts 75 minutes in Berlin), so that no window
   * occurs twice and every instant belongs to exactly one window.
   */
  boolean exists(long index) {
    return windowIndex(startOf(index)) == index;
  }

  /** The first index of the local day's windows. */
  long firstWindowOf(LocalDate day) {
    return day.toEpochDay() * windowsPerDay;
  }

  int windowsPerDay() {
    return windowsPerDay;
  }
}
