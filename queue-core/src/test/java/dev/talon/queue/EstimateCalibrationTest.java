package dev.talon.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.QueueClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Calibration of the wait estimates on a generated steady load: Poisson arrivals, exponential
 * service, c desks. The range given at issue must hold the actual wait for at least 80% of the
 * tickets (after a warm-up in which the engine learns the service time).
 */
class EstimateCalibrationTest {

  @ParameterizedTest(name = "λ={0}/min, mean service={1} min, desks={2}")
  @CsvSource({"0.5, 5, 3", "0.9, 2, 2", "0.15, 6, 1"})
  void estimate_onSteadyLoad_rangeHoldsActualWaitForAtLeast80Percent(double perMinute, double meanMinutes, int desks) {
    ManualClock clock = QueueClock.manual(Instant.parse("2026-11-24T04:00:00Z"));
    Talon builder = Talon.newBranch("calib").clock(clock).service("docs", "A", "Docs")
        .estimation(new Estimation(Duration.ofMinutes(10), 0.05, 1.64));
    for (int d = 1; d <= desks; d++) {
      builder.desk(String.valueOf(d), "docs");
    }
    Branch b = builder.build();
    SplittableRandom random = new SplittableRandom(42);

    record Pending(long at, int kind, String desk, long ticket) {}
    PriorityQueue<Pending> agenda = new PriorityQueue<>((x, y) -> x.at != y.at ? Long.compare(x.at, y.at)
        : Integer.compare(x.kind, y.kind));
    long start = clock.now().toEpochMilli();
    agenda.add(new Pending(start, 0, null, 0));
    List<String> free = new ArrayList<>();
    for (int d = 1; d <= desks; d++) {
      free.add(String.valueOf(d));
    }
    Map<Long, WaitEstimate> atIssue = new HashMap<>();
    int tickets = 0;
    int inside = 0;
    int counted = 0;
    final int warmUp = 300;
    final int total = 3_000;
    while (!agenda.isEmpty() && counted < total - warmUp) {
      Pending p = agenda.poll();
      clock.set(Instant.ofEpochMilli(p.at));
      if (p.kind == 1) { // a service ends
        b.finish(p.ticket);
        free.add(p.desk);
      } else if (tickets < total) { // an arrival
        Ticket t = b.issue(IssueRequest.walkIn("docs"));
        tickets++;
        atIssue.put(t.id(), b.estimate(t.id()));
        agenda.add(new Pending(p.at + exp(random, 1 / perMinute), 0, null, 0));
      }
      while (!free.isEmpty()) {
        String desk = free.get(0);
        var called = b.callNext(desk);
        if (called.isEmpty()) {
          break;
        }
        free.remove(0);
        Ticket t = b.startService(called.get().id());
        WaitEstimate e = atIssue.remove(t.id());
        if (t.id() > warmUp) {
          Duration actual = Duration.between(t.issuedAt(), t.calledAt());
          counted++;
          if (actual.compareTo(e.optimistic()) >= 0 && actual.compareTo(e.pessimistic()) <= 0) {
            inside++;
          }
        }
        agenda.add(new Pending(p.at + exp(random, meanMinutes), 1, desk, t.id()));
      }
    }
    double share = inside / (double) counted;
    assertThat(counted).isGreaterThanOrEqualTo(2_000);
    assertThat(share).as("share of actual waits inside the estimated range").isGreaterThanOrEqualTo(0.80);
  }

  private static long exp(SplittableRandom random, double meanMinutes) {
    return Math.max(1, Math.round(-Math.log(1 - random.nextDouble()) * meanMinutes * 60_000));
  }
}
