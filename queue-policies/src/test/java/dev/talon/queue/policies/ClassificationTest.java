package dev.talon.queue.policies;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talon.queue.IssueRequest;
import dev.talon.queue.Origin;
import dev.talon.queue.policies.PolicyConfig.Rule;
import dev.talon.queue.spi.Policy;
import dev.talon.queue.spi.TicketFacts;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClassificationTest {
  private static final Instant NOW = Instant.parse("2026-03-02T09:00:00Z");

  private static TicketFacts facts(String service, Origin origin, boolean late, String... categories) {
    return TicketFacts.of(service, origin, Set.of(categories), null, late, origin == Origin.BOOKED ? NOW : null, NOW);
  }

  private final Policy<?> policy = Policies.fromJson("""
      {"type": "ratio", "weights": {"booked": 3, "privileged": 2, "remote": 1, "tax": 1, "late": 1, "walk-in": 1},
       "classify": {"rules": [
         {"categories": ["disabled", "elderly", "pregnant", "veteran"], "line": "privileged"},
         {"origins": ["booked"], "late": true, "line": "late"},
         {"origins": "remote", "line": "remote"},
         {"services": ["tax"], "origins": ["walk-in"], "line": "tax"}]}}
      """);

  @Test
  void classify_rules_firstMatchWins() {
    assertThat(policy.classify(facts("a", Origin.REMOTE, false, "elderly"))).isEqualTo("privileged");
    assertThat(policy.classify(facts("a", Origin.REMOTE, false))).isEqualTo("remote");
    assertThat(policy.classify(facts("a", Origin.BOOKED, true))).isEqualTo("late");
    assertThat(policy.classify(facts("tax", Origin.WALK_IN, false))).isEqualTo("tax");
    assertThat(policy.classify(facts("tax", Origin.TRANSFERRED, false))).isEqualTo("walk-in");
  }

  @Test
  void classify_noRuleMatches_innerPolicyDecides() {
    assertThat(policy.classify(facts("a", Origin.BOOKED, false))).isEqualTo("booked");
    assertThat(policy.classify(facts("a", Origin.WALK_IN, false, "student"))).isEqualTo("walk-in");
  }

  @Test
  void classify_otherwise_namesTheLineWhenNoRuleMatches() {
    Policy<?> p = Policies.classify(List.of(Rule.categories("privileged", "disabled")), "general",
        Policies.priority("privileged", "general"));

    assertThat(p.classify(facts("a", Origin.BOOKED, false))).isEqualTo("general");
    assertThat(p.classify(facts("a", Origin.WALK_IN, false, "disabled"))).isEqualTo("privileged");
  }

  @Test
  void classify_aroundAGuard_isTheInnerPolicysRules() {
    Policy<?> guarded = Policies.maxWait(Duration.ofMinutes(30), policy);

    assertThat(guarded.classify(facts("a", Origin.WALK_IN, false, "veteran"))).isEqualTo("privileged");
  }

  @Test
  void issue_throughTheEngine_ticketJoinsTheClassifiedLine() {
    TestBranch b = new TestBranch(Policies.classify(List.of(Rule.categories("privileged", "pregnant")), null,
        Policies.ratio(Map.of("booked", 1, "privileged", 1, "walk-in", 1))));

    assertThat(b.branch.issue(IssueRequest.walkIn("a").withCategories("pregnant")).line()).isEqualTo("privileged");
    assertThat(b.walkIn("a").line()).isEqualTo("walk-in");
  }
}
