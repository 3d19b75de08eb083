package dev.talon.queue.spi;

import dev.talon.queue.QueueEvent;
import dev.talon.queue.StorageException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Persistence of everything that happened to a branch: an append-only log of events keyed by
 * {@code (branchId, seq)}.
 *
 * <p>The concurrency primitive is the <em>conditional append</em>: a batch is written whole or
 * not at all, it is refused if any of its sequence numbers is already taken (two writers of one
 * branch can never both succeed), and it is refused if its fencing token is older than one the
 * store has already seen for the branch (a paused old owner cannot write after a takeover).
 * Implementations extend the contract suite in queue-core's test-jar.
 */
public interface EventStore {

  /**
   * Appends the events of one operation atomically.
   *
   * @param branchId     the branch
   * @param fencingToken the writer's ownership epoch; must not be older than any the store has seen
   * @param events       events with consecutive sequence numbers
   * @throws SequenceConflictException if a sequence number is already taken (nothing is written)
   * @throws StaleFenceException if the fencing token is stale (nothing is written)
   * @throws StorageException if the store failed (nothing is written)
   */
  void append(String branchId, long fencingToken, List<QueueEvent> events);

  /** The branch's events with {@code seq > afterSeq}, in sequence order. */
  List<QueueEvent> load(String branchId, long afterSeq);

  /**
   * The branch's events that occurred at or after {@code from}, in sequence order. Event times
   * never decrease along a branch's sequence, so this is a tail of the history; the engine reads
   * it at open for listeners whose {@link QueueListener#historyHorizon()} is bounded. The default
   * filters the whole history; a store with an index on event time should do better.
   */
  default List<QueueEvent> loadSince(String branchId, Instant from) {
    List<QueueEvent> all = load(branchId, 0);
    int i = 0;
    while (i < all.size() && all.get(i).at().isBefore(from)) {
      i++;
    }
    return all.subList(i, all.size());
  }

  /**
   * Keeps a snapshot of the branch state, so that opening the branch replays only the events after
   * it. The engine saves only states whose events are all in the store already; a snapshot never
   * adds to the history, so it needs no fencing (a snapshot from a fenced old owner is still a true
   * state of the branch at its seq). A store may keep only the newest few snapshots. The default
   * keeps none: every open replays the whole history.
   *
   * @throws StorageException if the store failed (the engine logs it and carries on)
   */
  default void saveSnapshot(String branchId, BranchSnapshot snapshot) {
    // no snapshots kept
  }

  /** The branch's snapshot with the highest seq, if the store keeps any. */
  default Optional<BranchSnapshot> loadSnapshot(String branchId) {
    return Optional.empty();
  }

  /**
   * Retention: removes the branch's events that occurred before {@code before} and that its newest
   * snapshot covers (sequence number at most the snapshot's), and returns how many it removed.
   * Event times never decrease along the sequence, so what goes is a prefix of the history and
   * what stays is the snapshot's tail and the days after the cutoff: a branch opened afterwards
   * replays the snapshot plus its tail into exactly the state it had, statistics included (they
   * live in the state, not in the old events). Without a snapshot nothing is covered and nothing
   * is removed. Listeners that ask for history at open ({@link QueueListener#historyHorizon()})
   * get what is left of it, so keep at least their horizon (a per-person daily limit: one day).
   *
   * <p>A branch whose history was cut this way can no longer be replayed from its first event: if
   * its snapshot becomes unusable (the branch was reconfigured), opening it fails with a
   * {@link StorageException} saying that events are missing. Reconfigure only with the history kept.
   *
   * <p>The default removes nothing (a store that keeps no snapshots keeps every event); stores
   * that keep snapshots implement it, and the contract suite checks it.
   *
   * @throws StorageException if the store failed (then nothing or a prefix was removed; the call can be repeated)
   */
  default long removeHistoryBefore(String branchId, Instant before) {
    return 0;
  }

  /**
   * {@link #removeHistoryBefore(String, Instant)} up to the start of a branch-local day: the
   * history of the days before {@code day}, where the branch's snapshot covers it.
   */
  default long removeHistoryBefore(String branchId, java.time.LocalDate day, java.time.ZoneId zone) {
    if (day == null || zone == null) {
      throw new IllegalArgumentException("retention of branch " + branchId + " needs a day and the branch's zone, were "
          + day + " and " + zone);
    }
    return removeHistoryBefore(branchId, day.atStartOfDay(zone).toInstant());
  }

  /**
   * True when an append returns only after its events are durable, so that the engine may treat
   * an appended operation as acknowledged across a crash.
   */
  default boolean isDurable() {
    return false;
  }

  /**
   * A store that keeps events in this JVM's memory; for tests, simulation and embedded use without
   * durability. Retention is on: whenever a snapshot is saved, the events it covers that are older
   * than two days before it are removed, so a long-running branch holds about two days of history.
   */
  static EventStore inMemory() {
    return new InMemoryEventStore();
  }

  /**
   * An in-memory store that keeps the events of {@code keep} before each snapshot (removing the
   * older ones the snapshot covers), or every event when {@code keep} is null.
   */
  static EventStore inMemory(java.time.Duration keep) {
    return new InMemoryEventStore(keep);
  }

  /** A batch was refused because one of its sequence numbers is already in the store. */
  final class SequenceConflictException extends StorageException {
    private static final long serialVersionUID = 1L;

    public SequenceConflictException(String message) {
      super(message);
    }
  }

  /** A batch was refused because its writer's fencing token is older than the store's. */
  final class StaleFenceException extends StorageException {
    private static final long serialVersionUID = 1L;

    public StaleFenceException(String message) {
      super(message);
    }
  }
}
