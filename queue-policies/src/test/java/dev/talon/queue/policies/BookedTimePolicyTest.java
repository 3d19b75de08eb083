package dev.talon.queue.policies;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talon.queue.Limits;
import dev.talon.queue.Ticket;
import dev.talon.queue.spi.Bypass;
import dev.talon.queue.spi.Policy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BookedTimePolicyTest {
  private final Policy<?> policy = Policies.bookedTime(Duration.ofMinutes(15));

  @Test
  void callNext_walkInArrivedBeforeAnEarlyBookedVisitorsTime_goesFirst() {
    TestBranch b = new TestBranch(policy);
    String code = b.book("a", "09:00");
    b.at("08:40");
    Ticket booked = b.branch.checkIn(code);   // counts as arriving at 09:00
    b.at("08:50");
    Ticket walkIn = b.walkIn("a");            // arrives at 08:50
    b.at("08:55");

    assertThat(b.calls("1", 2)).containsExactly(walkIn.display(), booked.display());
  }

  @Test
  void callNext_bookedVisitorCheckingInAfterItsTime_keepsItsPlace() {
    TestBranch b = new TestBranch(policy);
    String code = b.book("a", "09:00");
    b.at("09:02");
    Ticket walkIn = b.walkIn("a");
    b.at("09:05");
    Ticket booked = b.branch.checkIn(code);   // 5 minutes late, within both limits: arrival 09:00

    assertThat(booked.line()).isEqualTo("booked");
    assertThat(b.calls("1", 2)).containsExactly(booked.display(), walkIn.display());
  }

  @Test
  void classify_checkInBeyondTheLateLimit_joinsTheWalkInLineAtItsCheckInTime() {
    TestBranch b = new TestBranch(policy, Limits.defaults().withLateCheckIn(Duration.ofMinutes(30)));
    String onTime = b.book("a", "09:00");
    String late = b.book("a", "09:00");
    b.at("09:10");
    Ticket walkIn = b.walkIn("a");
    b.at("09:14");
    Ticket kept = b.branch.checkIn(onTime);   // 14 minutes: within the policy's 15
    b.at("09:16");
    Ticket fellBack = b.branch.checkIn(late); // 16 minutes: beyond it, though the engine still calls it on time

    assertThat(kept.line()).isEqualTo("booked");
    assertThat(fellBack.line()).isEqualTo("walk-in");
    assertThat(b.calls("1", 3)).containsExactly(kept.display(), walkIn.display(), fellBack.display());
  }

  @Test
  void classify_engineMarkedTheCheckInLate_joinsTheWalkInLine() {
    TestBranch b = new TestBranch(Policies.bookedTime(Duration.ofHours(1))); // the engine's own limit is 10 minutes
    String code = b.book("a", "09:00");
    b.at("09:12");

    assertThat(b.branch.checkIn(code).line()).isEqualTo("walk-in");
  }

  @Test
  void bypass_declared_isUnbounded() {
    assertThat(policy.bypass()).isEqualTo(Bypass.unbounded());
  }
}
