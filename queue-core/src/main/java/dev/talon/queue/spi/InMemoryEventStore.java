package dev.talon.queue.spi;

import dev.talon.queue.QueueEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/*
 * An event store in this JVM's memory, lock-free so that it keeps the in-memory engine's issue
 * and call paths free of locks.
 *
 * Each branch's events live in an EventLog, pages of slots indexed by seq, each slot claimed by
 * CAS (see EventLog for why not a skip list); a batch with any seq taken is refused whole. The fencing token is raised by CAS;
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
    final EventLog events = new EventLog();
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
    long taken = log.events.append(events, events.get(0).seq());
    if (taken != EventLog.WRITTEN) {
      throw new SequenceConflictException("branch " + branchId + " already has event " + taken
          + " (or had it before its history was cut at a snapshot)");
    }
  }

  @Override
  public List<QueueEvent> load(String branchId, long afterSeq) {
    BranchLog log = logs.get(branchId);
    return log == null ? List.of() : log.events.load(afterSeq);
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
    return log.events.removeBefore(s.seq(), before);
  }

  @Override
  public Optional<BranchSnapshot> loadSnapshot(String branchId) {
    BranchLog log = logs.get(branchId);
    return log == null ? Optional.empty() : Optional.ofNullable(log.snapshot.get());
  }
}
