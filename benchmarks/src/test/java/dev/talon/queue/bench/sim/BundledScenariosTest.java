package dev.talon.queue.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talon.queue.bench.sim.SimulationResult.ClassResult;
import dev.talon.queue.bench.sim.SimulationResult.PolicyResult;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every bundled scenario runs in the normal build (the long validation one shortened to two days). */
class BundledScenariosTest {

  static Stream<String> bundled() {
    return ScenarioReader.BUNDLED.stream();
  }

  static SimulationResult run(String name) {
    Scenario s = TestScenarios.READER.bundled(name);
    return new DaySimulation().run(s.days() > 2 ? s.withDays(2) : s);
  }

  @ParameterizedTest
  @MethodSource("bundled")
  void run_bundledScenario_accountsForEveryVisitorUnderEveryPolicy(String name) {
    Scenario scenario = TestScenarios.READER.bundled(name);
    SimulationResult r = run(name);

    assertThat(r.policies()).hasSameSizeAs(scenario.policies());
    for (PolicyResult p : r.policies()) {
      ClassResult all = p.row("all");
      assertThat(all.served()).as("%s served", p.label()).isPositive();
      List<ClassResult> classes = p.classes().subList(0, p.classes().size() - 1);
      for (ClassResult c : p.classes()) {
        assertThat(c.served() + c.left() + c.refused() + c.sentHome())
            .as("%s/%s: every visitor who came is served, left, refused or sent home", p.label(), c.cls())
            .isEqualTo(c.arrived());
        if (p.bypassBound() >= 0 && c.bypassMax() != null) {
          assertThat(c.bypassMax()).as("%s/%s bypass within the declared bound", p.label(), c.cls())
              .isLessThanOrEqualTo(p.bypassBound());
        }
      }
      assertThat(classes.stream().mapToInt(ClassResult::arrived).sum()).isEqualTo(all.arrived());
      assertThat(classes.stream().mapToInt(ClassResult::served).sum()).isEqualTo(all.served());
      assertThat(classes.stream().mapToDouble(c -> c.deskShare() == null ? 0 : c.deskShare()).sum())
          .isCloseTo(all.deskShare(), org.assertj.core.data.Offset.offset(0.005));
      assertThat(all.deskShare()).isBetween(0.0, 1.0);
      if (scenario.warmUpMinutes() == 0) {
        assertThat(all.arrived() + r.arrivals().bookingsNotKept()).isEqualTo(r.arrivals().visitors());
      }
      assertThat(p.profile().minuteOfDay()).isNotEmpty().hasSizeLessThanOrEqualTo(24 * 60);
      assertThat(p.estimators()).extracting(SimulationResult.EstimatorResult::name)
          .startsWith("engine", "queue-length");
      for (ClassResult c : p.classes()) {
        assertThat(c.ticketed()).as("%s/%s", p.label(), c.cls()).isEqualTo(c.arrived() - c.refused());
        assertThat(c.censored()).isLessThanOrEqualTo(c.ticketed());
      }
    }
  }

  @Test
  void bundledList_matchesTheScenarioFilesInTheJar() throws URISyntaxException, java.io.IOException {
    Path dir = Path.of(ScenarioReader.class.getResource("/scenarios/" + ScenarioReader.DEFAULT_SCENARIO + ".json").toURI())
        .getParent();
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString().replace(".json", "")))
          .containsExactlyInAnyOrderElementsOf(ScenarioReader.BUNDLED);
    }
  }

  @Test
  void bookingDroppedMorning_bookedFirst_servesBookedVisitorsSoonerAndBypassesWalkIns() {
    SimulationResult r = run("booking-dropped-morning");
    PolicyResult fifo = r.policies().get(0);
    PolicyResult bookedFirst = r.policies().get(1);

    assertThat(fifo.label()).isEqualTo("fifo");
    assertThat(bookedFirst.label()).isEqualTo("booked-first");
    assertThat(bookedFirst.row("booked").waitP95()).isLessThan(fifo.row("booked").waitP95());
    assertThat(bookedFirst.row("booked").onTimeShare()).isGreaterThan(fifo.row("booked").onTimeShare());
    assertThat(bookedFirst.row("walk-in").bypassMax()).isPositive();
    assertThat(fifo.row("walk-in").bypassMax()).isZero();
    // walk-ins arriving before mandatory booking is dropped at 09:00 are turned away
    assertThat(fifo.row("walk-in").refused()).isPositive();
    // the surge outlasts the morning: some are still waiting at 14:00 and sent home
    assertThat(fifo.row("all").sentHome()).isPositive();
  }

  @Test
  void bookingOnlyDay_refusedWalkInsAreExactlyThoseWhoFoundNoPlace() {
    SimulationResult r = run("booking-only-day");

    assertThat(r.arrivals().walkIns()).isZero();
    assertThat(r.arrivals().bookingFull()).isPositive();
    for (PolicyResult p : r.policies()) {
      assertThat(p.row("walk-in").refused()).as(p.label()).isEqualTo(r.arrivals().bookingFull());
    }
  }
}
