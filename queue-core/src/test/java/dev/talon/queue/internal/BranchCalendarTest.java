package dev.talon.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talon.queue.OpeningHours;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The allocation-free opening check against OpeningHours' own, on zones with and without DST. */
class BranchCalendarTest {

  @Test
  void isOpen_randomInstantsInManyZones_agreesWithOpeningHoursOnTheLocalTime() {
    List<ZoneId> zones = List.of(ZoneId.of("UTC"), ZoneId.of("Asia/Almaty"), ZoneId.of("Europe/Berlin"),
        ZoneId.of("America/New_York"), ZoneId.of("Asia/Kolkata"), ZoneId.of("Pacific/Chatham"));
    List<OpeningHours> hours = List.of(OpeningHours.daily(LocalTime.of(9, 0), LocalTime.of(18, 0)),
        OpeningHours.daily(LocalTime.of(8, 30), LocalTime.of(20, 0)).closedOn(DayOfWeek.SUNDAY, DayOfWeek.SATURDAY),
        OpeningHours.daily(LocalTime.MIN, LocalTime.MAX).closedOn(DayOfWeek.MONDAY),
        OpeningHours.always());
    Random random = new Random(20261207L);
    long from = Instant.parse("1969-06-01T00:00:00Z").getEpochSecond();
    long to = Instant.parse("2040-01-01T00:00:00Z").getEpochSecond();
    int open = 0;
    for (int i = 0; i < 40_000; i++) {
      ZoneId zone = zones.get(random.nextInt(zones.size()));
      OpeningHours h = hours.get(random.nextInt(hours.size()));
      Instant at = Instant.ofEpochSecond(from + (long) (random.nextDouble() * (to - from)),
          random.nextInt(4) == 0 ? 0 : random.nextInt(1_000_000_000));
      BranchCalendar calendar = new BranchCalendar(zone, 15, 96);
      boolean expected = h.isOpen(LocalDateTime.ofInstant(at, zone));
      assertThat(calendar.isOpen(h, at)).as("%s in %s, %s", at, zone, h).isEqualTo(expected);
      open += expected ? 1 : 0;
    }
    assertThat(open).as("both answers occur").isBetween(1_000, 39_000);
  }
}
