package dev.talon.queue.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.talon.queue.AdmissionMode;
import dev.talon.queue.LateArrival;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioReaderTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ScenarioReader READER = new ScenarioReader(PolicyResolver.library());

  /** A small valid scenario that each failing case breaks in one place. */
  static final String VALID = """
      // comments are allowed
      {
        "name": "small",
        "seed": 3,
        "zone": "Asia/Almaty",
        "hours": { "opens": "09:00", "closes": "13:00" },
        "admissionMode": "booking-only",
        "limits": { "lateArrival": "refuse", "recallLimit": 0 },
        "services": [
          { "code": "id-docs", "prefix": "A", "serviceMinutes": { "type": "lognormal", "mean": 8, "sd": 3 },
            "arrivalsPerHour": { "10:00": 20, "09:00": 10 },
            "booking": { "share": 0.5, "capacityPerWindow": 2 } },
          { "code": "benefits", "prefix": "C", "serviceMinutes": 6, "arrivalsPerHour": { "09:00": 5 } }
        ],
        "desks": [
          { "id": "1", "services": ["id-docs"] },
          { "id": "2", "services": ["id-docs", "benefits"] }
        ],
        "changes": [
          { "at": "10:00", "admissionMode": "mixed" },
          { "at": "11:00", "closeDesks": ["1"] },
          { "at": "12:00", "openDesks": ["1"] }
        ],
        "policies": [ { "type": "fifo" }, { "type": "booked-first", "label": "booked first" } ]
      }
      """;

  @Test
  void parse_validScenario_readsEveryPartAndFillsDefaults() {
    Scenario s = READER.parse(VALID, "small.json");

    assertThat(s.name()).isEqualTo("small");
    assertThat(s.seed()).isEqualTo(3);
    assertThat(s.zone()).isEqualTo(ZoneId.of("Asia/Almaty"));
    assertThat(s.days()).isEqualTo(1);
    assertThat(s.closesMinute()).isEqualTo(13 * 60);
    assertThat(s.admissionMode()).isEqualTo(AdmissionMode.BOOKING_ONLY);
    assertThat(s.limits().lateArrival()).isEqualTo(LateArrival.REFUSE);
    assertThat(s.limits().recallLimit()).isZero();
    assertThat(s.services().get(0).arrivals()).extracting(Scenario.RateStep::from)
        .containsExactly(LocalTime.of(9, 0), LocalTime.of(10, 0)); // sorted by time
    assertThat(s.services().get(0).booking().showUp()).isEqualTo(1.0);
    assertThat(s.services().get(1).serviceMinutes()).isEqualTo(new Distribution.Fixed(6));
    assertThat(s.visitors().walkInPatience()).isNull();
    assertThat(s.changes()).hasSize(3);
    assertThat(s.policies()).extracting(Scenario.PolicySpec::label).containsExactly("fifo", "booked first");
    assertThat(s.windowMinutes()).isEqualTo(15);
    assertThat(s.onTimeMinutes()).isEqualTo(10);
    assertThat(s.serviceLevelMinutes()).isEqualTo(30); // the verdict's default wait target
  }

  @Test
  void parse_serviceLevelMinutes_isReadAndANegativeOneIsRefusedWithItsPath() {
    ObjectNode root = valid();
    root.putObject("report").put("serviceLevelMinutes", 20);
    assertThat(READER.parse(root.toString(), "case.json").serviceLevelMinutes()).isEqualTo(20);
    assertFails(s -> s.putObject("report").put("serviceLevelMinutes", -5), "$.report.serviceLevelMinutes", "-5");
  }

  @Test
  void parse_everyBundledScenario_isValid() {
    for (String name : ScenarioReader.BUNDLED) {
      assertThat(READER.bundled(name).name()).isEqualTo(name);
    }
  }

  @Test
  void load_unknownNameAndNoFile_failsListingTheBundledOnes() {
    assertThatThrownBy(() -> READER.load("no-such-scenario"))
        .isInstanceOf(ScenarioException.class)
        .hasMessageContaining("no bundled scenario named \"no-such-scenario\"")
        .hasMessageContaining("booking-dropped-morning");
  }

  @Test
  void load_existingFile_readsTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("mine.json");
    Files.writeString(file, VALID);

    assertThat(READER.load(file.toString()).name()).isEqualTo("small");
  }

  @Test
  void parse_syntaxError_failsWithLineAndColumn() {
    assertThatThrownBy(() -> READER.parse("{\n  \"name\": \"x\",\n  \"seed\": ,\n}", "broken.json"))
        .isInstanceOf(ScenarioException.class)
        .hasMessageStartingWith("broken.json: $: is not valid JSON at line 3, column");
  }

  @Test
  void parse_duplicateKey_fails() {
    assertThatThrownBy(() -> READER.parse("{\"name\":\"a\",\"name\":\"b\"}", "dup.json"))
        .isInstanceOf(ScenarioException.class)
        .hasMessageContaining("Duplicate field 'name'");
  }

  @Test
  void parse_unknownField_failsNamingItAndTheKnownOnes() {
    assertFails(s -> s.set("sevices", s.get("services")), "$.sevices", "unknown field; the known fields here are [");
  }

  @Test
  void parse_missingName_failsAsRequired() {
    assertFails(s -> s.remove("name"), "$.name", "is required");
  }

  @Test
  void parse_badName_failsWithTheRule() {
    assertFails(s -> s.put("name", "my scenario"), "$.name", "must be 1 to 64 letters, digits");
  }

  @Test
  void parse_unknownZone_fails() {
    assertFails(s -> s.put("zone", "Mars/Olympus"), "$.zone", "must be a time zone id");
  }

  @Test
  void parse_closingBeforeOpening_fails() {
    assertFails(s -> hours(s).put("closes", "08:00"), "$.hours.closes", "the branch must close after it opens at 09:00");
  }

  @Test
  void parse_timeWithoutLeadingZero_fails() {
    assertFails(s -> hours(s).put("opens", "9:00"), "$.hours.opens", "must be a time of day as HH:mm");
  }

  @Test
  void parse_negativeRate_failsAtItsKey() {
    assertFails(s -> rates(s).put("09:00", -1), "$.services[0].arrivalsPerHour['09:00']",
        "must be between 0 and 1000000, was -1");
  }

  @Test
  void parse_rateOutsideOpeningHours_fails() {
    assertFails(s -> rates(s).put("14:00", 5), "$.services[0].arrivalsPerHour['14:00']",
        "a rate must start within opening hours 09:00–13:00");
  }

  @Test
  void parse_serviceTimeThatCanGoNegative_failsAskingForAMinimum() {
    assertFails(s -> service(s, 0).set("serviceMinutes", JSON.createObjectNode().put("type", "normal").put("mean", 5)
            .put("sd", 2)), "$.services[0].serviceMinutes",
        "a duration cannot be negative, but this distribution reaches -infinity (give a normal distribution \"min\": 0)");
  }

  @Test
  void parse_unknownDistribution_failsListingTheKnownOnes() {
    assertFails(s -> service(s, 0).set("serviceMinutes", JSON.createObjectNode().put("type", "weibull")),
        "$.services[0].serviceMinutes.type",
        "unknown distribution type \"weibull\"; the known types are [exponential, fixed, lognormal, normal, triangular, uniform]");
  }

  @Test
  void parse_triangularWithModeOutside_fails() {
    assertFails(s -> service(s, 1).set("serviceMinutes", JSON.createObjectNode().put("type", "triangular")
        .put("min", 2).put("mode", 9).put("max", 8)), "$.services[1].serviceMinutes",
        "a triangular distribution needs min <= mode <= max");
  }

  @Test
  void parse_bookingShareAboveOne_fails() {
    assertFails(s -> ((ObjectNode) service(s, 0).get("booking")).put("share", 1.5), "$.services[0].booking.share",
        "must be between 0 and 1, was 1.5");
  }

  @Test
  void parse_duplicatePrefix_failsNamingTheOtherService() {
    assertFails(s -> service(s, 1).put("prefix", "A"), "$.services[1].prefix",
        "ticket prefixes must be unique so that board numbers never collide; \"A\" is also used at $.services[0]");
  }

  @Test
  void parse_invalidServiceCode_failsWithTheEngineRule() {
    assertFails(s -> service(s, 1).put("code", "ben efits"), "$.services[1]", "service code");
  }

  @Test
  void parse_deskServingUnknownService_fails() {
    assertFails(s -> ((ArrayNode) desk(s, 1).get("services")).add("passports"), "$.desks[1].services[2]",
        "unknown service \"passports\"; the services are [benefits, id-docs]");
  }

  @Test
  void parse_duplicateDeskId_fails() {
    assertFails(s -> desk(s, 1).put("id", "1"), "$.desks[1].id", "desk ids must be unique; \"1\" is also used at $.desks[0]");
  }

  @Test
  void parse_serviceWithArrivalsButNoDesk_fails() {
    assertFails(s -> ((ArrayNode) desk(s, 1).get("services")).remove(1), "$.services[1]",
        "service \"benefits\" has arrivals but no desk serves it");
  }

  @Test
  void parse_windowThatDoesNotDivideTheDay_fails() {
    assertFails(s -> s.put("windowMinutes", 7), "$.windowMinutes", "slot windows must divide the day evenly");
  }

  @Test
  void parse_recallLimitOutOfRange_fails() {
    assertFails(s -> ((ObjectNode) s.get("limits")).put("recallLimit", 101), "$.limits.recallLimit",
        "must be between 0 and 100, was 101");
  }

  @Test
  void parse_unknownAdmissionMode_failsListingTheModes() {
    assertFails(s -> s.put("admissionMode", "open"), "$.admissionMode",
        "must be one of [booking-only, mixed, walk-in-only], was \"open\"");
  }

  @Test
  void parse_changesOutOfOrder_fails() {
    assertFails(s -> change(s, 2).put("at", "10:30"), "$.changes[2].at",
        "changes must be listed in time order; 10:30 comes after 11:00 at $.changes[1].at");
  }

  @Test
  void parse_changeOfUnknownDesk_fails() {
    assertFails(s -> ((ArrayNode) change(s, 1).get("closeDesks")).add("9"), "$.changes[1].closeDesks[1]",
        "unknown desk \"9\"; the desks are [1, 2]");
  }

  @Test
  void parse_changeThatDoesNothing_fails() {
    assertFails(s -> change(s, 0).remove("admissionMode"), "$.changes[0]",
        "a change must set \"admissionMode\", \"closeDesks\" or \"openDesks\"");
  }

  @Test
  void parse_changeOutsideOpeningHours_fails() {
    assertFails(s -> change(s, 2).put("at", "13:00"), "$.changes[2].at", "a change must happen within opening hours");
  }

  @Test
  void parse_unknownPolicyType_failsListingTheKnownTypes() {
    assertFails(s -> ((ObjectNode) s.get("policies").get(1)).put("type", "rtio"), "$.policies[1]",
        "rtio", "ratio", "max-wait");
  }

  @Test
  void parse_policyWithUnknownSetting_fails() {
    assertFails(s -> ((ObjectNode) s.get("policies").get(0)).put("weights", 3), "$.policies[0]",
        "unknown field \"weights\"");
  }

  @Test
  void parse_duplicatePolicyLabel_fails() {
    assertFails(s -> ((ObjectNode) s.get("policies").get(1)).put("label", "fifo"), "$.policies[1]",
        "policy labels must be unique; \"fifo\" is also used at $.policies[0]");
  }

  @Test
  void parse_emptyPolicies_fails() {
    assertFails(s -> s.putArray("policies"), "$.policies", "must not be empty");
  }

  @Test
  void parse_pluggedResolver_isAskedWithoutTheLabelAndItsFailureGetsThePath() {
    ScenarioReader reader = new ScenarioReader(spec -> {
      assertThat(spec.has("label")).isFalse();
      throw new IllegalArgumentException("weights must be positive");
    });

    assertThatThrownBy(() -> reader.parse(VALID, "small.json"))
        .isInstanceOf(ScenarioException.class)
        .hasMessage("small.json: $.policies[0]: weights must be positive");
  }

  // ---------------------------------------------------------------- bounds, checked at load

  @Test
  void parse_serviceMinutesOfTenMillion_failsWithTheOneDayBound() {
    // ran out of memory and then did not exit
    assertFails(s -> service(s, 1).put("serviceMinutes", 1e7), "$.services[1].serviceMinutes",
        "a time in a scenario must be between -1440 and 1440 minutes (one day either way), was 10000000");
  }

  @Test
  void parse_serviceMinutesOfAHundredMillion_failsWithTheOneDayBound() {
    // overflowed the simulated clock: ClockWentBackwardsException, exit 1
    assertFails(s -> service(s, 1).put("serviceMinutes", 1e8), "$.services[1].serviceMinutes",
        "a time in a scenario must be between -1440 and 1440 minutes (one day either way), was 100000000");
  }

  @Test
  void parse_distributionParameterBeyondADay_failsAtTheParameter() {
    assertFails(s -> service(s, 0).set("serviceMinutes", JSON.createObjectNode().put("type", "lognormal")
            .put("mean", 8).put("sd", 1e300)), "$.services[0].serviceMinutes.sd",
        "a time in a scenario must be between 0 and 1440 minutes (one day), was 1.0E300");
    assertFails(s -> s.putObject("visitors").set("bookedArrivalMinutes", JSON.createObjectNode().put("type", "uniform")
            .put("min", -1e9).put("max", 0)), "$.visitors.bookedArrivalMinutes.min",
        "a time in a scenario must be between -1440 and 1440 minutes (one day either way), was -1000000000");
    assertFails(s -> s.putObject("visitors").putObject("patienceMinutes").set("walk-in", JSON.createObjectNode()
            .put("type", "exponential").put("mean", 1e6)), "$.visitors.patienceMinutes['walk-in'].mean",
        "a time in a scenario must be between 0 and 1440 minutes (one day), was 1000000");
  }

  @Test
  void parse_infiniteNumber_failsWithTheBound() {
    assertFails(s -> ((ObjectNode) s.get("services").get(0)).put("serviceMinutes", new java.math.BigDecimal("1e400")),
        "$.services[0].serviceMinutes", "was Infinity");
  }

  @Test
  void parse_recallAfterBeyondADay_fails() {
    assertFails(s -> s.put("recallAfterMinutes", 1e12), "$.recallAfterMinutes",
        "a time in a scenario must be between 0 and 1440 minutes (one day), was 1000000000000");
  }

  @Test
  void parse_dateBeyondTheYear2999_fails() {
    assertFails(s -> s.put("date", "+999999999-12-31"), "$.date",
        "must be a date between 1900-01-01 and 2999-12-31, was \"+999999999-12-31\"");
  }

  @Test
  void parse_moreVisitorsThanOneRunHolds_failsCountingThem() {
    assertFails(s -> {
      s.put("days", 366);
      rates(s).put("09:00", 1_000_000);
    }, "$.services", "the run would bring about 366029280 visitors (arrivals per hour × opening hours × 366 days, "
        + "all services); a run simulates at most 1000000");
  }

  @Test
  void parse_workThatOutlastsTheRunByAWeek_failsNamingTheService() {
    // 5 visitors an hour for 4 hours, 1440 minutes each, on the one desk serving benefits
    assertFails(s -> service(s, 1).put("serviceMinutes", 1440), "$.services[1].serviceMinutes",
        "service \"benefits\" would keep its 1 desk(s) busy for about 28800 minutes, more than the run's 240 minutes "
            + "plus 7 days (10320)");
  }

  @Test
  void parse_workThatOutlastsTheRun_isAcceptedWhenTheWaitingAreSentHome() {
    ObjectNode root = valid();
    service(root, 1).put("serviceMinutes", 1440);
    root.put("afterClosing", "send-home");

    assertThat(READER.parse(root.toString(), "case.json").afterClosing()).isEqualTo(Scenario.AfterClosing.SEND_HOME);
  }

  @Test
  void parse_samplingTooFineForTheRun_failsWithTheSmallestInterval() {
    assertFails(s -> {
      s.put("days", 366);
      rates(s).put("09:00", 1);
      rates(s).put("10:00", 1);
      s.putObject("report").put("sampleMinutes", 0.1);
    }, "$.report.sampleMinutes", "a run is sampled at most 10000 times: must be at least 52.584 minutes here, was 0.1");
  }

  @Test
  void parse_tooManyPolicies_failsWithTheLimit() {
    assertFails(s -> {
      ArrayNode policies = s.putArray("policies");
      for (int i = 0; i < 21; i++) {
        policies.addObject().put("type", "fifo").put("label", "fifo " + i);
      }
    }, "$.policies", "must have at most 20 elements, was 21");
  }

  // ---------------------------------------------------------------- helpers

  private static void assertFails(Consumer<ObjectNode> breakIt, String path, String... rule) {
    ObjectNode root = valid();
    breakIt.accept(root);
    String json = root.toString();
    assertThatThrownBy(() -> READER.parse(json, "case.json"))
        .isInstanceOfSatisfying(ScenarioException.class, e -> {
          assertThat(e.path()).isEqualTo(path);
          assertThat(e.rule()).contains(rule);
          assertThat(e.getMessage()).startsWith("case.json: " + path + ": ");
        });
  }

  private static ObjectNode valid() {
    try {
      return (ObjectNode) new ObjectMapper(new com.fasterxml.jackson.core.JsonFactory()
          .enable(com.fasterxml.jackson.core.JsonParser.Feature.ALLOW_COMMENTS)).readTree(VALID);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static ObjectNode hours(ObjectNode s) {
    return (ObjectNode) s.get("hours");
  }

  private static ObjectNode service(ObjectNode s, int i) {
    return (ObjectNode) s.get("services").get(i);
  }

  private static ObjectNode rates(ObjectNode s) {
    return (ObjectNode) service(s, 0).get("arrivalsPerHour");
  }

  private static ObjectNode desk(ObjectNode s, int i) {
    return (ObjectNode) s.get("desks").get(i);
  }

  private static ObjectNode change(ObjectNode s, int i) {
    JsonNode c = s.get("changes").get(i);
    return (ObjectNode) c;
  }
}
