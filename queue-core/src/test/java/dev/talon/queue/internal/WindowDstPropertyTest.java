package dev.talon.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Slot windows on days with a daylight-saving (or other offset) change: every instant of a local
 * day belongs to exactly one window, the windows follow each other without gap or overlap, none
 * occurs twice, a window whose local start the clocks skip does not exist, and the day's instants
 * all fall on that local day (so numbering, which follows the local day, resets at local midnight).
 */
class WindowDstPropertyTest {
  private static final List<ZoneId> ZONES = List.of(ZoneId.of("Europe/Berlin"), ZoneId.of("America/New_York"),
      ZoneId.of("Asia/Almaty"));
  /** The transition days of 2024-2026 in the three zones (Almaty left +06 for +05 on 2024-03-01). */
  private static final List<LocalDate> TRANSITIONS = List.of(LocalDate.parse("2026-03-29"),
      LocalDate.parse("2026-10-25"), LocalDate.parse("2026-03-08"), LocalDate.parse("2026-11-01"),
      LocalDate.parse("2024-02-29"), LocalDate.parse("2024-03-01"), LocalDate.parse("2025-03-30"),
      LocalDate.parse("2025-11-02"));
  private static final int[] LENGTHS = {15, 30, 60};

  @Test
  void windows_onAnyDayInDstZones_tileTheDayOnceEach() {
    qt().withExamples(150).withFixedSeed(16L)
        .forAll(integers().between(0, ZONES.size() - 1), integers().between(-TRANSITIONS.size(), 400),
            integers().between(0, LENGTHS.length - 1))
        .checkAssert((z, d, l) -> {
          LocalDate day = d < 0 ? TRANSITIONS.get(-d - 1) : LocalDate.parse("2025-09-01").plusDays(d);
          checkDay(ZONES.get(z), LENGTHS[l], day);
        });
  }

  @Test
  void windows_onBerlinsShortAndLongDay_are92And96QuarterHoursCovering23And25Hours() {
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    assertThat(checkDay(berlin, 15, LocalDate.parse("2026-03-29"))).isEqualTo(92);
    assertThat(checkDay(berlin, 15, LocalDate.parse("2026-10-25"))).isEqualTo(96);
    ZoneId newYork = ZoneId.of("America/New_York");
    assertThat(checkDay(newYork, 15, LocalDate.parse("2026-03-08"))).isEqualTo(92);
    assertThat(checkDay(newYork, 15, LocalDate.parse("2026-11-01"))).isEqualTo(96);
    assertThat(checkDay(ZoneId.of("Asia/Almaty"), 60, LocalDate.parse("2024-02-29"))).isEqualTo(24);
  }

  /** Checks one local day minute by minute; returns how many windows it has. */
  private static int checkDay(ZoneId zone, int minutes, LocalDate day) {
    BranchCalendar cal = new BranchCalendar(zone, minutes, 24 * 60 / minutes);
    Instant start = cal.startOfDay(day);
    Instant end = cal.startOfDay(day.plusDays(1));
    long first = cal.firstWindowOf(day);
    long last = first + cal.windowsPerDay();
    long previous = -1;
    int seen = 0;
    for (Instant t = start; t.isBefore(end); t = t.plus(Duration.ofMinutes(1))) {
      assertThat(cal.dayOf(t)).as("local day of %s", t).isEqualTo(day);
      long w = cal.windowIndex(t);
      assertThat(w).as("window of %s", t).isBetween(first, last - 1);
      assertThat(!cal.startOf(w).isAfter(t) && cal.endOf(w).isAfter(t)).as("%s lies in window %s", t, w).isTrue();
      if (w != previous) {
        assertThat(w).as("windows only move forward at %s", t).isGreaterThan(previous);
        assertThat(cal.exists(w)).as("window %s at %s exists", w, t).isTrue();
        if (previous >= 0) {
          assertThat(cal.startOf(w)).as("window %s starts where %s ends", w, previous).isEqualTo(cal.endOf(previous));
        }
        previous = w;
        seen++;
      }
    }
    int existing = 0;
    for (long w = first; w < last; w++) {
      existing += cal.exists(w) ? 1 : 0;
    }
    assertThat(seen).as("every existing window of %s in %s is reached, once", day, zone).isEqualTo(existing);
    assertThat(cal.endOf(previous)).isEqualTo(end);
    return seen;
  }
}
