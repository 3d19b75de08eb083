package dev.talon.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talon.queue.QueueEvent.DayStarted;
import dev.talon.queue.QueueEvent.WindowRotated;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.QueueClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The engine across the 23- and 25-hour days (and Almaty's move from +06 to +05, which repeated
 * an evening hour): the clock advancing in 5-minute steps rotates into each window of the day once
 * and in order, a new day starts once at local midnight with numbering from 1, and a window whose
 * local time the clocks skip cannot be booked.
 */
class DstCalendarTest {

  @ParameterizedTest
  @CsvSource({"Europe/Berlin,2026-03-29,92", "Europe/Berlin,2026-10-25,96", "America/New_York,2026-03-08,92",
      "America/New_York,2026-11-01,96", "Asia/Almaty,2024-02-29,96", "Asia/Almaty,2026-06-01,96"})
  void rotate_throughADayWithAnOffsetChange_visitsEachWindowOnceAndStartsTheDayAtLocalMidnight(String zoneId,
      String date, int windows) {
    ZoneId zone = ZoneId.of(zoneId);
    LocalDate day = LocalDate.parse(date);
    Instant start = day.atStartOfDay(zone).toInstant().minus(Duration.ofMinutes(30));
    Instant end = day.plusDays(1).atStartOfDay(zone).toInstant();
    ManualClock clock = QueueClock.manual(start);
    EventStore store = EventStore.inMemory();
    try (Branch b = Talon.newBranch("dst").zone(zone).clock(clock).store(store)
        .service("docs", "A", "ID documents").desk("1", "docs").build()) {
      b.issue(IssueRequest.walkIn("docs"));
      b.issue(IssueRequest.walkIn("docs"));
      while (clock.now().isBefore(end)) {
        clock.advance(Duration.ofMinutes(5));
        b.rotate();
      }
      assertThat(b.issue(IssueRequest.walkIn("docs")).display()).isEqualTo("A-001");
      List<QueueEvent> events = store.load(b.id(), 0);
      List<LocalDate> days = events.stream().filter(DayStarted.class::isInstance).map(e -> ((DayStarted) e).day())
          .toList();
      assertThat(days).containsExactly(day.minusDays(1), day, day.plusDays(1));
      for (QueueEvent e : events) {
        if (e instanceof DayStarted d && d.day().equals(day)) {
          assertThat(e.at()).isEqualTo(day.atStartOfDay(zone).toInstant());
        }
      }
      List<Long> rotated = events.stream().filter(WindowRotated.class::isInstance)
          .map(e -> ((WindowRotated) e).window()).toList();
      Set<Long> distinct = new HashSet<>(rotated);
      assertThat(distinct).as("no window twice").hasSize(rotated.size());
      assertThat(rotated).isSorted();
      long first = day.toEpochDay() * 96;
      long ofTheDay = rotated.stream().filter(w -> w >= first && w < first + 96).count();
      assertThat(ofTheDay).isEqualTo(windows);
    }
  }

  @Test
  void book_windowInTheSkippedHour_isRefusedAsNonexistent() {
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    ManualClock clock = QueueClock.manual(LocalDateTime.parse("2026-03-28T12:00").atZone(berlin).toInstant());
    try (Branch b = Talon.newBranch("dst").zone(berlin).clock(clock).service("docs", "A", "ID documents")
        .desk("1", "docs").slots(SlotCalendar.defaults().withCapacity("docs", 1).withBookingHorizonDays(366))
        .build()) {
      assertThatThrownBy(() -> b.book(BookRequest.of("docs", LocalDateTime.parse("2026-03-29T02:15"))))
          .isInstanceOf(OutOfHoursException.class).hasMessageContaining("does not exist");
      Booking before = b.book(BookRequest.of("docs", LocalDateTime.parse("2026-03-29T01:45")));
      Booking after = b.book(BookRequest.of("docs", LocalDateTime.parse("2026-03-29T03:00")));
      assertThat(before.endsAt()).isEqualTo(after.startsAt());
      Booking repeated = b.book(BookRequest.of("docs", LocalDateTime.parse("2026-10-25T02:45")));
      assertThat(Duration.between(repeated.startsAt(), repeated.endsAt())).isEqualTo(Duration.ofMinutes(75));
    }
  }
}
