package dev.talon.queue.policies;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.talon.queue.spi.Policy;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes {@link Policies#fromJson(String)}: any input either builds a policy or fails with a
 * {@link PolicyConfigException} naming a JSON path; any other exception is a finding. A policy that
 * is accepted must also work: it writes back to the same configuration and serves a small
 * morning of calls without throwing.
 *
 * <p>In a plain build this replays the corpus in {@code PolicyJsonFuzzTestInputs/}; with
 * {@code -Pfuzz} Jazzer mutates it for 20 s.
 */
class PolicyJsonFuzzTest {

  @FuzzTest(maxDuration = "20s")
  @DictionaryEntries({"\"type\"", "\"fifo\"", "\"priority\"", "\"ratio\"", "\"deficit\"", "\"max-wait\"",
      "\"booked-time\"", "\"deadline\"", "\"desk-preferences\"", "\"schedule\"", "\"longest-line\"", "\"order\"",
      "\"weights\"", "\"limit\"", "\"limits\"", "\"inner\"", "\"lateLimit\"", "\"targets\"", "\"desks\"", "\"steps\"",
      "\"from\"", "\"policy\"", "\"classify\"", "\"rules\"", "\"otherwise\"", "\"origins\"", "\"categories\"",
      "\"services\"", "\"late\"", "\"line\"", "\"booked\"", "\"walk-in\"", "\"privileged\"", "\"remote\"",
      "\"preferred\"", "\"leftovers\"", "\"exclude\"", "\"PT45M\"", "\"P365D\"", "\"2026-03-02T10:00:00Z\"", "1e999"})
  void fromJson_anyInput_buildsAWorkingPolicyOrFailsWithPathAndRule(byte[] data) {
    String json = new String(data, StandardCharsets.UTF_8);
    Policy<?> policy;
    try {
      policy = Policies.fromJson(json);
    } catch (PolicyConfigException e) {
      assertThat(e.path()).startsWith("$");
      assertThat(e.getMessage()).isEqualTo(e.path() + ": " + e.rule());
      return;
    }
    PolicyConfig config = Policies.configOf(policy);
    assertThat(Policies.parse(Policies.toJson(policy))).isEqualTo(config);

    TestBranch b = new TestBranch(policy);
    b.walkIn("a");
    b.walkIn("b", "disabled");
    b.booked("a", "08:00");
    b.advance(50);
    b.walkIn("c", "elderly");
    b.calls("1", 3);
    b.calls("2", 2);
  }
}
