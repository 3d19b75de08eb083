package dev.talon.queue.policies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.talon.queue.InvalidConfigurationException;
import dev.talon.queue.Origin;
import dev.talon.queue.policies.PolicyConfig.Rule;
import dev.talon.queue.spi.Policy;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

class PolicyJsonTest {

  @Test
  void parse_issueExample_readsTheTree() {
    PolicyConfig c = Policies.parse("""
        {"type":"max-wait","limit":"PT45M","inner":{"type":"ratio","weights":{"booked":3,"walk-in":1}}}
        """);

    Map<String, Integer> weights = new LinkedHashMap<>();
    weights.put("booked", 3);
    weights.put("walk-in", 1);
    assertThat(c).isEqualTo(new PolicyConfig.MaxWait(Duration.ofMinutes(45), Map.of(), new PolicyConfig.Ratio(weights)));
    assertThat(Policies.fromJson(Policies.toJson(c)).bypass()).isEqualTo(dev.talon.queue.spi.Bypass.atMost(3));
  }

  @Test
  void toJson_everyType_writesWhatFromJsonReads() {
    List<String> docs = List.of(
        "{\"type\":\"fifo\"}",
        "{\"type\":\"priority\",\"order\":[\"privileged\",\"booked\",\"walk-in\"],"
            + "\"classify\":{\"rules\":[{\"categories\":[\"disabled\",\"elderly\"],\"line\":\"privileged\"}]}}",
        "{\"type\":\"ratio\",\"weights\":{\"booked\":3,\"walk-in\":1}}",
        "{\"type\":\"deficit\",\"weights\":{\"booked\":2.5,\"walk-in\":1}}",
        "{\"type\":\"max-wait\",\"limit\":\"PT45M\",\"limits\":{\"booked\":\"PT10M\"},\"inner\":{\"type\":\"fifo\"}}",
        "{\"type\":\"booked-time\",\"lateLimit\":\"PT15M\"}",
        "{\"type\":\"deadline\",\"targets\":{\"booked\":\"PT10M\",\"walk-in\":\"PT45M\"}}",
        "{\"type\":\"desk-preferences\",\"desks\":{\"4\":{\"id-docs\":\"preferred\",\"tax\":\"leftovers\"}},"
            + "\"inner\":{\"type\":\"fifo\"}}",
        "{\"type\":\"schedule\",\"steps\":[{\"policy\":{\"type\":\"fifo\"}},"
            + "{\"from\":\"2026-03-02T10:00:00Z\",\"policy\":{\"type\":\"ratio\",\"weights\":{\"booked\":1,\"walk-in\":1}}}]}",
        "{\"type\":\"ratio\",\"weights\":{\"booked\":1,\"remote\":1,\"late\":1,\"walk-in\":1},\"classify\":{\"rules\":["
            + "{\"origins\":[\"remote\"],\"services\":[\"tax\"],\"line\":\"remote\"},"
            + "{\"origins\":[\"booked\"],\"late\":true,\"line\":\"late\"}],\"otherwise\":\"walk-in\"}}");
    for (String json : docs) {
      Policy<?> p = Policies.fromJson(json);
      assertThat(Policies.toJson(p)).as(json).isEqualTo(json);
      assertThat(Policies.parse(Policies.toJson(p))).as(json).isEqualTo(Policies.configOf(p));
    }
  }

  @Test
  void roundTrip_generatedTrees_objectToJsonToObjectIsTheSame() {
    qt().withExamples(300).forAll(trees(2)).checkAssert(config -> {
      String json = Policies.toJson(config);
      PolicyConfig back = Policies.parse(json);
      assertThat(back).as(json).isEqualTo(config);
      assertThat(Policies.toJson(back)).isEqualTo(json);
      assertThat(Policies.toJson(Policies.of(config))).isEqualTo(json);
    });
  }

  @Test
  void configOf_policyWithoutJsonForm_saysWhichOnesHaveOne() {
    Policy<?> foreign = new Policy<Void>() {
      @Override
      public String name() {
        return "booked-first";
      }

      @Override
      public dev.talon.queue.spi.LineView select(dev.talon.queue.spi.DispatchView<Void> view) {
        return view.lines().get(0);
      }

      @Override
      public dev.talon.queue.spi.Bypass bypass() {
        return dev.talon.queue.spi.Bypass.unbounded();
      }
    };
    assertThatThrownBy(() -> Policies.toJson(Policies.maxWait(Duration.ofMinutes(5), foreign)))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("policy booked-first")
        .hasMessageContaining("has no JSON form: only policies built by Policies, or by a PolicyProvider");
  }

  @Test
  void factories_badValues_failWithTheRuleBroken() {
    assertThatThrownBy(() -> Policies.ratio(Map.of("booked", 0))).isInstanceOf(PolicyConfigException.class)
        .hasMessage("$.weights.booked: weight must be >= 1, was 0");
    assertThatThrownBy(() -> Policies.maxWait(Duration.ZERO, Policies.fifo()))
        .hasMessage("$.limit: the wait limit must be a duration > 0, was PT0S");
    assertThatThrownBy(() -> Policies.deficit(Map.of("walk-in", 0.05)))
        .hasMessage("$.weights.walk-in: weight must be between 0.1 and 1000, was 0.05");
    Policy<?> ratio = Policies.ratio(ordered(1, 1)); // booked, walk-in
    assertThatThrownBy(() -> Policies.classify(List.of(Rule.categories("privileged", "disabled")), null, ratio))
        .hasMessage("$.weights: line class privileged, which the classification produces, has no weight; "
            + "the classes with one are [booked, walk-in]");
    assertThatThrownBy(() -> Policies.switchAt(Policies.fifo(), null, new PolicyConfig.Fifo()))
        .hasMessage("$.steps[1].from: is required");
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("badConfigurations")
  void fromJson_badConfiguration_failsWithPathAndRule(String json, String message) {
    assertThatThrownBy(() -> Policies.fromJson(json)).isInstanceOf(PolicyConfigException.class).hasMessage(message);
  }

  static Stream<Arguments> badConfigurations() {
    String ratio = "{\"type\":\"ratio\",\"weights\":{\"booked\":3,\"walk-in\":1}}";
    return Stream.of(
        // shape
        Arguments.of("{\"type\":", "$: malformed JSON at line 1, column 9: Unexpected end-of-input within/between Object entries"),
        Arguments.of("", "$: a policy must be a JSON object with a \"type\", was nothing"),
        Arguments.of("[1]", "$: a policy must be a JSON object with a \"type\", was [1]"),
        Arguments.of("{\"weights\":{}}", "$.type: is required"),
        Arguments.of("{\"type\":7}", "$.type: must be a string, was 7"),
        Arguments.of("{\"type\":\"ratoi\"}", "$.type: unknown policy type \"ratoi\"; known types are [booked-first, booked-time, "
            + "deadline, deficit, desk-preferences, fifo, longest-line, max-wait, priority, ratio, schedule]"),
        Arguments.of("{\"type\":\"ratio\",\"wieghts\":{}}",
            "$.wieghts: unknown field \"wieghts\"; a ratio policy has the fields [classify, type, weights]"),
        Arguments.of("{\"type\":\"fifo\",\"type\":\"ratio\"}",
            "$: malformed JSON at line 1, column 22: Duplicate field 'type'"),
        // ratio
        Arguments.of("{\"type\":\"max-wait\",\"limit\":\"PT45M\",\"inner\":{\"type\":\"ratio\",\"weights\":{\"booked\":0,\"walk-in\":1}}}",
            "$.inner.weights.booked: weight must be >= 1, was 0"),
        Arguments.of("{\"type\":\"ratio\",\"weights\":{\"booked\":1001,\"walk-in\":1}}",
            "$.weights.booked: weight must be <= 1000, was 1001"),
        Arguments.of("{\"type\":\"ratio\",\"weights\":{\"booked\":2.5,\"walk-in\":1}}",
            "$.weights.booked: weight must be a whole number, was 2.5"),
        Arguments.of("{\"type\":\"ratio\",\"weights\":{}}", "$.weights: a ratio must name at least one line class, was empty"),
        Arguments.of("{\"type\":\"ratio\"}", "$.weights: is required"),
        Arguments.of("{\"type\":\"ratio\",\"weights\":[3,1]}", "$.weights: must be a JSON object, was [3,1]"),
        Arguments.of("{\"type\":\"ratio\",\"weights\":{\"walk in\":1}}",
            "$.weights['walk in']: line class must be 1 to 32 letters, digits, '-' or '_', was \"walk in\""),
        Arguments.of("{\"type\":\"ratio\",\"weights\":{\"a\":1000,\"b\":1000,\"c\":1000,\"d\":1000,\"e\":1000,\"f\":1000,"
            + "\"g\":1000,\"h\":1000,\"i\":1000,\"j\":1000,\"booked\":1,\"walk-in\":1}}",
            "$.weights: weights must add up to at most 10000, was 10002"),
        Arguments.of("{\"type\":\"ratio\",\"weights\":{\"booked\":3}}",
            "$.weights: line class walk-in, which the classification produces, has no weight; the classes with one are [booked]"),
        Arguments.of("{\"type\":\"max-wait\",\"limit\":\"PT45M\",\"inner\":" + ratio
            + ",\"classify\":{\"rules\":[{\"categories\":[\"disabled\"],\"line\":\"privileged\"}]}}",
            "$.inner.weights: line class privileged, which the classification produces, has no weight; "
                + "the classes with one are [booked, walk-in]"),
        // deficit
        Arguments.of("{\"type\":\"deficit\",\"weights\":{\"booked\":0.05,\"walk-in\":1}}",
            "$.weights.booked: weight must be between 0.1 and 1000, was 0.05"),
        Arguments.of("{\"type\":\"deficit\",\"weights\":{\"booked\":1.2345,\"walk-in\":1}}",
            "$.weights.booked: weight must have at most 3 decimals, was 1.2345"),
        Arguments.of("{\"type\":\"deficit\",\"weights\":{\"booked\":\"2\",\"walk-in\":1}}",
            "$.weights.booked: weight must be a number, was \"2\""),
        // priority
        Arguments.of("{\"type\":\"priority\",\"order\":[\"booked\"]}",
            "$.order: strict priority must rank at least 2 line classes, was [booked]"),
        Arguments.of("{\"type\":\"priority\",\"order\":[\"booked\",\"walk-in\",\"booked\"]}",
            "$.order[2]: line class booked is ranked twice"),
        Arguments.of("{\"type\":\"priority\",\"order\":[\"booked\",3]}", "$.order[1]: must be a string, was 3"),
        Arguments.of("{\"type\":\"priority\",\"order\":[\"privileged\",\"booked\"]}",
            "$.order: line class walk-in, which the classification produces, has no rank; "
                + "the classes with one are [privileged, booked]"),
        // max-wait
        Arguments.of("{\"type\":\"max-wait\",\"inner\":{\"type\":\"fifo\"}}", "$.limit: is required"),
        Arguments.of("{\"type\":\"max-wait\",\"limit\":\"45m\",\"inner\":{\"type\":\"fifo\"}}",
            "$.limit: must be an ISO-8601 duration such as \"PT45M\", was \"45m\""),
        Arguments.of("{\"type\":\"max-wait\",\"limit\":\"PT0S\",\"inner\":{\"type\":\"fifo\"}}",
            "$.limit: the wait limit must be a duration > 0, was PT0S"),
        Arguments.of("{\"type\":\"max-wait\",\"limit\":\"PT45M\",\"limits\":{\"booked\":\"-PT5M\"},\"inner\":{\"type\":\"fifo\"}}",
            "$.limits.booked: the wait limit must be a duration > 0, was PT-5M"),
        Arguments.of("{\"type\":\"max-wait\",\"limit\":\"PT45M\"}", "$.inner: is required"),
        Arguments.of("{\"type\":\"max-wait\",\"limit\":\"PT45M\",\"inner\":\"fifo\"}",
            "$.inner: a policy must be a JSON object with a \"type\", was \"fifo\""),
        Arguments.of("{\"type\":\"max-wait\",\"limit\":\"PT45M\",\"inner\":{\"type\":\"max-wait\",\"limit\":\"PT5M\","
            + "\"inner\":{\"type\":\"nope\"}}}",
            "$.inner.inner.type: unknown policy type \"nope\"; known types are [booked-first, booked-time, deadline, deficit, "
                + "desk-preferences, fifo, longest-line, max-wait, priority, ratio, schedule]"),
        // booked-time, deadline
        Arguments.of("{\"type\":\"booked-time\",\"lateLimit\":\"-PT5M\"}",
            "$.lateLimit: the late limit must be a duration >= 0, was PT-5M"),
        Arguments.of("{\"type\":\"deadline\",\"targets\":{\"booked\":\"PT10M\",\"walk-in\":\"-PT1M\"}}",
            "$.targets.walk-in: the service-level target must be a duration >= 0, was PT-1M"),
        Arguments.of("{\"type\":\"deadline\",\"targets\":{\"booked\":\"PT10M\"}}",
            "$.targets: line class walk-in, which the classification produces, has no target; the classes with one are [booked]"),
        // desk preferences
        Arguments.of("{\"type\":\"desk-preferences\",\"desks\":{\"4\":{\"tax\":\"sometimes\"}},\"inner\":{\"type\":\"fifo\"}}",
            "$.desks.4.tax: unknown desk preference \"sometimes\"; preferences are [preferred, normal, leftovers, exclude]"),
        Arguments.of("{\"type\":\"desk-preferences\",\"desks\":{},\"inner\":{\"type\":\"fifo\"}}",
            "$.desks: desk preferences must name at least one desk, was empty"),
        Arguments.of("{\"type\":\"desk-preferences\",\"desks\":{\"4\":{}},\"inner\":{\"type\":\"fifo\"}}",
            "$.desks.4: desk 4 must list at least one service, was empty"),
        // classification
        Arguments.of("{\"type\":\"fifo\",\"classify\":{\"rules\":[]}}",
            "$.classify.rules: classification needs at least one rule, was empty"),
        Arguments.of("{\"type\":\"fifo\",\"classify\":{\"rules\":[{\"categories\":[\"disabled\"]}]}}",
            "$.classify.rules[0].line: is required"),
        Arguments.of("{\"type\":\"fifo\",\"classify\":{\"rules\":[{\"origins\":[\"kiosk\"],\"line\":\"x\"}]}}",
            "$.classify.rules[0].origins[0]: unknown origin \"kiosk\"; origins are [walk-in, booked, transferred, remote]"),
        Arguments.of("{\"type\":\"fifo\",\"classify\":{\"rules\":[{\"late\":\"yes\",\"line\":\"x\"}]}}",
            "$.classify.rules[0].late: must be true or false, was \"yes\""),
        Arguments.of("{\"type\":\"fifo\",\"classify\":{\"rules\":[{\"line\":\"x\",\"when\":1}]}}",
            "$.classify.rules[0].when: unknown field \"when\"; rule has the fields [categories, late, line, origins, services]"),
        Arguments.of("{\"type\":\"fifo\",\"classify\":{\"rules\":[{\"categories\":[\" \"],\"line\":\"x\"}]}}",
            "$.classify.rules[0].categories: a category must not be blank, was [ ]"),
        Arguments.of("{\"type\":\"fifo\",\"classify\":{\"rules\":[{\"line\":\"x\"}],\"otherwise\":\"\"}}",
            "$.classify.otherwise: line class must be 1 to 32 letters, digits, '-' or '_', was \"\""),
        // schedule
        Arguments.of("{\"type\":\"schedule\",\"steps\":[{\"from\":\"2026-03-02T10:00:00Z\",\"policy\":{\"type\":\"fifo\"}}]}",
            "$.steps[0].from: the first step applies from the beginning and takes no instant, was 2026-03-02T10:00:00Z"),
        Arguments.of("{\"type\":\"schedule\",\"steps\":[{\"policy\":{\"type\":\"fifo\"}},"
            + "{\"from\":\"2026-03-02T10:00:00Z\",\"policy\":{\"type\":\"fifo\"}},"
            + "{\"from\":\"2026-03-02T09:00:00Z\",\"policy\":{\"type\":\"fifo\"}}]}",
            "$.steps[2].from: steps must start at strictly increasing instants, was 2026-03-02T09:00:00Z after 2026-03-02T10:00:00Z"),
        Arguments.of("{\"type\":\"schedule\",\"steps\":[{\"policy\":{\"type\":\"fifo\"}},{\"from\":\"10:00\",\"policy\":{\"type\":\"fifo\"}}]}",
            "$.steps[1].from: must be an ISO-8601 instant such as \"2026-03-02T10:00:00Z\", was \"10:00\""),
        Arguments.of("{\"type\":\"schedule\",\"steps\":[{\"policy\":{\"type\":\"schedule\",\"steps\":[{\"policy\":{\"type\":\"fifo\"}}]}}]}",
            "$.steps[0].policy: a schedule cannot be nested in a schedule"),
        Arguments.of("{\"type\":\"schedule\",\"steps\":[{\"policy\":{\"type\":\"fifo\"}},"
            + "{\"from\":\"2026-03-02T10:00:00Z\",\"policy\":{\"type\":\"priority\",\"order\":[\"booked\",\"vip\"]}}]}",
            "$.steps[1].policy.order: line class walk-in, which the classification produces, has no rank; "
                + "the classes with one are [booked, vip]"),
        Arguments.of("{\"type\":\"schedule\",\"steps\":[]}", "$.steps: a schedule needs at least one step, was empty"));
  }

  // ---------------------------------------------------------------- bounds checked at load

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("valuesBeyondTheirBounds")
  void fromJson_valueBeyondItsBound_failsAtLoadWithPathRuleAndValue(String json, String message) {
    assertThatThrownBy(() -> Policies.fromJson(json)).isInstanceOf(PolicyConfigException.class).hasMessage(message);
  }

  static Stream<Arguments> valuesBeyondTheirBounds() {
    String fifo = ",\"inner\":{\"type\":\"fifo\"}}";
    StringBuilder many = new StringBuilder("{\"type\":\"deficit\",\"weights\":{\"booked\":1,\"walk-in\":1");
    for (int i = 0; i < 63; i++) {
      many.append(",\"c").append(i).append("\":1");
    }
    many.append("}}");
    return Stream.of(
        // the issue's reproductions: accepted once, then every callNext (or checkIn) threw
        Arguments.of("{\"type\":\"max-wait\",\"limit\":\"PT9223372036854775807S\"" + fifo,
            "$.limit: the wait limit must be a duration of at most 365 days (PT8760H), was PT2562047788015215H30M7S"),
        Arguments.of("{\"type\":\"max-wait\",\"limit\":\"P365241780471D\"" + fifo,
            "$.limit: the wait limit must be a duration of at most 365 days (PT8760H), was PT8765802731304H"),
        Arguments.of("{\"type\":\"max-wait\",\"limit\":\"PT45M\",\"limits\":{\"booked\":\"P366D\"}" + fifo,
            "$.limits.booked: the wait limit must be a duration of at most 365 days (PT8760H), was PT8784H"),
        Arguments.of("{\"type\":\"deadline\",\"targets\":{\"booked\":\"PT10M\",\"walk-in\":\"PT9223372036854775807S\"}}",
            "$.targets.walk-in: the service-level target must be a duration of at most 365 days (PT8760H), "
                + "was PT2562047788015215H30M7S"),
        Arguments.of("{\"type\":\"booked-time\",\"lateLimit\":\"PT9223372036854775807S\"}",
            "$.lateLimit: the late limit must be a duration of at most 365 days (PT8760H), was PT2562047788015215H30M7S"),
        Arguments.of("{\"type\":\"schedule\",\"steps\":[{\"policy\":{\"type\":\"booked-time\",\"lateLimit\":\"P400D\"}}]}",
            "$.steps[0].policy.lateLimit: the late limit must be a duration of at most 365 days (PT8760H), was PT9600H"),
        // numbers a decimal cannot hold: the JSON reader itself failed with NumberFormatException
        Arguments.of("{\"type\":\"deficit\",\"weights\":{\"booked\":92233720e36854775808,\"walk-in\":1}}",
            "$.weights.booked: a number's exponent must fit in 32 bits, was 92233720e36854775808"),
        Arguments.of("{\"type\":\"max-wait\",\"limit\":\"PT45M\",\"inner\":{\"type\":\"deficit\","
            + "\"weights\":{\"booked\":1e-2147483648,\"walk-in\":1}}}",
            "$.inner.weights.booked: a number's exponent must fit in 32 bits, was 1e-2147483648"),
        Arguments.of("{\"type\":\"ratio\",\"weights\":{\"booked\":3,\"walk in\":[1e99999999999]}}",
            "$.weights['walk in'][0]: a number's exponent must fit in 32 bits, was 1e99999999999"),
        // found by PolicyJsonFuzzTest: the message wrote the weight out plainly, a billion digits (out of memory)
        Arguments.of("{\"type\":\"deficit\",\"weights\":{\"booked\":22221e999222251,\"walk-in\":2}}",
            "$.weights.booked: weight must be between 0.1 and 1000, was 2.2221E+999222255"),
        // line classes per policy: the deficit bound is quadratic in them and overflowed an int
        Arguments.of(many.toString(), "$.weights: a deficit ratio must name at most 64 line classes, was 65"));
  }

  @Test
  void callNext_policiesAtTheirLargestDurations_workAtRunTime() {
    Duration max = PolicyConfig.MAX_DURATION;
    for (Policy<?> policy : List.of(
        Policies.maxWait(max, Policies.fifo()),
        Policies.maxWait(max, Map.of("booked", max, "walk-in", Duration.ofMinutes(1)), Policies.fifo()),
        Policies.deadline(Map.of("booked", max, "walk-in", max)),
        Policies.bookedTime(max))) {
      TestBranch b = new TestBranch(policy);
      b.walkIn("a");
      b.booked("a", "08:00");
      b.advance(60);
      assertThat(b.calls("1", 2)).as(policy.name()).hasSize(2);
    }
  }

  // ---------------------------------------------------------------- generated trees

  private static final List<String> CLASSES = List.of("booked", "walk-in", "privileged", "remote");

  /** Random configuration trees; every class list covers booked, walk-in and privileged. */
  static Gen<PolicyConfig> trees(int depth) {
    Gen<Integer> w = integers().between(1, 20);
    Gen<PolicyConfig> fifo = Generate.constant(new PolicyConfig.Fifo());
    Gen<PolicyConfig> ratio = w.zip(w, w, (a, b, c) -> new PolicyConfig.Ratio(ordered(a, b, c)));
    Gen<PolicyConfig> deficit = integers().between(100, 5000).zip(integers().between(100, 5000), (a, b) ->
        new PolicyConfig.Deficit(ordered(BigDecimal.valueOf(a, 3), BigDecimal.valueOf(b, 3), BigDecimal.ONE)));
    Gen<PolicyConfig> priority = Generate.pick(List.of(
        List.of("privileged", "booked", "walk-in"), List.of("booked", "privileged", "walk-in"),
        List.of("walk-in", "booked", "privileged", "remote"))).map(PolicyConfig.Priority::new);
    Gen<Duration> minutes = integers().between(1, 240).map(m -> Duration.ofMinutes(m));
    Gen<PolicyConfig> booked = minutes.map(PolicyConfig.BookedTime::new);
    Gen<PolicyConfig> deadline = minutes.zip(minutes, minutes, (a, b, c) -> new PolicyConfig.Deadline(ordered(a, b, c)));
    Gen<PolicyConfig> leaf = Generate.oneOf(fifo, ratio, deficit, priority, booked, deadline);
    if (depth == 0) {
      return leaf;
    }
    Gen<PolicyConfig> inner = trees(depth - 1);
    Gen<PolicyConfig> maxWait = minutes.zip(minutes, inner, (l, p, in) ->
        new PolicyConfig.MaxWait(l, l.equals(p) ? Map.of() : Map.of("privileged", p), in));
    Gen<PolicyConfig> desks = Generate.enumValues(DeskPreference.class).zip(inner, (pref, in) ->
        new PolicyConfig.DeskPreferences(Map.of("4", Map.of("id-docs", pref), "5", Map.of("tax", DeskPreference.NORMAL)), in));
    Gen<PolicyConfig> classify = integers().between(0, 3).zip(Generate.booleans(), leaf, (i, otherwise, in) ->
        new PolicyConfig.Classify(List.of(
            new Rule(Set.of(Origin.values()[i]), Set.of("disabled"), Set.of(), i == 1 ? Boolean.TRUE : null, "privileged"),
            Rule.services("privileged", "tax")), otherwise ? "walk-in" : null, in));
    Gen<PolicyConfig> schedule = leaf.zip(leaf, integers().between(1, 1000), (a, b, h) -> new PolicyConfig.Schedule(List.of(
        new PolicyConfig.Step(null, a), new PolicyConfig.Step(Instant.parse("2026-03-02T00:00:00Z").plusSeconds(h * 60L), b))));
    return Generate.oneOf(leaf, maxWait, desks, classify, depth == 2 ? schedule : leaf);
  }

  @SafeVarargs
  private static <V> Map<String, V> ordered(V... values) {
    Map<String, V> m = new LinkedHashMap<>();
    List<String> names = new ArrayList<>(CLASSES);
    for (int i = 0; i < values.length; i++) {
      m.put(names.get(i), values[i]);
    }
    return m;
  }
}
