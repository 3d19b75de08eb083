package dev.talon.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.QueueClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The durability modes on a durable store that can be told to fail or to stall. */
class DurabilityModesTest {

  /** A durable store in memory whose appends can fail or block on demand. */
  static final class FlakyStore implements EventStore {
    final EventStore inner = EventStore.inMemory();
    final AtomicInteger appends = new AtomicInteger();
    final AtomicInteger failNext = new AtomicInteger();
    final AtomicReference<CountDownLatch> gate = new AtomicReference<>();

    @Override
    public void append(String branchId, long fencingToken, List<QueueEvent> events) {
      CountDownLatch g = gate.get();
      if (g != null) {
        try {
          g.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new StorageException("injected failure of statement append_events");
      }
      inner.append(branchId, fencingToken, events);
      appends.incrementAndGet();
    }

    @Override
    public List<QueueEvent> load(String branchId, long afterSeq) {
      return inner.load(branchId, afterSeq);
    }

    @Override
    public boolean isDurable() {
      return true;
    }
  }

  private final ManualClock clock = QueueClock.manual(Instant.parse("2026-11-24T06:00:00Z"));

  private Branch branch(EventStore store, Durability mode) {
    return Talon.newBranch("b1").service("A", "A", "Docs").desk("1", "A").durability(mode).clock(clock)
        .store(store).build();
  }

  private static Set<Long> ids(List<Ticket> tickets) {
    Set<Long> out = ConcurrentHashMap.newKeySet();
    tickets.forEach(t -> out.add(t.id()));
    return out;
  }

  @ParameterizedTest
  @EnumSource(value = Durability.class, names = {"SYNC", "GROUP"})
  void issue_whenAppendFails_throwsAndChangesNothing(Durability mode) {
    FlakyStore store = new FlakyStore();
    Branch b = branch(store, mode);
    Ticket first = b.issue(IssueRequest.walkIn("A"));
    long seq = b.lastSeq();
    store.failNext.set(1);

    assertThatThrownBy(() -> b.issue(IssueRequest.walkIn("A")))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("append_events");

    assertThat(b.lastSeq()).isEqualTo(seq);
    assertThat(b.waiting("A")).extracting(Ticket::id).containsExactly(first.id());
    assertThat(store.load("b1", 0)).hasSize((int) seq);
    Ticket next = b.issue(IssueRequest.walkIn("A"));
    assertThat(next.display()).isEqualTo("A-002");
    assertThat(branch(store, mode).waiting("A")).extracting(Ticket::display).containsExactly("A-001", "A-002");
  }

  /*
   * Found by the JMH JDBC run at 16 threads: the snapshot thread, finding the branch idle after a
   * save, took the writer role and applied the operations queued meanwhile, but left their commit to
   * nobody, and every caller waited for ever. Many threads on a durable store with a snapshot every
   * few events make that interleaving frequent.
   */
  @Test
  void sync_manyThreadsWithFrequentSnapshots_everyOperationCompletesAndIsStored() throws Exception {
    FlakyStore store = new FlakyStore();
    Branch b = Talon.newBranch("b1").service("A", "A", "Docs").desk("1", "A").durability(Durability.SYNC)
        .clock(clock).store(store).snapshotEvery(3).build();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> futures = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        futures.add(pool.submit(() -> {
          for (int n = 0; n < 400; n++) {
            b.issue(IssueRequest.walkIn("A"));
            b.callNext("1");
          }
          return 400;
        }));
      }
      for (Future<Integer> f : futures) {
        assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(400);
      }
      assertThat(store.load("b1", 0)).hasSize((int) b.lastSeq());
      assertThat(b.lastSeq()).isGreaterThanOrEqualTo(2 * 8 * 400);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void group_concurrentIssues_shareCommitsAndAllAcknowledgedAreStored() throws Exception {
    FlakyStore store = new FlakyStore();
    Branch b = branch(store, Durability.GROUP);
    b.rotate();
    CountDownLatch gate = new CountDownLatch(1);
    store.gate.set(gate);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Ticket>> futures = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        futures.add(pool.submit(() -> b.issue(IssueRequest.walkIn("A"))));
      }
      Thread.sleep(200); // let all eight install their states while the first commit is held
      store.gate.set(null);
      gate.countDown();
      List<Ticket> acked = new ArrayList<>();
      for (Future<Ticket> f : futures) {
        acked.add(f.get(10, TimeUnit.SECONDS));
      }
      assertThat(store.appends.get()).as("eight operations in fewer commits").isLessThan(8);
      Branch reopened = branch(store, Durability.GROUP);
      assertThat(ids(reopened.waiting("A"))).isEqualTo(ids(acked));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void group_failedCommit_undoesItsOperationsAndLaterOnesAndKeepsAcknowledged() throws Exception {
    FlakyStore store = new FlakyStore();
    Branch b = branch(store, Durability.GROUP);
    Ticket kept = b.issue(IssueRequest.walkIn("A"));
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      store.failNext.set(1);
      List<Future<Ticket>> futures = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        futures.add(pool.submit(() -> b.issue(IssueRequest.walkIn("A"))));
      }
      List<Ticket> acked = new ArrayList<>(List.of(kept));
      int failed = 0;
      for (Future<Ticket> f : futures) {
        try {
          acked.add(f.get(10, TimeUnit.SECONDS));
        } catch (java.util.concurrent.ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(StorageException.class);
          failed++;
        }
      }
      assertThat(failed).isPositive();
      assertThat(ids(b.waiting("A"))).isEqualTo(ids(acked));
      Branch reopened = branch(store, Durability.GROUP);
      assertThat(reopened.waiting("A")).isEqualTo(b.waiting("A"));
      assertThat(reopened.lastSeq()).isEqualTo(b.lastSeq());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void async_returnsBeforeTheStoreWritesAndRetriesFailures() {
    FlakyStore store = new FlakyStore();
    Branch b = branch(store, Durability.ASYNC);
    CountDownLatch gate = new CountDownLatch(1);
    store.gate.set(gate);
    store.failNext.set(2);
    Ticket t = b.issue(IssueRequest.walkIn("A")); // returns although the store is blocked
    assertThat(store.load("b1", 0)).isEmpty();
    store.gate.set(null);
    gate.countDown();
    b.close(); // flushes, retrying through the two failures
    assertThat(store.load("b1", 0)).isNotEmpty();
    assertThat(branch(store, Durability.ASYNC).ticket(t.id())).contains(t);
  }

  @Test
  void async_whenTooFarBehind_refusesNewOperations() {
    FlakyStore store = new FlakyStore();
    Branch b = Talon.newBranch("b1").service("A", "A", "Docs").desk("1", "A").durability(Durability.ASYNC)
        .asyncMaxPending(3).clock(clock).store(store).build();
    CountDownLatch gate = new CountDownLatch(1);
    store.gate.set(gate);
    try {
      b.issue(IssueRequest.walkIn("A")); // day + window + issue = 3 events
      assertThatThrownBy(() -> b.issue(IssueRequest.walkIn("A")))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("ASYNC limit 3");
    } finally {
      store.gate.set(null);
      gate.countDown();
    }
  }
}
