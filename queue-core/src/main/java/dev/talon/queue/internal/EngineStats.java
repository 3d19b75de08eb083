package dev.talon.queue.internal;

import dev.talon.queue.spi.QueueListener;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/*
 * What a branch counts about its store, for metrics read at scrape time (TalonMetrics) and for
 * JFR. Only the committer writes the commit counters and only the snapshot saver the snapshot
 * ones; LongAdder and AtomicLong make the reads from a scrape thread safe without any lock. One
 * commit costs two System.nanoTime calls and three adds; a JFR event is only built when JFR
 * records it (shouldCommit after the duration is known).
 *
 * Refusals (an admission check, the admission mode or the check-in window said no) are counted
 * where they are decided, on the caller's thread or the writer's, and go to the refusal listener
 * the metrics binder sets; without one they cost a volatile read. They are rare by nature (a
 * refused request did nothing), so the listener's map look-up is off the hot path.
 */
public final class EngineStats {
  final LongAdder commits = new LongAdder();
  final LongAdder commitNanos = new LongAdder();
  final LongAdder committedEvents = new LongAdder();
  final LongAdder commitFailures = new LongAdder();
  final AtomicLong largestBatch = new AtomicLong();
  final LongAdder snapshots = new LongAdder();
  /** Epoch milliseconds (branch clock) of the newest snapshot saved; 0 before the first. */
  final AtomicLong lastSnapshotAtMillis = new AtomicLong();
  /** A listener attached after the branch was built (the metrics binder); null when none. */
  volatile QueueListener attached;
  /** Hears refusals (the metrics binder); null when none. */
  volatile RefusalListener refusals;
  /** The branch's clock, for ages read at scrape time. */
  volatile dev.talon.queue.spi.QueueClock clock;

  /** The branch clock's time. */
  public java.time.Instant now() {
    return clock.now();
  }

  public long commits() {
    return commits.sum();
  }

  public long commitNanos() {
    return commitNanos.sum();
  }

  public long committedEvents() {
    return committedEvents.sum();
  }

  public long commitFailures() {
    return commitFailures.sum();
  }

  public long largestBatch() {
    return largestBatch.get();
  }

  public long snapshots() {
    return snapshots.sum();
  }

  public long lastSnapshotAtMillis() {
    return lastSnapshotAtMillis.get();
  }

  void committed(String branchId, int events, long startNanos, boolean ok) {
    long took = System.nanoTime() - startNanos;
    if (ok) {
      commits.increment();
      commitNanos.add(took);
      committedEvents.add(events);
      largestBatch.accumulateAndGet(events, Math::max);
    } else {
      commitFailures.increment();
    }
    CommitEvent e = new CommitEvent();
    if (e.isEnabled()) {
      e.branch = branchId;
      e.events = events;
      e.succeeded = ok;
      e.nanos = took;
      e.commit();
    }
  }

  /** Hears each refused issue, booking or check-in: operation, service, and the refusing rule. */
  @FunctionalInterface
  public interface RefusalListener {
    /**
     * @param operation "issue", "book" or "check-in"
     * @param service   the service asked for
     * @param reason    the check's name, "admission-mode", "check-in-too-early" or "check-in-too-late"
     */
    void refused(String operation, String service, String reason);
  }

  /** Sets the one listener for refusals (replacing any earlier one). */
  public void onRefusal(RefusalListener listener) {
    this.refusals = listener;
  }

  void refused(String operation, String service, String reason) {
    RefusalListener l = refusals;
    if (l != null) {
      try {
        l.refused(operation, service, reason);
      } catch (RuntimeException ignored) {
        // a failing meter registry loses one count, never the refusal's own exception
      }
    }
  }

  void snapshotSaved(String branchId, long seq, int bytes, long atMillis, long startNanos) {
    snapshots.increment();
    lastSnapshotAtMillis.set(atMillis);
    SnapshotEvent e = new SnapshotEvent();
    if (e.isEnabled()) {
      e.branch = branchId;
      e.seq = seq;
      e.bytes = bytes;
      e.nanos = System.nanoTime() - startNanos;
      e.commit();
    }
  }

  /** One append of a batch of events to a durable store. */
  @Name("dev.talon.Commit")
  @Label("Talon Commit")
  @Category({"Talon", "Store"})
  @Description("One append of a branch's batch of events to its durable store")
  @StackTrace(false)
  static final class CommitEvent extends Event {
    @Label("Branch")
    String branch;
    @Label("Events")
    int events;
    @Label("Succeeded")
    boolean succeeded;
    @Label("Append Time (ns)")
    long nanos;
  }

  /** One snapshot saved to the store. */
  @Name("dev.talon.Snapshot")
  @Label("Talon Snapshot")
  @Category({"Talon", "Store"})
  @Description("A branch snapshot saved to its store")
  @StackTrace(false)
  static final class SnapshotEvent extends Event {
    @Label("Branch")
    String branch;
    @Label("Sequence")
    long seq;
    @Label("Size")
    @DataAmount
    int bytes;
    @Label("Save Time (ns)")
    long nanos;
  }
}
