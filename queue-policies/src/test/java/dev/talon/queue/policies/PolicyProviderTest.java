package dev.talon.queue.policies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.talon.queue.InvalidConfigurationException;
import dev.talon.queue.Ticket;
import dev.talon.queue.policies.example.LongestLineProvider;
import dev.talon.queue.spi.Policy;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyProviderTest {

  @Test
  void fromJson_typeOfARegisteredProvider_buildsItsPolicy() {
    TestBranch b = new TestBranch(Policies.fromJson("""
        {"type": "longest-line", "minimum": 2, "inner": {"type": "fifo"}}
        """));
    Ticket single = b.walkIn("a");
    Ticket first = b.walkIn("b");
    Ticket second = b.walkIn("b");

    assertThat(b.calls("1", 3)).containsExactly(first.display(), single.display(), second.display());
  }

  @Test
  void fromJson_providedTypeNestedInABuiltIn_andTheOtherWayRound() {
    String json = "{\"type\":\"max-wait\",\"limit\":\"PT30M\",\"inner\":{\"type\":\"longest-line\",\"minimum\":3,"
        + "\"inner\":{\"type\":\"ratio\",\"weights\":{\"booked\":3,\"walk-in\":1}}}}";
    Policy<?> p = Policies.fromJson(json);

    assertThat(p.name()).isEqualTo("max-wait");
    assertThat(Policies.toJson(p)).isEqualTo(json);
    assertThat(Policies.configOf(Policies.fromJson(Policies.toJson(p)))).isEqualTo(Policies.configOf(p));
  }

  @Test
  void fromJson_providedTypeWithClassificationRules_appliesThemAroundIt() {
    Policy<?> p = Policies.fromJson("""
        {"type": "longest-line", "inner": {"type": "fifo"},
         "classify": {"rules": [{"categories": ["disabled"], "line": "privileged"}]}}
        """);
    TestBranch b = new TestBranch(p);

    assertThat(b.walkIn("a", "disabled").line()).isEqualTo("privileged");
    assertThat(Policies.configOf(p)).isInstanceOf(PolicyConfig.Classify.class);
  }

  @Test
  void fromJson_providerRejectsItsConfiguration_errorNamesTheFullPath() {
    assertThatThrownBy(() -> Policies.fromJson("""
        {"type": "max-wait", "limit": "PT30M", "inner": {"type": "longest-line", "minimum": 0, "inner": {"type": "fifo"}}}
        """)).isInstanceOf(PolicyConfigException.class)
        .hasMessage("$.inner.minimum: must be a whole number >= 1, was 0");
    assertThatThrownBy(() -> Policies.fromJson("""
        {"type": "longest-line", "inner": {"type": "ratio", "weights": {"booked": 0, "walk-in": 1}}}
        """)).hasMessage("$.inner.weights.booked: weight must be >= 1, was 0");
  }

  @Test
  void types_includeRegisteredProviders() {
    assertThat(Policies.types()).contains("longest-line", "ratio", "max-wait");
    assertThatThrownBy(() -> Policies.fromJson("{\"type\": \"longest-lines\"}"))
        .hasMessage("$.type: unknown policy type \"longest-lines\"; known types are [booked-first, booked-time, deadline, "
            + "deficit, desk-preferences, fifo, longest-line, max-wait, priority, ratio, schedule]");
  }

  @Test
  void load_providerTakingABuiltInOrTakenType_isRefused() {
    PolicyProvider ratio = provider("ratio");
    assertThatThrownBy(() -> Providers.load(List.of(ratio))).isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("declares type ratio, which is built in");
    assertThatThrownBy(() -> Providers.load(List.of(provider("mine"), provider("mine"))))
        .hasMessageContaining("policy type mine is declared by two providers");
    assertThatThrownBy(() -> Providers.load(List.of(provider("no spaces"))))
        .hasMessageContaining("a type must be 1 to 32 letters, digits, '-' or '_'");
    assertThat(Providers.load(List.of(new LongestLineProvider(), provider("mine")))).containsOnlyKeys("longest-line", "mine");
  }

  private static PolicyProvider provider(String type) {
    return new PolicyProvider() {
      @Override
      public String type() {
        return type;
      }

      @Override
      public Policy<?> create(JsonNode config, String path, PolicyFactory nested) {
        return Policies.fifo();
      }
    };
  }
}
