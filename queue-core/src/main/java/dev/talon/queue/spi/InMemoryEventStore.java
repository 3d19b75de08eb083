package dev.talon.queue.spi;

import dev.talon.queue.QueueEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/*
 * An event store in this JVM's memory, lock-free so that it keeps the in-memory engine's issue
 * and call paths free of locks.
 *
 * Appends of one branch may arrive out of order (the engine appends after its CAS when the store
 * is not durable), so events live in a skip list keyed by sequence number. A batch claims its
 * sequence numbers one by one with putIfAbsent; on a conflict it removes the ones it claimed and
 * fails, so no batch is left half-written (a concurrent load() may glimpse it for that instant,
 * which the engine never does: it loads only when opening). The fencing token is raised by CAS;
 * this store lives in one JVM, so the fence only guards engines of one process against each other.
 * Not durable: a JVM exit loses everything.
 *
 * Retention (issue 14). Kept as the other stores keep it (removeHistoryBefore: events older than a
 * time that the newest snapshot covers), and also on by default: saving a snapshot removes the
 * covered events older than `keep` (two days) before the snapshot's last event. The engine takes
 * snapshots of in-memory branches too (Talon.snapshotEvery), so an embedded branch that runs for
 * months holds a snapshot and about two days of events, not its whole life. The cut is a prefix
 * of the skip list (times never decrease along the seq), so load() of what is left stays in order.
 */
public final class InMemoryEventStore implements EventStore {
  /** The default history kept before each snapshot. */
  public static final Duration DEFAULT_KEEP = Duration.ofDays(2);

  private final Map<String, BranchLog> logs = new ConcurrentHashMap<>();
  /** History kept before each snapshot; null keeps everything. */
  private final Duration keep;

  /** A store with the default retention, {@link #DEFAULT_KEEP}. */
  public InMemoryEventStore() {
    this(DEFAULT_KEEP);
  }

  /** A store that keeps {@code keep} of history before each snapshot, or everything when it is null. */
  public InMemoryEventStore(Duration keep) {
    if (keep != null && keep.isNegative()) {
      throw new dev.talon.queue.InvalidConfigurationException("the history an in-memory store keeps must not be"
          + " negative, was " + keep);
    }
    this.keep = keep;
  }

  private static final class BranchLog {
    final ConcurrentSkipListMap<Long, QueueEvent> events = new ConcurrentSkipListMap<>();
    final AtomicLong fence = new AtomicLong(Long.MIN_VALUE);
    final AtomicReference<BranchSnapshot> snapshot = new AtomicReference<>();
  }

  @Override
  public void append(String branchId, long fencingToken, List<QueueEvent> events) {
    if (events.isEmpty()) {
      return;
    }
    long expected = events.get(0).seq();
    for (QueueEvent e : events) {
      if (e.seq() != expected++) {
        throw new IllegalArgumentException("a batch must have consecutive sequence numbers, found " + e.seq()
            + " where " + (expected - 1) + " was expected");
      }
    }
    BranchLog log = logs.computeIfAbsent(branchId, k -> new BranchLog());
    while (true) {
      long fence = log.fence.get();
      if (fencingToken < fence) {
        throw new StaleFenceException("branch " + branchId + " is owned under fencing token " + fence
            + "; an append with the older token " + fencingToken + " was refused");
      }
      if (fencingToken == fence || log.fence.compareAndSet(fence, fencingToken)) {
        break;
      }
    }
    for (int i = 0; i < events.size(); i++) {
      QueueEvent e = events.get(i);
      if (log.events.putIfAbsent(e.seq(), e) != null) {
        for (int j = 0; j < i; j++) {
          log.events.remove(events.get(j).seq(), events.get(j));
        }
        throw new SequenceConflictException("branch " + branchId + " already has event " + e.seq());
      }
    }
  }

  @Override
  public List<QueueEvent> load(String branchId, long afterSeq) {
    BranchLog log = logs.get(branchId);
    return log == null ? List.of() : new ArrayList<>(log.events.tailMap(afterSeq, false).values());
  }

  /** Keeps the newest snapshot of each branch (one with a higher seq replaces it, an older one is ignored). */
  @Override
  public void saveSnapshot(String branchId, BranchSnapshot snapshot) {
    if (snapshot == null) {
      throw new IllegalArgumentException("snapshot of branch " + branchId + " must not be null");
    }
    BranchLog log = logs.computeIfAbsent(branchId, k -> new BranchLog());
    BranchSnapshot newest = log.snapshot.accumulateAndGet(snapshot, (old, s) -> old == null || s.seq() > old.seq() ? s : old);
    QueueEvent last = keep == null ? null : log.events.get(newest.seq());
    if (last != null) {
      removeHistoryBefore(branchId, last.at().minus(keep));
    }
  }

  @Override
  public long removeHistoryBefore(String branchId, Instant before) {
    if (before == null) {
      throw new IllegalArgumentException("the time to remove the history of branch " + branchId + " before must not be null");
    }
    BranchLog log = logs.get(branchId);
    BranchSnapshot s = log == null ? null : log.snapshot.get();
    if (s == null) {
      return 0;
    }
    long removed = 0;
    for (var it = log.events.headMap(s.seq(), true).values().iterator(); it.hasNext(); ) {
      if (!it.next().at().isBefore(before)) {
        break;
      }
      it.remove();
      removed++;
    }
    return removed;
  }

  @Override
  public Optional<BranchSnapshot> loadSnapshot(String branchId) {
    BranchLog log = logs.get(branchId);
    return log == null ? Optional.empty() : Optional.ofNullable(log.snapshot.get());
  }
}
