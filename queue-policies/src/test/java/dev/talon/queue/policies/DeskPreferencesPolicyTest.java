package dev.talon.queue.policies;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talon.queue.Ticket;
import dev.talon.queue.spi.Bypass;
import dev.talon.queue.spi.Policy;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeskPreferencesPolicyTest {

  @Test
  void callNext_deskWithPreferences_servesPreferredThenNormalThenLeftovers() {
    Policy<?> p = Policies.deskPreferences(Map.of("1", Map.of("a", DeskPreference.PREFERRED, "c",
        DeskPreference.LEFTOVERS)), Policies.fifo());
    TestBranch b = new TestBranch(p);
    Ticket c = b.walkIn("c");
    Ticket bb = b.walkIn("b");
    Ticket a = b.walkIn("a");

    assertThat(b.calls("1", 3)).containsExactly(a.display(), bb.display(), c.display());
  }

  @Test
  void callNext_deskWithoutPreferences_isLeftToTheInnerPolicy() {
    Policy<?> p = Policies.deskPreferences(Map.of("1", Map.of("a", DeskPreference.PREFERRED)), Policies.fifo());
    TestBranch b = new TestBranch(p);
    Ticket bb = b.walkIn("b");
    Ticket a = b.walkIn("a");

    assertThat(b.calls("2", 2)).containsExactly(bb.display(), a.display());
  }

  @Test
  void callNext_onlyExcludedServiceWaits_isCalledAsALastResort() {
    Policy<?> p = Policies.deskPreferences(Map.of("1", Map.of("a", DeskPreference.EXCLUDE)), Policies.fifo());
    TestBranch b = new TestBranch(p);
    Ticket a = b.walkIn("a");
    Ticket c = b.walkIn("c");

    assertThat(b.calls("1", 2)).containsExactly(c.display(), a.display());
  }

  @Test
  void callNext_withinATier_theInnerPolicyDecides() {
    Policy<?> p = Policies.deskPreferences(Map.of("1", Map.of("c", DeskPreference.LEFTOVERS)),
        Policies.priority("booked", "walk-in"));
    TestBranch b = new TestBranch(p);
    Ticket walkIn = b.walkIn("a");
    Ticket booked = b.booked("b", "08:00");
    b.walkIn("c");

    assertThat(b.calls("1", 2)).containsExactly(booked.display(), walkIn.display());
  }

  @Test
  void bypass_allNormal_isTheInnerBoundAndAnyPreferenceIsUnbounded() {
    assertThat(Policies.deskPreferences(Map.of("1", Map.of("a", DeskPreference.NORMAL)), Policies.fifo()).bypass())
        .isEqualTo(Bypass.atMost(0));
    assertThat(Policies.deskPreferences(Map.of("1", Map.of("a", DeskPreference.LEFTOVERS)), Policies.fifo()).bypass())
        .isEqualTo(Bypass.unbounded());
  }
}
