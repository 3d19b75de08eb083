package dev.talon.queue.policies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talon.queue.BookRequest;
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
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Changing the policy of a running branch: with today's core, by reopening the branch on its store
 * with a schedule that appends the new policy from now ({@link Policies#switchAt}).
 */
class RuntimeSwitchTest {
  private static final Instant START = Instant.parse("2026-03-02T08:00:00Z");
  private final ManualClock clock = QueueClock.manual(START);
  private final EventStore store = EventStore.inMemory();

  private Branch open(Policy<?> policy) {
    return Talon.newBranch("switch").clock(clock).store(store).policy(policy)
        .service("a", "A", "a").capacity("a", 10).desk("1", "a").build();
  }

  private static List<String> drain(Branch b) {
    List<String> out = new ArrayList<>();
    for (var t = b.callNext("1"); t.isPresent(); t = b.callNext("1")) {
      out.add(t.get().display());
    }
    return out;
  }

  @Test
  void switchAt_branchReopenedWithTheSchedule_keepsEveryTicketAndCallsByTheNewPolicy() {
    Policy<?> fifo = Policies.fifo();
    Branch branch = open(fifo);
    Ticket w1 = branch.issue(IssueRequest.walkIn("a"));
    Ticket w2 = branch.issue(IssueRequest.walkIn("a"));
    String code = branch.book(BookRequest.of("a", LocalDateTime.parse("2026-03-02T08:00"))).code();
    Ticket booked = branch.checkIn(code);
    Ticket w3 = branch.issue(IssueRequest.walkIn("a"));
    assertThat(branch.callNext("1")).get().extracting(Ticket::id).isEqualTo(w1.id());
    clock.advance(Duration.ofMinutes(10));

    Policy<?> next = Policies.switchAt(fifo, clock.now(),
        Policies.parse("{\"type\": \"priority\", \"order\": [\"booked\", \"walk-in\"]}"));
    List<Ticket> waitingBefore = branch.waiting("a");
    long seq = branch.lastSeq();
    branch.close();
    Branch reopened = open(next);

    assertThat(reopened.lastSeq()).isEqualTo(seq);
    assertThat(reopened.waiting("a")).isEqualTo(waitingBefore);
    assertThat(reopened.ticket(w1.id()).orElseThrow().desk()).isEqualTo("1");
    assertThat(drain(reopened)).containsExactly(booked.display(), w2.display(), w3.display());
  }

  @Test
  void switchAt_scheduleKeptAsJson_replaysTheDayIdentically() {
    Policy<?> ratio = Policies.fromJson("""
        {"type": "ratio", "weights": {"x": 3, "y": 1},
         "classify": {"rules": [{"categories": ["x"], "line": "x"}], "otherwise": "y"}}
        """);
    Branch branch = open(ratio);
    for (int i = 0; i < 6; i++) {
      branch.issue(IssueRequest.walkIn("a").withCategories(i % 2 == 0 ? "x" : "y"));
    }
    branch.callNext("1");
    branch.callNext("1");
    clock.advance(Duration.ofMinutes(5));
    String json = Policies.toJson(Policies.switchAt(ratio, clock.now(), Policies.parse("{\"type\": \"fifo\"}")));
    branch.close();

    Branch first = open(Policies.fromJson(json));
    first.issue(IssueRequest.walkIn("a").withCategories("x"));
    List<String> firstCalls = drain(first);
    Branch second = open(Policies.fromJson(json)); // reopened again on the same store: same state

    assertThat(second.lastSeq()).isEqualTo(first.lastSeq());
    for (long id = 1; id <= 7; id++) {
      assertThat(second.ticket(id)).isEqualTo(first.ticket(id));
    }
    assertThat(firstCalls).hasSize(5);
    assertThat(first.ticket(7).orElseThrow().line()).isEqualTo("walk-in"); // classified by the fifo step
  }

  @Test
  void switchAt_linesOfTheOldClasses_areServedByTheNewPolicysFallback() {
    Policy<?> before = Policies.fromJson("""
        {"type": "ratio", "weights": {"booked": 1, "privileged": 1, "walk-in": 1},
         "classify": {"rules": [{"categories": ["disabled"], "line": "privileged"}]}}
        """);
    Branch branch = open(before);
    Ticket privileged = branch.issue(IssueRequest.walkIn("a").withCategories("disabled"));
    clock.advance(Duration.ofMinutes(1));
    Policy<?> after = Policies.switchAt(before, clock.now(),
        Policies.parse("{\"type\": \"priority\", \"order\": [\"booked\", \"walk-in\"]}"));
    branch.close();
    Branch reopened = open(after);
    Ticket walkIn = reopened.issue(IssueRequest.walkIn("a").withCategories("disabled"));

    assertThat(walkIn.line()).isEqualTo("walk-in");
    // "privileged" has no rank in the new order: it comes after every ranked class
    assertThat(drain(reopened)).containsExactly(walkIn.display(), privileged.display());
  }

  @Test
  void switchAt_notAfterTheLastStep_isRefused() {
    Policy<?> scheduled = Policies.switchAt(Policies.fifo(), START.plusSeconds(3600), new PolicyConfig.Fifo());

    assertThatThrownBy(() -> Policies.switchAt(scheduled, START, new PolicyConfig.Fifo()))
        .isInstanceOf(PolicyConfigException.class)
        .hasMessage("$.steps[2].from: steps must start at strictly increasing instants, was 2026-03-02T08:00:00Z "
            + "after 2026-03-02T09:00:00Z");
  }

  /** A live switch without reopening: one operation, recorded as an event that a replay follows. */
  @Test
  void setPolicy_liveBranch_switchesInOneOperationAndReplays() {
    Branch unresolvable = open(Policies.fifo());
    assertThatThrownBy(() -> unresolvable.setPolicy(Policies.priority("booked", "walk-in")))
        .hasMessageContaining("configure Talon.policyResolver");
    unresolvable.close();
    Branch branch = Talon.newBranch("switch").clock(clock).store(store).policy(Policies.fifo())
        .policyResolver(Policies::fromJson).service("a", "A", "a").capacity("a", 10).desk("1", "a").build();
    Ticket walkIn = branch.issue(IssueRequest.walkIn("a"));
    String code = branch.book(BookRequest.of("a", LocalDateTime.parse("2026-03-02T08:00"))).code();
    Ticket booked = branch.checkIn(code);

    branch.setPolicy(Policies.priority("booked", "walk-in"));

    assertThat(branch.callNext("1")).get().extracting(Ticket::id).isEqualTo(booked.id());
    long seq = branch.lastSeq();
    branch.close();
    Talon builder = Talon.newBranch("switch").clock(clock).store(store).policy(Policies.fifo())
        .service("a", "A", "a").capacity("a", 10).desk("1", "a");
    Branch reopened = builder.policyResolver(Policies::fromJson).build();
    assertThat(reopened.lastSeq()).isEqualTo(seq);
    assertThat(reopened.callNext("1")).get().extracting(Ticket::id).isEqualTo(walkIn.id());
  }
}
