package dev.talon.queue.policies;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talon.queue.Inspection;
import dev.talon.queue.Branch;
import dev.talon.queue.IssueRequest;
import dev.talon.queue.Talon;
import dev.talon.queue.Ticket;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.Policy;
import dev.talon.queue.spi.QueueClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The policies of this module in branch snapshots: a branch that crashed after its engine saved
 * snapshots reopens from the newest one plus the tail with the policy state a full replay gives,
 * and calls the same tickets from then on; also after the policy was switched at runtime.
 */
class SnapshotRecoveryTest {
  private static final Instant START = Instant.parse("2026-03-02T08:00:00Z");

  static Stream<String> policies() {
    return Stream.of(
        "{\"type\": \"ratio\", \"weights\": {\"booked\": 3, \"walk-in\": 1}}",
        "{\"type\": \"deficit\", \"weights\": {\"booked\": 1.5, \"walk-in\": 1}}",
        "{\"type\": \"max-wait\", \"limit\": \"PT20M\", \"inner\": {\"type\": \"ratio\", \"weights\": {\"walk-in\": 2, \"booked\": 1}}}",
        "{\"type\": \"schedule\", \"steps\": [{\"policy\": {\"type\": \"deficit\","
            + " \"weights\": {\"walk-in\": 1, \"booked\": 2}}}, {\"from\": \"2026-03-02T09:00:00Z\", \"policy\":"
            + " {\"type\": \"ratio\", \"weights\": {\"walk-in\": 1, \"booked\": 3}}}]}");
  }

  private static Talon builder(Policy<?> policy, EventStore store, ManualClock clock) {
    return Talon.newBranch("snap").clock(clock).store(store).policy(policy).policyResolver(Policies::fromJson)
        .service("a", "A", "a").service("b", "B", "b").capacity("a", 10)
        .desk("1", "a", "b").desk("2", "a").desk("3", "b");
  }

  /** Random issues (some elderly) and calls at three desks over two hours; optionally a runtime switch half-way. */
  private static void day(Branch b, ManualClock clock, Random random, String switchTo) {
    for (int i = 0; i < 400; i++) {
      clock.advance(Duration.ofSeconds(random.nextInt(40)));
      if (switchTo != null && i == 200) {
        b.setPolicy(Policies.fromJson(switchTo));
      }
      if (random.nextInt(5) < 3) {
        IssueRequest r = IssueRequest.walkIn(random.nextBoolean() ? "a" : "b");
        b.issue(random.nextInt(4) == 0 ? r.withCategories("elderly") : r);
      } else {
        b.callNext(String.valueOf(1 + random.nextInt(3))).ifPresent(t -> b.finish(t.id()));
      }
    }
  }

  @ParameterizedTest
  @MethodSource("policies")
  void reopen_afterCrashWithSnapshots_hasFullReplayPolicyStateAndCallsTheSame(String json) throws Exception {
    check(json, null);
  }

  @ParameterizedTest
  @MethodSource("policies")
  void reopen_afterRuntimeSwitchAndSnapshots_hasFullReplayPolicyStateAndCallsTheSame(String json) throws Exception {
    check("{\"type\": \"fifo\"}", json);
  }

  private static void check(String json, String switchTo) throws Exception {
    ManualClock clock = QueueClock.manual(START);
    EventStore store = EventStore.inMemory();
    Branch live = builder(Policies.fromJson(json), store, clock).snapshotEvery(50).build();
    day(live, clock, new Random(json.hashCode()), switchTo);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (store.loadSnapshot("snap").isEmpty() || store.loadSnapshot("snap").get().seq() < 200) {
      assertThat(System.nanoTime()).as("a snapshot past event 200 within 10 s; have %s of %s events",
          store.loadSnapshot("snap"), store.load("snap", 0).size()).isLessThan(deadline);
      Thread.sleep(5);
    }
    List<dev.talon.queue.QueueEvent> history = store.load("snap", 0);
    EventStore copy = EventStore.inMemory();
    copy.append("snap", 0, history);

    Branch fromSnapshot = builder(Policies.fromJson(json), store, QueueClock.manual(clock.now())).build();
    Branch fromHistory = builder(Policies.fromJson(json), copy, QueueClock.manual(clock.now())).snapshotEvery(0).build();

    assertThat(Inspection.policyState(fromSnapshot)).isEqualTo(Inspection.policyState(fromHistory));
    assertThat(Inspection.policyState(fromSnapshot)).isNotNull();
    List<String> a = new ArrayList<>();
    List<String> b = new ArrayList<>();
    for (String desk : List.of("1", "2", "3", "1", "1", "3", "2", "1", "3", "1", "2", "3")) {
      fromSnapshot.callNext(desk).map(Ticket::display).ifPresent(a::add);
      fromHistory.callNext(desk).map(Ticket::display).ifPresent(b::add);
    }
    assertThat(a).isNotEmpty().isEqualTo(b);
  }
}
