package dev.talon.queue.policies;

import dev.talon.queue.Branch;
import dev.talon.queue.IssueRequest;
import dev.talon.queue.Talon;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.QueueClock;
import java.time.Instant;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * Call-next under the stateful ratio and deficit policies stays linearizable: three desks call
 * and visitors arrive concurrently, and every history Lincheck's model checker explores must
 * match some sequential order of the same operations (including the per-desk rounds in the
 * policy state, which decide who is called).
 */
@Param(name = "service", gen = IntGen.class, conf = "0:1")
@Param(name = "desk", gen = IntGen.class, conf = "0:2")
@Param(name = "kind", gen = IntGen.class, conf = "0:2")
public class RatioLincheckTest {
  static final String[] SERVICES = {"a", "b"};
  static final String[] KINDS = {"x", "y", "z"};

  /** Policies are immutable values: parsed once, shared by every engine the checker builds. */
  private static final dev.talon.queue.spi.Policy<?> RATIO = Policies.fromJson("""
      {"type": "ratio", "weights": {"x": 2, "y": 1, "z": 1},
       "classify": {"rules": [{"categories": ["x"], "line": "x"}, {"categories": ["y"], "line": "y"}],
                    "otherwise": "z"}}
      """);

  private final ManualClock clock = QueueClock.manual(Instant.parse("2026-03-02T08:00:00Z"));
  private final Branch branch = Talon.newBranch("lincheck").clock(clock).policy(policy())
      .service("a", "A", "a").service("b", "B", "b")
      .desk("1", "a", "b").desk("2", "a").desk("3", "a", "b")
      .build();

  {
    // every class waits from the start, so that every concurrent call is a real choice of the
    // policy and its per-desk state decides it
    for (String kind : KINDS) {
      branch.issue(IssueRequest.walkIn("a").withCategories(kind));
    }
    branch.issue(IssueRequest.walkIn("b").withCategories("x"));
  }

  ManualClock clock() {
    return clock;
  }

  /** The policy under test; subclasses override. */
  protected dev.talon.queue.spi.Policy<?> policy() {
    return RATIO;
  }

  @Operation
  public String issue(@Param(name = "service") int service, @Param(name = "kind") int kind) {
    return branch.issue(IssueRequest.walkIn(SERVICES[service]).withCategories(KINDS[kind])).display();
  }

  @Operation
  public String callNext(@Param(name = "desk") int desk) {
    return branch.callNext(String.valueOf(desk + 1)).map(t -> t.display() + "/" + t.line()).orElse("none");
  }

  /** Operations before the parallel part (they set up the per-desk rounds and the clock). */
  protected int actorsBefore() {
    return 1;
  }

  @Test
  void callNext_concurrentDesks_linearizable() {
    new ModelCheckingOptions()
        .iterations(Integer.getInteger("talon.lincheck.iterations", 4))
        .invocationsPerIteration(Integer.getInteger("talon.lincheck.invocations", 25))
        .threads(3)
        .actorsPerThread(1)
        .actorsBefore(actorsBefore())
        .actorsAfter(1)
        .check(this.getClass());
  }
}
