package dev.talon.queue.policies;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talon.queue.Ticket;
import dev.talon.queue.spi.Bypass;
import dev.talon.queue.spi.Policy;
import org.junit.jupiter.api.Test;

class PriorityPolicyTest {

  @Test
  void callNext_threeClasses_highestRankFirstAndFifoAmongEquals() {
    Policy<?> p = Policies.fromJson("""
        {"type": "priority", "order": ["privileged", "booked", "walk-in"],
         "classify": {"rules": [{"categories": ["disabled", "elderly"], "line": "privileged"}]}}
        """);
    TestBranch b = new TestBranch(p);
    Ticket w1 = b.walkIn("a");
    Ticket booked = b.booked("b", "08:00");
    Ticket p1 = b.walkIn("b", "elderly");
    Ticket w2 = b.walkIn("b");
    Ticket p2 = b.walkIn("a", "disabled");

    assertThat(b.calls("1", 5)).containsExactly(p1.display(), p2.display(), booked.display(), w1.display(), w2.display());
  }

  @Test
  void bypass_declared_isUnbounded() {
    assertThat(Policies.priority("booked", "walk-in").bypass()).isEqualTo(Bypass.unbounded());
  }
}
