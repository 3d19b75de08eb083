package dev.talon.queue.policies;

import dev.talon.queue.spi.Policy;
import java.time.Duration;
import org.jetbrains.lincheck.datastructures.Operation;

/**
 * The max-wait guard around a deficit round robin, with the clock moving concurrently: whether a
 * head is overdue depends on the time a call reads, and the escalation must still be linearizable
 * (a call is placed at the moment it read the clock, within its state's lifetime).
 */
public class MaxWaitLincheckTest extends RatioLincheckTest {
  private static final Policy<?> GUARDED = Policies.fromJson("""
      {"type": "max-wait", "limit": "PT10M",
       "inner": {"type": "deficit", "weights": {"x": 1.5, "y": 1, "z": 0.5},
                 "classify": {"rules": [{"categories": ["x"], "line": "x"}, {"categories": ["y"], "line": "y"}],
                              "otherwise": "z"}}}
      """);

  @Override
  protected Policy<?> policy() {
    return GUARDED;
  }

  /** Six minutes pass: tickets issued two advances ago become overdue. */
  @Operation
  public void advance() {
    clock().advance(Duration.ofMinutes(6));
  }

  @Override
  protected int actorsBefore() {
    return 2;
  }
}
