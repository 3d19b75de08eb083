package dev.talon.queue.spi;

import dev.talon.queue.QueueEvent;
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
 */
final class InMemoryEventStore implements EventStore {
  private final Map<String, BranchLog> logs = new ConcurrentHashMap<>();

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
    logs.computeIfAbsent(branchId, k -> new BranchLog()).snapshot
        .accumulateAndGet(snapshot, (old, s) -> old == null || s.seq() > old.seq() ? s : old);
  }

  @Override
  public Optional<BranchSnapshot> loadSnapshot(String branchId) {
    BranchLog log = logs.get(branchId);
    return log == null ? Optional.empty() : Optional.ofNullable(log.snapshot.get());
  }
}
