// Test-scope oracle: the engine before issue 12, kept only for DifferentialTest.
package dev.talon.queue.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.talon.queue.AdmissionMode;
import dev.talon.queue.AdmissionRefusedException;
import dev.talon.queue.BookRequest;
import dev.talon.queue.Booking;
import dev.talon.queue.Branch;
import dev.talon.queue.BoardView;
import dev.talon.queue.DailyStatistics;
import dev.talon.queue.DeskState;
import dev.talon.queue.DeskStatus;
import dev.talon.queue.DuplicateRequestException;
import dev.talon.queue.TransferRequest;
import dev.talon.queue.WaitEstimate;
import dev.talon.queue.BranchLostException;
import dev.talon.queue.Durability;
import dev.talon.queue.EngineClosedException;
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
import dev.talon.queue.UnknownTicketException;
import dev.talon.queue.spi.AdmissionCheck;
import dev.talon.queue.spi.AdmissionDecision;
import dev.talon.queue.spi.AdmissionRequest;
import dev.talon.queue.spi.BranchSnapshot;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.QueueListener;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * The engine of one branch.
 *
 * Design. The whole branch is one immutable LegacyBranchState held in `state`. Every operation runs
 * the same loop: read the state (acquire), read the clock, build a LegacyDraft, let a LegacyTx validate and
 * emit events (clock catch-up first, then the operation's own), freeze the draft, and install it
 * with one compare-and-set. A failed CAS means another operation won; the attempt is discarded
 * (it published nothing) and retried on the newer state. So issue and call-next take no locks,
 * two desks can never claim the same ticket (only one CAS from a state where it waits succeeds),
 * and every history is linearizable at the successful CAS. Policies keep their state inside
 * LegacyBranchState, which makes stateful policies linearizable too.
 *
 * The clock is read after the state. If thread A's CAS installed a state stamped t, A read t
 * before its CAS, which happened before B read that state, which happened before B read the
 * clock; so a monotonic clock never looks backwards to B, and a reading earlier than the state's
 * last time is a real step back: within `clockTolerance` it is treated as the last time (NTP
 * slews), beyond it the operation is refused.
 *
 * Durability. With a non-durable store (in memory) the events are appended after the CAS; the
 * store keys events by sequence number, so appends that overtake each other are harmless. With a
 * durable store the mode decides:
 * - SYNC reverses the order: the events are appended first, conditionally on their sequence
 *   numbers being free, and only then is the state installed. The store's conditional append is
 *   the serialisation point: whoever appends seq n+1 first is the only one that can install a
 *   state with seq n+1, so its CAS cannot fail; a loser waits for the winner's CAS and retries.
 *   An append that fails leaves the engine exactly as it was.
 * - GROUP and ASYNC keep the lock-free CAS first and hand the events to the LegacyJournal, which writes
 *   runs of consecutive operations in one store call. GROUP waits for that commit and, if it fails,
 *   the journal restores the last committed state (see LegacyJournal); ASYNC returns at once.
 * Either way an operation that returns in SYNC or GROUP mode is durable, and listeners hear of it
 * only after that.
 *
 * Fencing. Every append carries the engine's fencing token (its ownership epoch). When the store
 * refuses one as stale, another engine owns the branch: the refused operation is undone as any
 * failed append is (SYNC: never installed; GROUP: the journal restores the committed state), the
 * engine records the loss (`lost`, also set by the journal's writer in ASYNC mode) and every
 * later operation fails with BranchLostException before it reads anything.
 *
 * Idempotency. Request ids live in a Caffeine cache (expiring after the configured window, on the
 * branch clock) mapping the id to the fingerprint of the request and a future of the result's id.
 * The first request with an id installs its future with putIfAbsent; a concurrent retry waits for
 * it (only duplicates ever wait), a later retry returns the current snapshot of the same ticket or
 * booking, and a reuse with different content is refused. Recovery refills the cache from the
 * request ids stored in the events.
 */
public final class LegacyBranchEngine implements Branch {
  private static final Logger log = LoggerFactory.getLogger(LegacyBranchEngine.class);
  private static final VarHandle STATE;
  private static final VarHandle SNAPSHOTTING;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(LegacyBranchEngine.class, "state", LegacyBranchState.class);
      SNAPSHOTTING = MethodHandles.lookup().findVarHandle(LegacyBranchEngine.class, "snapshotting", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final BranchConfig config;
  private final BranchCalendar calendar;
  private final EventStore store;
  private final boolean durable;
  private final Cache<String, Request> requests;
  private final LegacyJournal journal;
  private final ExecutorService journalThread;
  private final ScheduledFuture<?> rotation;
  @SuppressWarnings("unused") // accessed through STATE
  private volatile LegacyBranchState state;
  private volatile boolean closed;
  private volatile String poisoned;
  /** The seq of the newest snapshot saved or loaded; written by the snapshot thread and at open. */
  private volatile long snapshotSeq;
  /** Set while a snapshot of this branch waits for or runs on the snapshot thread. */
  @SuppressWarnings("unused") // accessed through SNAPSHOTTING
  private volatile boolean snapshotting;
  /** A policy whose state could not be encoded: no snapshots are tried while it is in force. */
  private volatile Object snapshotsRefusedBy;
  /** Set when the store refused an append for a stale fencing token: another engine owns the branch. */
  private volatile String lost;

  private LegacyBranchEngine(BranchConfig config) {
    this.config = config;
    this.calendar = new BranchCalendar(config.zone(), config.slots().windowLength().toMinutes(),
        config.slots().windowsPerDay());
    this.store = config.store();
    this.durable = store.isDurable();
    this.requests = Caffeine.newBuilder()
        .expireAfter(new RequestExpiry(config.limits().requestIdWindow()))
        .ticker(() -> {
          Instant now = config.clock().now();
          return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        })
        .build();
    LegacyBranchState initial = LegacyBranchState.initial(config.services().size(), config.policy(), config.initialMode(), LegacyFloor.initial(config.desks().size(), config.services().size(),
            config.estimation().defaultServiceTime().toMillis() / 1000.0));
    LegacyBranchState opened = replay(initial);
    this.state = opened;
    if (durable && config.durability() != Durability.SYNC) {
      this.journalThread = config.durability() == Durability.ASYNC ? Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "talon-journal-" + config.branchId());
        t.setDaemon(true);
        return t;
      }) : null;
      this.journal = new LegacyJournal(config.branchId(), store, config.fencingToken(), config.durability(), journalThread,
          this::restore, this::fenced, opened.seq, opened.generation, 1_000, config.asyncMaxPending());
    } else {
      this.journal = null;
      this.journalThread = null;
    }
    considerSnapshot(opened);
    this.rotation = config.rotationScheduler() == null ? null
        : config.rotationScheduler().scheduleAtFixedRate(this::scheduledRotation,
            config.rotationInterval().toMillis(), config.rotationInterval().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Opens the branch: replays the store's history of it, if any, into an identical engine. */
  public static LegacyBranchEngine open(BranchConfig config) {
    return new LegacyBranchEngine(config);
  }

  /**
   * The branch as its store has it: the newest usable snapshot (if any) plus the events after it.
   * Listeners that want history get the events their horizon asks for, which may reach further
   * back than the snapshot.
   */
  private LegacyBranchState replay(LegacyBranchState initial) {
    LegacyBranchState base = initial;
    List<LegacySnapshotCodec.RememberedRequest> remembered = List.of();
    Optional<BranchSnapshot> snapshot = store.loadSnapshot(config.branchId());
    if (snapshot.isPresent()) {
      try {
        LegacySnapshotCodec.Decoded decoded = LegacySnapshotCodec.decode(config, snapshot.get().state());
        if (decoded.state().seq != snapshot.get().seq()) {
          throw new LegacySnapshotCodec.Unusable("it is labelled seq " + snapshot.get().seq() + " but holds seq "
              + decoded.state().seq);
        }
        base = decoded.state();
        remembered = decoded.requests();
        snapshotSeq = base.seq;
      } catch (LegacySnapshotCodec.Unusable e) {
        log.info("branch {}: the snapshot at event {} is not used, the whole history is replayed: {}",
            config.branchId(), snapshot.get().seq(), e.getMessage());
      }
    }
    List<QueueEvent> tail = store.load(config.branchId(), base.seq);
    LegacyBranchState opened = base;
    if (!tail.isEmpty()) {
      LegacyDraft d = new LegacyDraft(config, calendar, base);
      tail.forEach(d::apply);
      opened = d.freeze();
    }
    for (LegacySnapshotCodec.RememberedRequest r : remembered) {
      remember(r.requestId(), r.fingerprint(), r.resultId(), r.usedAt());
    }
    tail.forEach(this::remember);
    if (opened.seq > 0) {
      deliverHistory(base.seq, tail);
    }
    return opened;
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
          i.ticketId(), i.at());
    } else if (e instanceof BookingMade b && b.requestId() != null) {
      remember(b.requestId(), bookFingerprint(b.service(), b.windowStart(), b.personId()), b.bookingId(), b.at());
    }
  }

  private void remember(String requestId, Object fingerprint, long resultId, Instant usedAt) {
    Instant now = config.clock().now();
    if (!usedAt.plus(config.limits().requestIdWindow()).isAfter(now)) {
      requests.invalidate(requestId); // its window is over: a running engine would have forgotten it too
      return;
    }
    Request r = new Request(fingerprint);
    r.usedAt = usedAt;
    r.result.complete(resultId);
    requests.put(requestId, r);
  }

  // ---------------------------------------------------------------- snapshots

  /** The single background thread that encodes and saves snapshots of every branch of this JVM. */
  private static final class SnapshotThread {
    static final ExecutorService EXECUTOR = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "talon-snapshots");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Called with a state whose events are all in the store: if enough events passed since the last
   * snapshot, hands it to the snapshot thread. Cheap when it does nothing (two plain reads); the
   * reads may be stale, which at worst delays a snapshot to a later operation or takes one that the
   * snapshot thread then finds superseded.
   */
  private void considerSnapshot(LegacyBranchState committed) {
    if (config.snapshotEvery() == 0 || committed.seq - snapshotSeq < config.snapshotEvery()
        || committed.policy == snapshotsRefusedBy || !SNAPSHOTTING.compareAndSet(this, false, true)) {
      return;
    }
    try {
      SnapshotThread.EXECUTOR.execute(() -> snapshotsFrom(committed));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      SNAPSHOTTING.setVolatile(this, false);
    }
  }

  /**
   * On the snapshot thread: saves the given state, then the latest committed one as long as it is
   * an interval ahead (a burst of operations that all found the thread busy would otherwise leave
   * the newest snapshot far behind once the branch goes quiet). After giving up the role it looks
   * once more, for an operation that passed the interval while the role was still taken.
   */
  private void snapshotsFrom(LegacyBranchState first) {
    try {
      LegacyBranchState next = first;
      while (next != null && !closed && takeSnapshot(next)) {
        next = committedAndDue();
      }
    } finally {
      SNAPSHOTTING.setVolatile(this, false);
    }
    LegacyBranchState missed = closed ? null : committedAndDue();
    if (missed != null) {
      considerSnapshot(missed);
    }
  }

  /** The current state if all its events are in the store and it is an interval past the last snapshot; else null. */
  private LegacyBranchState committedAndDue() {
    LegacyBranchState latest = current();
    LegacyJournal j = journal; // null in SYNC mode, and while the constructor has not assigned it yet
    if (latest.seq - snapshotSeq < config.snapshotEvery() || latest.policy == snapshotsRefusedBy
        || (j != null && j.durableSeq() < latest.seq)) {
      return null;
    }
    return latest;
  }

  /** Encodes and saves a snapshot of a committed state; false (logged) if none was saved. */
  private boolean takeSnapshot(LegacyBranchState committed) {
    if (committed.seq <= snapshotSeq || lost != null || poisoned != null) {
      return false;
    }
    List<LegacySnapshotCodec.RememberedRequest> remembered = rememberedRequests(committed);
    if (remembered == null) {
      return false;
    }
    byte[] bytes;
    try {
      bytes = LegacySnapshotCodec.encode(config, committed, remembered);
    } catch (LegacySnapshotCodec.Unusable | RuntimeException e) {
      // a policy without a codec (UnsupportedOperationException) or with a faulty one
      snapshotsRefusedBy = committed.policy;
      log.warn("branch {}: no snapshots while policy {} is in force: {}", config.branchId(), committed.policy.name(),
          e.getMessage(), e instanceof UnsupportedOperationException ? null : e);
      return false;
    }
    try {
      store.saveSnapshot(config.branchId(), new BranchSnapshot(committed.seq, bytes));
      snapshotSeq = committed.seq;
      return true;
    } catch (RuntimeException e) {
      log.warn("branch {}: the snapshot at event {} was not saved (the next one is tried after {} more events): {}",
          config.branchId(), committed.seq, config.snapshotEvery(), e.toString());
      snapshotSeq = committed.seq; // do not retry on every operation while the store is down
      return false;
    }
  }

  /**
   * The request ids the state's history still has remembered: those of its tickets and bookings made
   * within the window (also ones forgotten since, whose ids still refuse a different request). A
   * request whose first attempt is still running may already be in the state (its entry is put
   * before its CAS): wait for it; null if one is still running after a second (the snapshot is then
   * left to a later operation). Entries of requests after the state are left to the tail.
   */
  private List<LegacySnapshotCodec.RememberedRequest> rememberedRequests(LegacyBranchState s) {
    List<LegacySnapshotCodec.RememberedRequest> out = new ArrayList<>();
    Instant now = config.clock().now();
    for (var entry : requests.asMap().entrySet()) {
      Request r = entry.getValue();
      Long result;
      try {
        result = r.result.get(1, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException failed) {
        continue; // the first attempt failed and changed nothing
      } catch (java.util.concurrent.TimeoutException | InterruptedException e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        return null;
      }
      boolean booking = r.fingerprint instanceof List<?> f && "book".equals(f.get(0));
      boolean inState = booking ? result < s.nextBookingId : result < s.nextTicketId;
      if (inState && r.usedAt.plus(config.limits().requestIdWindow()).isAfter(now)) {
        out.add(new LegacySnapshotCodec.RememberedRequest(entry.getKey(), r.fingerprint, result, r.usedAt));
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- the loop

  @FunctionalInterface
  private interface Op<R> {
    R run(LegacyTx tx);
  }

  private <R> R execute(Op<R> op) {
    if (closed) {
      throw new EngineClosedException("branch " + config.branchId() + " is closed");
    }
    if (lost != null) {
      throw refusal();
    }
    if (poisoned != null) {
      throw new StorageException(poisoned);
    }
    while (true) {
      LegacyBranchState s = (LegacyBranchState) STATE.getAcquire(this);
      Instant now = config.clock().now();
      if (s.lastAt != null && now.isBefore(s.lastAt)
          && Duration.between(now, s.lastAt).compareTo(config.clockTolerance()) <= 0) {
        now = s.lastAt; // a small step back (e.g. an NTP correction) counts as no time passing
      }
      LegacyTx tx = new LegacyTx(new LegacyDraft(config, calendar, s), now);
      tx.catchUp();
      R result = op.run(tx);
      if (!tx.events.isEmpty()) {
        tx.afterOp();
        if (result instanceof Ticket t) {
          @SuppressWarnings("unchecked")
          R latest = (R) tx.d.tickets.get(t.id()); // auto-call may have moved it on
          result = latest;
        }
      }
      if (tx.events.isEmpty()) {
        return result;
      }
      LegacyBranchState next = tx.d.freeze();
      if (journal != null) {
        journal.checkBacklog();
        if (!STATE.compareAndSet(this, s, next)) {
          continue;
        }
        CompletableFuture<Void> written = journal.submit(tx.events, s, s.generation);
        if (config.snapshotEvery() > 0 && next.seq - snapshotSeq >= config.snapshotEvery()) {
          written.thenRun(() -> considerSnapshot(next)); // only once its events are in the store
        }
        if (config.durability() == Durability.GROUP) {
          awaitDurable(written);
        }
      } else if (durable) {
        try {
          store.append(config.branchId(), config.fencingToken(), tx.events);
        } catch (EventStore.SequenceConflictException conflict) {
          awaitNewerThan(s);
          continue;
        } catch (EventStore.StaleFenceException stale) {
          fenced(stale);
          throw refusal(); // nothing was written or installed
        }
        if (!STATE.compareAndSet(this, s, next)) {
          if (current().seq >= next.seq) {
            return result; // a waiter found our events in the store and applied (and announced) them first
          }
          poisoned = "branch " + config.branchId() + " was changed by another writer while it appended event "
              + next.seq + "; reopen the branch";
          throw new StorageException(poisoned);
        }
        considerSnapshot(next);
      } else {
        if (!STATE.compareAndSet(this, s, next)) {
          continue; // another operation won; nothing was published, try again on its state
        }
        appendAfterPublish(s, next, tx.events);
        considerSnapshot(next);
      }
      notifyListeners(tx.events);
      return result;
    }
  }

  private void awaitDurable(CompletableFuture<Void> written) {
    try {
      written.join();
    } catch (CompletionException e) {
      if (lost != null) {
        throw refusal(); // the journal rolled the batch back and reported the loss through fenced()
      }
      if (e.getCause() instanceof QueueException q) {
        throw q;
      }
      throw new StorageException("commit failed: " + e.getCause(), e.getCause());
    }
  }

  /**
   * Applies the store's events after {@code s} that this engine has not applied, and installs the
   * result if the state is still {@code s}. Returns false when the store has nothing newer.
   */
  private boolean catchUpFromStore(LegacyBranchState s) {
    List<QueueEvent> tail = store.load(config.branchId(), s.seq);
    if (tail.isEmpty()) {
      return false;
    }
    LegacyDraft d = new LegacyDraft(config, calendar, s);
    for (QueueEvent e : tail) {
      d.apply(e);
    }
    if (STATE.compareAndSet(this, s, d.freeze())) {
      tail.forEach(this::remember);
      notifyListeners(tail);
    }
    return true;
  }

  /**
   * Called by the journal when a group commit failed: back to {@code base}, the last committed
   * state, plus any events the store holds beyond it that this engine never applied; installed in
   * a new generation so that entries built on discarded states are recognised.
   */
  private int restore(LegacyBranchState base, List<QueueEvent> storedBeyond) {
    LegacyBranchState restored = base;
    if (!storedBeyond.isEmpty()) {
      LegacyDraft d = new LegacyDraft(config, calendar, base);
      storedBeyond.forEach(d::apply);
      restored = d.freeze();
    }
    restored = restored.nextGeneration();
    STATE.setVolatile(this, restored);
    if (!storedBeyond.isEmpty()) {
      storedBeyond.forEach(this::remember);
      notifyListeners(storedBeyond);
    }
    return restored.generation;
  }

  /**
   * The store refused an append for a stale fencing token: another engine owns the branch now.
   * From here on every operation is refused; called by the SYNC path and by the journal.
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

  private void appendAfterPublish(LegacyBranchState before, LegacyBranchState after, List<QueueEvent> events) {
    try {
      store.append(config.branchId(), config.fencingToken(), events);
    } catch (RuntimeException e) {
      if (e instanceof EventStore.StaleFenceException stale) {
        fenced(stale);
      }
      if (STATE.compareAndSet(this, after, before)) {
        if (lost != null) {
          throw refusal();
        }
        throw e instanceof QueueException q ? q : new StorageException("appending events failed: " + e, e);
      }
      poisoned = "branch " + config.branchId() + " could not store event " + events.get(0).seq()
          + " and later operations already depend on it; reopen the branch from its store";
      throw new StorageException(poisoned, e);
    }
  }

  /**
   * After a sequence conflict in SYNC mode: usually another operation of this engine appended the
   * next events and is about to install its state. If none does within a moment, the events in the
   * store are ones this engine never applied (an append whose commit succeeded although the store
   * could not confirm it): load them and apply them.
   */
  private void awaitNewerThan(LegacyBranchState s) {
    long started = System.nanoTime();
    long deadline = started + TimeUnit.SECONDS.toNanos(10);
    boolean loaded = false;
    for (int spins = 0; STATE.getAcquire(this) == s; spins++) {
      if (!loaded && System.nanoTime() - started > TimeUnit.MILLISECONDS.toNanos(50)) {
        loaded = catchUpFromStore(s);
        continue;
      }
      if (System.nanoTime() > deadline) {
        throw new StorageException("branch " + config.branchId() + ": event " + (s.seq + 1)
            + " is in the store but was not applied here; another engine is writing this branch");
      }
      if (spins < 100) {
        Thread.onSpinWait(); // the winner installs its state right after its append returns
      } else {
        java.util.concurrent.locks.LockSupport.parkNanos(50_000); // it was descheduled: do not burn its core
      }
    }
  }

  private void notifyListeners(List<QueueEvent> events) {
    if (config.listeners().isEmpty()) {
      return;
    }
    List<QueueEvent> view = Collections.unmodifiableList(events);
    for (QueueListener l : config.listeners()) {
      try {
        l.onEvents(config.branchId(), view);
      } catch (RuntimeException e) {
        log.warn("listener {} failed on events {}..{} of branch {}", l, events.get(0).seq(),
            events.get(events.size() - 1).seq(), config.branchId(), e);
      }
    }
  }

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
        throw new AdmissionRefusedException(c.name(), decision == null ? "the check gave no decision" : decision.reason());
      }
    }
  }

  // ---------------------------------------------------------------- idempotency

  private static final class Request {
    final Object fingerprint;
    final CompletableFuture<Long> result = new CompletableFuture<>();
    /** When the ticket or booking was made (its event's time); null while the first attempt runs. */
    volatile Instant usedAt;

    Request(Object fingerprint) {
      this.fingerprint = fingerprint;
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

  private static String describe(Object fingerprint) {
    List<?> parts = (List<?>) fingerprint;
    return String.join(" ", parts.subList(0, parts.size() - 1).stream().map(String::valueOf).toList())
        + ("null".equals(parts.get(parts.size() - 1)) ? ", no person" : ", a person id");
  }

  private static Object issueFingerprint(String service, String origin, Set<String> categories, String personId) {
    return List.of("issue", service, origin, Set.copyOf(categories), String.valueOf(personId));
  }

  private static Object bookFingerprint(String service, java.time.LocalDateTime windowStart, String personId) {
    return List.of("book", service, windowStart.toString(), String.valueOf(personId));
  }

  private <R> R once(String requestId, Object fingerprint, Op<R> op, Function<R, Long> idOf, LongFunction<R> current) {
    if (requestId == null) {
      return execute(op);
    }
    while (true) {
      Request mine = new Request(fingerprint);
      Request prior = requests.asMap().putIfAbsent(requestId, mine);
      if (prior == null) {
        try {
          R r = execute(op);
          mine.usedAt = r instanceof Ticket t ? t.issuedAt() : ((Booking) r).bookedAt();
          mine.result.complete(idOf.apply(r));
          return r;
        } catch (RuntimeException e) {
          requests.asMap().remove(requestId, mine);
          mine.result.completeExceptionally(e);
          throw e;
        }
      }
      if (!prior.fingerprint.equals(fingerprint)) {
        throw new DuplicateRequestException("request id " + requestId + " was already used for a different request ("
            + describe(prior.fingerprint) + "); this one is " + describe(fingerprint)
            + ". Use a new request id for a new request"); // issue 14: no person id in the message, as in BranchEngine this one is " + fingerprint + ". Use a new request id for a new request");
      }
      try {
        R r = current.apply(prior.result.join());
        if (r != null) {
          return r;
        }
        // the ticket or booking ended on an earlier day and was forgotten: the id starts afresh
        requests.asMap().remove(requestId, prior);
      } catch (CompletionException failedFirstAttempt) {
        // the first request with this id failed and changed nothing; this retry tries for itself
      }
    }
  }

  // ---------------------------------------------------------------- operations

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
    if (request == null) {
      throw new dev.talon.queue.InvalidRequestException("issue request must not be null");
    }
    admit(AdmissionRequest.Kind.ISSUE, request.service(), request.origin(), request.personId(), request.categories());
    if (request.requestId() == null) {
      return execute(tx -> tx.issue(request));
    }
    return once(request.requestId(),
        issueFingerprint(request.service(), request.origin().name(), request.categories(), request.personId()),
        tx -> tx.issue(request), Ticket::id, this::ticketNow);
  }

  @Override
  public Booking book(BookRequest request) {
    if (request == null) {
      throw new dev.talon.queue.InvalidRequestException("book request must not be null");
    }
    admit(AdmissionRequest.Kind.BOOK, request.service(), null, request.personId(), Set.of());
    if (request.requestId() == null) {
      return execute(tx -> tx.book(request));
    }
    Object fingerprint = bookFingerprint(request.service(), request.windowStart(), request.personId());
    return once(request.requestId(), fingerprint, tx -> tx.book(request), Booking::id, this::bookingNow);
  }

  @Override
  public Booking cancelBooking(String code) {
    return execute(tx -> tx.cancelBooking(code));
  }

  @Override
  public Ticket checkIn(String code) {
    if (!config.checks().isEmpty()) {
      Booking b = new LegacyTx(new LegacyDraft(config, calendar, current()), config.clock().now()).booking(code);
      admit(AdmissionRequest.Kind.CHECK_IN, b.service(), Origin.BOOKED, b.personId(), Set.of());
    }
    return execute(tx -> tx.checkIn(code));
  }

  @Override
  public Optional<Ticket> callNext(String deskId) {
    return Optional.ofNullable(execute(tx -> tx.callNext(deskId)));
  }

  @Override
  public Ticket recall(long ticketId) {
    return execute(tx -> tx.recall(ticketId));
  }

  @Override
  public Ticket returnCall(long ticketId) {
    return execute(tx -> tx.returnCall(ticketId));
  }

  @Override
  public Ticket startService(long ticketId) {
    return execute(tx -> tx.startService(ticketId));
  }

  @Override
  public Ticket finish(long ticketId) {
    return execute(tx -> tx.finish(ticketId));
  }

  @Override
  public Ticket noShow(long ticketId) {
    return execute(tx -> tx.noShow(ticketId));
  }

  @Override
  public Ticket cancel(long ticketId) {
    return execute(tx -> tx.cancel(ticketId));
  }

  @Override
  public Ticket postpone(long ticketId) {
    return postpone(ticketId, config.limits().postponePeriod());
  }

  @Override
  public Ticket postpone(long ticketId, Duration period) {
    if (period == null) {
      throw new dev.talon.queue.InvalidRequestException(
          "postpone period must not be null; use postponeIndefinitely to postpone without a period");
    }
    return execute(tx -> tx.postpone(ticketId, period));
  }

  @Override
  public Ticket postponeIndefinitely(long ticketId) {
    return execute(tx -> tx.postpone(ticketId, null));
  }

  @Override
  public Ticket resume(long ticketId) {
    return execute(tx -> tx.resume(ticketId));
  }

  @Override
  public Ticket transfer(long ticketId, TransferRequest request) {
    return execute(tx -> tx.transfer(ticketId, request));
  }

  @Override
  public Ticket callTicket(String deskId, long ticketId) {
    return execute(tx -> tx.callTicket(deskId, ticketId));
  }

  @Override
  public void openDesk(String deskId) {
    execute(tx -> {
      tx.setDeskState(deskId, DeskState.OPEN, null);
      return null;
    });
  }

  @Override
  public void pauseDesk(String deskId, String reason) {
    execute(tx -> {
      tx.setDeskState(deskId, DeskState.PAUSED, reason);
      return null;
    });
  }

  @Override
  public void closeDesk(String deskId) {
    execute(tx -> {
      tx.setDeskState(deskId, DeskState.CLOSED, null);
      return null;
    });
  }

  @Override
  public void setAutoCall(String deskId, boolean on) {
    execute(tx -> {
      tx.setAutoCall(deskId, on);
      return null;
    });
  }

  private LegacyTx readOnly() {
    LegacyBranchState s = current();
    return new LegacyTx(new LegacyDraft(config, calendar, s), s.lastAt == null ? config.clock().now() : s.lastAt);
  }

  @Override
  public DeskStatus deskStatus(String deskId) {
    LegacyTx tx = readOnly();
    tx.desk(deskId);
    LegacyFloor.Desk d = tx.d.desk(deskId);
    return new DeskStatus(deskId, d.state(), d.reason(), d.autoCall());
  }

  @Override
  public WaitEstimate estimate(long ticketId) {
    LegacyTx tx = readOnly();
    LegacyDraft d = tx.d;
    Ticket t = d.ticket(ticketId);
    if (t == null) {
      throw new UnknownTicketException("no ticket has id " + ticketId + " at branch " + config.branchId());
    }
    if (t.state() != TicketState.WAITING) {
      throw new dev.talon.queue.IllegalTransitionException("ticket " + t.display() + " (id " + ticketId
          + ") has no wait estimate: it is " + t.state() + ", and only WAITING tickets wait");
    }
    List<Ticket> order = LegacyEstimator.callOrder(d, LegacyEstimator.virtualDesk(d, t.service()), tx.now, Integer.MAX_VALUE,
        ticketId);
    List<Ticket> ahead = order.isEmpty() ? order : order.subList(0, order.size() - 1);
    int[] desks = LegacyEstimator.desks(d, t.service());
    double[] w = LegacyEstimator.waitSeconds(d, t.service(), ahead, desks[0], desks[1]);
    return new WaitEstimate(t, ahead.size(), desks[0], LegacyEstimator.seconds(w[1]), LegacyEstimator.seconds(w[0]),
        LegacyEstimator.seconds(w[2]));
  }

  @Override
  public BoardView board() {
    LegacyBranchState s = current();
    java.util.Map<String, java.util.Map<String, Integer>> waiting = new java.util.TreeMap<>();
    for (LegacyLine l : s.lines) {
      if (l.waiting() > 0) {
        waiting.computeIfAbsent(l.service(), k -> new java.util.TreeMap<>()).put(l.lineClass(), l.waiting());
      }
    }
    return new BoardView(s.lastAt, List.of(s.floor.calls()), waiting);
  }

  @Override
  public DailyStatistics statistics(java.time.LocalDate day) {
    if (day == null) {
      throw new dev.talon.queue.InvalidRequestException("day must not be null");
    }
    return Statistics.of(config.branchId(), day, allTickets());
  }

  @Override
  public Optional<Ticket> ticket(long ticketId) {
    return Optional.ofNullable(ticketNow(ticketId));
  }

  private Ticket ticketNow(long id) {
    return id > 0 ? current().tickets.get(id) : null;
  }

  private Booking bookingNow(long id) {
    return current().bookings.get(id);
  }

  @Override
  public Optional<Booking> booking(String code) {
    long id = BookingCodes.decode(code);
    return id > 0 ? Optional.ofNullable(current().bookings.get(id)) : Optional.empty();
  }

  @Override
  public Position position(long ticketId) {
    LegacyBranchState s = current();
    Ticket t = ticketId > 0 ? s.tickets.get(ticketId) : null;
    if (t == null) {
      throw new UnknownTicketException("no ticket has id " + ticketId + " at branch " + config.branchId());
    }
    if (t.state() != TicketState.WAITING) {
      return new Position(t, -1);
    }
    LegacyLine line = s.line(t.service(), t.line());
    int[] ahead = {0};
    boolean[] found = {false};
    line.ids().forEach(id -> {
      if (!found[0]) {
        if (id == ticketId) {
          found[0] = true;
        } else if (s.tickets.get(id).state() == TicketState.WAITING) {
          ahead[0]++;
        }
      }
    });
    return new Position(t, ahead[0]);
  }

  @Override
  public List<Ticket> waiting(String service) {
    if (service == null || service.isBlank()) {
      throw new dev.talon.queue.InvalidRequestException("service code must not be null or blank, was "
          + (service == null ? "null" : '"' + service + '"'));
    }
    if (config.indexOf(service) < 0) {
      throw new dev.talon.queue.UnknownServiceException("unknown service " + service + "; branch " + config.branchId()
          + " has " + config.serviceIndex().keySet().stream().sorted().toList());
    }
    LegacyBranchState s = current();
    List<Ticket> out = new ArrayList<>();
    for (LegacyLine l : s.lines) {
      if (l.service().equals(service)) {
        l.ids().forEach(id -> {
          Ticket t = s.tickets.get(id);
          if (t.state() == TicketState.WAITING) {
            out.add(t);
          }
        });
      }
    }
    return out;
  }

  @Override
  public void setAdmissionMode(AdmissionMode mode) {
    execute(tx -> {
      tx.setMode(mode);
      return null;
    });
  }

  @Override
  public void setPolicy(dev.talon.queue.spi.Policy<?> policy) {
    execute(tx -> {
      tx.setPolicy(policy);
      return null;
    });
  }

  @Override
  public String policyName() {
    return current().policy.name();
  }

  @Override
  public AdmissionMode admissionMode() {
    return current().mode;
  }

  @Override
  public void rotate() {
    execute(tx -> null);
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

  @Override
  public long lastSeq() {
    return current().seq;
  }

  @Override
  public void close() {
    closed = true;
    if (rotation != null) {
      rotation.cancel(false);
    }
    boolean flushed = journal == null || journal.flush(5_000);
    if (!flushed) {
      log.warn("branch {} closed with events not yet written to the store (ASYNC)", config.branchId());
    }
    LegacyBranchState last = current();
    if (flushed && config.snapshotEvery() > 0 && last.seq > snapshotSeq && last.policy != snapshotsRefusedBy) {
      takeSnapshot(last); // the next owner of the branch replays nothing
    }
    if (journalThread != null) {
      journalThread.shutdown();
    }
  }

  // ---------------------------------------------------------------- asynchronous forms (added for the oracle)

  /*
   * The engine before issue 12 had no asynchronous API. For the oracle each *Async method runs the
   * blocking form on the calling thread and returns a future already completed with its result, or
   * failed with the exception it threw.
   */
  private static <T> CompletableFuture<T> now(java.util.function.Supplier<T> blocking) {
    try {
      return CompletableFuture.completedFuture(blocking.get());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static CompletableFuture<Void> done(Runnable blocking) {
    return now(() -> {
      blocking.run();
      return (Void) null;
    });
  }

  @Override
  public CompletableFuture<Ticket> issueAsync(IssueRequest request) {
    if (request == null) { // a bad argument or an admission refusal is thrown at once, as the new engine does
      throw new dev.talon.queue.InvalidRequestException("issue request must not be null");
    }
    admit(AdmissionRequest.Kind.ISSUE, request.service(), request.origin(), request.personId(), request.categories());
    if (request.requestId() == null) {
      return now(() -> execute(tx -> tx.issue(request)));
    }
    return now(() -> once(request.requestId(),
        issueFingerprint(request.service(), request.origin().name(), request.categories(), request.personId()),
        tx -> tx.issue(request), Ticket::id, this::ticketNow));
  }

  @Override
  public CompletableFuture<Booking> bookAsync(BookRequest request) {
    if (request == null) {
      throw new dev.talon.queue.InvalidRequestException("book request must not be null");
    }
    admit(AdmissionRequest.Kind.BOOK, request.service(), null, request.personId(), Set.of());
    if (request.requestId() == null) {
      return now(() -> execute(tx -> tx.book(request)));
    }
    Object fingerprint = bookFingerprint(request.service(), request.windowStart(), request.personId());
    return now(() -> once(request.requestId(), fingerprint, tx -> tx.book(request), Booking::id, this::bookingNow));
  }

  @Override
  public CompletableFuture<Booking> cancelBookingAsync(String code) {
    return now(() -> cancelBooking(code));
  }

  @Override
  public CompletableFuture<Ticket> checkInAsync(String code) {
    if (!config.checks().isEmpty()) {
      Booking b = new LegacyTx(new LegacyDraft(config, calendar, current()), config.clock().now()).booking(code);
      admit(AdmissionRequest.Kind.CHECK_IN, b.service(), Origin.BOOKED, b.personId(), Set.of());
    }
    return now(() -> execute(tx -> tx.checkIn(code)));
  }

  @Override
  public CompletableFuture<Ticket> awaitNext(String deskId, java.time.Duration timeout) {
    throw new UnsupportedOperationException("the legacy engine (a test oracle) has no waiting desks");
  }

  @Override
  public CompletableFuture<Optional<Ticket>> callNextAsync(String deskId) {
    return now(() -> callNext(deskId));
  }

  @Override
  public CompletableFuture<Ticket> recallAsync(long ticketId) {
    return now(() -> recall(ticketId));
  }

  @Override
  public CompletableFuture<Ticket> returnCallAsync(long ticketId) {
    return now(() -> returnCall(ticketId));
  }

  @Override
  public CompletableFuture<Ticket> startServiceAsync(long ticketId) {
    return now(() -> startService(ticketId));
  }

  @Override
  public CompletableFuture<Ticket> finishAsync(long ticketId) {
    return now(() -> finish(ticketId));
  }

  @Override
  public CompletableFuture<Ticket> noShowAsync(long ticketId) {
    return now(() -> noShow(ticketId));
  }

  @Override
  public CompletableFuture<Ticket> cancelAsync(long ticketId) {
    return now(() -> cancel(ticketId));
  }

  @Override
  public CompletableFuture<Ticket> postponeAsync(long ticketId, Duration period) {
    return now(() -> postpone(ticketId, period));
  }

  @Override
  public CompletableFuture<Ticket> postponeIndefinitelyAsync(long ticketId) {
    return now(() -> postponeIndefinitely(ticketId));
  }

  @Override
  public CompletableFuture<Ticket> resumeAsync(long ticketId) {
    return now(() -> resume(ticketId));
  }

  @Override
  public CompletableFuture<Ticket> transferAsync(long ticketId, TransferRequest request) {
    return now(() -> transfer(ticketId, request));
  }

  @Override
  public CompletableFuture<Ticket> callTicketAsync(String deskId, long ticketId) {
    return now(() -> callTicket(deskId, ticketId));
  }

  @Override
  public CompletableFuture<Void> setDeskStateAsync(String deskId, DeskState state, String reason) {
    return done(() -> execute(tx -> {
      tx.setDeskState(deskId, state, reason);
      return null;
    }));
  }

  @Override
  public CompletableFuture<Void> setAutoCallAsync(String deskId, boolean on) {
    return done(() -> setAutoCall(deskId, on));
  }

  @Override
  public CompletableFuture<Void> setPolicyAsync(dev.talon.queue.spi.Policy<?> policy) {
    return done(() -> setPolicy(policy));
  }

  @Override
  public CompletableFuture<Void> setAdmissionModeAsync(AdmissionMode mode) {
    return done(() -> setAdmissionMode(mode));
  }

  @Override
  public CompletableFuture<Void> rotateAsync() {
    return done(this::rotate);
  }

  // ---------------------------------------------------------------- for tests in this package

  LegacyBranchState current() {
    return (LegacyBranchState) STATE.getAcquire(this);
  }

  BranchConfig config() {
    return config;
  }

  /** The policy's current state, for tests and reports. */
  public Object policyState() {
    return current().policyState;
  }

  /** All tickets by id; for invariant checks. */
  public List<Ticket> allTickets() {
    List<Ticket> out = new ArrayList<>();
    current().tickets.values().forEachRemaining(out::add);
    return out;
  }

  /** All bookings by id; for invariant checks. */
  public List<Booking> allBookings() {
    List<Booking> out = new ArrayList<>();
    current().bookings.values().forEachRemaining(out::add);
    return out;
  }
}
