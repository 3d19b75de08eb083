package dev.talon.queue.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talon.queue.BookRequest;
import dev.talon.queue.Booking;
import dev.talon.queue.Branch;
import dev.talon.queue.IssueRequest;
import dev.talon.queue.Talon;
import dev.talon.queue.Ticket;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.Policy;
import dev.talon.queue.spi.QueueClock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunObserverTest {
  private static final String SCENARIO = """
      { "name": "two", "hours": { "opens": "00:00", "closes": "24:00" },
        "services": [
          { "code": "s", "prefix": "S", "serviceMinutes": 5, "arrivalsPerHour": { "00:00": 1 },
            "booking": { "share": 0.5, "capacityPerWindow": 10 } },
          { "code": "t", "prefix": "T", "serviceMinutes": 5, "arrivalsPerHour": { "00:00": 1 },
            "booking": { "share": 0.5, "capacityPerWindow": 10 } } ],
        "desks": [ { "id": "1", "services": ["s", "t"] }, { "id": "2", "services": ["t"] } ],
        "policies": [ { "type": "booked-first" } ] }
      """;

  private final ManualClock clock = QueueClock.manual(Instant.parse("2026-01-05T09:00:00Z"));
  private final Scenario scenario = TestScenarios.READER.parse(SCENARIO, "two");
  private final RunObserver observer = new RunObserver(scenario, 4); // small, so that its arrays must grow
  private final Branch branch = Talon.newBranch("obs")
      .service("s", "S", "s").service("t", "T", "t")
      .desk("1", "s", "t").desk("2", "t")
      .capacity("s", 10).capacity("t", 10)
      .policy(Policy.bookedFirst())
      .clock(clock)
      .listener(observer)
      .build();

  @Test
  void bypass_aCallOfItsClassStartsANewTurn() {
    Ticket w1 = branch.issue(IssueRequest.walkIn("s"));
    Ticket w2 = branch.issue(IssueRequest.walkIn("s"));
    checkIn("s");
    checkIn("s");
    branch.callNext("1"); // booked: w1 and w2 passed once in this turn
    branch.callNext("1"); // booked: twice
    branch.callNext("1"); // w1: a walk-in call ends w2's turn
    checkIn("s");
    branch.callNext("1"); // booked again: once in w2's new turn

    assertThat(observer.bypassOf(w1.id())).isEqualTo(2);
    assertThat(observer.bypassOf(w2.id())).as("the largest turn, not the sum").isEqualTo(2);
  }

  @Test
  void bypass_bookedFirst_countsEveryLaterBookedCallBeforeAWaitingWalkIn() {
    Ticket walkIn = branch.issue(IssueRequest.walkIn("s"));
    List<Ticket> booked = List.of(checkIn("s"), checkIn("s"), checkIn("s"));

    for (int i = 0; i < 4; i++) {
      branch.callNext("1");
    }

    assertThat(observer.bypassOf(walkIn.id())).isEqualTo(3);
    for (Ticket b : booked) {
      assertThat(observer.bypassOf(b.id())).isZero();
    }
  }

  @Test
  void bypass_callsByADeskNotServingTheService_doNotCount() {
    Ticket waitingForS = branch.issue(IssueRequest.walkIn("s"));
    checkIn("t");
    checkIn("t");

    branch.callNext("2"); // desk 2 serves only t
    branch.callNext("2");
    branch.callNext("1");

    assertThat(observer.bypassOf(waitingForS.id())).isZero();
  }

  @Test
  void bypass_laterTicketOfAnotherServiceCalledByASharedDesk_counts() {
    Ticket waitingForS = branch.issue(IssueRequest.walkIn("s"));
    checkIn("t");

    branch.callNext("1"); // booked-first: the booked t ticket, which joined later

    assertThat(observer.bypassOf(waitingForS.id())).isEqualTo(1);
  }

  @Test
  void bypass_stopsCountingOnceTheTicketLeavesTheLine() {
    Ticket cancelled = branch.issue(IssueRequest.walkIn("s"));
    branch.cancel(cancelled.id());
    checkIn("s");

    branch.callNext("1");

    assertThat(observer.bypassOf(cancelled.id())).isZero();
  }

  @Test
  void waitingByClass_followsIssueCallCancelAndReturn() {
    Ticket a = branch.issue(IssueRequest.walkIn("s"));
    branch.issue(IssueRequest.walkIn("t"));
    checkIn("s");
    assertThat(observer.waitingByClass()).containsEntry("walk-in", 2).containsEntry("booked", 1);

    Ticket called = branch.callNext("1").orElseThrow(); // the booked one
    branch.cancel(a.id());
    assertThat(observer.waitingByClass()).containsEntry("walk-in", 1).containsEntry("booked", 0);

    branch.returnCall(called.id());
    assertThat(observer.waitingByClass()).containsEntry("booked", 1);
  }

  private Ticket checkIn(String service) {
    Booking b = branch.book(BookRequest.of(service, LocalDateTime.parse("2026-01-05T09:00")));
    return branch.checkIn(b.code());
  }
}
