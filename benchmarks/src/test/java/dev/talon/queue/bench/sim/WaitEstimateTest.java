package dev.talon.queue.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.talon.queue.QueueEvent;
import dev.talon.queue.QueueEvent.TicketCalled;
import dev.talon.queue.QueueEvent.TicketIssued;
import dev.talon.queue.bench.sim.SimulationResult.ClassResult;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The estimate columns, fed by a stand-in estimator until the engine gives estimates. */
class WaitEstimateTest {
  private final Scenario scenario = TestScenarios.mmc(50, 4, 4, 1, 3);
  private final TestScenarios.KeptStores stores = new TestScenarios.KeptStores();

  private SimulationResult run(WaitEstimator estimator) {
    return new DaySimulation(stores, estimator, Progress.none()).run(scenario);
  }

  /** The waits of counted served visitors, in minutes, straight from the engine's history. */
  private List<Double> actualWaits(Instant countedFrom) {
    Map<Long, Instant> issued = new HashMap<>();
    Map<Long, Double> waits = new HashMap<>();
    for (QueueEvent e : stores.events(0)) {
      if (e instanceof TicketIssued i && !i.at().isBefore(countedFrom)) {
        issued.put(i.ticketId(), i.at());
      } else if (e instanceof TicketCalled c && issued.containsKey(c.ticketId()) && !waits.containsKey(c.ticketId())) {
        waits.put(c.ticketId(), Duration.between(issued.get(c.ticketId()), c.at()).toNanos() / 6e10);
      }
    }
    return List.copyOf(waits.values());
  }

  @Test
  void estimates_areComparedWithTheWaitThatFollowed() {
    Duration five = Duration.ofMinutes(5);
    SimulationResult r = run((branch, ticket) -> Optional.of(new WaitEstimator.Estimate(five, Duration.ZERO, five)));

    ArrivalPlan plan = ArrivalPlan.generate(scenario);
    // Only tickets that waited at issue get estimates (one called at once has no wait to estimate).
    List<Double> waits = actualWaits(plan.instant(plan.countedFrom())).stream().filter(w -> w > 0).toList();
    double mae = waits.stream().mapToDouble(w -> Math.abs(w - 5)).average().orElseThrow();
    double inRange = waits.stream().filter(w -> w <= 5).count() / (double) waits.size();
    ClassResult all = r.policies().get(0).row("all");
    assertThat(all.estimated()).isEqualTo(waits.size()).isLessThan(all.served()).isGreaterThan(100);
    assertThat(all.estimateMae()).isCloseTo(mae, offset(0.001));
    assertThat(all.estimateInRange()).isCloseTo(inRange, offset(0.001));
    assertThat(inRange).isBetween(0.05, 0.995); // the check can fail both ways
    assertThat(r.notes()).noneMatch(n -> n.startsWith("Est. MAE / in range: n/a"));
  }

  @Test
  void estimates_noneGiven_areNotApplicableWithAFootnote() {
    SimulationResult r = run((branch, ticket) -> java.util.Optional.empty());

    ClassResult all = r.policies().get(0).row("all");
    assertThat(all.estimated()).isZero();
    assertThat(all.estimateMae()).isNull();
    assertThat(all.estimateInRange()).isNull();
    assertThat(r.notes()).anyMatch(n -> n.startsWith("Est. MAE / in range: n/a"));
    assertThat(ResultTable.console(r)).contains("n/a");
  }

  @Test
  void estimate_boundsOutOfOrder_areRefused() {
    assertThatThrownBy(() -> new WaitEstimator.Estimate(Duration.ofMinutes(5), Duration.ofMinutes(6),
        Duration.ofMinutes(7))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("optimistic <= expected");
  }

  @Test
  void estimates_fromTheEngine_areGivenForEveryWaitingVisitor() {
    SimulationResult r = run(WaitEstimator.engine());

    ClassResult all = r.policies().get(0).row("all");
    assertThat(all.estimated()).isPositive();
    assertThat(all.estimateMae()).isNotNull();
    assertThat(all.estimateInRange()).isBetween(0.0, 1.0);
    assertThat(r.notes()).anyMatch(n -> n.startsWith("Est. MAE / in range: the engine's wait estimate"));
  }
}
