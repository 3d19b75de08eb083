package dev.talon.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.QueueClock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** An engine whose fencing token the store refuses stops serving, in every durability mode. */
class BranchLostTest {
  private final ManualClock clock = QueueClock.manual(Instant.parse("2026-11-24T06:00:00Z"));

  private Branch branch(EventStore store, Durability mode, long epoch) {
    return Talon.newBranch("b1").service("A", "A", "Docs").desk("1", "A").durability(mode).clock(clock)
        .store(store).fencingToken(epoch).build();
  }

  @ParameterizedTest
  @EnumSource(Durability.class)
  void append_withStaleEpoch_losesTheBranchAndRefusesEverythingAfter(Durability mode) throws Exception {
    EventStore store = new DurabilityModesTest.FlakyStore();
    Branch old = branch(store, mode, 1);
    old.issue(IssueRequest.walkIn("A"));
    old.rotate();
    if (mode == Durability.ASYNC) {
      awaitStored(store, old.lastSeq());
    }
    Branch taker = branch(store, Durability.SYNC, 2);
    Ticket taken = taker.callNext("1").orElseThrow();
    long stored = store.load("b1", 0).size();

    if (mode == Durability.ASYNC) {
      old.issue(IssueRequest.walkIn("A")); // acknowledged before the store refuses it in the background
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < deadline) {
        try {
          old.rotate();
          Thread.sleep(5);
        } catch (BranchLostException expected) {
          break;
        }
      }
    } else {
      long before = old.lastSeq();
      assertThatThrownBy(() -> old.issue(IssueRequest.walkIn("A")))
          .isInstanceOf(BranchLostException.class)
          .hasMessageContaining("branch b1").hasMessageContaining("epoch 1").hasMessageContaining("refuses");
      assertThat(old.lastSeq()).as("the refused operation changed nothing").isEqualTo(before);
    }

    assertThatThrownBy(() -> old.callNext("1")).isInstanceOf(BranchLostException.class)
        .satisfies(e -> assertThat(((BranchLostException) e).epoch()).isEqualTo(1));
    assertThatThrownBy(() -> old.issue(IssueRequest.walkIn("A"))).isInstanceOf(BranchLostException.class);
    assertThat(store.load("b1", 0)).as("nothing of the old owner's was stored after the takeover").hasSize((int) stored);
    assertThat(taker.ticket(taken.id()).orElseThrow().state()).isEqualTo(TicketState.CALLED);
    assertThat(taker.issue(IssueRequest.walkIn("A")).display()).isEqualTo("A-002");
  }

  private static void awaitStored(EventStore store, long seq) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (store.load("b1", 0).size() < seq && System.nanoTime() < deadline) {
      Thread.sleep(2);
    }
    assertThat(store.load("b1", 0)).hasSize((int) seq);
  }
}
