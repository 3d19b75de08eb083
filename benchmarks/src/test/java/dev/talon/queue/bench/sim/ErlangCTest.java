package dev.talon.queue.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import dev.talon.queue.QueueEvent;
import dev.talon.queue.QueueEvent.TicketCalled;
import dev.talon.queue.QueueEvent.TicketIssued;
import dev.talon.queue.bench.sim.SimulationResult.ClassResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The simulator against queueing theory. With first come first served, Poisson arrivals and
 * exponential service on c desks (the M/M/c queue, nobody leaving), the mean wait in line is
 * given by the Erlang C formula. Each point runs 300,000 to 500,000 visitors through the real
 * engine; the first two hours (the queue starting empty) are left out. The engine's events are
 * not kept (nobody reads them here), so that the heap holds only the engine's state.
 *
 * <p>The tolerance is 5%. Successive waits are strongly correlated, so the sample mean settles
 * slowly: at loads of 0.5 to 0.7 and these lengths, runs scatter by about 1% (one standard
 * deviation, measured over a dozen seeds), which puts the 5% bound four standard deviations away.
 * Larger loads or more desks at a lower load need far longer runs for the same margin.
 */
class ErlangCTest {

  @ParameterizedTest(name = "{0} arrivals/h, service mean {1} min, {2} desks, {3} visitors")
  @CsvSource({
      "60, 0.5, 1, 300000",
      "72, 1.0, 2, 400000",
      "168, 1.0, 4, 500000"})
  void meanWait_fifoOnMmcQueue_matchesErlangC(double perHour, double meanServiceMinutes, int desks, int visitors) {
    int days = (int) Math.ceil(visitors / (perHour * 24));
    Scenario mmc = TestScenarios.mmc(perHour, meanServiceMinutes, desks, days, 2026);

    ClassResult all = new DaySimulation(TestScenarios.DISCARDING, WaitEstimator.engine(), Progress.none()).run(mmc)
        .policies().get(0).row("all");

    double expected = erlangCMeanWait(perHour / 60, 1 / meanServiceMinutes, desks);
    assertThat(all.served()).isGreaterThanOrEqualTo(visitors * 99 / 100);
    assertThat(all.waitMean()).isCloseTo(expected, withinPercentage(5));
  }

  /**
   * The bundled validation scenario as the README runs it (200 days, about 173,000 visitors): its
   * mean wait stays within 2% of Erlang C's 1.125 minutes, and the estimator comparison runs along.
   */
  @Test
  void meanWait_bundledMmcValidationScenario_withinTwoPercentOfErlangC() {
    Scenario mmc = TestScenarios.READER.bundled("mmc-validation");

    SimulationResult.PolicyResult fifo = new DaySimulation(TestScenarios.DISCARDING, WaitEstimator.engine(),
        Progress.none()).run(mmc).policies().get(0);

    double expected = erlangCMeanWait(36 / 60.0, 1 / 2.0, 2);
    assertThat(expected).isCloseTo(1.125, within(1e-9));
    assertThat(fifo.row("all").served()).isGreaterThan(170_000);
    assertThat(fifo.row("all").waitMean()).isCloseTo(expected, withinPercentage(2));
    assertThat(fifo.estimator("queue-length").coverage()).isCloseTo(0.8, within(0.03));
  }

  /**
   * With one desk and FIFO, the wait of each visitor follows from the arrival and service times
   * alone (Lindley's recursion: W[n+1] = max(0, W[n] + S[n] - (A[n+1] - A[n]))). The waits the
   * engine's history shows must equal it to the nanosecond, for every visitor.
   */
  @Test
  void waits_singleDeskFifo_equalLindleysRecursionOnTheSameSamples() {
    Scenario mmc = TestScenarios.mmc(50, 1, 1, 2, 99);
    TestScenarios.KeptStores keep = new TestScenarios.KeptStores();
    new DaySimulation(keep, WaitEstimator.engine(), Progress.none()).run(mmc);

    Map<Long, Instant> issued = new HashMap<>();
    List<Long> simulated = new ArrayList<>();
    for (QueueEvent e : keep.events(0)) {
      if (e instanceof TicketIssued i) {
        issued.put(i.ticketId(), i.at());
      } else if (e instanceof TicketCalled c) {
        simulated.add(Duration.between(issued.get(c.ticketId()), c.at()).toNanos());
      }
    }
    List<ArrivalPlan.Visitor> visitors = ArrivalPlan.generate(mmc).visitors();
    List<Long> lindley = new ArrayList<>();
    long w = 0;
    for (int n = 0; n < visitors.size(); n++) {
      if (n > 0) {
        w = Math.max(0, w + visitors.get(n - 1).serviceNanos()
            - (visitors.get(n).desiredAt() - visitors.get(n - 1).desiredAt()));
      }
      lindley.add(w);
    }
    assertThat(simulated).hasSizeGreaterThan(2000).isEqualTo(lindley);
    assertThat(lindley).anyMatch(x -> x > 0);
  }

  @Test
  void erlangC_singleDeskAndTwoDesks_giveTheTextbookValues() {
    // M/M/1: Wq = rho / (mu - lambda)
    assertThat(erlangCMeanWait(0.8, 1, 1)).isCloseTo(0.8 / (1 - 0.8), within(1e-12));
    // M/M/2 with a = 1: P(wait) = 1/3, Wq = (1/3) / (2 - 1)
    assertThat(erlangCProbability(1, 2)).isCloseTo(1 / 3.0, within(1e-12));
    assertThat(erlangCMeanWait(1, 1, 2)).isCloseTo(1 / 3.0, within(1e-12));
  }

  /** The mean wait in line of M/M/c with arrival rate {@code lambda} and service rate {@code mu} per desk. */
  static double erlangCMeanWait(double lambda, double mu, int c) {
    double a = lambda / mu;
    if (a >= c) {
      throw new IllegalArgumentException("the queue is unstable: load " + a + " on " + c + " desks");
    }
    return erlangCProbability(a, c) / (c * mu - lambda);
  }

  /** The probability that an arrival waits (Erlang C) with offered load {@code a} on {@code c} desks. */
  static double erlangCProbability(double a, int c) {
    double term = 1; // a^k / k!
    double sum = 0;
    for (int k = 0; k < c; k++) {
      if (k > 0) {
        term *= a / k;
      }
      sum += term;
    }
    double last = term * a / c / (1 - a / c); // a^c / c! * c / (c - a)
    return last / (sum + last);
  }
}
