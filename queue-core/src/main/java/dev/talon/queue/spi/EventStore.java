package dev.talon.queue.spi;

import dev.talon.queue.QueueEvent;
import dev.talon.queue.StorageException;
import dev.talon.queue.internal.InMemoryEventStore;
import java.util.List;

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
   * True when an append returns only after its events are durable, so that the engine may treat
   * an appended operation as acknowledged across a crash.
   */
  default boolean isDurable() {
    return false;
  }

  /** A store that keeps events in this JVM's memory; for tests, simulation and embedded use without durability. */
  static EventStore inMemory() {
    return new InMemoryEventStore();
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
