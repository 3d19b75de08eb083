package dev.talon.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talon.queue.Branch;
import dev.talon.queue.IssueRequest;
import dev.talon.queue.Talon;
import dev.talon.queue.Ticket;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.QueueClock;
import dev.talon.queue.testkit.RecordingStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * One simulated morning (09:00 to 12:00, two services, three desks, a visitor about every
 * minute, services of 3 to 8 minutes, one in twelve gives up) on a durable store, bound to a
 * SimpleMeterRegistry; prints the scrape, and checks that the counters add up.
 */
class MorningScrapeTest {

  @Test
  void scrape_aSimulatedMorning_countsAddUp() {
    ManualClock clock = QueueClock.manual(Instant.parse("2026-11-24T04:00:00Z"));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Branch b = Talon.newBranch("almaty-1").zone(java.time.ZoneId.of("Asia/Almaty")).clock(clock)
        .store(new RecordingStore(EventStore.inMemory(), true)).snapshotEvery(200)
        .service("id-docs", "A", "ID documents").service("tax", "B", "Tax").desk("1", "id-docs").desk("2", "id-docs", "tax")
        .desk("3", "tax").build();
    TalonMetrics.bind(b, registry);
    Random r = new Random(915);
    String[] desks = {"1", "2", "3"};
    Ticket[] serving = new Ticket[3];
    long[] freeAt = new long[3];
    List<Ticket> waiting = new ArrayList<>();
    for (int minute = 0; minute < 180; minute++) {
      if (r.nextInt(10) < 9) {
        waiting.add(b.issue(IssueRequest.walkIn(r.nextInt(3) == 0 ? "tax" : "id-docs")));
      }
      if (!waiting.isEmpty() && r.nextInt(12) == 0) {
        Ticket gone = waiting.remove(r.nextInt(waiting.size()));
        if (b.ticket(gone.id()).orElseThrow().state() == dev.talon.queue.TicketState.WAITING) {
          b.cancel(gone.id());
        }
      }
      for (int d = 0; d < 3; d++) {
        if (serving[d] != null && minute >= freeAt[d]) {
          b.finish(serving[d].id());
          serving[d] = null;
        }
        if (serving[d] == null) {
          Optional<Ticket> next = b.callNext(desks[d]);
          if (next.isPresent()) {
            serving[d] = b.startService(next.get().id());
            freeAt[d] = minute + 3 + r.nextInt(6);
          }
        }
      }
      clock.advance(Duration.ofMinutes(1));
    }
    String scrape = registry.getMetersAsString();
    System.out.println(scrape);

    double issued = sum(registry, "issued");
    double waitingNow = registry.find("talon.tickets.waiting").gauges().stream().mapToDouble(g -> g.value()).sum();
    assertThat(issued).isGreaterThan(100);
    assertThat(sum(registry, "called")).isEqualTo(issued - waitingNow - sum(registry, "cancelled"));
    assertThat(sum(registry, "served") + 3).isGreaterThanOrEqualTo(sum(registry, "called"));
    assertThat(registry.get("talon.store.commit.events").functionCounter().count()).isEqualTo(b.lastSeq());
  }

  private static double sum(SimpleMeterRegistry registry, String outcome) {
    return registry.find("talon.tickets").tag("outcome", outcome).counters().stream().mapToDouble(Counter::count).sum();
  }
}
