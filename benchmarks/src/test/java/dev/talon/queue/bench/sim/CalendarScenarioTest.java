package dev.talon.queue.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talon.queue.QueueEvent;
import dev.talon.queue.QueueEvent.BookingCancelled;
import dev.talon.queue.QueueEvent.BookingMade;
import dev.talon.queue.QueueEvent.HoldConfirmed;
import dev.talon.queue.QueueEvent.HoldReleased;
import dev.talon.queue.QueueEvent.PlaceHeld;
import dev.talon.queue.QueueEvent.PlaceOffered;
import dev.talon.queue.QueueEvent.WaitlistJoined;
import dev.talon.queue.QueueEvent.WaitlistLeft;
import dev.talon.queue.SlotCalendar;
import dev.talon.queue.bench.sim.SimulationResult.CalendarFigures;
import dev.talon.queue.bench.sim.SimulationResult.PolicyResult;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bundled calendar week runs through every policy, and the engine's history of each run keeps
 * the calendar's invariants: no window over its scheduled capacity (bookings and holds together),
 * every hold ended exactly once, every waiting list served in the order it was joined.
 */
class CalendarScenarioTest {
  private static Scenario scenario;
  private static SimulationResult result;
  private static TestScenarios.KeptStores stores;

  @BeforeAll
  static void runWeek() {
    scenario = TestScenarios.READER.bundled("calendar-week");
    stores = new TestScenarios.KeptStores();
    result = new DaySimulation(stores, WaitEstimator.engine(), Progress.none()).run(scenario);
  }

  @Test
  void run_calendarWeek_usesHoldsExpiriesCancellationsAndTheWaitingList() {
    CalendarFigures c = result.arrivals().calendar();

    assertThat(c).isNotNull();
    assertThat(c.holds()).isPositive();
    assertThat(c.bookingsMade()).isEqualTo(result.arrivals().booked() + c.cancelled());
    assertThat(c.holdsExpired()).isPositive();
    assertThat(c.cancelled()).isPositive();
    assertThat(c.waitlistJoined()).isPositive();
    assertThat(c.offersAccepted()).isPositive();
    assertThat(c.offersExpired()).isPositive();
    assertThat(c.offers()).isGreaterThanOrEqualTo(c.offersAccepted() + c.offersExpired());
    assertThat(c.placesUnused()).isBetween(0, c.places());
    assertThat(result.policies()).hasSameSizeAs(scenario.policies());
  }

  @Test
  void run_calendarWeek_noWindowOverItsScheduledCapacityUnderAnyPolicy() {
    SlotCalendar slots = BookingNight.slots(scenario);
    for (int run = 0; run < scenario.policies().size(); run++) {
      Map<Long, LocalDateTime> windowOfHold = new HashMap<>();
      Map<Long, LocalDateTime> windowOfBooking = new HashMap<>();
      Map<LocalDateTime, Integer> taken = new HashMap<>();
      Map<LocalDateTime, Integer> most = new HashMap<>();
      for (QueueEvent e : stores.events(run)) {
        LocalDateTime took = null;
        if (e instanceof PlaceHeld h) {
          windowOfHold.put(h.holdId(), h.windowStart());
          took = h.windowStart();
        } else if (e instanceof PlaceOffered o) {
          windowOfHold.put(o.holdId(), o.windowStart());
          took = o.windowStart();
        } else if (e instanceof HoldConfirmed h) {
          taken.merge(windowOfHold.get(h.holdId()), -1, Integer::sum); // the place passes to the booking that follows
        } else if (e instanceof HoldReleased r) {
          taken.merge(windowOfHold.get(r.holdId()), -1, Integer::sum);
        } else if (e instanceof BookingMade b) {
          windowOfBooking.put(b.bookingId(), b.windowStart());
          took = b.windowStart();
        } else if (e instanceof BookingCancelled b) {
          taken.merge(windowOfBooking.get(b.bookingId()), -1, Integer::sum);
        }
        if (took != null) {
          int now = taken.merge(took, 1, Integer::sum);
          most.merge(took, now, Math::max);
          assertThat(now).as("run %d: window %s", run, took)
              .isLessThanOrEqualTo(slots.capacityAt("id-docs", took, List.of()));
        }
      }
      // the schedule was used: some afternoon window held more than the morning's capacity
      assertThat(most.entrySet()).anySatisfy(w -> {
        assertThat(w.getKey().toLocalTime()).isAfterOrEqualTo(LocalTime.of(14, 0));
        assertThat(w.getValue()).isGreaterThan(2);
      });
      // nothing on the holiday, nothing on Sunday, nothing at lunch
      assertThat(most.keySet()).noneMatch(w -> w.toLocalDate().equals(LocalDate.of(2026, 3, 9))
          || w.toLocalDate().equals(LocalDate.of(2026, 3, 15)) || w.getHour() == 13);
    }
  }

  @Test
  void run_calendarWeek_everyHoldEndsExactlyOnceUnderAnyPolicy() {
    for (int run = 0; run < scenario.policies().size(); run++) {
      Map<Long, Integer> ends = new HashMap<>();
      Set<Long> held = new LinkedHashSet<>();
      for (QueueEvent e : stores.events(run)) {
        if (e instanceof PlaceHeld h) {
          assertThat(held.add(h.holdId())).as("hold %d placed once", h.holdId()).isTrue();
        } else if (e instanceof PlaceOffered o) {
          assertThat(held.add(o.holdId())).as("offer hold %d placed once", o.holdId()).isTrue();
        } else if (e instanceof HoldConfirmed h) {
          ends.merge(h.holdId(), 1, Integer::sum);
        } else if (e instanceof HoldReleased r) {
          ends.merge(r.holdId(), 1, Integer::sum);
        }
      }
      assertThat(held).isNotEmpty();
      assertThat(ends.keySet()).as("run %d: only placed holds end", run).isSubsetOf(held);
      for (long h : held) {
        assertThat(ends.get(h)).as("run %d: hold %d ends exactly once", run, h).isEqualTo(1);
      }
    }
  }

  @Test
  void run_calendarWeek_waitingListsServedInJoinOrderUnderAnyPolicy() {
    for (int run = 0; run < scenario.policies().size(); run++) {
      Map<LocalDateTime, List<Long>> lists = new HashMap<>();
      Map<Long, LocalDateTime> windowOf = new HashMap<>();
      int offers = 0;
      for (QueueEvent e : stores.events(run)) {
        if (e instanceof WaitlistJoined j) {
          lists.computeIfAbsent(j.windowStart(), w -> new ArrayList<>()).add(j.entryId());
          windowOf.put(j.entryId(), j.windowStart());
        } else if (e instanceof WaitlistLeft l) {
          assertThat(lists.get(windowOf.get(l.entryId())).remove(l.entryId())).isTrue();
        } else if (e instanceof PlaceOffered o) {
          List<Long> waiting = lists.get(o.windowStart());
          assertThat(waiting).as("run %d: the offer goes to the first waiting", run).isNotEmpty();
          assertThat(waiting.remove(0)).as("run %d: offer on %s", run, o.windowStart()).isEqualTo(o.entryId());
          offers++;
        }
      }
      assertThat(offers).isPositive();
    }
  }

  @Test
  void run_calendarWeek_everyPolicySeesTheSameBookingsAndServesSomeone() {
    for (PolicyResult p : result.policies()) {
      assertThat(p.row("all").served()).as(p.label()).isPositive();
      assertThat(p.row("booked").withBooking()).as(p.label()).isPositive();
    }
    // DaySimulation refuses a run whose policies saw other arrivals; the figures are part of them
    assertThat(result.arrivals().calendar().bookingsMade()).isPositive();
  }

  @Test
  void reportFiles_calendarWeek_carryTheCalendarFigures(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws java.io.IOException {
    Reports.Written w = Reports.write(result, dir);
    CalendarFigures c = result.arrivals().calendar();

    assertThat(java.nio.file.Files.readAllLines(w.calendar())).hasSize(2).last().asString()
        .startsWith("calendar-week," + scenario.seed() + "," + c.holds() + "," + c.bookingsMade() + ",");
    assertThat(java.nio.file.Files.readString(w.json())).contains("\"offersAccepted\" : " + c.offersAccepted());
    assertThat(java.nio.file.Files.readString(w.html())).contains("Booking calendar", c.offers() + " offers");
  }

  @Test
  void parse_calendarRangeOutsideTheScenarioHours_failsWithFilePathAndRule() {
    String json = scenarioJson().replace("\"14:00-18:00\"]", "\"14:00-19:00\"]");

    refused(json).hasMessageStartingWith("week.json: $.calendar.week.WEEKDAYS: the calendar's ranges must lie within")
        .hasMessageContaining("14:00–19:00");
  }

  @Test
  void parse_calendarBadRangeDeepInside_namesItsJsonPath() {
    String json = scenarioJson().replace("\"SATURDAY\": [\"09:00-13:00\"]", "\"SATURDAY\": [\"9-13\"]");

    refused(json).hasMessageStartingWith("week.json: $.calendar.week.SATURDAY[0]: ");
  }

  @Test
  void parse_capacityRuleOfAServiceThatTakesNoBookings_fails() {
    String json = scenarioJson().replace("{ \"service\": \"id-docs\", \"days\"", "{ \"service\": \"benefits\", \"days\"");

    refused(json).hasMessageStartingWith("week.json: $.calendar.capacity[0].service: a capacity rule must name a service that"
            + " takes bookings [id-docs], was \"benefits\"");
  }

  @Test
  void parse_holdTooLongForTheBookingNight_failsNamingTheHold() {
    String json = scenarioJson().replace("\"holdMinutes\": 20", "\"holdMinutes\": 240")
        .replace("\"offerMinutes\": 30", "\"offerMinutes\": 240");

    refused(json).hasMessageStartingWith("week.json: $.calendar.holdMinutes: visitors book in the night before the doors open");
  }

  @Test
  void parse_unknownCalendarField_isRefused() {
    String json = scenarioJson().replace("\"holdMinutes\": 20", "\"holdMinutes\": 20, \"holdMinute\": 5");

    refused(json).hasMessageStartingWith("week.json: $.calendar.holdMinute: unknown field");
  }

  @Test
  void parse_calendarWeek_closesTheHolidayInTheBranchZone() {
    assertThat(scenario.zone()).isEqualTo(ZoneId.of("Asia/Almaty"));
    assertThat(scenario.calendar().hours().rangesOn(LocalDate.of(2026, 3, 9))).isEmpty();
  }

  @Test
  void readmeCalendarExample_inTheReadmeScenario_parsesAndRunsWithHoldsAndBookings() throws java.io.IOException {
    String readme = java.nio.file.Files.readString(java.nio.file.Path.of("..", "README.md"));
    int at = readme.indexOf("```jsonc\n\"calendar\"");
    assertThat(at).as("the README's calendar example").isPositive();
    String fragment = readme.substring(at + 9, readme.indexOf("\n```", at + 9));
    String json = ReadmeScenarioTest.example().replace("\"policies\": [", fragment + ",\n  \"policies\": [");

    Scenario s = TestScenarios.READER.parse(json, "README example with its calendar");
    SimulationResult r = new DaySimulation().run(s);

    assertThat(s.calendar().capacity()).hasSize(1);
    assertThat(r.arrivals().calendar().holds()).isPositive();
    assertThat(r.arrivals().calendar().bookingsMade()).isPositive();
  }

  private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> refused(String json) {
    return assertThatThrownBy(() -> TestScenarios.READER.parse(json, "week.json")).isInstanceOf(ScenarioException.class);
  }

  private static String scenarioJson() {
    try (var in = ScenarioReader.class.getResourceAsStream("/scenarios/calendar-week.json")) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
