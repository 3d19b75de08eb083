package dev.talon.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.QueueClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The cache's bounds, without a database (queue-jdbc's TicketStatusCacheTest follows a JDBC-backed
 * branch through every operation).
 */
class TicketStatusCacheBoundsTest {
  private final ManualClock clock = QueueClock.manual(Instant.parse("2026-11-24T05:00:00Z"));

  @Test
  void status_finishedTicketsExpireAndTheCacheStaysBounded() {
    AtomicLong nanos = new AtomicLong();
    TicketStatusCache cache = TicketStatusCache.create(20, Duration.ofMinutes(30), nanos::get);
    Branch b = Talon.newBranch("b1").service("docs", "A", "Docs").desk("1", "docs").clock(clock).listener(cache)
        .build();
    Ticket done = b.issue(IssueRequest.walkIn("docs"));
    Ticket waiting = b.issue(IssueRequest.walkIn("docs"));
    b.callNext("1");
    b.finish(done.id());
    nanos.addAndGet(Duration.ofMinutes(29).toNanos());
    assertThat(cache.status("b1", done.id())).isPresent();
    nanos.addAndGet(Duration.ofMinutes(2).toNanos());
    assertThat(cache.status("b1", done.id())).as("finished 31 minutes ago").isEmpty();
    assertThat(cache.status("b1", waiting.id())).as("still waiting: kept").isPresent();
    for (int i = 0; i < 100; i++) {
      b.issue(IssueRequest.walkIn("docs"));
    }
    assertThat(cache.size()).isLessThanOrEqualTo(20);
    long known = b.waiting("docs").stream().filter(t -> cache.status("b1", t.id()).isPresent()).count();
    assertThat(known).isBetween(1L, 20L);
  }

  @Test
  void status_unknownBranchOrTicket_isEmpty() {
    TicketStatusCache cache = TicketStatusCache.create();
    assertThat(cache.status("nowhere", 1)).isEmpty();
    assertThat(cache.status(null, 1)).isEmpty();
  }

  @Test
  void create_invalidBounds_areRefused() {
    assertThatThrownBy(() -> TicketStatusCache.create(0, Duration.ofHours(1)))
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("was 0");
    assertThatThrownBy(() -> TicketStatusCache.create(10, Duration.ZERO))
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("PT0S");
    assertThatThrownBy(() -> TicketStatusCache.create(10, null)).isInstanceOf(InvalidConfigurationException.class);
  }
}
