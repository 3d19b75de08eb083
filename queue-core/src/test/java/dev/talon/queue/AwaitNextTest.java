package dev.talon.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.QueueClock;
import dev.talon.queue.testkit.RecordingStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Branch.awaitNext: a desk that waits for its next visitor, woken by the branch's own changes. */
class AwaitNextTest {
  /** How long a test waits for a future that must complete; a safety net, never a measurement. */
  private static final long GUARD_SECONDS = 30;
  private static final Duration LONG = Duration.ofMinutes(10);
  private final ManualClock clock = QueueClock.manual(Instant.parse("2026-11-24T05:00:00Z"));

  private Branch open(EventStore store, Durability mode, String... desks) {
    Talon t = Talon.newBranch("wait").service("a", "A", "a").clock(clock).store(store).durability(mode);
    for (String d : desks) {
      t.desk(d, "a");
    }
    return t.build();
  }

  private Branch open(String... desks) {
    return open(EventStore.inMemory(), Durability.SYNC, desks);
  }

  private static Ticket get(CompletableFuture<Ticket> f) throws Exception {
    return f.get(GUARD_SECONDS, TimeUnit.SECONDS);
  }

  @Test
  void awaitNext_aTicketWaits_completesWithItsCall() throws Exception {
    Branch b = open("1");
    Ticket t = b.issue(IssueRequest.walkIn("a"));

    Ticket called = get(b.awaitNext("1", LONG));

    assertThat(called.id()).isEqualTo(t.id());
    assertThat(called.state()).isEqualTo(TicketState.CALLED);
    assertThat(called.desk()).isEqualTo("1");
  }

  @Test
  void awaitNext_nothingWaiting_completesWhenATicketIsIssued() throws Exception {
    Branch b = open("1");
    CompletableFuture<Ticket> waiting = b.awaitNext("1", LONG);
    assertThat(waiting).isNotDone();

    Ticket t = b.issue(IssueRequest.walkIn("a"));

    assertThat(get(waiting).id()).isEqualTo(t.id());
    assertThat(b.ticket(t.id()).orElseThrow().state()).isEqualTo(TicketState.CALLED);
  }

  @Test
  void awaitNext_durableStoreIssuedFromAnotherThread_completes() throws Exception {
    Branch b = open(new RecordingStore(EventStore.inMemory(), true), Durability.SYNC, "1");
    CompletableFuture<Ticket> waiting = b.awaitNext("1", LONG);

    Ticket t = CompletableFuture.supplyAsync(() -> b.issue(IssueRequest.walkIn("a"))).get(GUARD_SECONDS, TimeUnit.SECONDS);

    assertThat(get(waiting).id()).isEqualTo(t.id());
  }

  @Test
  void awaitNext_twoWaitsOfOneDesk_areServedInTheOrderTheyBegan() throws Exception {
    Branch b = open("1");
    CompletableFuture<Ticket> first = b.awaitNext("1", LONG);
    CompletableFuture<Ticket> second = b.awaitNext("1", LONG);

    Ticket t1 = b.issue(IssueRequest.walkIn("a"));
    assertThat(get(first).id()).isEqualTo(t1.id());
    assertThat(second).isNotDone();
    Ticket t2 = b.issue(IssueRequest.walkIn("a"));

    assertThat(get(second).id()).isEqualTo(t2.id());
  }

  @Test
  void awaitNext_timedOut_endsWithTimeoutAndCallsNothing() throws Exception {
    Branch b = open("1");
    CompletableFuture<Ticket> waiting = b.awaitNext("1", Duration.ofMillis(20));

    assertThatThrownBy(() -> waiting.get(GUARD_SECONDS, TimeUnit.SECONDS)).hasCauseInstanceOf(TimeoutException.class);
    Ticket t = b.issue(IssueRequest.walkIn("a"));

    assertThat(b.ticket(t.id()).orElseThrow().state()).isEqualTo(TicketState.WAITING);
  }

  @Test
  void awaitNext_cancelled_leavesTheTicketToTheNextWait() throws Exception {
    Branch b = open("1");
    CompletableFuture<Ticket> cancelled = b.awaitNext("1", LONG);
    CompletableFuture<Ticket> next = b.awaitNext("1", LONG);
    assertThat(cancelled.cancel(true)).isTrue();

    Ticket t = b.issue(IssueRequest.walkIn("a"));

    assertThat(get(next).id()).isEqualTo(t.id());
    assertThatThrownBy(cancelled::join).isInstanceOf(CancellationException.class);
  }

  @Test
  void awaitNext_branchClosed_endsWithEngineClosed() {
    Branch b = open("1");
    CompletableFuture<Ticket> waiting = b.awaitNext("1", LONG);

    b.close();

    assertThatThrownBy(() -> waiting.get(GUARD_SECONDS, TimeUnit.SECONDS))
        .hasCauseInstanceOf(EngineClosedException.class);
  }

  @Test
  void awaitNext_badDeskOrTimeout_isRefused() {
    Branch b = open("1");

    assertThatThrownBy(() -> b.awaitNext("9", LONG)).isInstanceOf(UnknownDeskException.class);
    assertThatThrownBy(() -> b.awaitNext("1", Duration.ZERO)).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("PT0S");
    assertThatThrownBy(() -> b.awaitNext("1", null)).isInstanceOf(InvalidRequestException.class);
  }

  /**
   * Many desks waiting, several threads issuing, some waits cancelled or timing out on the way:
   * every ticket is called at most once, every completed wait got its own ticket, and every
   * ticket that is CALLED in the end was delivered to a wait that completed with it; the others
   * still wait (a call whose wait ended meanwhile was handed back).
   */
  @Test
  void awaitNext_concurrentDesksIssuersAndCancellations_callEachTicketOnceAndLoseNone() throws Exception {
    String[] desks = {"1", "2", "3", "4", "5", "6"};
    for (Durability mode : List.of(Durability.SYNC, Durability.ASYNC)) {
      EventStore store = mode == Durability.SYNC ? EventStore.inMemory()
          : new RecordingStore(EventStore.inMemory(), true);
      Branch b = open(store, mode, desks);
      Random r = new Random(15);
      List<CompletableFuture<Ticket>> waits = new ArrayList<>();
      List<CompletableFuture<Ticket>> cancelled = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        Duration timeout = i % 10 == 9 ? Duration.ofMillis(1 + r.nextInt(5)) : LONG;
        waits.add(b.awaitNext(desks[i % desks.length], timeout));
      }
      int issuers = 3;
      int perIssuer = 15;
      CountDownLatch start = new CountDownLatch(1);
      List<CompletableFuture<List<Long>>> issued = new ArrayList<>();
      for (int k = 0; k < issuers; k++) {
        issued.add(CompletableFuture.supplyAsync(() -> {
          await(start);
          List<Long> ids = new ArrayList<>();
          for (int i = 0; i < perIssuer; i++) {
            ids.add(b.issue(IssueRequest.walkIn("a")).id());
          }
          return ids;
        }));
      }
      for (int i = 0; i < waits.size(); i += 7) {
        cancelled.add(waits.get(i));
      }
      start.countDown();
      cancelled.forEach(w -> w.cancel(true));
      Set<Long> all = new HashSet<>();
      for (CompletableFuture<List<Long>> f : issued) {
        all.addAll(f.get(GUARD_SECONDS, TimeUnit.SECONDS));
      }
      // the 45 tickets are fewer than the waits that neither time out nor are cancelled: all get called
      List<Ticket> delivered = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD_SECONDS);
      while (delivered.size() < all.size() && System.nanoTime() < deadline) {
        delivered = waits.stream().filter(w -> w.isDone() && !w.isCompletedExceptionally()).map(CompletableFuture::join)
            .collect(Collectors.toList());
        Thread.sleep(5);
      }
      Set<Long> deliveredIds = delivered.stream().map(Ticket::id).collect(Collectors.toSet());
      assertThat(deliveredIds).as(mode + ": each delivered ticket once").hasSize(delivered.size());
      assertThat(deliveredIds).as(mode + ": every issued ticket called for a wait").isEqualTo(all);
      for (Ticket t : delivered) {
        int i = indexOf(waits, t);
        assertThat(t.desk()).as("the desk of the wait").isEqualTo(desks[i % desks.length]);
      }
      b.close();
      Set<Long> calledInTheEnd = Inspection.tickets(b).stream().filter(t -> t.state() == TicketState.CALLED)
          .map(Ticket::id).collect(Collectors.toSet());
      assertThat(calledInTheEnd).as(mode + ": nothing called for a wait that ended").isEqualTo(deliveredIds);
    }
  }

  private static int indexOf(List<CompletableFuture<Ticket>> waits, Ticket t) {
    for (int i = 0; i < waits.size(); i++) {
      CompletableFuture<Ticket> w = waits.get(i);
      if (w.isDone() && !w.isCompletedExceptionally() && w.join().id() == t.id()) {
        return i;
      }
    }
    throw new AssertionError("no wait got ticket " + t.id());
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CompletionException(e);
    }
  }
}
