package dev.talon.queue;

import static dev.talon.queue.Fixtures.ALMATY;
import static dev.talon.queue.Fixtures.LOS_ANGELES;
import static dev.talon.queue.Fixtures.local;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talon.queue.QueueEvent.DayStarted;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.QueueClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** Display numbers count per service and per branch-local day; the day follows the branch's zone, not UTC. */
class NumberingTest {
  private final EventStore store = EventStore.inMemory(null); // whole histories are read back: no retention

  private Branch open(ZoneId zone, ManualClock clock) {
    return Fixtures.branch("b1", zone, clock, store).build();
  }

  private static Ticket issueAt(Branch b, ManualClock clock, Instant at, String service) {
    clock.set(at);
    return b.issue(IssueRequest.walkIn(service));
  }

  @Test
  void issue_aroundLocalMidnightAtUtcPlus5_restartsAtLocalMidnightAndNotAtUtcMidnight() {
    assertThat(local(ALMATY, "2026-01-06T00:00")).isEqualTo(Instant.parse("2026-01-05T19:00:00Z"));
    ManualClock clock = QueueClock.manual(local(ALMATY, "2026-01-05T23:59:58"));
    Branch b = open(ALMATY, clock);

    Ticket first = issueAt(b, clock, local(ALMATY, "2026-01-05T23:59:58"), "docs");
    Ticket lastBeforeMidnight = issueAt(b, clock, local(ALMATY, "2026-01-05T23:59:59"), "docs");
    Ticket firstAfterMidnight = issueAt(b, clock, local(ALMATY, "2026-01-06T00:00:00"), "docs");
    Ticket beforeUtcMidnight = issueAt(b, clock, Instant.parse("2026-01-05T23:59:59Z"), "docs"); // 04:59:59 local
    Ticket afterUtcMidnight = issueAt(b, clock, Instant.parse("2026-01-06T00:00:00Z"), "docs"); // 05:00 local

    assertThat(first.display()).isEqualTo("A-001");
    assertThat(lastBeforeMidnight.display()).isEqualTo("A-002");
    assertThat(lastBeforeMidnight.day()).isEqualTo(LocalDate.of(2026, 1, 5));
    assertThat(firstAfterMidnight.display()).isEqualTo("A-001");
    assertThat(firstAfterMidnight.day()).isEqualTo(LocalDate.of(2026, 1, 6));
    assertThat(beforeUtcMidnight.display()).isEqualTo("A-002");
    assertThat(afterUtcMidnight.display()).isEqualTo("A-003");
    assertThat(afterUtcMidnight.day()).isEqualTo(LocalDate.of(2026, 1, 6));
    assertThat(Fixtures.eventsOf(store, b, DayStarted.class)).extracting(DayStarted::day)
        .containsExactly(LocalDate.of(2026, 1, 5), LocalDate.of(2026, 1, 6));
    Fixtures.checkInvariants(store, b);
  }

  @Test
  void issue_aroundLocalMidnightAtUtcMinus8_restartsAtLocalMidnightAndNotAtUtcMidnight() {
    assertThat(local(LOS_ANGELES, "2026-01-06T00:00")).isEqualTo(Instant.parse("2026-01-06T08:00:00Z"));
    ManualClock clock = QueueClock.manual(Instant.parse("2026-01-05T23:59:58Z")); // 15:59:58 local
    Branch b = open(LOS_ANGELES, clock);

    Ticket beforeUtcMidnight = issueAt(b, clock, Instant.parse("2026-01-05T23:59:59Z"), "docs");
    Ticket afterUtcMidnight = issueAt(b, clock, Instant.parse("2026-01-06T00:00:00Z"), "docs"); // 16:00 local, Jan 5
    Ticket lastBeforeMidnight = issueAt(b, clock, local(LOS_ANGELES, "2026-01-05T23:59:59"), "docs");
    Ticket firstAfterMidnight = issueAt(b, clock, local(LOS_ANGELES, "2026-01-06T00:00:00"), "docs");

    assertThat(beforeUtcMidnight.display()).isEqualTo("A-001");
    assertThat(afterUtcMidnight.display()).isEqualTo("A-002");
    assertThat(afterUtcMidnight.day()).isEqualTo(LocalDate.of(2026, 1, 5));
    assertThat(lastBeforeMidnight.display()).isEqualTo("A-003");
    assertThat(firstAfterMidnight.display()).isEqualTo("A-001");
    assertThat(firstAfterMidnight.day()).isEqualTo(LocalDate.of(2026, 1, 6));
    assertThat(Fixtures.eventsOf(store, b, DayStarted.class)).extracting(DayStarted::at)
        .containsExactly(Instant.parse("2026-01-05T23:59:59Z"), local(LOS_ANGELES, "2026-01-06T00:00:00"));
    Fixtures.checkInvariants(store, b);
  }

  @Test
  void issue_twoServices_countSeparatelyAndBothRestartWithTheDay() {
    ManualClock clock = QueueClock.manual(local(ALMATY, "2026-01-05T17:00"));
    Branch b = open(ALMATY, clock);

    assertThat(b.issue(IssueRequest.walkIn("docs")).display()).isEqualTo("A-001");
    assertThat(b.issue(IssueRequest.walkIn("cars")).display()).isEqualTo("B-001");
    assertThat(b.issue(IssueRequest.remote("docs")).display()).isEqualTo("A-002");
    clock.set(local(ALMATY, "2026-01-06T09:00"));
    assertThat(b.issue(IssueRequest.walkIn("cars")).display()).isEqualTo("B-001");
    assertThat(b.issue(IssueRequest.walkIn("docs")).display()).isEqualTo("A-001");
  }

  @Test
  void dayChange_seenFirstByAnotherOperationOrAfterSeveralDays_startsTheDayOnce() {
    ManualClock clock = QueueClock.manual(local(ALMATY, "2026-01-05T23:50"));
    Branch b = open(ALMATY, clock);
    b.issue(IssueRequest.walkIn("docs"));
    b.issue(IssueRequest.walkIn("docs"));

    clock.set(local(ALMATY, "2026-01-06T00:10"));
    b.callNext("1"); // the first operation of the new day starts it
    Ticket nextDay = b.issue(IssueRequest.walkIn("docs"));
    clock.set(local(ALMATY, "2026-01-09T08:00"));
    Ticket daysLater = b.issue(IssueRequest.walkIn("docs"));

    assertThat(nextDay.display()).isEqualTo("A-001");
    assertThat(daysLater.display()).isEqualTo("A-001");
    assertThat(daysLater.day()).isEqualTo(LocalDate.of(2026, 1, 9));
    assertThat(Fixtures.eventsOf(store, b, DayStarted.class)).extracting(DayStarted::day)
        .containsExactly(LocalDate.of(2026, 1, 5), LocalDate.of(2026, 1, 6), LocalDate.of(2026, 1, 9));
    assertThat(Fixtures.eventsOf(store, b, DayStarted.class).get(1).at()).isEqualTo(local(ALMATY, "2026-01-06T00:10"));
  }

  @Test
  void display_pastThreeDigits_widensInsteadOfWrapping() {
    ManualClock clock = QueueClock.manual(local(ALMATY, "2026-01-05T08:00"));
    Branch b = open(ALMATY, clock);
    Ticket t = null;
    for (int i = 1; i <= 1000; i++) {
      t = b.issue(IssueRequest.walkIn("docs"));
      clock.advance(Duration.ofSeconds(1));
      if (i == 9 || i == 10 || i == 99 || i == 100 || i == 999) {
        assertThat(t.display()).isEqualTo(String.format("A-%03d", i));
      }
    }
    assertThat(t.number()).isEqualTo(1000);
    assertThat(t.display()).isEqualTo("A-1000");
    Fixtures.checkInvariants(store, b);
  }
}
