package dev.talon.queue.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes {@link ScenarioReader#parse(String, String)}: any input is a scenario or a
 * {@link ScenarioException} naming the file and a JSON path (what the simulator turns into exit
 * code 2); any other exception is a finding. An accepted scenario must be within the reader's
 * run bounds.
 *
 * <p>In a plain build this replays the corpus in {@code ScenarioReaderFuzzTestInputs/}; with
 * {@code -Pfuzz} Jazzer mutates it for 20 s.
 */
class ScenarioReaderFuzzTest {
  private static final ScenarioReader READER = new ScenarioReader(PolicyResolver.library());

  @FuzzTest(maxDuration = "20s")
  @DictionaryEntries({"\"name\"", "\"seed\"", "\"zone\"", "\"date\"", "\"days\"", "\"hours\"", "\"opens\"",
      "\"closes\"", "\"24:00\"", "\"09:00\"", "\"afterClosing\"", "\"send-home\"", "\"warmUpMinutes\"",
      "\"admissionMode\"", "\"limits\"", "\"windowMinutes\"", "\"recallAfterMinutes\"", "\"services\"", "\"desks\"",
      "\"visitors\"", "\"changes\"", "\"policies\"", "\"report\"", "\"code\"", "\"prefix\"", "\"serviceMinutes\"",
      "\"arrivalsPerHour\"", "\"booking\"", "\"type\"", "\"lognormal\"", "\"normal\"", "\"triangular\"", "\"uniform\"",
      "\"exponential\"", "\"fixed\"", "\"mean\"", "\"sd\"", "\"min\"", "\"max\"", "\"mode\"", "\"patienceMinutes\"",
      "\"walk-in\"", "\"booked\"", "\"fifo\"", "\"sampleMinutes\"", "1e7", "1e400", "-0.0"})
  void parse_anyInput_isAScenarioOrAScenarioException(byte[] data) {
    String json = new String(data, StandardCharsets.UTF_8);
    Scenario s;
    try {
      s = READER.parse(json, "fuzz.json");
    } catch (ScenarioException e) {
      assertThat(e.getMessage()).startsWith("fuzz.json: $");
      return;
    }
    assertThat(s.days()).isBetween(1, 366);
    ScenarioReader.checkRun(s);
  }
}
