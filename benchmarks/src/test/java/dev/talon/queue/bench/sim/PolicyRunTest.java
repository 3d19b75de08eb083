package dev.talon.queue.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talon.queue.DeskState;
import dev.talon.queue.QueueEvent;
import dev.talon.queue.QueueEvent.BookingCheckedIn;
import dev.talon.queue.QueueEvent.BookingMade;
import dev.talon.queue.QueueEvent.DeskStateChanged;
import dev.talon.queue.QueueEvent.ServiceFinished;
import dev.talon.queue.QueueEvent.TicketCalled;
import dev.talon.queue.QueueEvent.TicketCancelled;
import dev.talon.queue.QueueEvent.TicketIssued;
import dev.talon.queue.QueueEvent.TicketNoShow;
import dev.talon.queue.QueueEvent.TicketRecalled;
import dev.talon.queue.bench.sim.SimulationResult.ClassResult;
import java.time.Instant;
import java.time.LocalTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The day as the engine saw it: each behaviour checked on the events the engine stored. */
class PolicyRunTest {

  private final TestScenarios.KeptStores stores = new TestScenarios.KeptStores();

  private SimulationResult run(Scenario s) {
    return new DaySimulation(stores, WaitEstimator.engine(), Progress.none()).run(s);
  }

  /** One service, {@code desks} desks, 09:00 to 13:00; {@code extra} is spliced into the top-level object. */
  private static Scenario scenario(double perHour, int desks, String extra) {
    StringBuilder deskList = new StringBuilder();
    for (int i = 1; i <= desks; i++) {
      deskList.append(i > 1 ? "," : "").append("{\"id\":\"").append(i).append("\",\"services\":[\"s\"]}");
    }
    return TestScenarios.READER.parse("""
        { "name": "day", "seed": 5,
          "hours": { "opens": "09:00", "closes": "13:00" },
          "services": [ { "code": "s", "prefix": "S", "serviceMinutes": { "type": "exponential", "mean": 6 },
                          "arrivalsPerHour": { "09:00": %s } } ],
          "desks": [ %s ],
          "policies": [ { "type": "fifo" } ] %s }
        """.formatted(perHour, deskList, extra), "day");
  }

  private static ClassResult all(SimulationResult r) {
    return r.policies().get(0).row("all");
  }

  @Test
  void admissionModeChange_refusesWalkInsExactlyUntilTheChange() {
    Scenario s = scenario(40, 3, """
        , "admissionMode": "booking-only", "changes": [ { "at": "10:30", "admissionMode": "mixed" } ]""");
    ArrivalPlan plan = ArrivalPlan.generate(s);
    long before = plan.visitors().stream().filter(v -> v.desiredAt() < plan.at(0, LocalTime.of(10, 30))).count();

    SimulationResult r = run(s);

    assertThat(before).isPositive();
    assertThat(all(r).refused()).isEqualTo(before);
    assertThat(all(r).served()).isEqualTo(plan.visitors().size() - before);
  }

  @Test
  void deskClosedForLunch_callsNobodyWhileClosedButFinishesItsVisitor() {
    Scenario s = scenario(50, 4, """
        , "changes": [ { "at": "11:00", "closeDesks": ["1"] }, { "at": "12:00", "openDesks": ["1"] } ]""");
    ArrivalPlan plan = ArrivalPlan.generate(s);
    Instant closes = plan.instant(plan.at(0, LocalTime.of(11, 0)));
    Instant opens = plan.instant(plan.at(0, LocalTime.of(12, 0)));

    run(s);

    List<TicketCalled> byDesk1 = stores.events(0).stream()
        .filter(e -> e instanceof TicketCalled c && c.desk().equals("1")).map(e -> (TicketCalled) e).toList();
    assertThat(byDesk1).anyMatch(c -> c.at().isBefore(closes));
    assertThat(byDesk1).anyMatch(c -> !c.at().isBefore(opens));
    assertThat(byDesk1).noneMatch(c -> !c.at().isBefore(closes) && c.at().isBefore(opens));
  }

  @Test
  void deskClosedForLunch_engineIsToldPausedThenOpenAndEveryDeskClosedAfterClosing() {
    Scenario s = scenario(50, 4, """
        , "changes": [ { "at": "11:00", "closeDesks": ["1"] }, { "at": "12:00", "openDesks": ["1"] },
                       { "at": "12:30", "closeDesks": ["2"] } ]""");
    ArrivalPlan plan = ArrivalPlan.generate(s);
    Instant opening = plan.instant(plan.opensAt(0));
    Instant lunch = plan.instant(plan.at(0, LocalTime.of(11, 0)));
    Instant back = plan.instant(plan.at(0, LocalTime.of(12, 0)));
    Instant gone = plan.instant(plan.at(0, LocalTime.of(12, 30)));
    Instant closing = plan.instant(plan.closesAt(0));

    run(s);

    List<DeskStateChanged> desk1 = deskStates(stores.events(0), "1");
    assertThat(desk1).extracting(DeskStateChanged::state)
        .containsExactly(DeskState.CLOSED, DeskState.OPEN, DeskState.PAUSED, DeskState.OPEN, DeskState.CLOSED);
    assertThat(desk1.get(1).at()).isEqualTo(opening);
    assertThat(desk1.get(2).at()).isEqualTo(lunch);
    assertThat(desk1.get(2).reason()).isEqualTo(PolicyRun.BREAK_REASON);
    assertThat(desk1.get(3).at()).isEqualTo(back);
    assertThat(desk1.get(4).at()).isAfterOrEqualTo(closing);
    List<DeskStateChanged> desk2 = deskStates(stores.events(0), "2");
    assertThat(desk2).extracting(DeskStateChanged::state)
        .containsExactly(DeskState.CLOSED, DeskState.OPEN, DeskState.CLOSED); // never reopens: closed, not paused
    assertThat(desk2.get(2).at()).isEqualTo(gone);
  }

  @Test
  void deskClosures_reachTheEngine_soSixOfTenDesksEstimateLikeSixDesks() {
    // The repro pair of issue 13 in small: the same load served by six desks, declared as ten of
    // which four close at 00:01, or as six. The waits are the same, and so must be the estimates.
    Scenario tenClosingFour = TestScenarios.READER.parse("""
        { "name": "ten", "seed": 9, "days": 1, "hours": { "opens": "00:00", "closes": "24:00" }, "warmUpMinutes": 120,
          "services": [ { "code": "s", "prefix": "M", "serviceMinutes": { "type": "exponential", "mean": 5 },
                          "arrivalsPerHour": { "00:00": 60 } } ],
          "desks": [ %s ],
          "changes": [ { "at": "00:01", "closeDesks": ["7", "8", "9", "10"] } ],
          "policies": [ { "type": "fifo" } ] }""".formatted(desks(10)), "ten");
    Scenario six = TestScenarios.READER.parse("""
        { "name": "six", "seed": 9, "days": 1, "hours": { "opens": "00:00", "closes": "24:00" }, "warmUpMinutes": 120,
          "services": [ { "code": "s", "prefix": "M", "serviceMinutes": { "type": "exponential", "mean": 5 },
                          "arrivalsPerHour": { "00:00": 60 } } ],
          "desks": [ %s ],
          "policies": [ { "type": "fifo" } ] }""".formatted(desks(6)), "six");

    ClassResult ten = all(run(tenClosingFour));
    ClassResult sixDesks = all(run(six));

    assertThat(ten.waitMean()).isEqualTo(sixDesks.waitMean());
    assertThat(ten.estimated()).isPositive().isEqualTo(sixDesks.estimated());
    assertThat(ten.estimateMae()).isEqualTo(sixDesks.estimateMae());
    assertThat(ten.estimateInRange()).isEqualTo(sixDesks.estimateInRange());
  }

  private static String desks(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i <= n; i++) {
      sb.append(i > 1 ? "," : "").append("{\"id\":\"").append(i).append("\",\"services\":[\"s\"]}");
    }
    return sb.toString();
  }

  private static List<DeskStateChanged> deskStates(List<QueueEvent> events, String desk) {
    return events.stream().filter(e -> e instanceof DeskStateChanged d && d.desk().equals(desk))
        .map(e -> (DeskStateChanged) e).toList();
  }

  @Test
  void sendHome_atClosing_cancelsEveryoneStillWaitingAndCallsNobodyAfter() {
    Scenario s = scenario(60, 2, ", \"afterClosing\": \"send-home\"");
    ArrivalPlan plan = ArrivalPlan.generate(s);
    Instant closing = plan.instant(plan.closesAt(0));

    SimulationResult r = run(s);

    List<QueueEvent> events = stores.events(0);
    assertThat(all(r).sentHome()).isPositive();
    assertThat(events.stream().filter(e -> e instanceof TicketCancelled && e.at().equals(closing)).count())
        .isEqualTo(all(r).sentHome());
    assertThat(events).noneMatch(e -> e instanceof TicketCalled && e.at().isAfter(closing));
  }

  @Test
  void serveWaiting_afterClosing_servesEveryoneInside() {
    Scenario s = scenario(60, 2, ", \"afterClosing\": \"serve-waiting\"");
    ArrivalPlan plan = ArrivalPlan.generate(s);
    Instant closing = plan.instant(plan.closesAt(0));

    SimulationResult r = run(s);

    assertThat(all(r).sentHome()).isZero();
    assertThat(all(r).served()).isEqualTo(all(r).arrived()).isEqualTo(plan.visitors().size());
    assertThat(stores.events(0)).anyMatch(e -> e instanceof TicketCalled && e.at().isAfter(closing));
  }

  @Test
  void patience_visitorsWhoJustGo_areRecalledThenMarkedNoShow() {
    Scenario s = scenario(60, 2, """
        , "limits": { "recallLimit": 2 }, "recallAfterMinutes": 1.5,
        "visitors": { "patienceMinutes": { "walk-in": { "type": "exponential", "mean": 20 } }, "cancelShare": 0 }""");

    SimulationResult r = run(s);

    List<QueueEvent> events = stores.events(0);
    long noShows = events.stream().filter(e -> e instanceof TicketNoShow).count();
    assertThat(noShows).isPositive().isEqualTo(all(r).left());
    assertThat(events).noneMatch(e -> e instanceof TicketCancelled);
    assertThat(events.stream().filter(e -> e instanceof TicketRecalled).count()).isEqualTo(2 * noShows);
  }

  @Test
  void patience_visitorsWhoCancel_leaveTheLineWithoutNoShows() {
    Scenario s = scenario(60, 2, """
        , "visitors": { "patienceMinutes": { "walk-in": { "type": "exponential", "mean": 20 } }, "cancelShare": 1 }""");

    SimulationResult r = run(s);

    List<QueueEvent> events = stores.events(0);
    assertThat(events.stream().filter(e -> e instanceof TicketCancelled).count()).isPositive()
        .isEqualTo(all(r).left());
    assertThat(events).noneMatch(e -> e instanceof TicketNoShow);
  }

  @Test
  void everyIssuedTicket_endsExactlyOnceInATerminalEvent() {
    Scenario s = TestScenarios.READER.bundled(ScenarioReader.DEFAULT_SCENARIO);

    SimulationResult r = run(s);

    for (int run = 0; run < s.policies().size(); run++) {
      Map<Long, Integer> endings = new HashMap<>();
      List<QueueEvent> events = stores.events(run);
      events.stream().filter(e -> e instanceof TicketIssued).forEach(e -> endings.put(((TicketIssued) e).ticketId(), 0));
      for (QueueEvent e : events) {
        long id = e instanceof ServiceFinished f ? f.ticketId()
            : e instanceof TicketNoShow n ? n.ticketId()
            : e instanceof TicketCancelled c ? c.ticketId() : 0;
        if (id > 0) {
          endings.merge(id, 1, Integer::sum);
        }
      }
      assertThat(endings).isNotEmpty();
      assertThat(endings.values()).allMatch(n -> n == 1);
      ClassResult all = r.policies().get(run).row("all");
      assertThat(endings).hasSize(all.arrived() - all.refused());
    }
  }

  @Test
  void bookedVisitorsArrivingEarly_checkInWhenCheckInOpens() {
    Scenario s = TestScenarios.READER.parse("""
        { "name": "early", "seed": 9, "hours": { "opens": "08:00", "closes": "12:00" },
          "limits": { "earlyCheckInMinutes": 20 },
          "services": [ { "code": "s", "prefix": "S", "serviceMinutes": 3, "arrivalsPerHour": { "09:00": 20 },
                          "booking": { "share": 1, "capacityPerWindow": 10 } } ],
          "desks": [ { "id": "1", "services": ["s"] } ],
          "visitors": { "bookedArrivalMinutes": -60 },
          "policies": [ { "type": "fifo" } ] }
        """, "early");

    SimulationResult r = run(s);

    Map<Long, Instant> windowStart = new HashMap<>();
    ArrivalPlan plan = ArrivalPlan.generate(s);
    List<QueueEvent> events = stores.events(0);
    for (QueueEvent e : events) {
      if (e instanceof BookingMade b) {
        windowStart.put(b.bookingId(), plan.instant(plan.at(b.windowStart())));
      }
    }
    List<BookingCheckedIn> checkIns = events.stream().filter(e -> e instanceof BookingCheckedIn)
        .map(e -> (BookingCheckedIn) e).toList();
    assertThat(checkIns).hasSize(r.arrivals().booked()).isNotEmpty();
    for (BookingCheckedIn c : checkIns) {
      assertThat(c.at()).isEqualTo(windowStart.get(c.bookingId()).minusSeconds(20 * 60));
    }
    assertThat(all(r).refused()).isZero();
  }

  @Test
  void fullWindows_sendTheOverflowToLaterWindowsAndThenToTheWalkInLine() {
    Scenario s = TestScenarios.READER.parse("""
        { "name": "full", "seed": 4, "hours": { "opens": "09:00", "closes": "10:00" },
          "services": [ { "code": "s", "prefix": "S", "serviceMinutes": 2, "arrivalsPerHour": { "09:00": 40 },
                          "booking": { "share": 1, "capacityPerWindow": 2 } } ],
          "desks": [ { "id": "1", "services": ["s"] } ],
          "policies": [ { "type": "fifo" } ] }
        """, "full");

    SimulationResult r = run(s);

    assertThat(r.arrivals().booked()).isEqualTo(8); // 4 windows of 2 places
    assertThat(r.arrivals().bookedLater()).isPositive();
    assertThat(r.arrivals().bookingFull()).isEqualTo(r.arrivals().visitors() - 8);
    assertThat(r.policies().get(0).row("walk-in").arrived()).isEqualTo(r.arrivals().bookingFull());
    assertThat(r.policies().get(0).row("booked").arrived()).isEqualTo(8);
  }
}
