// Test-scope oracle: the engine before issue 12, kept only for DifferentialTest.
package dev.talon.queue.internal;

import dev.talon.queue.Durability;
import dev.talon.queue.QueueEvent;
import dev.talon.queue.StorageException;
import dev.talon.queue.spi.EventStore;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/*
 * The ordered writer behind the GROUP and ASYNC durability modes.
 *
 * In these modes an operation first installs its new state with the engine's CAS (so the
 * in-memory core stays lock-free) and then submits an entry: its events, the state before and
 * after it, and the state's generation. Entries must reach the store in sequence order, but
 * they are submitted by many threads in any order, so they wait in a skip list keyed by
 * (generation, first seq). Whoever finds the writer role free (one CAS on `writing`) becomes the
 * writer: it takes the longest run of consecutive entries starting right after the last durable
 * sequence number and appends them in ONE store call (one transaction: the group commit), then
 * completes their futures and looks again. A submitter that finds a writer active just waits for
 * its future; after releasing the role the writer re-checks for entries that arrived meanwhile, so
 * no entry is stranded. In GROUP mode the submitting threads drive the writer themselves; in ASYNC
 * mode a background executor does, and the submitter returns at once.
 *
 * Failure (GROUP): the failed batch and every entry after it were built on states that never
 * became durable. The journal bumps the generation, asks the engine to reinstall the state before
 * the batch (in the new generation), and fails those entries; operations that later try to CAS
 * from a discarded state fail their CAS and retry on the restored one, and a stale entry that
 * arrives late is recognised by its generation and failed. So a failed commit changes nothing that
 * was acknowledged, and the branch returns to its last committed state.
 *
 * Conflict: the store already holds events at the batch's sequence numbers. If they are exactly
 * the batch's (an earlier attempt committed although the store could not confirm it), the entries
 * are durable after all; anything else in the store is adopted by the engine as above.
 *
 * Failure (ASYNC): operations were already acknowledged, so nothing is rolled back; the writer
 * retries with a growing pause. A stale fencing token is never retried (in any mode): another
 * engine owns the branch, the batch is rolled back and the engine is told, so it refuses
 * everything from then on. Submitters are refused once more than `maxPending` events wait,
 * which bounds what a crash can lose.
 */
final class LegacyJournal {
  private static final VarHandle WRITING;

  static {
    try {
      WRITING = MethodHandles.lookup().findVarHandle(LegacyJournal.class, "writing", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** What the engine does when a commit fails or the store turns out to hold other events. */
  interface Rollback {
    /**
     * Reinstalls {@code base} plus the {@code storedBeyond} events (which the store holds and the
     * engine never applied) in a new generation, and returns that generation.
     */
    int restore(LegacyBranchState base, List<QueueEvent> storedBeyond);
  }

  record Key(int generation, long seq) {}

  static final class Entry {
    final List<QueueEvent> events;
    final LegacyBranchState before;
    final int generation;
    final CompletableFuture<Void> done = new CompletableFuture<>();

    Entry(List<QueueEvent> events, LegacyBranchState before, int generation) {
      this.events = events;
      this.before = before;
      this.generation = generation;
    }

    long firstSeq() {
      return events.get(0).seq();
    }

    long lastSeq() {
      return events.get(events.size() - 1).seq();
    }
  }

  private final String branchId;
  private final EventStore store;
  private final long fence;
  private final Durability mode;
  private final Executor background;
  private final Rollback rollback;
  private final java.util.function.Consumer<EventStore.StaleFenceException> fenced;
  private final int maxBatchEvents;
  private final int maxPending;
  private final ConcurrentSkipListMap<Key, Entry> pending = new ConcurrentSkipListMap<>(
      Comparator.comparingInt(Key::generation).thenComparingLong(Key::seq));
  private final AtomicInteger pendingEvents = new AtomicInteger();

  @SuppressWarnings("unused") // accessed through WRITING
  private volatile boolean writing;
  /** Written only by the writer (inside the WRITING role); read by submitters for diagnostics. */
  private volatile long durableSeq;
  /** The current generation; written by the writer on rollback, read by late submitters. */
  private volatile int generation;

  LegacyJournal(String branchId, EventStore store, long fence, Durability mode, Executor background, Rollback rollback,
      java.util.function.Consumer<EventStore.StaleFenceException> fenced, long durableSeq, int generation, int maxBatchEvents, int maxPending) {
    this.branchId = branchId;
    this.store = store;
    this.fence = fence;
    this.mode = mode;
    this.background = background;
    this.rollback = rollback;
    this.fenced = fenced;
    this.durableSeq = durableSeq;
    this.generation = generation;
    this.maxBatchEvents = maxBatchEvents;
    this.maxPending = maxPending;
  }

  /** Refuses new work when ASYNC has fallen too far behind; called before the operation's CAS. */
  void checkBacklog() {
    if (mode == Durability.ASYNC && pendingEvents.get() >= maxPending) {
      throw new StorageException("branch " + branchId + ": the store is " + pendingEvents.get()
          + " events behind (ASYNC limit " + maxPending + "); operations are refused until it catches up");
    }
  }

  /** Submits the events of an installed state; the future completes when they are durable. */
  CompletableFuture<Void> submit(List<QueueEvent> events, LegacyBranchState before, int entryGeneration) {
    Entry e = new Entry(events, before, entryGeneration);
    pendingEvents.addAndGet(events.size());
    pending.put(new Key(entryGeneration, e.firstSeq()), e);
    if (entryGeneration < generation && pending.remove(new Key(entryGeneration, e.firstSeq()), e)) {
      fail(e, staleMessage(e));
    } else if (mode == Durability.ASYNC) {
      background.execute(this::drive);
    } else {
      drive();
    }
    return e.done;
  }

  /** Waits in ASYNC mode until everything submitted so far is written, or the timeout passes. */
  /** The seq of the last event known to be in the store. */
  long durableSeq() {
    return durableSeq;
  }

  boolean flush(long timeoutMillis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (pendingEvents.get() > 0) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      drive();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
    return true;
  }

  private void drive() {
    while (WRITING.compareAndSet(this, false, true)) {
      try {
        List<Entry> batch;
        while (!(batch = nextBatch()).isEmpty()) {
          write(batch);
        }
      } finally {
        WRITING.setRelease(this, false);
      }
      if (nextBatch().isEmpty()) {
        return; // nothing arrived while the role was being released
      }
    }
  }

  /** The run of consecutive entries that starts right after the last durable event. */
  private List<Entry> nextBatch() {
    List<Entry> batch = new ArrayList<>(4);
    int gen = generation;
    long next = durableSeq + 1;
    int events = 0;
    while (events < maxBatchEvents) {
      Entry e = pending.get(new Key(gen, next));
      if (e == null) {
        break;
      }
      batch.add(e);
      events += e.events.size();
      next = e.lastSeq() + 1;
    }
    return batch;
  }

  private void write(List<Entry> batch) {
    List<QueueEvent> all;
    if (batch.size() == 1) {
      all = batch.get(0).events;
    } else {
      all = new ArrayList<>();
      for (Entry e : batch) {
        all.addAll(e.events);
      }
    }
    long pause = 1;
    while (true) {
      try {
        store.append(branchId, fence, all);
        break;
      } catch (EventStore.SequenceConflictException conflict) {
        resync(batch, conflict);
        return;
      } catch (RuntimeException failure) {
        if (failure instanceof EventStore.StaleFenceException stale) {
          fenced.accept(stale); // before the futures fail, so that their submitters see the loss
        }
        if (mode != Durability.ASYNC || failure instanceof EventStore.StaleFenceException) {
          rollBack(batch.get(0), List.of(), failure);
          return;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pause)); // ASYNC: already acknowledged, so retry
        pause = Math.min(pause * 2, 1_000);
      }
    }
    completed(batch);
  }

  private void completed(List<Entry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    durableSeq = entries.get(entries.size() - 1).lastSeq();
    for (Entry e : entries) {
      pending.remove(new Key(e.generation, e.firstSeq()));
      pendingEvents.addAndGet(-e.events.size());
      e.done.complete(null);
    }
  }

  /*
   * The store already holds events at these sequence numbers. Entries whose events are exactly the
   * stored ones were written after all (an earlier attempt committed although the store could not
   * confirm it): they are durable. If the store holds anything else beyond them, the branch adopts
   * it and every entry still pending is undone.
   */
  private void resync(List<Entry> batch, RuntimeException conflict) {
    List<QueueEvent> stored = store.load(branchId, durableSeq);
    int at = 0;
    List<Entry> written = new ArrayList<>();
    for (Entry e : batch) {
      int end = at + e.events.size();
      if (end > stored.size() || !stored.subList(at, end).equals(e.events)) {
        break;
      }
      written.add(e);
      at = end;
    }
    completed(written);
    if (at < stored.size()) {
      Entry next = written.size() < batch.size() ? batch.get(written.size()) : null;
      LegacyBranchState base = next != null ? next.before : null;
      if (base == null) {
        // every entry of the batch was stored; the base is the state before the next pending entry
        Entry following = pending.get(new Key(generation, durableSeq + 1));
        base = following != null ? following.before : null;
      }
      if (base == null) {
        return; // nothing of ours is pending past the stored events; the next operation conflicts and resyncs
      }
      rollBack(next != null ? next : pending.get(new Key(generation, durableSeq + 1)), stored.subList(at, stored.size()),
          conflict);
      durableSeq = stored.get(stored.size() - 1).seq();
    }
  }

  private void rollBack(Entry first, List<QueueEvent> storedBeyond, RuntimeException failure) {
    generation = rollback.restore(first.before, storedBeyond);
    StorageException cause = failure instanceof StorageException s ? s
        : new StorageException("appending events of branch " + branchId + " failed: " + failure, failure);
    for (Entry e : new ArrayList<>(pending.values())) {
      if (e.generation < generation && pending.remove(new Key(e.generation, e.firstSeq()), e)) {
        pendingEvents.addAndGet(-e.events.size());
        e.done.completeExceptionally(e == first ? cause
            : new StorageException("branch " + branchId + ": event " + e.firstSeq()
                + " depended on events whose commit failed; the operation was undone", failure));
      }
    }
  }

  private void fail(Entry e, String message) {
    pendingEvents.addAndGet(-e.events.size());
    e.done.completeExceptionally(new StorageException(message));
  }

  private String staleMessage(Entry e) {
    return "branch " + branchId + ": event " + e.firstSeq()
        + " was built on a state that a failed commit undid; the operation was undone";
  }
}
