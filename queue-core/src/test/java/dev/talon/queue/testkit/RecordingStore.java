package dev.talon.queue.testkit;

import dev.talon.queue.QueueEvent;
import dev.talon.queue.spi.BranchSnapshot;
import dev.talon.queue.spi.EventStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** A store that passes everything to another and records where each load started, to show what a reopening read. */
public final class RecordingStore implements EventStore {
  private final EventStore inner;
  /** The {@code afterSeq} of every {@link #load}, in order. */
  public final List<Long> loads = new CopyOnWriteArrayList<>();
  /** The {@code from} of every {@link #loadSince}, in order. */
  public final List<Instant> loadsSince = new CopyOnWriteArrayList<>();

  private final boolean durable;

  public RecordingStore(EventStore inner) {
    this(inner, inner.isDurable());
  }

  /** A store that claims to be durable or not, whatever the one behind it is. */
  public RecordingStore(EventStore inner, boolean durable) {
    this.inner = inner;
    this.durable = durable;
  }

  /** The store behind this one (reads through it are not recorded). */
  public EventStore inner() {
    return inner;
  }

  @Override
  public void append(String branchId, long fencingToken, List<QueueEvent> events) {
    inner.append(branchId, fencingToken, events);
  }

  @Override
  public List<QueueEvent> load(String branchId, long afterSeq) {
    loads.add(afterSeq);
    return inner.load(branchId, afterSeq);
  }

  @Override
  public List<QueueEvent> loadSince(String branchId, Instant from) {
    loadsSince.add(from);
    return inner.loadSince(branchId, from);
  }

  @Override
  public void saveSnapshot(String branchId, BranchSnapshot snapshot) {
    inner.saveSnapshot(branchId, snapshot);
  }

  @Override
  public Optional<BranchSnapshot> loadSnapshot(String branchId) {
    return inner.loadSnapshot(branchId);
  }

  @Override
  public boolean isDurable() {
    return durable;
  }
}
