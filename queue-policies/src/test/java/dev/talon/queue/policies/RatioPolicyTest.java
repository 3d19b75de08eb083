package dev.talon.queue.policies;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talon.queue.policies.contract.PolicyTestKit;
import dev.talon.queue.policies.contract.PolicyTestKit.Arrive;
import dev.talon.queue.policies.contract.PolicyTestKit.Call;
import dev.talon.queue.policies.contract.PolicyTestKit.Cmd;
import dev.talon.queue.policies.contract.PolicyTestKit.Kind;
import dev.talon.queue.policies.contract.PolicyTestKit.Run;
import dev.talon.queue.policies.contract.PolicyTestKit.Scenario;
import dev.talon.queue.spi.Bypass;
import dev.talon.queue.spi.Policy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RatioPolicyTest {

  /** Class x for tickets with category x, y for everyone else. */
  static Policy<?> xy(String weights) {
    return Policies.fromJson("{\"type\": \"ratio\", \"weights\": " + weights
        + ", \"classify\": {\"rules\": [{\"categories\": [\"x\"], \"line\": \"x\"}], \"otherwise\": \"y\"}}");
  }

  static void issue(TestBranch b, int x, int y) {
    for (int i = 0; i < x; i++) {
      b.walkIn("a", "x");
    }
    for (int i = 0; i < y; i++) {
      b.walkIn("a");
    }
  }

  @Test
  void round_threeOneOne_interleavesTheClasses() {
    Map<String, Integer> w = new LinkedHashMap<>();
    w.put("booked", 3);
    w.put("privileged", 1);
    w.put("walk-in", 1);
    RatioPolicy p = (RatioPolicy) Policies.ratio(w);

    assertThat(p.round()).containsExactly("booked", "privileged", "booked", "walk-in", "booked");
    assertThat(p.bypass()).isEqualTo(Bypass.atMost(4));
  }

  @Test
  void bypass_threeBookedToOneWalkIn_isThree() {
    assertThat(Policies.ratio(Map.of("booked", 3, "walk-in", 1)).bypass()).isEqualTo(Bypass.atMost(3));
    assertThat(Policies.ratio(Map.of("booked", 1, "walk-in", 1)).bypass()).isEqualTo(Bypass.atMost(1));
  }

  @Test
  void callNext_bothClassesWaiting_followsTheRound() {
    TestBranch b = new TestBranch(xy("{\"x\": 3, \"y\": 1}"));
    issue(b, 8, 8);

    assertThat(b.classes("1", 8)).containsExactly("x", "x", "y", "x", "x", "x", "y", "x");
  }

  @Test
  void callNext_classEmptyForAWhile_getsItsShareAndNoBurst() {
    TestBranch b = new TestBranch(xy("{\"x\": 3, \"y\": 1}"));
    issue(b, 0, 4);
    assertThat(b.classes("1", 4)).containsOnly("y"); // y takes every call while x has nobody

    issue(b, 6, 2);

    assertThat(b.classes("1", 8)).containsExactly("x", "x", "x", "y", "x", "x", "x", "y");
  }

  @Test
  void callNext_twoDesks_eachFollowsItsOwnRound() {
    TestBranch b = new TestBranch(xy("{\"x\": 3, \"y\": 1}"));
    issue(b, 8, 4);

    assertThat(b.classes("1", 2)).containsExactly("x", "x");
    assertThat(b.classes("2", 2)).containsExactly("x", "x"); // desk 2 starts its own round
    assertThat(b.classes("1", 1)).containsExactly("y"); // desk 1 resumes where it stood
  }

  @Test
  void bypass_worstTurnOfThreeToOne_isReachedAndNotExceeded() {
    List<Cmd> cmds = new ArrayList<>(List.of(new Arrive(0, Kind.WALK_IN), new Arrive(0, Kind.WALK_IN)));
    for (int i = 0; i < 5; i++) {
      cmds.add(new Arrive(0, Kind.BOOKED));
    }
    for (int i = 0; i < 7; i++) {
      cmds.add(new Call(0));
    }
    Map<String, Integer> w = new LinkedHashMap<>();
    w.put("booked", 3);
    w.put("walk-in", 1);
    Run run = new Run(new Scenario(1, List.of(Set.of(0)), cmds), Policies.ratio(w));
    run.playAll();

    // b b w b | b b w: the second walk-in waits behind 3 booked calls after the first walk-in's call
    assertThat(run.calls).extracting(PolicyTestKit.CallRecord::line)
        .containsExactly("booked", "booked", "walk-in", "booked", "booked", "booked", "walk-in");
    assertThat(run.worstBypass()).isEqualTo(3);
  }
}
