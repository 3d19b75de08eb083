package dev.talon.queue.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.talon.queue.bench.sim.SimulationResult.EstimatorResult;
import dev.talon.queue.bench.sim.SimulationResult.PolicyResult;
import org.junit.jupiter.api.Test;

/** The simulator-side wait estimators, measured in the same run as the engine's. */
class EstimatorPanelTest {

  @Test
  void erlangRange_oneCompletion_isTheExponentialsTenAndNinetyPercentQuantiles() {
    double[] r = EstimatorPanel.ErlangRange.ratios(1);
    assertThat(r[0]).isCloseTo(-Math.log(0.9), offset(1e-6));
    assertThat(r[1]).isCloseTo(Math.log(10), offset(1e-6));
  }

  @Test
  void erlangRange_manyCompletions_narrowsAroundTheMeanAndJoinsTheApproximationSmoothly() {
    double[] ten = EstimatorPanel.ErlangRange.ratios(10);
    double[] exact = EstimatorPanel.ErlangRange.ratios(150);
    double[] approx = EstimatorPanel.ErlangRange.ratios(151);
    assertThat(EstimatorPanel.ErlangRange.cdf(10, ten[0] * 10)).isCloseTo(0.1, offset(1e-6));
    assertThat(EstimatorPanel.ErlangRange.cdf(10, ten[1] * 10)).isCloseTo(0.9, offset(1e-6));
    assertThat(exact[1] - exact[0]).isLessThan(ten[1] - ten[0]);
    assertThat(approx[0]).isCloseTo(exact[0], offset(0.002));
    assertThat(approx[1]).isCloseTo(exact[1], offset(0.002));
  }

  @Test
  void normalCoverage_engineSpreadOf164_isNinetyPercent() {
    assertThat(EstimatorPanel.normalCoverage(1.64)).isCloseTo(0.899, offset(0.001));
    assertThat(EstimatorPanel.normalCoverage(1.2816)).isCloseTo(0.8, offset(0.001));
  }

  @Test
  void estimators_steadyMmcLoad_everyEstimatorIsMeasuredAndTheRangesHoldTheirStatedCoverage() {
    PolicyResult r = new DaySimulation().run(TestScenarios.mmc(55, 4, 4, 3, 3)).policies().get(0);

    assertThat(r.estimators()).extracting(EstimatorResult::name).containsExactlyElementsOf(EstimatorPanel.NAMES);
    assertThat(r.estimatesCompared()).isGreaterThan(1000);
    assertThat(r.estimatesCensored()).isZero(); // nobody leaves
    for (EstimatorResult e : r.estimators()) {
      assertThat(e.mae()).as(e.name()).isPositive();
      if (!e.name().equals("engine")) {
        assertThat(e.statedCoverage()).isEqualTo(0.8);
        assertThat(e.coverage()).as(e.name()).isCloseTo(0.8, offset(0.05));
      }
    }
    // One service, no sharing, nobody leaves: the pool and abandonment variants reduce to the baseline.
    assertThat(r.estimator("queue-length-pool").mae()).isEqualTo(r.estimator("queue-length").mae());
    assertThat(r.estimator("queue-length-abandonment").mae()).isEqualTo(r.estimator("queue-length").mae());
    // The queue-length baseline is the better predictor than the delay-based ones on a steady M/M/c (Ibrahim & Whitt).
    assertThat(r.estimator("queue-length").mae()).isLessThan(r.estimator("head-of-line").mae())
        .isLessThan(r.estimator("last-to-enter-service").mae());
  }

  @Test
  void estimators_visitorsWhoCancel_areCensoredAndAbandonmentShortensTheEstimate() {
    Scenario s = TestScenarios.READER.parse("""
        { "name": "impatient", "seed": 8, "hours": { "opens": "08:00", "closes": "14:00" },
          "services": [ { "code": "s", "prefix": "S", "serviceMinutes": { "type": "exponential", "mean": 6 },
                          "arrivalsPerHour": { "08:00": 50 } } ],
          "desks": [ { "id": "1", "services": ["s"] }, { "id": "2", "services": ["s"] }, { "id": "3", "services": ["s"] },
                     { "id": "4", "services": ["s"] } ],
          "visitors": { "patienceMinutes": { "walk-in": { "type": "exponential", "mean": 15 } }, "cancelShare": 1 },
          "policies": [ { "type": "fifo" } ] }""", "impatient");

    PolicyResult r = new DaySimulation().run(s).policies().get(0);

    assertThat(r.estimatesCensored()).isPositive();
    assertThat(r.row("all").left()).isGreaterThanOrEqualTo(r.estimatesCensored());
    // Counting those ahead who will give up is closer than counting everyone ahead.
    assertThat(r.estimator("queue-length-abandonment").mae()).isLessThan(r.estimator("queue-length").mae());
  }

  @Test
  void estimatorResult_coverageOutsideZeroToOne_isRefusedNamingTheEstimator() {
    assertThatThrownBy(() -> new EstimatorResult("hol", 1.0, 1.2, 0.8))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("estimator hol").hasMessageContaining("1.2");
    assertThatThrownBy(() -> new EstimatorResult(" ", 1.0, 0.5, 0.8)).hasMessageContaining("needs a name");
  }
}
