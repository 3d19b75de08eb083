package dev.talon.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.QueueClock;
import dev.talon.queue.testkit.Snapshot;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Retention through the public API (the store contract checks removeHistoryBefore on every store):
 * the in-memory store's default, the README's snippet, and the refusal when a cut history has no
 * usable snapshot.
 */
class RetentionTest {
  private static final ZoneId ALMATY = ZoneId.of("Asia/Almaty");
  private final ManualClock clock = QueueClock.manual(Instant.parse("2026-03-02T04:00:00Z")); // 09:00 local

  private Talon builder(EventStore store) {
    return Talon.newBranch("almaty-1").zone(ALMATY).clock(clock).store(store)
        .service("docs", "A", "ID documents").desk("1", "docs");
  }

  private static void day(Branch b, ManualClock clock) {
    for (int i = 0; i < 20; i++) {
      Ticket t = b.issue(IssueRequest.walkIn("docs"));
      clock.advance(Duration.ofMinutes(2));
      b.callNext("1");
      b.finish(t.id());
    }
  }

  @Test
  void inMemoryStore_longRunningBranch_keepsAboutTwoDaysBeforeItsNewestSnapshot() {
    EventStore store = EventStore.inMemory();
    Branch b = builder(store).snapshotEvery(50).build();
    for (int d = 0; d < 10; d++) {
      day(b, clock);
      clock.advance(Duration.ofDays(1));
    }
    Ticket open = b.issue(IssueRequest.walkIn("docs"));
    b.close();

    List<QueueEvent> kept = store.load(b.id(), 0);
    assertThat(kept.get(0).seq()).isGreaterThan(1);
    assertThat(Duration.between(kept.get(0).at(), kept.get(kept.size() - 1).at())).isLessThan(Duration.ofDays(3));
    Branch again = builder(store).build();
    assertThat(again.ticket(open.id())).isEqualTo(b.ticket(open.id()));
    assertThat(again.statistics(open.day())).isEqualTo(b.statistics(open.day()));
    assertThat(Snapshot.of(again, kept).diff(Snapshot.of(b, kept))).isNull();
  }

  @Test
  void inMemoryStore_keepingEverything_removesNothingByItself() {
    EventStore store = EventStore.inMemory(null);
    Branch b = builder(store).snapshotEvery(50).build();
    for (int d = 0; d < 4; d++) {
      day(b, clock);
      clock.advance(Duration.ofDays(1));
    }
    b.close();

    assertThat(store.load(b.id(), 0).get(0).seq()).isEqualTo(1);
  }

  @Test
  void removeHistoryBefore_asInReadme_keepsTheLastThirtyDays() {
    EventStore store = EventStore.inMemory(null);
    Branch branch = builder(store).build();
    day(branch, clock);
    clock.advance(Duration.ofDays(40));
    day(branch, clock);
    branch.close(); // a snapshot of the whole branch
    LocalDate today = LocalDate.ofInstant(clock.now(), branch.zone());
    Instant cutoff = today.minusDays(30).atStartOfDay(branch.zone()).toInstant();
    List<QueueEvent> before = store.load(branch.id(), 0);
    // --- retention begins
    // e.g. nightly, with today the branch-local date: keep the last 30 days of history
    long removed = store.removeHistoryBefore(branch.id(), today.minusDays(30), branch.zone());
    // --- retention ends

    assertThat(removed).isGreaterThan(80).isEqualTo(before.stream().filter(e -> e.at().isBefore(cutoff)).count());
    assertThat(store.load(branch.id(), 0)).isNotEmpty().allMatch(e -> !e.at().isBefore(cutoff));
  }

  @Test
  void open_historyCutAndSnapshotUnusable_failsSayingRetentionRemovedIt() {
    EventStore store = EventStore.inMemory(null);
    Branch b = builder(store).build();
    day(b, clock);
    clock.advance(Duration.ofDays(2));
    day(b, clock);
    b.close();
    assertThat(store.removeHistoryBefore(b.id(), clock.now().minus(Duration.ofDays(1)))).isPositive();

    // another desk: the snapshot was written under another configuration and cannot be used
    assertThatThrownBy(() -> builder(store).desk("2", "docs").build())
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("expected event 1")
        .hasMessageContaining("removed by retention");
  }
}
