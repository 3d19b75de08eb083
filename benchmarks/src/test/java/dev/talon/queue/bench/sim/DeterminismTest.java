package dev.talon.queue.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talon.queue.bench.sim.SimulationResult.PolicyResult;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeterminismTest {

  @Test
  void run_sameScenarioAndSeedTwice_writesByteIdenticalReports(@TempDir Path first, @TempDir Path second)
      throws Exception {
    Scenario s = TestScenarios.READER.bundled(ScenarioReader.DEFAULT_SCENARIO);

    Reports.Written a = Reports.write(new DaySimulation().run(s), first);
    Reports.Written b = Reports.write(new DaySimulation().run(s), second);

    assertThat(Files.readAllBytes(a.json())).isEqualTo(Files.readAllBytes(b.json()));
    assertThat(Files.readAllBytes(a.csv())).isEqualTo(Files.readAllBytes(b.csv()));
    assertThat(Files.readAllBytes(a.html())).isEqualTo(Files.readAllBytes(b.html()));
    assertThat(Files.size(a.json())).isGreaterThan(1000);
  }

  @Test
  void run_otherSeed_changesTheResults() {
    Scenario s = TestScenarios.READER.bundled(ScenarioReader.DEFAULT_SCENARIO);

    String seeded = Reports.csv(new DaySimulation().run(s));
    String reseeded = Reports.csv(new DaySimulation().run(s.withSeed(s.seed() + 1)));

    assertThat(reseeded).isNotEqualTo(seeded);
  }

  @Test
  void run_policiesThatDecideAlike_seeTheSameArrivalsAndGiveTheSameOutcome() {
    // Without bookings, booked-first has nothing to put first: it calls exactly as FIFO does.
    SimulationResult r = new DaySimulation().run(TestScenarios.mmc(50, 4, 4, 1, 11, "fifo", "booked-first"));
    PolicyResult fifo = r.policies().get(0);
    PolicyResult bookedFirst = r.policies().get(1);

    assertThat(fifo.row("all").served()).isGreaterThan(1000);
    assertThat(bookedFirst.classes()).isEqualTo(fifo.classes());
    assertThat(bookedFirst.profile()).isEqualTo(fifo.profile());
    assertThat(bookedFirst.estimators()).isEqualTo(fifo.estimators());
  }
}
