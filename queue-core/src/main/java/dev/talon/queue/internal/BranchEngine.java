package dev.talon.queue.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.talon.queue.AdmissionMode;
import dev.talon.queue.AdmissionRefusedException;
import dev.talon.queue.BoardView;
import dev.talon.queue.BookRequest;
import dev.talon.queue.Booking;
import dev.talon.queue.Branch;
import dev.talon.queue.BranchLostException;
import dev.talon.queue.DailyStatistics;
import dev.talon.queue.Desk;
import dev.talon.queue.DeskState;
import dev.talon.queue.DeskStatus;
import dev.talon.queue.DuplicateRequestException;
import dev.talon.queue.Durability;
import dev.talon.queue.EngineClosedException;
import dev.talon.queue.IllegalTransitionException;
import dev.talon.queue.InvalidRequestException;
import dev.talon.queue.IssueRequest;
import dev.talon.queue.Origin;
import dev.talon.queue.Position;
import dev.talon.queue.QueueEvent;
import dev.talon.queue.QueueEvent.BookingMade;
import dev.talon.queue.QueueEvent.TicketIssued;
import dev.talon.queue.QueueException;
import dev.talon.queue.StorageException;
import dev.talon.queue.Ticket;
import dev.talon.queue.TicketState;
import dev.talon.queue.TransferRequest;
import dev.talon.queue.UnknownServiceException;
import dev.talon.queue.UnknownTicketException;
import dev.talon.queue.WaitEstimate;
import dev.talon.queue.spi.AdmissionCheck;
import dev.talon.queue.spi.AdmissionDecision;
import dev.talon.queue.spi.AdmissionRequest;
import dev.talon.queue.spi.BranchSnapshot;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.Policy;
import dev.talon.queue.spi.QueueListener;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import org.jctools.queues.varhandle.MpscUnboundedVarHandleArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * The engine of one branch: a single writer on mutable state, fed by a lock-free queue.
 *
 * Submission. Every operation that changes state becomes an Op (which is also its own
 * CompletableFuture) and is offered to a JCTools multi-producer queue: lock-free, no allocation
 * beyond the Op once the queue's chunk is warm. Then the submitting thread tries to take the
 * writer role with one CAS. If it gets it, it drains the queue and applies every op in submission
 * order to the Core, its own and those of threads that found the role taken (flat combining, as
 * Caffeine drains its write buffer under the eviction lock); the others just wait for their Op. A
 * thread that releases the role looks at the queue once more after a volatile write, and one that
 * failed the CAS had offered its op before; so an op is never stranded (the Dekker pattern on the
 * role and the queue's producer index, both accessed with volatile semantics).
 *
 * Why combining and not an event loop. A per-branch (or per-shard) thread would hand every
 * operation to another core and back: two context switches' worth of latency per call at low load,
 * and a thread per branch (or a shard map) where a national operator runs hundreds of mostly idle
 * branches per JVM. With combining, an idle branch costs no thread, a lone caller applies its own
 * operation with no hand-off at all (the direct path, for non-durable stores), and under
 * contention batching falls out of it: whoever holds the role applies everything queued. What a
 * combiner must never do is wait for I/O while holding the role, so committing is a separate role
 * (below). The price is that the progress of queued operations depends on the role holder being
 * scheduled, which the README states.
 *
 * Application. The writer owns the Core, so numbering, line rings, claiming the head, slot
 * capacity, rotation and the policy's state are plain writes with no copying and no retries. The
 * order of application is the linearization order of all writes. The clock is read by the writer
 * when it applies the op, so time never goes backwards in application order (a small step back
 * within clockTolerance counts as no time passing, a larger one refuses the op).
 *
 * Batches and commits. One drain is one batch: its events go to the store in one append (one
 * transaction). With a non-durable store (in memory) the writer appends it itself, then notifies
 * listeners and completes the ops. With a durable store the writer hands the batch to the commit
 * queue and releases the role before any I/O: the next drain may apply the next batch while this
 * one commits (pipelining). Committing is a second role, taken the same way: whoever holds it
 * appends the queued batches in order, merging consecutive ones into one append, then notifies
 * listeners and completes the ops in commit order. A blocking caller takes the commit role itself
 * after applying; an async caller leaves commits to the branch's commit thread. SYNC (and GROUP,
 * now the same path) complete an op after its batch committed; ASYNC completes it when applied
 * and commits in the background, refusing new ops while more than asyncMaxPending events wait.
 *
 * Failure. An op that throws changes nothing: a validation failure throws before the op emits
 * its own events; if it emitted any (the clock's catch-up events before it, or the first events
 * of a multi-event op), the writer rebuilds the core from the store's snapshot and tail plus the
 * events it applied before the op that the store does not have yet (a rare path). A failed commit
 * fails every op of its batch and of every later batch of the same epoch (they were applied on
 * top of it); the writer then rebuilds the core from the store alone (adopting events whose
 * commit succeeded although the store could not confirm it) in a new epoch. A stale fencing
 * token means another engine owns the branch: the engine refuses everything from then on.
 *
 * Reads never take the writer role: tickets and bookings are immutable records in slabs written
 * with release semantics, desks, board, policy state, mode and service times are published the
 * same way (see Core). Reads see the latest applied state; in a durable mode that may include a
 * batch whose commit is under way (the op that made it has not returned yet) and that a failing
 * commit takes back.
 *
 * Idempotency. Request ids live in a Caffeine cache (expiring by their first use, on the branch
 * clock) mapping the id to the request's fingerprint and the future of the result's id. The first
 * request with an id installs its entry with putIfAbsent; a concurrent retry waits for it, a later
 * one returns the current snapshot of the same ticket or booking, a reuse with different content
 * is refused. The writer records the result's id and time in the entry when it applies the op, so
 * a snapshot taken at the end of a batch knows every id its state contains.
 */
public final class BranchEngine implements Branch {
  private static final Logger log = LoggerFactory.getLogger(BranchEngine.class);
  /**
   * Only for the model checker's self-test (CombiningRaceTest): when set, a submitter applies
   * operations without taking the writer role, the race the role exists to prevent.
   */
  static boolean racyWriterRoleForTests;
  private static final VarHandle WRITING;
  private static final VarHandle COMMITTING;
  private static final VarHandle SNAPSHOTTING;
  /** The most ops one drain applies before it hands its batch on; bounds a batch's size and latency. */
  private static final int MAX_BATCH = 1024;
  /** The most events one append carries when queued batches are merged. */
  private static final int MAX_APPEND = 4096;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      WRITING = l.findVarHandle(BranchEngine.class, "writing", int.class);
      COMMITTING = l.findVarHandle(BranchEngine.class, "committing", int.class);
      SNAPSHOTTING = l.findVarHandle(BranchEngine.class, "snapshotting", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final BranchConfig config;
  private final BranchCalendar calendar;
  private final EventStore store;
  private final boolean durable;
  private final Durability mode;
  private final Cache<String, Request> requests;
  private final ScheduledFuture<?> rotation;

  /** The core; replaced only when the writer rebuilds it. Readers take it once per read. */
  private volatile Core core;
  /** The writer's decision maker for the current core; writer-only. */
  private Tx tx;
  /** The writer's event list for the batch being applied; reused by non-durable batches. */
  private final ArrayList<QueueEvent> scratch = new ArrayList<>(64);

  private final MpscUnboundedVarHandleArrayQueue<Op> ops = new MpscUnboundedVarHandleArrayQueue<>(256);
  @SuppressWarnings("unused") // accessed through WRITING
  private volatile int writing;

  // ---- durable commits
  private final MpscUnboundedVarHandleArrayQueue<Batch> commits = new MpscUnboundedVarHandleArrayQueue<>(64);
  @SuppressWarnings("unused") // accessed through COMMITTING
  private volatile int committing;
  /** The seq of the last event known to be in the store. */
  private volatile long committedSeq;
  /** Events handed to the commit queue and not yet known to be in the store, in seq order; writer-only. */
  private final ArrayDeque<QueueEvent> uncommitted = new ArrayDeque<>();
  /** The writer's epoch: incremented each time it rebuilds the core after a failed commit; writer-only. */
  private int epoch;
  /** The newest epoch a failed commit broke; the writer rebuilds when it equals its own. */
  private volatile int brokenEpoch = -1;
  /**
   * Durable stores: the branch as committed, kept by the committer (it applies every committed
   * batch to it with the same transition function). After a failed commit the writer takes it as
   * its core, so rolling back needs no store access. Null until the first commit after opening or
   * after a rollback, when the committer builds it from the store.
   */
  private volatile Core shadow;
  /** After a rollback: the store may hold events of a commit whose outcome was unknown; writer-only. */
  private boolean resyncNeeded;

  private volatile boolean closed;
  /** Store counters for metrics and JFR, and the listener a metrics binder attaches. */
  private final EngineStats stats = new EngineStats();
  /** Desks waiting for their next ticket (awaitNext); woken where listeners are notified. */
  private final DeskWaiters waiters = new DeskWaiters(this);
  private volatile String poisoned;
  /** Set when the store refused an append for a stale fencing token: another engine owns the branch. */
  private volatile String lost;

  // ---- snapshots
  /** The seq of the newest snapshot saved, loaded or being saved. */
  private volatile long snapshotSeq;
  /** The branch-local day of the last snapshot (daily snapshots); written under the writer role. */
  private LocalDate snapshotDay;
  /** A snapshot encoded by the writer, waiting for its events to commit; then saved. */
  private volatile PendingSnapshot pendingSnapshot;
  @SuppressWarnings("unused") // accessed through SNAPSHOTTING
  private volatile boolean snapshotting;
  /** A policy whose state could not be encoded: no snapshots are tried while it is in force. */
  private volatile Object snapshotsRefusedBy;

  private record PendingSnapshot(long seq, int epoch, byte[] bytes) {}

  private BranchEngine(BranchConfig config) {
    this.config = config;
    this.calendar = new BranchCalendar(config.zone(), config.slots().windowLength().toMinutes(),
        config.slots().windowsPerDay());
    this.store = config.store();
    this.durable = store.isDurable();
    this.mode = config.durability();
    this.stats.clock = config.clock();
    this.requests = Caffeine.newBuilder()
        .expireAfter(new RequestExpiry(config.limits().requestIdWindow()))
        .ticker(() -> {
          Instant now = config.clock().now();
          return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        })
        .build();
    Core opened = replay(true, Long.MAX_VALUE);
    install(opened);
    this.committedSeq = opened.seq;
    this.rotation = config.rotationScheduler() == null ? null
        : config.rotationScheduler().scheduleAtFixedRate(this::scheduledRotation,
            config.rotationInterval().toMillis(), config.rotationInterval().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Opens the branch: replays the store's history of it, if any, into an identical engine. */
  public static BranchEngine open(BranchConfig config) {
    return new BranchEngine(config);
  }

  private void install(Core c) {
    this.tx = new Tx(c, stats);
    this.core = c;
  }

  /**
   * The branch as its store has it: the newest usable snapshot (if any) plus the events after it.
   * At open, request ids are learnt and listeners that want history get the events their horizon
   * asks for, which may reach further back than the snapshot.
   */
  private Core replay(boolean opening, long upTo) {
    Core base = null;
    List<SnapshotCodec.RememberedRequest> remembered = List.of();
    Optional<BranchSnapshot> snapshot = store.loadSnapshot(config.branchId());
    if (snapshot.isPresent() && snapshot.get().seq() <= upTo) {
      try {
        SnapshotCodec.Decoded decoded = SnapshotCodec.decode(config, snapshot.get().state());
        if (decoded.state().seq != snapshot.get().seq()) {
          throw new SnapshotCodec.Unusable("it is labelled seq " + snapshot.get().seq() + " but holds seq "
              + decoded.state().seq);
        }
        base = decoded.state();
        remembered = decoded.requests();
        if (opening) {
          snapshotSeq = base.seq;
          snapshotDay = base.day;
        }
      } catch (SnapshotCodec.Unusable e) {
        log.info("branch {}: the snapshot at event {} is not used, the whole history is replayed: {}",
            config.branchId(), snapshot.get().seq(), e.getMessage());
      }
    }
    if (base == null) {
      base = new Core(config, calendar, config.initialMode());
    }
    long baseSeq = base.seq;
    List<QueueEvent> tail = store.load(config.branchId(), baseSeq);
    if (upTo < Long.MAX_VALUE) {
      for (QueueEvent e : tail) {
        if (e.seq() <= upTo) {
          base.apply(e);
        }
      }
      return base;
    }
    tail.forEach(base::apply);
    if (opening) {
      for (SnapshotCodec.RememberedRequest r : remembered) {
        remember(r.requestId(), r.fingerprint(), r.resultId(), r.usedAt());
      }
      tail.forEach(this::remember);
      if (base.seq > 0) {
        deliverHistory(baseSeq, tail);
      }
    }
    return base;
  }

  /** Hands listeners that want history the part of it their horizon asks for. */
  private void deliverHistory(long snapshotSeq, List<QueueEvent> tail) {
    Instant now = config.clock().now();
    List<QueueEvent> all = snapshotSeq == 0 ? tail : null;
    for (QueueListener l : config.listeners()) {
      if (!l.wantsHistory()) {
        continue;
      }
      Duration horizon = l.historyHorizon();
      List<QueueEvent> history;
      if (snapshotSeq == 0) {
        history = tail; // the whole history is in memory anyway
      } else if (horizon == null) {
        all = all != null ? all : store.load(config.branchId(), 0);
        history = all;
      } else {
        Instant from = now.minus(horizon);
        history = !tail.isEmpty() && !tail.get(0).at().isAfter(from) ? since(tail, from)
            : store.loadSince(config.branchId(), from);
      }
      if (!history.isEmpty()) {
        l.onEvents(config.branchId(), Collections.unmodifiableList(history));
      }
    }
  }

  private static List<QueueEvent> since(List<QueueEvent> events, Instant from) {
    int i = 0;
    while (i < events.size() && events.get(i).at().isBefore(from)) {
      i++;
    }
    return events.subList(i, events.size());
  }

  private void remember(QueueEvent e) {
    if (e instanceof TicketIssued i && i.requestId() != null) {
      remember(i.requestId(), issueFingerprint(i.service(), i.origin().name(), i.categories(), i.personId()),
          i.ticketId(), i.at(), i.seq());
    } else if (e instanceof BookingMade b && b.requestId() != null) {
      remember(b.requestId(), bookFingerprint("book", b.service(), b.windowStart(), b.windows(), b.channel(),
          b.personId()), b.bookingId(), b.at(), b.seq());
    } else if (e instanceof QueueEvent.PlaceHeld h && h.requestId() != null) {
      remember(h.requestId(), bookFingerprint("hold", h.service(), h.windowStart(), h.windows(), h.channel(),
          h.personId()), h.holdId(), h.at(), h.seq());
    } else if (e instanceof QueueEvent.HoldConfirmed c && c.requestId() != null) {
      remember(c.requestId(), confirmFingerprint(c.holdId()), c.bookingId(), c.at(), c.seq());
    } else if (e instanceof QueueEvent.BookingRescheduled r && r.requestId() != null) {
      remember(r.requestId(), rescheduleFingerprint(BookingCodes.encode(r.bookingId()), r.windowStart()),
          r.bookingId(), r.at(), r.seq());
    }
  }

  private void remember(String requestId, Object fingerprint, long resultId, Instant usedAt) {
    remember(requestId, fingerprint, resultId, usedAt, 0);
  }

  private void remember(String requestId, Object fingerprint, long resultId, Instant usedAt, long seq) {
    Instant now = config.clock().now();
    if (!usedAt.plus(config.limits().requestIdWindow()).isAfter(now)) {
      requests.invalidate(requestId); // its window is over: a running engine would have forgotten it too
      return;
    }
    Request r = new Request(fingerprint);
    r.applied(resultId, usedAt, seq);
    r.result.complete(resultId);
    requests.put(requestId, r);
  }

  // ---------------------------------------------------------------- operations as values

  /**
   * One submitted operation; its own future. Completed by the writer (non-durable stores, ASYNC)
   * or by the committer (SYNC, GROUP). The public completion methods are refused, so a caller of
   * the async API cannot complete an engine operation by hand.
   */
  abstract static class Op extends CompletableFuture<Object> implements Action {
    /** The idempotency entry of a request with an id, told the result when the op is applied. */
    Request request;
    /** The op's result once applied (the value the future completes with). */
    Object value;

    /** Applies the op through the writer's Tx; returns its result. */
    @Override
    public abstract Object run(Tx tx);

    final void succeed(Object result) {
      super.complete(result);
    }

    final void fail(Throwable error) {
      super.completeExceptionally(error);
    }

    @Override
    public boolean complete(Object value) {
      throw new UnsupportedOperationException("an engine operation is completed by the engine");
    }

    @Override
    public boolean completeExceptionally(Throwable ex) {
      throw new UnsupportedOperationException("an engine operation is completed by the engine");
    }

    @Override
    public void obtrudeValue(Object value) {
      throw new UnsupportedOperationException("an engine operation is completed by the engine");
    }

    @Override
    public void obtrudeException(Throwable ex) {
      throw new UnsupportedOperationException("an engine operation is completed by the engine");
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
      return new CompletableFuture<>();
    }
  }

  /** The ops and events of one drain, on their way to the store (durable stores only). */
  private static final class Batch {
    final List<QueueEvent> events;
    final List<Op> ops;
    final int epoch;

    Batch(List<QueueEvent> events, List<Op> ops, int epoch) {
      this.events = events;
      this.ops = ops;
      this.epoch = epoch;
    }

    long lastSeq() {
      return events.get(events.size() - 1).seq();
    }
  }

  // ---------------------------------------------------------------- submission and the writer

  /** Submits an op; a blocking caller commits inline, an async one leaves commits to the commit thread. */
  private Op submit(Op op, boolean blocking) {
    if (closed) {
      throw new EngineClosedException("branch " + config.branchId() + " is closed");
    }
    refuseIfBroken();
    if (mode == Durability.ASYNC && durable) {
      long behind = core.seq - committedSeq;
      if (behind >= config.asyncMaxPending()) {
        throw new StorageException("branch " + config.branchId() + ": the store is " + behind
            + " events behind (ASYNC limit " + config.asyncMaxPending()
            + "); operations are refused until it catches up");
      }
    }
    ops.offer(op);
    drain();
    if (durable && !commits.isEmpty()) {
      if (blocking && mode != Durability.ASYNC) {
        drainCommits();
      } else {
        commitInBackground();
      }
    }
    return op;
  }

  private void refuseIfBroken() {
    if (lost != null) {
      throw refusal();
    }
    if (poisoned != null) {
      throw new StorageException(poisoned);
    }
  }

  /** Waits for an op submitted by a blocking call and returns its result or throws its failure. */
  private Object await(Op op) {
    try {
      return op.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new StorageException("operation failed: " + cause, cause);
    }
  }

  private Object call(Op op) {
    submit(op, true);
    if (!durable) {
      // The writer holding the role applies a queued op within microseconds, and nothing waits
      // for I/O here: watching the op's result that long is cheaper than parking and being
      // unparked (several microseconds each). Bounded; then join() blocks as usual.
      for (int i = 0; i < SPINS_BEFORE_BLOCKING && !op.isDone(); i++) {
        Thread.onSpinWait();
      }
    }
    return await(op);
  }

  /** How long a caller of a non-durable branch watches its queued op before blocking: ~1-10 µs. */
  private static final int SPINS_BEFORE_BLOCKING = 256;

  /** Takes the writer role while ops wait, applies them, and looks again after releasing it. */
  private void drain() {
    drainOps();
    snapshotIfDueAndIdle();
  }

  private void drainOps() {
    while (!ops.isEmpty()) {
      if (racyWriterRoleForTests) {
        applyBatch(); // the planted race of the Lincheck self-test: no exclusive writer
        continue;
      }
      if (!WRITING.compareAndSet(this, 0, 1)) {
        return; // the holder will see our op: it looks at the queue after releasing the role
      }
      try {
        applyBatch();
      } finally {
        WRITING.setVolatile(this, 0); // volatile: ordered before our next look at the queue
      }
    }
  }

  /**
   * A snapshot that came due while the previous one was being saved: taken by whoever finds the
   * branch idle, the last writer after releasing the role or the snapshot thread after a save.
   * Both look after a volatile write of their own (the role, or the snapshotting flag), so one of
   * them sees the other's and the newest state is not left without a snapshot.
   */
  private void snapshotIfDueAndIdle() {
    Core c = core;
    if (snapshotting || !snapshotDue(c) || c.policy == snapshotsRefusedBy || lost != null || poisoned != null || !WRITING.compareAndSet(this, 0, 1)) {
      return;
    }
    try {
      maybeSnapshot();
    } finally {
      WRITING.setVolatile(this, 0);
    }
    drainOps(); // an op offered while we held the role found it taken and left its op to us
    if (durable && !commits.isEmpty()) {
      commitInBackground(); // ...and its caller may already wait for the commit, not committing itself
    }
  }

  /** Holding the writer role: applies one batch of ops and hands it on. */
  private void applyBatch() {
    if (brokenEpoch == epoch || resyncNeeded) {
      try {
        if (brokenEpoch == epoch) {
          rebuildAfterFailedCommit();
        }
        resync();
      } catch (RuntimeException e) {
        // the store cannot be read either: refuse what waits; the next drain tries again
        for (Op op; (op = ops.relaxedPoll()) != null; ) {
          op.fail(e);
        }
        return;
      }
    }
    trimCommitted();
    List<QueueEvent> events = durable ? new ArrayList<>(8) : scratch;
    List<Op> applied = durable ? new ArrayList<>(8) : null;
    int count = 0;
    Op op;
    while (count < MAX_BATCH && (op = ops.relaxedPoll()) != null) {
      count++;
      if (op instanceof CloseOp) {
        op.succeed(null); // no clock catch-up: closing emits nothing
        continue;
      }
      if (lost != null || poisoned != null) {
        op.fail(lost != null ? refusal() : new StorageException(poisoned));
        continue;
      }
      if (applyOne(op, events) && durable) {
        applied.add(op); // (a failed op was completed exceptionally and left nothing behind)
      }
    }
    if (durable) {
      handToCommit(events, applied);
      maybeSnapshot();
      return;
    }
    // non-durable: append in place (no I/O), announce, acknowledge
    if (!events.isEmpty()) {
      try {
        store.append(config.branchId(), config.fencingToken(), events);
      } catch (RuntimeException e) {
        failNonDurableBatch(e);
        return;
      }
      committedSeq = core.seq;
      notifyListeners(events);
      considerSnapshotOfCommitted();
    }
    events.clear();
    completeApplied();
    maybeSnapshot();
  }

  /** Ops applied in this non-durable batch, completed after the append; writer-only. */
  private final ArrayList<Op> appliedNonDurable = new ArrayList<>(16);

  private void completeApplied() {
    for (int i = 0; i < appliedNonDurable.size(); i++) {
      Op o = appliedNonDurable.get(i);
      o.succeed(o.value);
    }
    appliedNonDurable.clear();
  }

  /**
   * Applies one op: reads the clock, catches up with time, runs the op and what follows any op.
   * Returns false if it failed (the op is then completed exceptionally and the core is as before).
   */
  private boolean applyOne(Op op, List<QueueEvent> events) {
    try {
      op.value = apply(op, op.request, events);
    } catch (RuntimeException | Error e) {
      op.fail(e);
      return false;
    }
    if (!durable) {
      appliedNonDurable.add(op);
    } else if (mode == Durability.ASYNC) {
      op.succeed(op.value); // acknowledged when applied; committed in the background
    }
    return true;
  }

  /** What the writer runs for one operation. */
  interface Action {
    Object run(Tx tx);
  }

  /**
   * Holding the writer role: reads the clock, catches up with time, runs the action and what
   * follows any operation, adding the events to {@code events}. Returns the action's result; if it
   * throws, the core is as it was before (undone from a checkpoint or the store).
   */
  private Object apply(Action action, Request request, List<QueueEvent> events) {
    Core c = core;
    int mark = events.size();
    long seqBefore = c.seq;
    byte[] checkpoint = null;
    try {
      Instant now = config.clock().now();
      Instant last = c.lastAt;
      if (last != null && now.isBefore(last) && Duration.between(now, last).compareTo(config.clockTolerance()) <= 0) {
        now = last; // a small step back (e.g. an NTP correction) counts as no time passing
      }
      Tx t = tx.at(now, events);
      if (t.catchUpDue()) {
        checkpoint = checkpoint(c); // rare (a new window, day, expiry or return): lets a failing op be undone
      }
      t.catchUp();
      Object result = action.run(t);
      if (events.size() > mark) {
        t.afterOp();
        if (result instanceof Ticket ticket) {
          result = c.tickets.get(ticket.id()); // auto-call may have moved it on
        }
      }
      if (request != null) {
        long id = result instanceof Ticket ticket ? ticket.id()
            : result instanceof dev.talon.queue.Hold h ? h.id() : ((Booking) result).id();
        request.applied(id, now, c.seq);
      }
      return result;
    } catch (RuntimeException | Error e) {
      if (core.seq != seqBefore) {
        undoTo(seqBefore, events, mark, checkpoint);
      }
      throw e;
    }
  }

  // ---------------------------------------------------------------- the direct path

  /** Returned by direct() when the branch was busy and the operation must be queued. */
  private static final Object QUEUE_IT = new Object();

  /**
   * The writer's reusable action for the direct path; its fields are set and read only while the
   * writer role is held, so no other thread touches them.
   */
  private final DirectAction direct = new DirectAction();

  private static final class DirectAction implements Action {
    int kind;
    Object arg;
    long id;

    @Override
    public Object run(Tx tx) {
      return kind == ISSUE ? tx.issue((IssueRequest) arg) : kind == CALL_NEXT ? tx.callNext((String) arg)
          : TicketOp.run(tx, kind, id, arg);
    }
  }

  /**
   * Flat combining's fast path, for stores that are not durable (nothing to wait for after the
   * apply): when no operation is queued and the writer role is free, the caller applies its own
   * operation at once, with no Op, no queue and no future, appends it and announces it, then drains
   * whatever was queued meanwhile. Otherwise returns QUEUE_IT and the caller submits as usual.
   */
  private Object direct(int kind, Object arg, long id) {
    boolean racy = racyWriterRoleForTests; // the planted race of the Lincheck self-test: no exclusive writer
    if (durable || closed || lost != null || poisoned != null || !ops.isEmpty()
        || !(racy || WRITING.compareAndSet(this, 0, 1))) {
      return QUEUE_IT;
    }
    Object result;
    try {
      DirectAction a = direct;
      a.kind = kind;
      a.arg = arg;
      a.id = id;
      List<QueueEvent> events = scratch;
      try {
        result = apply(a, null, events);
      } finally {
        a.arg = null;
      }
      if (!events.isEmpty()) {
        try {
          store.append(config.branchId(), config.fencingToken(), events);
        } catch (RuntimeException e) {
          failNonDurableBatch(e);
          throw lost != null ? refusal() : e instanceof QueueException ? e
              : new StorageException("appending events failed: " + e, e);
        }
        committedSeq = core.seq;
        notifyListeners(events);
        events.clear();
        considerSnapshotOfCommitted();
        maybeSnapshot();
      }
    } finally {
      if (!racy) {
        WRITING.setVolatile(this, 0);
      }
      drain(); // ops offered while we held the role found it taken and left them to us
    }
    return result;
  }

  /**
   * Rare: an op failed after it emitted events. Rebuilds the core as it was before the op: the
   * store's state plus the events applied before the op that the store does not have yet.
   */
  private void undoTo(long seq, List<QueueEvent> events, int mark, byte[] checkpoint) {
    List<QueueEvent> keep = new ArrayList<>(uncommitted);
    keep.addAll(events.subList(0, mark));
    events.subList(mark, events.size()).clear();
    if (checkpoint == EMPTY) {
      install(new Core(config, calendar, config.initialMode()));
      return;
    }
    if (checkpoint != null) {
      try {
        install(SnapshotCodec.decode(config, checkpoint).state());
        return;
      } catch (SnapshotCodec.Unusable e) {
        log.warn("branch {}: a checkpoint could not be read back, rebuilding from the store: {}", config.branchId(),
            e.getMessage());
      }
    }
    try {
      Core rebuilt = replay(false, lost != null ? committedSeq : Long.MAX_VALUE);
      for (QueueEvent e : keep) {
        if (e.seq() > rebuilt.seq && e.seq() <= seq) {
          rebuilt.apply(e);
        }
      }
      if (rebuilt.seq != seq) {
        throw new StorageException("branch " + config.branchId() + ": the store returned events up to "
            + rebuilt.seq + " where " + seq + " were expected");
      }
      install(rebuilt);
    } catch (RuntimeException e) {
      poisoned = "branch " + config.branchId() + " could not undo a failed operation (" + e.getMessage()
          + "); reopen the branch from its store";
      log.warn("{}", poisoned, e);
    }
  }

  private void failNonDurableBatch(RuntimeException e) {
    if (e instanceof EventStore.StaleFenceException stale) {
      fenced(stale);
    }
    RuntimeException cause = lost != null ? refusal()
        : e instanceof QueueException ? e : new StorageException("appending events failed: " + e, e);
    long before = committedSeq;
    scratch.clear();
    for (Op o : appliedNonDurable) {
      o.fail(cause);
    }
    appliedNonDurable.clear();
    undoTo(before, new ArrayList<>(), 0, null);
  }

  private static final byte[] EMPTY = new byte[0];

  /** The writer's core encoded, to undo an op with; null if its policy cannot be snapshotted. */
  private byte[] checkpoint(Core c) {
    if (c.seq == 0) {
      return EMPTY; // a branch with no history: undoing means starting afresh
    }
    if (c.policy == snapshotsRefusedBy) {
      return null;
    }
    try {
      return SnapshotCodec.encode(config, c, List.of());
    } catch (SnapshotCodec.Unusable | RuntimeException e) {
      return null;
    }
  }

  // ---------------------------------------------------------------- durable commits

  private void handToCommit(List<QueueEvent> events, List<Op> applied) {
    if (events.isEmpty() && (uncommitted.isEmpty() || mode == Durability.ASYNC)) {
      for (Op o : applied) {
        if (!o.isDone()) {
          o.succeed(o.value); // nothing to commit (no change) and nothing it read is still committing
        }
      }
      return;
    }
    if (mode == Durability.ASYNC) {
      applied = List.of(); // acknowledged already
    }
    uncommitted.addAll(events);
    commits.offer(new Batch(events, applied, epoch));
  }

  private void trimCommitted() {
    long c = committedSeq;
    while (!uncommitted.isEmpty() && uncommitted.peekFirst().seq() <= c) {
      uncommitted.pollFirst();
    }
  }

  private void commitInBackground() {
    try {
      EngineThreads.COMMITS.execute(this::drainCommits); // shared by all branches: no thread per branch
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      drainCommits();
    }
  }

  /** Takes the commit role while batches wait, commits them in order, and looks again after releasing it. */
  private void drainCommits() {
    while (!commits.isEmpty()) {
      if (!COMMITTING.compareAndSet(this, 0, 1)) {
        return;
      }
      try {
        commitQueued();
      } finally {
        COMMITTING.setVolatile(this, 0);
      }
    }
  }

  private void commitQueued() {
    Batch first;
    while ((first = commits.relaxedPoll()) != null) {
      List<Batch> group = new ArrayList<>(4);
      group.add(first);
      int size = first.events.size();
      Batch next;
      while (size < MAX_APPEND && (next = commits.relaxedPeek()) != null && next.epoch == first.epoch) {
        group.add(commits.relaxedPoll());
        size += next.events.size();
      }
      if (first.epoch <= brokenEpoch || lost != null) {
        failGroup(group, lost != null ? refusal() : new StorageException("branch " + config.branchId() + ": event "
            + first.events.get(0).seq() + " depended on events whose commit failed; the operation was undone"));
        continue;
      }
      List<QueueEvent> all;
      if (group.size() == 1) {
        all = first.events;
      } else {
        all = new ArrayList<>(size);
        for (Batch b : group) {
          all.addAll(b.events);
        }
      }
      commitGroup(group, all);
    }
  }

  private void commitGroup(List<Batch> group, List<QueueEvent> all) {
    if (all.isEmpty()) {
      committed(group); // ops that changed nothing, waiting only for the batches before them
      return;
    }
    long pause = 10;
    while (true) {
      long started = System.nanoTime();
      try {
        store.append(config.branchId(), config.fencingToken(), all);
        stats.committed(config.branchId(), all.size(), started, true);
        committed(group);
        return;
      } catch (EventStore.SequenceConflictException conflict) {
        resync(group, conflict);
        return;
      } catch (RuntimeException failure) {
        stats.committed(config.branchId(), all.size(), started, false);
        if (failure instanceof EventStore.StaleFenceException stale) {
          fenced(stale); // before the futures fail, so that their callers see the loss
          breakEpoch(group, refusal());
          return;
        }
        if (mode == Durability.ASYNC && (!closed || pause < 1_000)) {
          // already acknowledged: nothing to roll back, so keep trying with a growing pause
          log.warn("branch {}: an ASYNC commit failed, retrying in {} ms: {}", config.branchId(), pause,
              failure.toString());
          sleep(pause);
          pause = Math.min(pause * 2, 1_000);
          continue;
        }
        breakEpoch(group, failure instanceof QueueException ? failure
            : new StorageException("appending events of branch " + config.branchId() + " failed: " + failure, failure));
        return;
      }
    }
  }

  /**
   * The store already holds events at the group's sequence numbers. Those that equal ours (an
   * earlier attempt committed although the store could not confirm it) are committed after all;
   * from the first difference on the group failed and the writer adopts the store's events.
   */
  private void resync(List<Batch> group, EventStore.SequenceConflictException conflict) {
    List<QueueEvent> stored;
    try {
      stored = store.load(config.branchId(), committedSeq);
    } catch (RuntimeException e) {
      breakEpoch(group, conflict);
      return;
    }
    int at = 0;
    List<Batch> written = new ArrayList<>();
    for (Batch b : group) {
      int end = at + b.events.size();
      if (end > stored.size() || !stored.subList(at, end).equals(b.events)) {
        break;
      }
      written.add(b);
      at = end;
    }
    committed(written);
    if (written.size() < group.size()) {
      breakEpoch(group.subList(written.size(), group.size()), conflict);
    }
  }

  private void committed(List<Batch> group) {
    advanceShadow(group);
    for (Batch b : group) {
      if (!b.events.isEmpty()) {
        committedSeq = b.lastSeq();
      }
      notifyListeners(b.events);
      for (Op o : b.ops) {
        o.succeed(o.value);
      }
    }
    if (!group.isEmpty()) {
      considerSnapshotOfCommitted();
    }
  }

  /** A commit failed: its batches and every later batch of the epoch fail; the writer rebuilds. */
  private void breakEpoch(List<Batch> group, RuntimeException cause) {
    brokenEpoch = group.get(0).epoch;
    PendingSnapshot p = pendingSnapshot;
    if (p != null && p.epoch == brokenEpoch) {
      pendingSnapshot = null;
      snapshotSeq = Math.min(snapshotSeq, committedSeq);
      SNAPSHOTTING.setVolatile(this, false);
    }
    // rebuild now if the writer role is free, so that a failed caller sees the state it left;
    // otherwise the writer rebuilds at its next batch
    boolean rebuilt = false;
    if (WRITING.compareAndSet(this, 0, 1)) {
      try {
        if (brokenEpoch == epoch) {
          rebuildAfterFailedCommit();
        }
        rebuilt = true;
      } catch (RuntimeException e) {
        log.warn("branch {}: reloading after a failed commit failed, the next operation tries again: {}",
            config.branchId(), e.toString());
      } finally {
        WRITING.setVolatile(this, 0);
      }
    }
    failGroup(group, cause);
    if (rebuilt) {
      drain();
    }
  }

  private void failGroup(List<Batch> group, RuntimeException cause) {
    for (Batch b : group) {
      for (Op o : b.ops) {
        o.fail(cause);
      }
    }
  }

  /**
   * Holding the commit role after a commit: applies the committed batches to the shadow core,
   * building it from the store first if there is none (the store has just answered).
   */
  private void advanceShadow(List<Batch> group) {
    if (mode == Durability.ASYNC || group.isEmpty()) {
      return; // ASYNC never rolls back
    }
    Core s = shadow;
    try {
      if (s == null) {
        long before = group.get(0).events.isEmpty() ? committedSeq : group.get(0).events.get(0).seq() - 1;
        s = replay(false, before);
        if (s.seq != before) {
          return; // the store is behind what was committed: leave it to the next commit
        }
      }
      for (Batch b : group) {
        b.events.forEach(s::apply);
      }
      shadow = s;
    } catch (RuntimeException e) {
      shadow = null; // built again at the next commit
    }
  }

  /**
   * Holding the writer role after a failed commit: back to the committed state, in a new epoch.
   * Takes the shadow core when it is at the committed seq (no I/O); else reloads from the store.
   */
  private void rebuildAfterFailedCommit() {
    Core s = shadow;
    long known = committedSeq;
    if (s != null && s.seq == known) {
      shadow = null;
      install(s);
    } else {
      install(replay(false, known)); // may throw: the next batch tries again
      shadow = null;
    }
    epoch++;
    uncommitted.clear();
    resyncNeeded = lost == null;
  }

  /**
   * Holding the writer role after a rollback: adopts events the store holds beyond the core (a
   * commit that succeeded although the store could not confirm it), announcing them.
   */
  private void resync() {
    if (!resyncNeeded) {
      return;
    }
    Core c = core;
    List<QueueEvent> adopted = store.load(config.branchId(), c.seq); // may throw: tried again next batch
    for (QueueEvent e : adopted) {
      c.apply(e);
      remember(e);
    }
    resyncNeeded = false;
    if (!adopted.isEmpty()) {
      committedSeq = c.seq;
      notifyListeners(adopted);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The store refused an append for a stale fencing token: another engine owns the branch now.
   * From here on every operation is refused.
   */
  private void fenced(EventStore.StaleFenceException e) {
    if (lost == null) {
      lost = e.getMessage();
      log.warn("branch {}: the store refused epoch {}, another engine owns the branch now: {}", config.branchId(),
          config.fencingToken(), lost);
    }
  }

  private BranchLostException refusal() {
    return new BranchLostException(config.branchId(), config.fencingToken(), lost);
  }

  private void notifyListeners(List<QueueEvent> events) {
    if (events.isEmpty()) {
      return;
    }
    waiters.changed(); // desks waiting in awaitNext look again (off this thread)
    QueueListener attached = stats.attached;
    if (config.listeners().isEmpty() && attached == null) {
      return;
    }
    List<QueueEvent> view = Collections.unmodifiableList(events);
    if (attached != null) {
      attached.onEvents(config.branchId(), view); // the metrics binder: counts, never throws
    }
    for (QueueListener l : config.listeners()) {
      try {
        l.onEvents(config.branchId(), view);
      } catch (RuntimeException e) {
        log.warn("listener {} failed on events {}..{} of branch {}", l, events.get(0).seq(),
            events.get(events.size() - 1).seq(), config.branchId(), e);
      }
    }
  }

  // ---------------------------------------------------------------- snapshots

  /** The single background thread that saves snapshots of every branch of this JVM. */
  private static final class SnapshotThread {
    static final ExecutorService EXECUTOR = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "talon-snapshots");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Holding the writer role at a batch boundary: if enough events passed since the last snapshot
   * and none is on its way, encodes the core (CPU only) and leaves it pending until its events are
   * committed.
   */
  private void maybeSnapshot() {
    Core c = core;
    if (!snapshotDue(c) || c.policy == snapshotsRefusedBy
        || lost != null || poisoned != null || !SNAPSHOTTING.compareAndSet(this, false, true)) {
      return;
    }
    byte[] bytes = encode(c);
    if (bytes == null) {
      SNAPSHOTTING.setVolatile(this, false);
      return;
    }
    snapshotSeq = c.seq;
    snapshotDay = c.day;
    pendingSnapshot = new PendingSnapshot(c.seq, epoch, bytes);
    considerSnapshotOfCommitted();
  }

  /**
   * Enough events since the last snapshot, or, with daily snapshots, a branch-local day since it
   * (taken at the new day's first batch, when the past day's tickets were just forgotten). Called
   * also before taking the writer role, as a hint: {@code c.day} may then be read stale, which can
   * only delay the snapshot to the next look or cost one look under the role, where it is decided.
   */
  private boolean snapshotDue(Core c) {
    int every = config.snapshotEvery();
    if (every > 0 && c.seq - snapshotSeq >= every) {
      return true;
    }
    LocalDate day = c.day;
    return config.snapshotDaily() && day != null && !day.equals(snapshotDay) && c.seq > snapshotSeq;
  }

  /** After a commit: hands a pending snapshot whose events are all committed to the snapshot thread. */
  private void considerSnapshotOfCommitted() {
    PendingSnapshot p = pendingSnapshot;
    if (p == null || p.seq > committedSeq) {
      return;
    }
    pendingSnapshot = null;
    try {
      SnapshotThread.EXECUTOR.execute(() -> save(p));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      SNAPSHOTTING.setVolatile(this, false);
    }
  }

  private void save(PendingSnapshot p) {
    try {
      if (lost == null) {
        long started = System.nanoTime();
        store.saveSnapshot(config.branchId(), new BranchSnapshot(p.seq, p.bytes));
        stats.snapshotSaved(config.branchId(), p.seq, p.bytes.length, config.clock().now().toEpochMilli(), started);
      }
    } catch (RuntimeException e) {
      log.warn("branch {}: the snapshot at event {} was not saved (the next one is tried after {} more events): {}",
          config.branchId(), p.seq, config.snapshotEvery(), e.toString());
    } finally {
      SNAPSHOTTING.setVolatile(this, false);
    }
    if (!closed) {
      snapshotIfDueAndIdle(); // the state moved on while this one was saved
    }
  }

  /** Encodes the writer's core; null (logged) if the policy cannot be snapshotted. */
  private byte[] encode(Core c) {
    try {
      return SnapshotCodec.encode(config, c, rememberedRequests(c));
    } catch (SnapshotCodec.Unusable | RuntimeException e) {
      // a policy without a codec (UnsupportedOperationException) or with a faulty one
      snapshotsRefusedBy = c.policy;
      log.warn("branch {}: no snapshots while policy {} is in force: {}", config.branchId(), c.policy.name(),
          e.getMessage(), e instanceof UnsupportedOperationException ? null : e);
      return null;
    }
  }

  /**
   * The request ids the core's history still has remembered: those of its tickets and bookings made
   * within the window (also ones forgotten since, whose ids still refuse a different request).
   * Called by the writer, which has recorded the result of every op it applied.
   */
  private List<SnapshotCodec.RememberedRequest> rememberedRequests(Core c) {
    List<SnapshotCodec.RememberedRequest> out = new ArrayList<>();
    Instant now = config.clock().now();
    for (var entry : requests.asMap().entrySet()) {
      Request r = entry.getValue();
      long result = r.resultId;
      Instant usedAt = r.usedAt;
      if (usedAt == null) {
        continue; // not applied yet: it belongs to a later state
      }
      boolean inState = r.seq <= c.seq; // applied in this state, not in a later batch
      if (inState && usedAt.plus(config.limits().requestIdWindow()).isAfter(now)) {
        out.add(new SnapshotCodec.RememberedRequest(entry.getKey(), r.fingerprint, result, usedAt));
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- admission and idempotency

  private void admit(AdmissionRequest.Kind kind, String service, Origin origin, String personId,
      Set<String> categories) {
    if (config.checks().isEmpty()) {
      return;
    }
    AdmissionRequest req = new AdmissionRequest(kind, config.branchId(), service, origin, personId, categories,
        config.clock().now());
    for (AdmissionCheck c : config.checks()) {
      AdmissionDecision decision = c.check(req);
      if (decision == null || !decision.admitted()) {
        stats.refused(kind == AdmissionRequest.Kind.CHECK_IN ? "check-in" : kind.name().toLowerCase(Locale.ROOT),
            service, c.name());
        throw new AdmissionRefusedException(c.name(), decision == null ? "the check gave no decision" : decision.reason());
      }
    }
  }

  static final class Request {
    final Object fingerprint;
    final CompletableFuture<Long> result = new CompletableFuture<>();
    /**
     * The ticket, booking or hold it made or acted on and when (its event's time), and the seq of
     * the state it left (0 when learnt from a snapshot); set by the writer when applied.
     */
    volatile long resultId;
    volatile Instant usedAt;
    volatile long seq;

    Request(Object fingerprint) {
      this.fingerprint = fingerprint;
    }

    void applied(long id, Instant at, long seqAfter) {
      resultId = id;
      seq = seqAfter;
      usedAt = at; // last: rememberedRequests reads usedAt first, and a non-null one comes with the rest
    }
  }

  /**
   * A request id is remembered for the window from the moment it was first used, also when it is
   * learnt again from the history or a snapshot (then usedAt is known and only the rest of the
   * window is left), so a reopened engine forgets ids exactly when the running one would have.
   */
  private static final class RequestExpiry implements com.github.benmanes.caffeine.cache.Expiry<String, Request> {
    private final long windowNanos;

    RequestExpiry(Duration window) {
      this.windowNanos = window.toNanos();
    }

    @Override
    public long expireAfterCreate(String key, Request r, long currentTime) {
      Instant used = r.usedAt;
      if (used == null) {
        return windowNanos; // a first attempt: it is being used now
      }
      long usedNanos = used.getEpochSecond() * 1_000_000_000L + used.getNano();
      return Math.max(0, usedNanos + windowNanos - currentTime);
    }

    @Override
    public long expireAfterUpdate(String key, Request r, long currentTime, long currentDuration) {
      return expireAfterCreate(key, r, currentTime);
    }

    @Override
    public long expireAfterRead(String key, Request r, long currentTime, long currentDuration) {
      return currentDuration;
    }
  }

  /** A fingerprint without the person id (personal data never goes into a message). */
  private static String describe(Object fingerprint) {
    List<?> parts = (List<?>) fingerprint;
    return String.join(" ", parts.subList(0, parts.size() - 1).stream().map(String::valueOf).toList())
        + ("null".equals(parts.get(parts.size() - 1)) ? ", no person" : ", a person id");
  }

  private static Object issueFingerprint(String service, String origin, Set<String> categories, String personId) {
    return List.of("issue", service, origin, Set.copyOf(categories), String.valueOf(personId));
  }

  /** Of a booking or a hold ({@code kind}): what it asks for; the person id last, as in every fingerprint. */
  private static Object bookFingerprint(String kind, String service, java.time.LocalDateTime windowStart, int windows,
      dev.talon.queue.Channel channel, String personId) {
    return List.of(kind, service, windowStart.toString(), String.valueOf(windows), String.valueOf(channel),
        String.valueOf(personId));
  }

  private static Object confirmFingerprint(long holdId) {
    return List.of("confirm", "hold " + holdId, "null");
  }

  private static Object rescheduleFingerprint(String code, java.time.LocalDateTime to) {
    return List.of("reschedule", String.valueOf(code), String.valueOf(to), "null");
  }

  /**
   * The hold a request id made, as it is now if still live, else as it was made (rebuilt from the
   * request's fingerprint and time: a retry returns the first outcome, never a second hold).
   */
  private dev.talon.queue.Hold holdNow(long id, String requestId, Object fingerprint) {
    dev.talon.queue.Hold live = core.cal.holdsRead.get(id);
    if (live != null) {
      return live;
    }
    Request r = requests.asMap().get(requestId);
    Instant at = r == null || r.usedAt == null ? config.clock().now() : r.usedAt;
    List<?> f = (List<?>) fingerprint;
    return new dev.talon.queue.Hold(id, (String) f.get(1), java.time.LocalDateTime.parse((String) f.get(2)),
        "null".equals(f.get(5)) ? null : (String) f.get(5), at, at.plus(config.slots().holdTime()),
        Integer.parseInt((String) f.get(3)), "null".equals(f.get(4)) ? null
            : dev.talon.queue.Channel.valueOf((String) f.get(4)));
  }

  /**
   * Runs an op that carries a request id once per id: the first submission runs it, a concurrent
   * duplicate waits for it, a later one gets the current snapshot of its result.
   */
  @SuppressWarnings("unchecked")
  private <R> CompletableFuture<R> once(String requestId, Object fingerprint, Op op, LongFunction<R> current,
      boolean blocking) {
    Request forgotten = null; // the prior request whose ticket or booking was forgotten, put back if this attempt fails
    while (true) {
      Request mine = new Request(fingerprint);
      Request prior;
      if (forgotten == null) {
        prior = requests.asMap().putIfAbsent(requestId, mine);
      } else if (requests.asMap().replace(requestId, forgotten, mine)) {
        prior = null;
      } else {
        forgotten = null; // another request with this id got there first: look again
        continue;
      }
      if (prior == null) {
        Request restore = forgotten;
        op.request = mine;
        try {
          submit(op, blocking);
        } catch (RuntimeException e) {
          giveBack(requestId, mine, restore);
          mine.result.completeExceptionally(e);
          throw e;
        }
        return (CompletableFuture<R>) (CompletableFuture<?>) op.handle((r, e) -> {
          if (e != null) {
            giveBack(requestId, mine, restore);
            mine.result.completeExceptionally(e);
            throw e instanceof CompletionException ce ? ce : new CompletionException(e);
          }
          mine.result.complete(mine.resultId);
          return r;
        });
      }
      forgotten = null;
      if (!prior.fingerprint.equals(fingerprint)) {
        throw new DuplicateRequestException("request id " + requestId + " was already used for a different request ("
            + describe(prior.fingerprint) + "); this one is " + describe(fingerprint)
            + ". Use a new request id for a new request");
      }
      if (!blocking && !prior.result.isDone()) {
        return prior.result.handle((id, e) -> e == null ? current.apply(id) : null).thenCompose(r -> r != null
            ? CompletableFuture.completedFuture(r) : once(requestId, fingerprint, op, current, false));
      }
      try {
        R r = current.apply(prior.result.join());
        if (r != null) {
          return CompletableFuture.completedFuture(r);
        }
        // the ticket or booking ended on an earlier day and was forgotten: this request runs afresh,
        // and the id stays remembered for the first request if it fails
        forgotten = prior;
      } catch (CompletionException failedFirstAttempt) {
        // the first request with this id failed and changed nothing; this retry tries for itself
      }
    }
  }

  /** After a failed attempt: the id is forgotten, or remembered again for the request it served before. */
  private void giveBack(String requestId, Request mine, Request restore) {
    if (restore == null) {
      requests.asMap().remove(requestId, mine);
    } else {
      requests.asMap().replace(requestId, mine, restore);
    }
  }

  private static <T> T join(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  // ---------------------------------------------------------------- the operations

  private static final class IssueOp extends Op {
    final IssueRequest r;

    IssueOp(IssueRequest r) {
      this.r = r;
    }

    @Override
    public Object run(Tx tx) {
      return tx.issue(r);
    }
  }

  private static final class CallNextOp extends Op {
    final String desk;

    CallNextOp(String desk) {
      this.desk = desk;
    }

    @Override
    public Object run(Tx tx) {
      return tx.callNext(desk);
    }
  }

  /** An op on one ticket. */
  private static final class TicketOp extends Op {
    final int kind;
    final long id;
    final Object arg;

    TicketOp(int kind, long id, Object arg) {
      this.kind = kind;
      this.id = id;
      this.arg = arg;
    }

    @Override
    public Object run(Tx tx) {
      return run(tx, kind, id, arg);
    }

    static Object run(Tx tx, int kind, long id, Object arg) {
      return switch (kind) {
        case RECALL -> tx.recall(id);
        case RETURN_CALL -> tx.returnCall(id);
        case START -> tx.startService(id);
        case FINISH -> tx.finish(id);
        case NO_SHOW -> tx.noShow(id);
        case CANCEL -> tx.cancel(id);
        case POSTPONE -> tx.postpone(id, (Duration) arg);
        case RESUME -> tx.resume(id);
        case TRANSFER -> tx.transfer(id, (TransferRequest) arg);
        case CALL_TICKET -> tx.callTicket((String) arg, id);
        default -> throw new IllegalStateException("unknown ticket op " + kind);
      };
    }
  }

  private static final int RECALL = 1;
  private static final int RETURN_CALL = 2;
  private static final int START = 3;
  private static final int FINISH = 4;
  private static final int NO_SHOW = 5;
  private static final int CANCEL = 6;
  private static final int POSTPONE = 7;
  private static final int RESUME = 8;
  private static final int TRANSFER = 9;
  private static final int CALL_TICKET = 10;
  private static final int ISSUE = 11;
  private static final int CALL_NEXT = 12;

  /** Any other op, as a function of the Tx. */
  private static final class FnOp extends Op {
    final java.util.function.Function<Tx, Object> fn;

    FnOp(java.util.function.Function<Tx, Object> fn) {
      this.fn = fn;
    }

    @Override
    public Object run(Tx tx) {
      return fn.apply(tx);
    }
  }

  /** Marks the end of ops accepted before close; applied even while closing. */
  private static final class CloseOp extends Op {
    @Override
    public Object run(Tx tx) {
      return null;
    }
  }

  @Override
  public String id() {
    return config.branchId();
  }

  @Override
  public ZoneId zone() {
    return config.zone();
  }

  @Override
  public Ticket issue(IssueRequest request) {
    request = pseudonymous(request);
    if (request != null && request.requestId() == null) {
      admit(AdmissionRequest.Kind.ISSUE, request.service(), request.origin(), request.personId(),
          request.categories());
      Object r = direct(ISSUE, request, 0);
      return (Ticket) (r != QUEUE_IT ? r : call(new IssueOp(request)));
    }
    return join(issue(request, true));
  }

  @Override
  public CompletableFuture<Ticket> issueAsync(IssueRequest request) {
    return issue(pseudonymous(request), false);
  }

  @SuppressWarnings("unchecked")
  private CompletableFuture<Ticket> issue(IssueRequest request, boolean blocking) {
    if (request == null) {
      throw new InvalidRequestException("issue request must not be null");
    }
    admit(AdmissionRequest.Kind.ISSUE, request.service(), request.origin(), request.personId(), request.categories());
    IssueOp op = new IssueOp(request);
    if (request.requestId() == null) {
      return (CompletableFuture<Ticket>) (CompletableFuture<?>) submit(op, blocking);
    }
    return once(request.requestId(),
        issueFingerprint(request.service(), request.origin().name(), request.categories(), request.personId()), op,
        this::ticketNow, blocking);
  }

  @Override
  public Booking book(BookRequest request) {
    return join(book(pseudonymous(request), true));
  }

  @Override
  public CompletableFuture<Booking> bookAsync(BookRequest request) {
    return book(pseudonymous(request), false);
  }

  /** The request with its person id pseudonymised, when a key is configured (issue 14; PersonIdHmac). */
  private IssueRequest pseudonymous(IssueRequest r) {
    return r == null || r.personId() == null || config.personIds() == null ? r : r.withPerson(config.personId(r.personId()));
  }

  private BookRequest pseudonymous(BookRequest r) {
    return r == null || r.personId() == null || config.personIds() == null ? r : r.withPerson(config.personId(r.personId()));
  }

  @SuppressWarnings("unchecked")
  private CompletableFuture<Booking> book(BookRequest request, boolean blocking) {
    if (request == null) {
      throw new InvalidRequestException("book request must not be null");
    }
    admit(AdmissionRequest.Kind.BOOK, request.service(), null, request.personId(), Set.of());
    FnOp op = new FnOp(tx -> tx.book(request));
    if (request.requestId() == null) {
      return (CompletableFuture<Booking>) (CompletableFuture<?>) submit(op, blocking);
    }
    Object fingerprint = bookFingerprint("book", request.service(), request.windowStart(), request.windows(),
        request.channel(), request.personId());
    return once(request.requestId(), fingerprint, op, this::bookingNow, blocking);
  }

  @Override
  public Booking cancelBooking(String code) {
    return (Booking) call(new FnOp(tx -> tx.cancelBooking(code)));
  }

  @Override
  @SuppressWarnings("unchecked")
  public CompletableFuture<Booking> cancelBookingAsync(String code) {
    return (CompletableFuture<Booking>) (CompletableFuture<?>) submit(new FnOp(tx -> tx.cancelBooking(code)), false);
  }

  @Override
  public Ticket checkIn(String code) {
    return (Ticket) call(checkInOp(code));
  }

  @Override
  @SuppressWarnings("unchecked")
  public CompletableFuture<Ticket> checkInAsync(String code) {
    return (CompletableFuture<Ticket>) (CompletableFuture<?>) submit(checkInOp(code), false);
  }

  private Op checkInOp(String code) {
    if (!config.checks().isEmpty()) {
      Booking b = new Tx(core).booking(code);
      admit(AdmissionRequest.Kind.CHECK_IN, b.service(), Origin.BOOKED, b.personId(), Set.of());
    }
    return new FnOp(tx -> tx.checkIn(code));
  }

  @Override
  public Optional<Ticket> callNext(String deskId) {
    // kept tiny, so the JIT inlines it into the caller: a caller that unwraps the Optional at once
    // then allocates none (escape analysis), and the call itself stays out of line
    return Optional.ofNullable(callNextTicket(deskId));
  }

  private Ticket callNextTicket(String deskId) {
    Object r = direct(CALL_NEXT, deskId, 0);
    return (Ticket) (r != QUEUE_IT ? r : call(new CallNextOp(deskId)));
  }

  @Override
  public CompletableFuture<Ticket> awaitNext(String deskId, Duration timeout) {
    return waiters.await(deskId, timeout);
  }

  @Override
  public CompletableFuture<Optional<Ticket>> callNextAsync(String deskId) {
    return submit(new CallNextOp(deskId), false).thenApply(t -> Optional.ofNullable((Ticket) t));
  }

  private Ticket ticketCall(int kind, long id, Object arg) {
    Object r = direct(kind, arg, id);
    return (Ticket) (r != QUEUE_IT ? r : call(new TicketOp(kind, id, arg)));
  }

  @SuppressWarnings("unchecked")
  private CompletableFuture<Ticket> ticketAsync(int kind, long id, Object arg) {
    return (CompletableFuture<Ticket>) (CompletableFuture<?>) submit(new TicketOp(kind, id, arg), false);
  }

  @Override
  public Ticket recall(long ticketId) {
    return ticketCall(RECALL, ticketId, null);
  }

  @Override
  public CompletableFuture<Ticket> recallAsync(long ticketId) {
    return ticketAsync(RECALL, ticketId, null);
  }

  @Override
  public Ticket returnCall(long ticketId) {
    return ticketCall(RETURN_CALL, ticketId, null);
  }

  @Override
  public CompletableFuture<Ticket> returnCallAsync(long ticketId) {
    return ticketAsync(RETURN_CALL, ticketId, null);
  }

  @Override
  public Ticket startService(long ticketId) {
    return ticketCall(START, ticketId, null);
  }

  @Override
  public CompletableFuture<Ticket> startServiceAsync(long ticketId) {
    return ticketAsync(START, ticketId, null);
  }

  @Override
  public Ticket finish(long ticketId) {
    return ticketCall(FINISH, ticketId, null);
  }

  @Override
  public CompletableFuture<Ticket> finishAsync(long ticketId) {
    return ticketAsync(FINISH, ticketId, null);
  }

  @Override
  public Ticket noShow(long ticketId) {
    return ticketCall(NO_SHOW, ticketId, null);
  }

  @Override
  public CompletableFuture<Ticket> noShowAsync(long ticketId) {
    return ticketAsync(NO_SHOW, ticketId, null);
  }

  @Override
  public Ticket cancel(long ticketId) {
    return ticketCall(CANCEL, ticketId, null);
  }

  @Override
  public CompletableFuture<Ticket> cancelAsync(long ticketId) {
    return ticketAsync(CANCEL, ticketId, null);
  }

  @Override
  public Ticket postpone(long ticketId) {
    return postpone(ticketId, config.limits().postponePeriod());
  }

  @Override
  public Ticket postpone(long ticketId, Duration period) {
    return ticketCall(POSTPONE, ticketId, requirePeriod(period));
  }

  @Override
  public CompletableFuture<Ticket> postponeAsync(long ticketId, Duration period) {
    return ticketAsync(POSTPONE, ticketId, requirePeriod(period));
  }

  private static Duration requirePeriod(Duration period) {
    if (period == null) {
      throw new InvalidRequestException(
          "postpone period must not be null; use postponeIndefinitely to postpone without a period");
    }
    return period;
  }

  @Override
  public Ticket postponeIndefinitely(long ticketId) {
    return ticketCall(POSTPONE, ticketId, null);
  }

  @Override
  public CompletableFuture<Ticket> postponeIndefinitelyAsync(long ticketId) {
    return ticketAsync(POSTPONE, ticketId, null);
  }

  @Override
  public Ticket resume(long ticketId) {
    return ticketCall(RESUME, ticketId, null);
  }

  @Override
  public CompletableFuture<Ticket> resumeAsync(long ticketId) {
    return ticketAsync(RESUME, ticketId, null);
  }

  @Override
  public Ticket transfer(long ticketId, TransferRequest request) {
    return ticketCall(TRANSFER, ticketId, request);
  }

  @Override
  public CompletableFuture<Ticket> transferAsync(long ticketId, TransferRequest request) {
    return ticketAsync(TRANSFER, ticketId, request);
  }

  @Override
  public Ticket callTicket(String deskId, long ticketId) {
    return ticketCall(CALL_TICKET, ticketId, deskId);
  }

  @Override
  public CompletableFuture<Ticket> callTicketAsync(String deskId, long ticketId) {
    return ticketAsync(CALL_TICKET, ticketId, deskId);
  }

  private static Op deskStateOp(String deskId, DeskState state, String reason) {
    return new FnOp(tx -> {
      tx.setDeskState(deskId, state, reason);
      return null;
    });
  }

  @Override
  public void openDesk(String deskId) {
    call(deskStateOp(deskId, DeskState.OPEN, null));
  }

  @Override
  public void pauseDesk(String deskId, String reason) {
    call(deskStateOp(deskId, DeskState.PAUSED, reason));
  }

  @Override
  public void closeDesk(String deskId) {
    call(deskStateOp(deskId, DeskState.CLOSED, null));
  }

  @Override
  public CompletableFuture<Void> setDeskStateAsync(String deskId, DeskState state, String reason) {
    return submit(deskStateOp(deskId, state, reason), false).thenApply(x -> null);
  }

  private static Op autoCallOp(String deskId, boolean on) {
    return new FnOp(tx -> {
      tx.setAutoCall(deskId, on);
      return null;
    });
  }

  @Override
  public void setAutoCall(String deskId, boolean on) {
    call(autoCallOp(deskId, on));
  }

  @Override
  public CompletableFuture<Void> setAutoCallAsync(String deskId, boolean on) {
    return submit(autoCallOp(deskId, on), false).thenApply(x -> null);
  }

  private static Op modeOp(AdmissionMode m) {
    return new FnOp(tx -> {
      tx.setMode(m);
      return null;
    });
  }

  @Override
  public void setAdmissionMode(AdmissionMode mode) {
    call(modeOp(mode));
  }

  @Override
  public CompletableFuture<Void> setAdmissionModeAsync(AdmissionMode mode) {
    return submit(modeOp(mode), false).thenApply(x -> null);
  }

  private static Op policyOp(Policy<?> policy) {
    return new FnOp(tx -> {
      tx.setPolicy(policy);
      return null;
    });
  }

  @Override
  public void setPolicy(Policy<?> policy) {
    call(policyOp(policy));
  }

  @Override
  public CompletableFuture<Void> setPolicyAsync(Policy<?> policy) {
    return submit(policyOp(policy), false).thenApply(x -> null);
  }

  @Override
  public void rotate() {
    call(new FnOp(tx -> null));
  }

  // ---------------------------------------------------------------- the booking calendar (see BookingOps)

  @Override
  public dev.talon.queue.Hold hold(BookRequest request) {
    if (request == null) {
      throw new InvalidRequestException("hold request must not be null");
    }
    request = pseudonymous(request); // as book: nothing stored, compared or announced holds the raw id
    BookRequest held = request;
    admit(AdmissionRequest.Kind.BOOK, request.service(), null, request.personId(), Set.of()); // as book: per-person limits
    FnOp op = new FnOp(tx -> BookingOps.hold(tx, held));
    if (request.requestId() == null) {
      return (dev.talon.queue.Hold) call(op);
    }
    String id = request.requestId();
    Object fingerprint = bookFingerprint("hold", request.service(), request.windowStart(), request.windows(),
        request.channel(), request.personId());
    return join(once(id, fingerprint, op, h -> holdNow(h, id, fingerprint), true));
  }

  @Override
  public Booking confirm(long holdId) {
    return (Booking) call(new FnOp(tx -> BookingOps.confirm(tx, holdId, null)));
  }

  @Override
  public Booking confirm(long holdId, String requestId) {
    requireRequestId(requestId);
    if (requestId == null) {
      return confirm(holdId);
    }
    FnOp op = new FnOp(tx -> BookingOps.confirm(tx, holdId, requestId));
    return join(once(requestId, confirmFingerprint(holdId), op, this::bookingNow, true));
  }

  @Override
  public dev.talon.queue.Hold releaseHold(long holdId) {
    return (dev.talon.queue.Hold) call(new FnOp(tx -> BookingOps.release(tx, holdId)));
  }

  /** A request id given to a method that also takes none: null, or not blank. */
  private static void requireRequestId(String requestId) {
    if (requestId != null && requestId.isBlank()) {
      throw new InvalidRequestException("request id must be null or non-blank, was \"" + requestId + "\"");
    }
  }

  @Override
  public List<dev.talon.queue.Hold> liveHolds() {
    return core.cal.holdsRead.read(); // published records: never waits for the writer
  }

  @Override
  public dev.talon.queue.WaitlistEntry joinWaitlist(BookRequest request) {
    if (request == null) {
      throw new InvalidRequestException("waiting list request must not be null");
    }
    request = pseudonymous(request); // as book: nothing stored, compared or announced holds the raw id
    BookRequest waiting = request;
    admit(AdmissionRequest.Kind.BOOK, request.service(), null, request.personId(), Set.of());
    return (dev.talon.queue.WaitlistEntry) call(new FnOp(tx -> BookingOps.joinWaitlist(tx, waiting)));
  }

  @Override
  public dev.talon.queue.WaitlistEntry leaveWaitlist(long entryId) {
    return (dev.talon.queue.WaitlistEntry) call(new FnOp(tx -> BookingOps.leaveWaitlist(tx, entryId)));
  }

  @Override
  public List<dev.talon.queue.WaitlistEntry> waitlist() {
    return core.cal.waitingRead.read(); // published records: never waits for the writer
  }

  @Override
  public Booking reschedule(String code, java.time.LocalDateTime windowStart) {
    return (Booking) call(new FnOp(tx -> BookingOps.reschedule(tx, code, windowStart, null)));
  }

  @Override
  public Booking reschedule(String code, java.time.LocalDateTime windowStart, String requestId) {
    requireRequestId(requestId);
    if (requestId == null) {
      return reschedule(code, windowStart);
    }
    FnOp op = new FnOp(tx -> BookingOps.reschedule(tx, code, windowStart, requestId));
    return join(once(requestId, rescheduleFingerprint(code, windowStart), op, this::bookingNow, true));
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<Booking> changeHours(LocalDate day, List<dev.talon.queue.TimeRange> ranges,
      dev.talon.queue.AffectedBookings affected) {
    return (List<Booking>) call(new FnOp(tx -> BookingOps.changeHours(tx, day, ranges, affected)));
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<Booking> changeCapacity(dev.talon.queue.CapacityRule rule, dev.talon.queue.AffectedBookings affected) {
    return (List<Booking>) call(new FnOp(tx -> BookingOps.changeCapacity(tx, rule, affected)));
  }

  @Override
  public CompletableFuture<Void> rotateAsync() {
    return submit(new FnOp(tx -> null), false).thenApply(x -> null);
  }

  private void scheduledRotation() {
    try {
      if (!closed) {
        rotate();
      }
    } catch (QueueException e) {
      log.warn("scheduled rotation of branch {} failed: {}", config.branchId(), e.getMessage());
    }
  }

  // ---------------------------------------------------------------- reads (never take the writer role)

  @Override
  public DeskStatus deskStatus(String deskId) {
    Core c = core;
    new Tx(c).desk(deskId);
    DeskSlot d = c.desk(deskId);
    return new DeskStatus(deskId, d.state(), d.reason(), d.autoCall());
  }

  @Override
  public WaitEstimate estimate(long ticketId) {
    Core c = core;
    Ticket t = c.ticket(ticketId);
    if (t == null) {
      throw new UnknownTicketException("no ticket has id " + ticketId + " at branch " + config.branchId());
    }
    if (t.state() != TicketState.WAITING) {
      throw new IllegalTransitionException("ticket " + t.display() + " (id " + ticketId
          + ") has no wait estimate: it is " + t.state() + ", and only WAITING tickets wait");
    }
    Instant last = c.lastAt;
    return Estimator.estimate(c, t, last == null ? config.clock().now() : last);
  }

  @Override
  public BoardView board() {
    Core c = core;
    Map<String, Map<String, Integer>> waiting = new TreeMap<>();
    c.tickets.forEach(t -> {
      if (t.state() == TicketState.WAITING) {
        waiting.computeIfAbsent(t.service(), k -> new TreeMap<>()).merge(t.line(), 1, Integer::sum);
      }
    });
    return new BoardView(c.lastAt, List.of(c.calls()), waiting);
  }

  @Override
  public DailyStatistics statistics(LocalDate day) {
    if (day == null) {
      throw new InvalidRequestException("day must not be null");
    }
    return Statistics.of(config.branchId(), day, core);
  }

  @Override
  public Optional<Ticket> ticket(long ticketId) {
    return Optional.ofNullable(ticketNow(ticketId));
  }

  private Ticket ticketNow(long id) {
    return id > 0 ? core.tickets.get(id) : null;
  }

  private Booking bookingNow(long id) {
    return id > 0 ? core.bookings.get(id) : null;
  }

  @Override
  public Optional<Booking> booking(String code) {
    long id = BookingCodes.decode(code);
    return Optional.ofNullable(bookingNow(id));
  }

  @Override
  public Position position(long ticketId) {
    Core c = core;
    Ticket t = c.ticket(ticketId);
    if (t == null) {
      throw new UnknownTicketException("no ticket has id " + ticketId + " at branch " + config.branchId());
    }
    if (t.state() != TicketState.WAITING) {
      return new Position(t, -1);
    }
    int[] ahead = {0};
    c.tickets.forEach(o -> {
      if (o.state() == TicketState.WAITING && o.id() != t.id() && o.service().equals(t.service())
          && o.line().equals(t.line()) && Estimator.JOIN_ORDER.compare(o, t) < 0) {
        ahead[0]++;
      }
    });
    return new Position(t, ahead[0]);
  }

  @Override
  public List<Ticket> waiting(String service) {
    if (service == null || service.isBlank()) {
      throw new InvalidRequestException("service code must not be null or blank, was "
          + (service == null ? "null" : '"' + service + '"'));
    }
    if (config.indexOf(service) < 0) {
      throw new UnknownServiceException("unknown service " + service + "; branch " + config.branchId()
          + " has " + config.serviceIndex().keySet().stream().sorted().toList());
    }
    List<Ticket> out = new ArrayList<>();
    core.tickets.forEach(t -> {
      if (t.state() == TicketState.WAITING && t.service().equals(service)) {
        out.add(t);
      }
    });
    out.sort(java.util.Comparator.comparing(Ticket::line).thenComparing(Estimator.JOIN_ORDER));
    return out;
  }

  @Override
  public String policyName() {
    return core.policy.name();
  }

  @Override
  public AdmissionMode admissionMode() {
    return core.mode;
  }

  @Override
  public long lastSeq() {
    return core.seq;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    if (rotation != null) {
      rotation.cancel(false);
    }
    waiters.close();
    // let everything submitted before close be applied and committed
    CloseOp marker = new CloseOp();
    ops.offer(marker);
    closed = true;
    drain();
    if (durable) {
      drainCommits();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!(marker.isDone() && commits.isEmpty() && committing == 0) && System.nanoTime() < deadline) {
      drain();
      if (durable) {
        drainCommits();
      }
      Thread.onSpinWait();
    }
    boolean flushed = commits.isEmpty() && committing == 0;
    if (!flushed) {
      log.warn("branch {} closed with events not yet written to the store", config.branchId());
    }
    takeFinalSnapshot(flushed);
  }

  /** At close, when every event is in the store: a snapshot, so that the next owner replays nothing. */
  private void takeFinalSnapshot(boolean flushed) {
    if (!flushed || config.snapshotEvery() == 0 && !config.snapshotDaily() || lost != null || poisoned != null) {
      return;
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!WRITING.compareAndSet(this, 0, 1)) {
      if (System.nanoTime() > deadline) {
        return;
      }
      Thread.onSpinWait();
    }
    try {
      Core c = core;
      while (!SNAPSHOTTING.compareAndSet(this, false, true)) {
        if (System.nanoTime() > deadline) {
          return;
        }
        Thread.onSpinWait(); // a snapshot being saved: let it finish first
      }
      try {
        if (c.seq > snapshotSeq && c.seq == committedSeq && c.policy != snapshotsRefusedBy) {
          byte[] bytes = encode(c);
          if (bytes != null) {
            try {
              store.saveSnapshot(config.branchId(), new BranchSnapshot(c.seq, bytes));
              snapshotSeq = c.seq;
            } catch (RuntimeException e) {
              log.warn("branch {}: the snapshot at close was not saved: {}", config.branchId(), e.toString());
            }
          }
        }
      } finally {
        SNAPSHOTTING.setVolatile(this, false);
      }
    } finally {
      WRITING.setVolatile(this, 0);
    }
    drain(); // an op accepted just before close found the role taken
    if (durable) {
      drainCommits();
    }
  }

  // ---------------------------------------------------------------- for tests

  /** The current core; for tests in this package (read it only while the branch is quiet). */
  Core current() {
    return core;
  }

  BranchConfig config() {
    return config;
  }

  /** The store counters, read by the metrics binder at scrape time. */
  public EngineStats stats() {
    return stats;
  }

  /**
   * Attaches a listener after the branch was built (the metrics binder; one at most): it hears
   * each batch as the listeners of the configuration do, and must not throw.
   */
  public void attach(QueueListener listener) {
    stats.attached = listener;
  }

  /** The policy's current state, for tests and reports. */
  public Object policyState() {
    return core.policyState;
  }

  /** All tickets by id; for invariant checks. */
  public List<Ticket> allTickets() {
    List<Ticket> out = new ArrayList<>();
    core.tickets.forEach(out::add);
    return out;
  }

  /** All bookings by id; for invariant checks. */
  public List<Booking> allBookings() {
    List<Booking> out = new ArrayList<>();
    core.bookings.forEach(out::add);
    return out;
  }
}
