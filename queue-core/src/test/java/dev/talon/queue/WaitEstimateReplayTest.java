package dev.talon.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.Policy;
import dev.talon.queue.spi.QueueClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;

/**
 * Branch.estimate replays the open desks (issue 13): a desk shared by several services, closed and
 * paused desks, the policy's call order, visitors who leave, and service times measured today.
 * The default estimation assumes 10 minutes per call until calls are measured.
 */
class WaitEstimateReplayTest {
  private static final ZoneId ALMATY = ZoneId.of("Asia/Almaty");
  private final ManualClock clock = QueueClock.manual(Instant.parse("2026-11-24T04:00:00Z")); // 09:00 local

  /** Desk a serves x, desk s serves x and y, desks y1..y3 serve y. */
  private Branch shared() {
    return Talon.newBranch("shared").zone(ALMATY).clock(clock).service("x", "X", "X").service("y", "Y", "Y")
        .desk("a", "x").desk("s", "x", "y").desk("y1", "y").desk("y2", "y").desk("y3", "y").build();
  }

  @org.junit.jupiter.api.Test
  void estimate_sharedDeskAlsoServesAnotherService_countsOnlyTheWorkItsDesksMustDo() {
    Branch b = shared();
    Ticket x0 = b.issue(IssueRequest.walkIn("x"));
    b.callNext("a"); // desk a holds x0
    for (int i = 0; i < 4; i++) {
      b.issue(IssueRequest.walkIn("y"));
    }
    Ticket t = b.issue(IssueRequest.walkIn("x"));

    WaitEstimate e = b.estimate(t.id());

    // The shared desk takes the oldest y now and the y desks the other three; t goes to the first
    // of the two x desks to finish: half a call. The old estimate counted all four y tickets ahead
    // and divided by the two x desks: (4 + 1 - 1) * 10 / 2 = 20 minutes.
    assertThat(x0.service()).isEqualTo("x");
    assertThat(e.openDesks()).isEqualTo(2);
    assertThat(e.ahead()).isEqualTo(1);
    assertThat(e.expected()).isEqualTo(Duration.ofMinutes(5));
    assertThat(e.optimistic()).isLessThan(e.expected());
    assertThat(e.pessimistic()).isGreaterThan(e.expected());
  }

  @org.junit.jupiter.api.Test
  void estimate_pausedAndClosedDesks_callNobody() {
    Branch b = shared();
    b.issue(IssueRequest.walkIn("x"));
    b.callNext("a");
    for (int i = 0; i < 4; i++) {
      b.issue(IssueRequest.walkIn("y"));
    }
    Ticket t = b.issue(IssueRequest.walkIn("x"));
    b.pauseDesk("s", "lunch");

    WaitEstimate paused = b.estimate(t.id());

    assertThat(paused.openDesks()).isEqualTo(1);
    assertThat(paused.ahead()).isZero();
    assertThat(paused.expected()).isEqualTo(Duration.ofMinutes(10)); // desk a's call ends
    b.closeDesk("y1");
    b.closeDesk("y2");
    b.closeDesk("y3");
    b.openDesk("s");
    // the shared desk now has the four y tickets to itself, ahead of t in FIFO order; desk a finishes
    // its call at 5 minutes (the first of two busy desks) and takes t
    assertThat(b.estimate(t.id()).expected()).isEqualTo(Duration.ofMinutes(5));
  }

  @org.junit.jupiter.api.Test
  void estimate_followsThePolicysCallOrderForEveryTicket() {
    for (boolean bookedFirst : new boolean[] {false, true}) {
      Branch b = Talon.newBranch("order").zone(ALMATY).clock(clock).service("docs", "A", "Docs").desk("1", "docs")
          .policy(bookedFirst ? Policy.bookedFirst() : Policy.fifo()).capacity("docs", 5).build();
      b.issue(IssueRequest.walkIn("docs"));
      b.callNext("1");
      Ticket walkIn = b.issue(IssueRequest.walkIn("docs"));
      Ticket booked = b.checkIn(b.book(BookRequest.of("docs", LocalDateTime.of(2026, 11, 24, 9, 15))).code());

      Duration first = Duration.ofMinutes(10);
      Duration second = Duration.ofMinutes(20);
      assertThat(b.estimate(walkIn.id()).expected()).as("walk-in, booked first " + bookedFirst)
          .isEqualTo(bookedFirst ? second : first);
      assertThat(b.estimate(booked.id()).expected()).as("booked, booked first " + bookedFirst)
          .isEqualTo(bookedFirst ? first : second);
    }
  }

  @org.junit.jupiter.api.Test
  void estimate_bookingDueBeforeTheTurnUnderBookedFirst_countsItAheadOfAWalkIn() {
    for (boolean bookedFirst : new boolean[] {false, true}) {
      Branch b = Talon.newBranch("due").zone(ALMATY).clock(clock).service("docs", "A", "Docs").desk("1", "docs")
          .policy(bookedFirst ? Policy.bookedFirst() : Policy.fifo()).capacity("docs", 5).build();
      b.issue(IssueRequest.walkIn("docs"));
      b.callNext("1"); // the desk's call ends at 10 minutes
      b.issue(IssueRequest.walkIn("docs"));
      b.issue(IssueRequest.walkIn("docs"));
      Ticket walkIn = b.issue(IssueRequest.walkIn("docs"));
      b.book(BookRequest.of("docs", LocalDateTime.of(2026, 11, 24, 9, 15))); // checks in at 9:15, before the turn
      b.book(BookRequest.of("docs", LocalDateTime.of(2026, 11, 24, 11, 0))); // long after the walk-in's turn

      WaitEstimate e = b.estimate(walkIn.id());

      // FIFO: the two walk-ins ahead, then the walk-in at 30 minutes. Booked first: the visitor of
      // 9:15 (no check-ins or expiries today yet: expected at the window's start, sure to come) is
      // called when the desk is next free after 9:15, at 20 minutes, and pushes the walk-in to 40;
      // the 11:00 booking arrives after the wait replayed without bookings and is not counted.
      assertThat(e.ahead()).as("booked first " + bookedFirst).isEqualTo(2); // expected visitors are not "ahead"
      assertThat(e.expected()).as("booked first " + bookedFirst)
          .isEqualTo(Duration.ofMinutes(bookedFirst ? 40 : 30));
      assertThat(e.pessimistic()).isGreaterThan(e.expected());
    }
  }

  @org.junit.jupiter.api.Test
  void estimate_visitorsLeftToday_shortensTheWaitBehindOthersWhoMayLeave() {
    Branch leaving = oneBusyDesk("leaving");
    Branch staying = oneBusyDesk("staying");
    Ticket[] gone = new Ticket[10];
    for (int i = 0; i < 10; i++) {
      gone[i] = leaving.issue(IssueRequest.walkIn("docs"));
      staying.issue(IssueRequest.walkIn("docs"));
      leaving.issue(IssueRequest.walkIn("docs"));
    }
    clock.advance(Duration.ofMinutes(30));
    for (Ticket g : gone) {
      leaving.cancel(g.id());
    }
    Ticket t1 = leaving.issue(IssueRequest.walkIn("docs"));
    Ticket t2 = staying.issue(IssueRequest.walkIn("docs"));

    WaitEstimate withLeavers = leaving.estimate(t1.id());
    WaitEstimate without = staying.estimate(t2.id());

    assertThat(without.ahead()).isEqualTo(withLeavers.ahead()).isEqualTo(10);
    assertThat(without.expected()).isEqualTo(Duration.ofMinutes(110)); // ten calls ahead, then the desk's own
    assertThat(withLeavers.expected()).isLessThan(without.expected().multipliedBy(9).dividedBy(10))
        .isGreaterThan(Duration.ofMinutes(10));
  }

  @org.junit.jupiter.api.Test
  void estimate_fewCallsMeasuredToday_blendsThemWithTheConfiguredMean() {
    Branch b = Talon.newBranch("learn").zone(ALMATY).clock(clock).service("docs", "A", "Docs").desk("1", "docs")
        .estimation(new Estimation(Duration.ofMinutes(10), 0.1, 1.64)).build();
    Ticket first = b.issue(IssueRequest.walkIn("docs"));
    b.callNext("1");
    b.startService(first.id());
    clock.advance(Duration.ofMinutes(2));
    b.finish(first.id()); // the moving mean of service times: 10 + 0.1 * (2 - 10) = 9.2 minutes
    Ticket second = b.issue(IssueRequest.walkIn("docs"));
    b.callNext("1");
    clock.advance(Duration.ofMinutes(1));
    Ticket t = b.issue(IssueRequest.walkIn("docs"));

    // one call measured today (2 minutes) and three prior calls at the moving mean: 7.4 minutes
    assertThat(b.estimate(t.id()).expected()).isEqualTo(Duration.ofSeconds(444));
    assertThat(second.service()).isEqualTo("docs");
  }

  private Branch oneBusyDesk(String id) {
    Branch b = Talon.newBranch(id).zone(ALMATY).clock(clock).service("docs", "A", "Docs").desk("1", "docs").build();
    b.issue(IssueRequest.walkIn("docs"));
    b.callNext("1");
    return b;
  }
}
