package dev.talon.queue.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.talon.queue.QueueEvent;
import dev.talon.queue.QueueEvent.ServiceFinished;
import dev.talon.queue.QueueEvent.TicketCalled;
import dev.talon.queue.QueueEvent.TicketNoShow;
import dev.talon.queue.bench.sim.SimulationResult.ClassResult;
import dev.talon.queue.bench.sim.SimulationResult.PolicyResult;
import dev.talon.queue.bench.sim.SimulationResult.WaitCurve;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the reports say: censored waits, on-time where it applies, utilisation, the profiles and the verdict. */
class ReportContentTest {

  private static Scenario leaving(double cancelShare) {
    return TestScenarios.READER.parse("""
        { "name": "leaving", "seed": 21, "hours": { "opens": "09:00", "closes": "13:00" }, "afterClosing": "send-home",
          "services": [ { "code": "s", "prefix": "S", "serviceMinutes": { "type": "exponential", "mean": 6 },
                          "arrivalsPerHour": { "09:00": 45 } } ],
          "desks": [ { "id": "1", "services": ["s"] }, { "id": "2", "services": ["s"] }, { "id": "3", "services": ["s"] } ],
          "visitors": { "patienceMinutes": { "walk-in": { "type": "lognormal", "mean": 25, "sd": 10 } },
                        "cancelShare": %s },
          "policies": [ { "type": "fifo" } ] }""".formatted(cancelShare), "leaving");
  }

  @Test
  void waits_visitorsWhoLeaveOrAreSentHome_countAsCensoredAndMarkTheTailAsALowerBound() {
    ClassResult all = new DaySimulation().run(leaving(1)).policies().get(0).row("all");

    assertThat(all.left() + all.sentHome()).isPositive();
    assertThat(all.ticketed()).isEqualTo(all.arrived() - all.refused());
    assertThat(all.censored()).isEqualTo(all.left() + all.sentHome()); // everyone who left cancelled uncalled
    assertThat(all.everyoneP95AtLeast()).isTrue();
    assertThat(all.everyoneP95()).isGreaterThanOrEqualTo(all.everyoneP50());
    // Counting everyone is not flattering the way served-only waits are: those who gave up waited long.
    assertThat(all.everyoneP50()).isGreaterThan(all.waitP50());
    assertThat(all.waitedShare()).isBetween(0.0, 1.0);
    assertThat(all.withinTargetShare()).isLessThanOrEqualTo((double) all.served() / all.arrived());
  }

  @Test
  void waitCurve_everyoneWithATicket_endsAtTheServedAndGoneShares() {
    PolicyResult p = new DaySimulation().run(leaving(1)).policies().get(0);
    ClassResult all = p.row("all");
    WaitCurve c = p.waitCurves().stream().filter(w -> w.cls().equals("all")).findFirst().orElseThrow();

    int last = c.minutes().size() - 1;
    assertThat(c.calledShare().get(last)).isCloseTo((double) all.served() / all.ticketed(), offset(0.001));
    assertThat(c.goneShare().get(last)).isCloseTo((double) all.censored() / all.ticketed(), offset(0.001));
    assertThat(c.calledShare().get(last)).isLessThan(1.0); // not 100 %: some never got called
  }

  @Test
  void deskShare_visitorsGoneWhenCalled_recallTimeIsNotCountedAsUtilisation() {
    TestScenarios.KeptStores stores = new TestScenarios.KeptStores();
    PolicyResult p = new DaySimulation(stores, WaitEstimator.engine(), Progress.none()).run(leaving(0)).policies().get(0);

    Map<Long, Instant> calledAt = new HashMap<>();
    long serving = 0;
    long recalling = 0;
    for (QueueEvent e : stores.events(0)) {
      if (e instanceof TicketCalled c && !calledAt.containsKey(c.ticketId())) {
        calledAt.put(c.ticketId(), c.at());
      } else if (e instanceof ServiceFinished f) {
        serving += Duration.between(calledAt.get(f.ticketId()), f.at()).toNanos();
      } else if (e instanceof TicketNoShow n) {
        recalling += Duration.between(calledAt.get(n.ticketId()), n.at()).toNanos();
      }
    }
    assertThat(recalling).isPositive();
    assertThat(p.recallShare()).isPositive();
    assertThat(p.row("all").deskShare() / p.recallShare()).isCloseTo((double) serving / recalling, offset(0.02));
  }

  @Test
  void onTime_walkInLine_isNotApplicableButTheBookedLineHasIt() {
    SimulationResult r = BundledScenariosTest.run("booking-only-day");
    for (PolicyResult p : r.policies()) {
      assertThat(p.row("walk-in").withBooking()).as("late bookings end up in the walk-in line").isPositive();
      assertThat(p.row("walk-in").onTimeShare()).isNull();
      assertThat(p.row("booked").onTimeShare()).isNotNull();
    }
    assertThat(ResultTable.console(r)).containsPattern("walk-in .* n/a ");
  }

  @Test
  void profile_moreDays_averagesPerTimeOfDaySoTheReportsDoNotGrow() {
    Scenario oneDay = TestScenarios.mmc(50, 4, 4, 1, 5);
    Scenario tenDays = TestScenarios.mmc(50, 4, 4, 10, 5);

    SimulationResult one = new DaySimulation().run(oneDay);
    SimulationResult ten = new DaySimulation().run(tenDays);

    assertThat(ten.policies().get(0).profile().minuteOfDay()).hasSameSizeAs(one.policies().get(0).profile().minuteOfDay())
        .hasSizeLessThanOrEqualTo(24 * 60 / 10);
    assertThat(Reports.json(ten).length()).isLessThan(Reports.json(one).length() * 11 / 10);
    assertThat(Html.report(ten).length()).isLessThan(Html.report(one).length() * 11 / 10);
    // Four desks open around the clock (a little less just after midnight of the last day, when they go home)
    List<Double> open = ten.policies().get(0).profile().series("desks open").values();
    assertThat(open).allMatch(v -> v <= 4.0);
    assertThat(open.stream().mapToDouble(Double::doubleValue).average().orElseThrow()).isGreaterThan(3.95);
  }

  @Test
  void verdict_bookingDroppedMorning_ranksEveryPolicyOnEveryQuestionAndNamesItsTrade() {
    SimulationResult r = BundledScenariosTest.run("booking-dropped-morning");
    Verdict v = r.verdict();

    assertThat(v.standings()).hasSameSizeAs(r.policies());
    assertThat(v.questions()).extracting(Verdict.Question::key).containsExactly("bookedOnTime", "walkInP95",
        "walkInP99", "servedShare", "withinTarget", "waitedShare", "bypassBound");
    for (Verdict.Standing s : v.standings()) {
      assertThat(s.trade()).startsWith(s.label());
      assertThat(s.answers()).hasSize(v.questions().size());
    }
    assertThat(v.standings()).extracting(Verdict.Standing::place).containsExactly(1, 2, 3, 4, 5);
    assertThat(v.summary()).contains(v.standings().get(0).label() + " ranks first");
    Verdict.Standing fifo = v.standings().stream().filter(s -> s.label().equals("fifo")).findFirst().orElseThrow();
    Verdict.Standing bookedFirst = v.standings().stream().filter(s -> s.label().equals("booked-first")).findFirst()
        .orElseThrow();
    assertThat(bookedFirst.answers().get(0).rank()).isEqualTo(1); // booked on time
    assertThat(fifo.answers().get(6).rank()).isEqualTo(1); // bypass bound 0
    assertThat(bookedFirst.answers().get(6).shown()).startsWith("unbounded");
    assertThat(fifo.answers().get(1).shown()).startsWith("≥"); // walk-ins who gave up push the tail
  }
}
