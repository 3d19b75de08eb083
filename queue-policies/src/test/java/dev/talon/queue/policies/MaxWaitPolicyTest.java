package dev.talon.queue.policies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.talon.queue.Limits;
import dev.talon.queue.PostponeReturn;
import dev.talon.queue.Ticket;
import dev.talon.queue.spi.Bypass;
import dev.talon.queue.spi.Policy;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MaxWaitPolicyTest {

  @Test
  void waitedLonger_anyTimesAndLimit_agreesWithInstantArithmetic() {
    qt().withExamples(5_000)
        .forAll(longs().between(-4_000_000_000L, 4_000_000_000L), integers().between(0, 999_999_999),
            longs().between(-5, 5), longs().between(0, 31_536_000L))
        .checkAssert((since, sinceNanos, delta, limitSeconds) -> {
          java.time.Instant from = java.time.Instant.ofEpochSecond(since, sinceNanos);
          int nowNanos = (int) Math.floorMod(sinceNanos * 7L + delta * 333_333_333L, 1_000_000_000L);
          // around the limit (delta seconds) most of the time, far from it otherwise
          long nowSeconds = since + limitSeconds + (limitSeconds % 3 == 0 ? delta * 1_000_000 : delta);
          java.time.Instant now = java.time.Instant.ofEpochSecond(nowSeconds, nowNanos);
          Duration limit = Duration.ofSeconds(limitSeconds, sinceNanos % 7 == 0 ? nowNanos : sinceNanos / 3);
          assertThat(MaxWaitPolicy.waitedLonger(from, now, limit)).as("%s %s %s", from, now, limit)
              .isEqualTo(now.isAfter(from.plus(limit)));
        });
  }

  @Test
  void callNext_headWaitedLongerThanTheLimit_isCalledBeforeTheInnerChoice() {
    TestBranch b = new TestBranch(Policies.maxWait(Duration.ofMinutes(45), Policies.priority("booked", "walk-in")));
    Ticket walkIn = b.walkIn("a");
    b.at("08:30");
    Ticket booked = b.booked("a", "08:30");

    b.at("08:45");
    assertThat(b.branch.callNext("1")).get().extracting(Ticket::id).isEqualTo(booked.id()); // 45 minutes is not longer

    Ticket booked2 = b.booked("a", "08:45");
    b.at("08:46");
    assertThat(b.branch.callNext("1")).get().extracting(Ticket::id).isEqualTo(walkIn.id());
    assertThat(b.branch.callNext("1")).get().extracting(Ticket::id).isEqualTo(booked2.id());
  }

  @Test
  void callNext_severalOverdue_mostOverdueFirst() {
    Policy<?> p = Policies.fromJson("""
        {"type": "max-wait", "limit": "PT45M", "limits": {"privileged": "PT15M"}, "inner": {"type": "fifo"},
         "classify": {"rules": [{"categories": ["disabled"], "line": "privileged"}]}}
        """);
    TestBranch b = new TestBranch(p);
    Ticket early = b.walkIn("a");              // due 08:45
    b.at("08:20");
    Ticket privileged = b.walkIn("a", "disabled"); // due 08:35
    b.at("08:50");

    assertThat(b.calls("1", 2)).containsExactly(privileged.display(), early.display());
  }

  @Test
  void callNext_overdueOfAServiceTheDeskDoesNotServe_isLeftToOthers() {
    TestBranch b = new TestBranch(Policies.maxWait(Duration.ofMinutes(10), Policies.priority("booked", "walk-in")));
    Ticket c = b.walkIn("c");
    b.at("08:30");
    Ticket booked = b.booked("a", "08:30");

    assertThat(b.branch.callNext("2")).get().extracting(Ticket::id).isEqualTo(booked.id()); // desk 2 serves a and b
    assertThat(b.branch.callNext("1")).get().extracting(Ticket::id).isEqualTo(c.id());
  }

  @Test
  void callNext_overdueWithOneLimit_escalatesInJoinOrderNotIssueOrder() {
    TestBranch b = new TestBranch(Policies.maxWait(Duration.ofMinutes(45), Policies.priority("booked", "walk-in")),
        Limits.defaults().withPostponeReturn(PostponeReturn.BACK_OF_LINE, null));
    Ticket sentBack = b.walkIn("a");          // issued 08:00 ...
    b.branch.postponeIndefinitely(sentBack.id());
    b.at("08:01");
    Ticket waiting = b.walkIn("b");           // issued 08:01
    b.branch.resume(sentBack.id());           // ... but back of the line: it joins after the 08:01 ticket
    b.at("08:50");

    // both are overdue by issue time; the one sent back does not overtake the one it was sent behind
    assertThat(b.calls("1", 2)).containsExactly(waiting.display(), sentBack.display());
  }

  @Test
  void escalation_leavesTheInnerRoundWhereItStood() {
    Policy<?> p = Policies.fromJson("""
        {"type": "max-wait", "limit": "PT45M",
         "inner": {"type": "ratio", "weights": {"x": 3, "y": 1},
                   "classify": {"rules": [{"categories": ["x"], "line": "x"}], "otherwise": "y"}}}
        """);
    TestBranch b = new TestBranch(p);
    Ticket old = b.walkIn("a");
    b.at("08:46");
    Ticket x1 = b.walkIn("a", "x");
    Ticket x2 = b.walkIn("a", "x");
    Ticket y1 = b.walkIn("a");
    Ticket x3 = b.walkIn("a", "x");

    // the escalated call of the old y does not count as the round's y: x x y x follows
    assertThat(b.calls("1", 5)).containsExactly(old.display(), x1.display(), x2.display(), y1.display(), x3.display());
  }

  @Test
  void bypass_oneLimit_isTheInnerBoundAndPerClassLimitsAreUnbounded() {
    Policy<?> ratio = Policies.ratio(Map.of("booked", 3, "walk-in", 1));
    assertThat(Policies.maxWait(Duration.ofMinutes(45), ratio).bypass()).isEqualTo(Bypass.atMost(3));
    assertThat(Policies.maxWait(Duration.ofMinutes(45), Map.of("booked", Duration.ofMinutes(45)), ratio).bypass())
        .isEqualTo(Bypass.atMost(3));
    assertThat(Policies.maxWait(Duration.ofMinutes(45), Map.of("booked", Duration.ofMinutes(10)), ratio).bypass())
        .isEqualTo(Bypass.unbounded());
    assertThat(Policies.maxWait(Duration.ofMinutes(45), Policies.priority("booked", "walk-in")).bypass())
        .isEqualTo(Bypass.unbounded());
  }
}
