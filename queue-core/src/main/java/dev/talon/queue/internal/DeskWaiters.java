package dev.talon.queue.internal;

import dev.talon.queue.Branch;
import dev.talon.queue.EngineClosedException;
import dev.talon.queue.InvalidRequestException;
import dev.talon.queue.Ticket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/*
 * Desks that wait for their next visitor (Branch.awaitNext) instead of polling callNext.
 *
 * Each desk with waiters has a Desk record: a FIFO of waiting futures and a state, IDLE (nobody
 * waits, or a waiter was just added), IN_FLIGHT (one callNextAsync for this desk is on its way)
 * or ARMED (the last attempt found nothing; the next state change retries). At most one attempt
 * per desk is in flight, so waiters of one desk are served in the order they came and no desk
 * floods the branch with empty calls.
 *
 * Wake-ups. The engine calls changed() each time a batch of events became visible (where it
 * notifies listeners: after the append, or after the commit in a durable mode). While anybody
 * waits, changed() bumps a version and, when some desk is ARMED, hands the retries to another thread: the writer
 * and the committer never call into the branch from inside their role. A lost wake-up is ruled
 * out by the version: an attempt remembers the version it started at, and after it arms its desk
 * it compares; a change that came between the attempt's application and the arming bumped the
 * version, so the desk fires again itself. No polling: with nothing changing, nothing runs.
 *
 * Ending a wait. A waiter ends with the ticket called for it, with TimeoutException after its
 * timeout (CompletableFuture.orTimeout), when its caller cancels it, or with
 * EngineClosedException when the branch closes. A call whose waiter ended while the call was on
 * its way is handed to the next waiter of the desk, and when none is left it is handed back
 * (returnCall: the ticket waits again at its place in its line), so a cancelled or timed-out wait
 * never leaves a ticket called at a desk nobody is at. The history then shows that call and its
 * return, which is what happened.
 *
 * Cost when nobody waits: one volatile read per batch (waiting == 0). The version needs no bump
 * then: an attempt is only in flight for a waiter that is counted until it ends, and a change
 * after the last waiter ended has nobody to wake.
 */
final class DeskWaiters {
  private static final int IDLE = 0;
  private static final int IN_FLIGHT = 1;
  private static final int ARMED = 2;

  private final Branch branch;
  private final Executor executor;
  private final ConcurrentHashMap<String, Desk> desks = new ConcurrentHashMap<>();
  /** Bumped on every visible state change; see the design note. */
  private final AtomicLong version = new AtomicLong();
  /** Waiters not yet ended, over all desks; changed() does nothing more while it is 0. */
  private final AtomicInteger waiting = new AtomicInteger();
  private volatile boolean closed;

  private static final class Desk {
    final String id;
    final ConcurrentLinkedQueue<CompletableFuture<Ticket>> waiters = new ConcurrentLinkedQueue<>();
    final AtomicInteger state = new AtomicInteger(IDLE);

    Desk(String id) {
      this.id = id;
    }
  }

  DeskWaiters(Branch branch) {
    this(branch, ForkJoinPool.commonPool());
  }

  DeskWaiters(Branch branch, Executor executor) {
    this.branch = branch;
    this.executor = executor;
  }

  CompletableFuture<Ticket> await(String deskId, Duration timeout) {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new InvalidRequestException("a desk's wait needs a positive timeout, was " + timeout);
    }
    branch.deskStatus(deskId); // an unknown desk is refused here (UnknownDeskException)
    if (closed) {
      throw new EngineClosedException("branch " + branch.id() + " is closed");
    }
    CompletableFuture<Ticket> waiter = new CompletableFuture<>();
    waiting.incrementAndGet();
    waiter.whenComplete((t, e) -> waiting.decrementAndGet());
    waiter.orTimeout(Math.max(1, timeout.toNanos()), TimeUnit.NANOSECONDS);
    Desk d = desks.computeIfAbsent(deskId, Desk::new);
    d.waiters.add(waiter);
    if (closed) {
      waiter.completeExceptionally(new EngineClosedException("branch " + branch.id() + " is closed"));
    }
    fire(d);
    return waiter;
  }

  /** The engine made a batch of events visible; see the design note. Called by the writer or the committer. */
  void changed() {
    if (waiting.get() == 0) {
      return; // nobody waits; an attempt in flight always has a waiter counted here, so none is missed
    }
    version.incrementAndGet();
    for (Desk d : desks.values()) {
      if (d.state.get() == ARMED) {
        executor.execute(this::retryArmed);
        return;
      }
    }
  }

  /** The branch closes: every wait ends with EngineClosedException. */
  void close() {
    closed = true;
    for (Desk d : desks.values()) {
      for (CompletableFuture<Ticket> w; (w = d.waiters.poll()) != null; ) {
        w.completeExceptionally(new EngineClosedException("branch " + branch.id() + " closed while desk "
            + d.id + " waited"));
      }
    }
  }

  private void retryArmed() {
    for (Desk d : desks.values()) {
      if (d.state.get() == ARMED) {
        fire(d);
      }
    }
  }

  /** Starts an attempt for the desk unless one is in flight or nobody waits. */
  private void fire(Desk d) {
    while (true) {
      int s = d.state.get();
      if (s == IN_FLIGHT) {
        return; // the attempt in flight looks at the waiters again when it ends
      }
      if (!d.state.compareAndSet(s, IN_FLIGHT)) {
        continue;
      }
      dropEnded(d);
      if (d.waiters.isEmpty() || closed) {
        d.state.set(IDLE);
        if (!d.waiters.isEmpty() && !closed) {
          continue; // a waiter came between the look and the release: it found IN_FLIGHT and left it to us
        }
        return;
      }
      long startedAt = version.get();
      CompletableFuture<Optional<Ticket>> call;
      try {
        call = branch.callNextAsync(d.id);
      } catch (RuntimeException e) {
        failHead(d, e);
        d.state.set(IDLE);
        continue;
      }
      call.whenComplete((found, failure) -> ended(d, startedAt, found, failure));
      return;
    }
  }

  private void ended(Desk d, long startedAt, Optional<Ticket> found, Throwable failure) {
    if (failure != null) {
      failHead(d, failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
          ? failure.getCause() : failure);
      d.state.set(IDLE);
      fire(d);
      return;
    }
    if (found.isPresent()) {
      Ticket t = found.get();
      boolean taken = false;
      for (CompletableFuture<Ticket> w; !taken && (w = d.waiters.poll()) != null; ) {
        taken = w.complete(t);
      }
      if (!taken) {
        try {
          branch.returnCallAsync(t.id()); // its waiter ended meanwhile: the ticket waits again at its place
        } catch (RuntimeException closing) {
          // the branch closed or was lost: its calls end with it
        }
      }
      d.state.set(IDLE);
      fire(d); // more waiters may be served by tickets already waiting
      return;
    }
    d.state.set(ARMED);
    if (version.get() != startedAt) {
      fire(d); // something changed after the attempt looked: look again
    }
  }

  private static void dropEnded(Desk d) {
    for (CompletableFuture<Ticket> w; (w = d.waiters.peek()) != null && w.isDone(); ) {
      d.waiters.remove(w);
    }
  }

  private static void failHead(Desk d, Throwable failure) {
    for (CompletableFuture<Ticket> w; (w = d.waiters.poll()) != null; ) {
      if (w.completeExceptionally(failure)) {
        return;
      }
    }
  }
}
