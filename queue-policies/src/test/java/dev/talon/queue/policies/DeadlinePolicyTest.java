package dev.talon.queue.policies;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talon.queue.Ticket;
import dev.talon.queue.spi.Policy;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeadlinePolicyTest {
  private final Policy<?> policy = Policies.deadline(Map.of("booked", Duration.ofMinutes(10), "walk-in",
      Duration.ofMinutes(45)));

  @Test
  void callNext_earliestDeadlineFirst_acrossClasses() {
    TestBranch b = new TestBranch(policy);
    Ticket walkIn = b.walkIn("a");             // deadline 08:45
    b.at("08:30");
    Ticket soon = b.booked("a", "08:30");      // deadline 08:40
    b.at("08:40");
    Ticket later = b.booked("a", "08:30");     // deadline 08:50

    assertThat(b.calls("1", 3)).containsExactly(soon.display(), walkIn.display(), later.display());
  }

  @Test
  void callNext_bookedVisitorCheckedInEarly_countsFromTheBookedTime() {
    TestBranch b = new TestBranch(policy);
    String code = b.book("a", "09:00");
    b.at("08:20");
    Ticket walkIn = b.walkIn("a");             // deadline 09:05
    b.at("08:40");
    Ticket early = b.branch.checkIn(code);     // deadline 09:10 (from 09:00), not 08:50 (from check-in)
    b.at("08:50");

    assertThat(b.calls("1", 2)).containsExactly(walkIn.display(), early.display());
  }

  @Test
  void callNext_equalDeadlines_earlierJoinedFirst() {
    TestBranch b = new TestBranch(Policies.deadline(Map.of("booked", Duration.ofMinutes(10), "walk-in",
        Duration.ofMinutes(10))));
    Ticket first = b.walkIn("b");
    Ticket second = b.walkIn("a");

    assertThat(b.calls("1", 2)).containsExactly(first.display(), second.display());
  }
}
