package dev.talon.queue.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The commented example scenario of the README is read and run, so that it cannot rot. */
class ReadmeScenarioTest {

  /** The first {@code jsonc} block of the simulator's README text (its own file, or the README it moved into). */
  static String example() throws IOException {
    for (Path p : List.of(Path.of("README-SIM-SECTION.md"), Path.of("..", "README.md"))) {
      if (Files.isRegularFile(p)) {
        String text = Files.readString(p);
        int start = text.indexOf("```jsonc\n");
        if (start >= 0) {
          return text.substring(start + 9, text.indexOf("\n```", start + 9));
        }
      }
    }
    throw new AssertionError("no ```jsonc example scenario in README-SIM-SECTION.md or ../README.md");
  }

  @Test
  void readmeExample_parsesAndRunsUnderBothPolicies() throws IOException {
    Scenario s = TestScenarios.READER.parse(example(), "README example");

    SimulationResult r = new DaySimulation().run(s);

    assertThat(r.scenario()).isEqualTo("my-branch");
    assertThat(r.policies()).extracting(SimulationResult.PolicyResult::label).containsExactly("fifo", "bookings first");
    assertThat(r.arrivals().booked()).isPositive();
    for (SimulationResult.PolicyResult p : r.policies()) {
      assertThat(p.row("all").served()).isPositive();
    }
  }
}
