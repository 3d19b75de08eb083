package dev.talon.queue.bench;

import dev.talon.queue.QueueEvent;
import dev.talon.queue.spi.EventStore;
import java.util.List;

/**
 * An event store that keeps nothing: every append is accepted and forgotten, every load is empty.
 *
 * <p>For benchmarks only. The in-memory store keeps every event for the life of the JVM, so a
 * throughput run on it also measures a log that grows by a few hundred megabytes a minute; this
 * store isolates the engine's own cost. The suite reports both, side by side. It is not durable,
 * so the engine appends after its compare-and-set exactly as it does with the in-memory store.
 */
final class DroppingEventStore implements EventStore {

  @Override
  public void append(String branchId, long fencingToken, List<QueueEvent> events) {
    // dropped on purpose: see the class comment
  }

  @Override
  public List<QueueEvent> load(String branchId, long afterSeq) {
    return List.of();
  }
}
