package dev.talon.queue.policies;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talon.queue.spi.Bypass;
import dev.talon.queue.spi.Policy;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeficitPolicyTest {

  static Policy<?> xy(String weights) {
    return Policies.fromJson("{\"type\": \"deficit\", \"weights\": " + weights
        + ", \"classify\": {\"rules\": [{\"categories\": [\"x\"], \"line\": \"x\"}], \"otherwise\": \"y\"}}");
  }

  @Test
  void callNext_twoAndAHalfToOne_givesTwoAndThreeInAlternateRounds() {
    TestBranch b = new TestBranch(xy("{\"x\": 2.5, \"y\": 1}"));
    RatioPolicyTest.issue(b, 12, 6);

    assertThat(b.classes("1", 14)).containsExactly("x", "x", "y", "x", "x", "x", "y", "x", "x", "y", "x", "x", "x", "y");
  }

  @Test
  void callNext_weightBelowOne_callsThatClassEveryOtherRound() {
    TestBranch b = new TestBranch(xy("{\"x\": 1, \"y\": 0.5}"));
    RatioPolicyTest.issue(b, 8, 4);

    assertThat(b.classes("1", 6)).containsExactly("x", "x", "y", "x", "x", "y");
  }

  @Test
  void callNext_classIdle_banksNothing() {
    TestBranch b = new TestBranch(xy("{\"x\": 1, \"y\": 2}"));
    RatioPolicyTest.issue(b, 6, 0);
    assertThat(b.classes("1", 6)).containsOnly("x"); // y has nobody: its visits reset it to 0

    RatioPolicyTest.issue(b, 4, 6);

    assertThat(b.classes("1", 6)).containsExactly("y", "y", "x", "y", "y", "x");
  }

  @Test
  void bypass_declared_followsTheQuanta() {
    assertThat(Policies.deficit(Map.of("booked", 3, "walk-in", 1)).bypass()).isEqualTo(Bypass.atMost(3));
    assertThat(Policies.deficit(Map.of("booked", 2.5, "walk-in", 1)).bypass()).isEqualTo(Bypass.atMost(3));
    Map<String, Number> w = new LinkedHashMap<>();
    w.put("booked", 2.5);
    w.put("privileged", 1);
    w.put("walk-in", 0.5);
    // walk-in needs 2 visits per call; meanwhile booked makes up to 3 calls a visit and privileged 1
    assertThat(Policies.deficit(w).bypass()).isEqualTo(Bypass.atMost(8));
  }
}
