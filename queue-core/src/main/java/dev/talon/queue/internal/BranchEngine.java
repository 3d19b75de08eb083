package dev.talon.queue.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.talon.queue.AdmissionMode;
import dev.talon.queue.AdmissionRefusedException;
import dev.talon.queue.BookRequest;
import dev.talon.queue.Booking;
import dev.talon.queue.Branch;
import dev.talon.queue.DuplicateRequestException;
import dev.talon.queue.EngineClosedException;
import dev.talon.queue.IssueRequest;
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
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * The engine of one branch.
 *
 * Design. The whole branch is one immutable BranchState held in `state`. Every operation runs
 * the same loop: read the state (acquire), read the clock, build a Draft, let a Tx validate and
 * emit events (clock catch-up first, then the operation's own), freeze the draft, and install it
 * with one compare-and-set. A failed CAS means another operation won; the attempt is discarded
 * (it published nothing) and retried on the newer state. So issue and call-next take no locks,
 * two desks can never claim the same ticket (only one CAS from a state where it waits succeeds),
 * and every history is linearizable at the successful CAS. Policies keep their state inside
 * BranchState, which makes stateful policies linearizable too.
 *
 * The clock is read after the state. If thread A's CAS installed a state stamped t, A read t
 * before its CAS, which happened before B read that state, which happened before B read the
 * clock; so a monotonic clock never looks backwards to B, and a reading earlier than the state's
 * last time is a real step back: within `clockTolerance` it is treated as the last time (NTP
 * slews), beyond it the operation is refused.
 *
 * Durability. With a non-durable store (in memory) the events are appended after the CAS; the
 * store keys events by sequence number, so appends that overtake each other are harmless. With a
 * durable store the order is reversed: the events are appended first, conditionally on their
 * sequence numbers being free, and only then is the state installed. The store's conditional
 * append is the serialisation point: whoever appends seq n+1 first is the only one that can
 * install a state with seq n+1, so its CAS cannot fail; a loser waits for the winner's CAS and
 * retries. An operation therefore returns only after its events are durable, and an append that
 * fails leaves the engine exactly as it was.
 *
 * Idempotency. Request ids live in a Caffeine cache (expiring after the configured window, on the
 * branch clock) mapping the id to the fingerprint of the request and a future of the result's id.
 * The first request with an id installs its future with putIfAbsent; a concurrent retry waits for
 * it (only duplicates ever wait), a later retry returns the current snapshot of the same ticket or
 * booking, and a reuse with different content is refused. Recovery refills the cache from the
 * request ids stored in the events.
 */
public final class BranchEngine implements Branch {
  private static final Logger log = LoggerFactory.getLogger(BranchEngine.class);
  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(BranchEngine.class, "state", BranchState.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final BranchConfig config;
  private final BranchCalendar calendar;
  private final EventStore store;
  private final boolean durable;
  private final Cache<String, Request> requests;
  private final ScheduledFuture<?> rotation;
  @SuppressWarnings("unused") // accessed through STATE
  private volatile BranchState state;
  private volatile boolean closed;
  private volatile String poisoned;

  private BranchEngine(BranchConfig config) {
    this.config = config;
    this.calendar = new BranchCalendar(config.zone(), config.slots().windowLength().toMinutes(),
        config.slots().windowsPerDay());
    this.store = config.store();
    this.durable = store.isDurable();
    this.requests = Caffeine.newBuilder()
        .expireAfterWrite(config.limits().requestIdWindow())
        .ticker(() -> {
          Instant now = config.clock().now();
          return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        })
        .build();
    BranchState initial = BranchState.initial(config.services().size(), config.policy().initialState(),
        config.initialMode());
    this.state = replay(initial);
    this.rotation = config.rotationScheduler() == null ? null
        : config.rotationScheduler().scheduleAtFixedRate(this::scheduledRotation,
            config.rotationInterval().toMillis(), config.rotationInterval().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Opens the branch: replays the store's history of it, if any, into an identical engine. */
  public static BranchEngine open(BranchConfig config) {
    return new BranchEngine(config);
  }

  private BranchState replay(BranchState initial) {
    List<QueueEvent> history = store.load(config.branchId(), 0);
    if (history.isEmpty()) {
      return initial;
    }
    Draft d = new Draft(config, calendar, initial);
    for (QueueEvent e : history) {
      d.apply(e);
      remember(e);
    }
    return d.freeze();
  }

  private void remember(QueueEvent e) {
    if (e instanceof TicketIssued i && i.requestId() != null) {
      Request r = new Request(issueFingerprint(i.service(), i.origin().name(), i.categories(), i.personId()));
      r.result.complete(i.ticketId());
      requests.put(i.requestId(), r);
    } else if (e instanceof BookingMade b && b.requestId() != null) {
      Request r = new Request(List.of("book", b.service(), b.windowStart().toString(), String.valueOf(b.personId())));
      r.result.complete(b.bookingId());
      requests.put(b.requestId(), r);
    }
  }

  // ---------------------------------------------------------------- the loop

  @FunctionalInterface
  private interface Op<R> {
    R run(Tx tx);
  }

  private <R> R execute(Op<R> op) {
    if (closed) {
      throw new EngineClosedException("branch " + config.branchId() + " is closed");
    }
    if (poisoned != null) {
      throw new StorageException(poisoned);
    }
    while (true) {
      BranchState s = (BranchState) STATE.getAcquire(this);
      Instant now = config.clock().now();
      if (s.lastAt != null && now.isBefore(s.lastAt)
          && Duration.between(now, s.lastAt).compareTo(config.clockTolerance()) <= 0) {
        now = s.lastAt; // a small step back (e.g. an NTP correction) counts as no time passing
      }
      Tx tx = new Tx(new Draft(config, calendar, s), now);
      tx.catchUp();
      R result = op.run(tx);
      if (tx.events.isEmpty()) {
        return result;
      }
      BranchState next = tx.d.freeze();
      if (durable) {
        try {
          store.append(config.branchId(), config.fencingToken(), tx.events);
        } catch (EventStore.SequenceConflictException conflict) {
          awaitNewerThan(s);
          continue;
        }
        if (!STATE.compareAndSet(this, s, next)) {
          poisoned = "branch " + config.branchId() + " was changed by another writer while it appended event "
              + next.seq + "; reopen the branch";
          throw new StorageException(poisoned);
        }
      } else {
        if (!STATE.compareAndSet(this, s, next)) {
          continue; // another operation won; nothing was published, try again on its state
        }
        appendAfterPublish(s, next, tx.events);
      }
      notifyListeners(tx.events);
      return result;
    }
  }

  private void appendAfterPublish(BranchState before, BranchState after, List<QueueEvent> events) {
    try {
      store.append(config.branchId(), config.fencingToken(), events);
    } catch (RuntimeException e) {
      if (STATE.compareAndSet(this, after, before)) {
        throw e instanceof QueueException q ? q : new StorageException("appending events failed: " + e, e);
      }
      poisoned = "branch " + config.branchId() + " could not store event " + events.get(0).seq()
          + " and later operations already depend on it; reopen the branch from its store";
      throw new StorageException(poisoned, e);
    }
  }

  private void awaitNewerThan(BranchState s) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (STATE.getAcquire(this) == s) {
      if (System.nanoTime() > deadline) {
        throw new StorageException("branch " + config.branchId() + ": event " + (s.seq + 1)
            + " is in the store but was not applied here; another engine is writing this branch");
      }
      Thread.onSpinWait();
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

  private void admit(AdmissionRequest.Kind kind, String service, String personId, Set<String> categories) {
    if (config.checks().isEmpty()) {
      return;
    }
    AdmissionRequest req = new AdmissionRequest(kind, config.branchId(), service, personId, categories,
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

    Request(Object fingerprint) {
      this.fingerprint = fingerprint;
    }
  }

  private static Object issueFingerprint(String service, String origin, Set<String> categories, String personId) {
    return List.of("issue", service, origin, Set.copyOf(categories), String.valueOf(personId));
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
          mine.result.complete(idOf.apply(r));
          return r;
        } catch (RuntimeException e) {
          requests.asMap().remove(requestId, mine);
          mine.result.completeExceptionally(e);
          throw e;
        }
      }
      if (!prior.fingerprint.equals(fingerprint)) {
        throw new DuplicateRequestException("request id " + requestId + " was already used for a different request "
            + prior.fingerprint + "; this one is " + fingerprint + ". Use a new request id for a new request");
      }
      try {
        return current.apply(prior.result.join());
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
    admit(AdmissionRequest.Kind.ISSUE, request.service(), request.personId(), request.categories());
    return once(request.requestId(),
        issueFingerprint(request.service(), request.origin().name(), request.categories(), request.personId()),
        tx -> tx.issue(request), Ticket::id, this::ticketNow);
  }

  @Override
  public Booking book(BookRequest request) {
    if (request == null) {
      throw new dev.talon.queue.InvalidRequestException("book request must not be null");
    }
    admit(AdmissionRequest.Kind.BOOK, request.service(), request.personId(), Set.of());
    Object fingerprint = List.of("book", request.service(), request.windowStart().toString(),
        String.valueOf(request.personId()));
    return once(request.requestId(), fingerprint, tx -> tx.book(request), Booking::id, this::bookingNow);
  }

  @Override
  public Booking cancelBooking(String code) {
    return execute(tx -> tx.cancelBooking(code));
  }

  @Override
  public Ticket checkIn(String code) {
    if (!config.checks().isEmpty()) {
      Booking b = new Tx(new Draft(config, calendar, current()), config.clock().now()).booking(code);
      admit(AdmissionRequest.Kind.CHECK_IN, b.service(), b.personId(), Set.of());
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
    BranchState s = current();
    Ticket t = ticketId > 0 ? s.tickets.get(ticketId) : null;
    if (t == null) {
      throw new UnknownTicketException("no ticket has id " + ticketId + " at branch " + config.branchId());
    }
    if (t.state() != TicketState.WAITING) {
      return new Position(t, -1);
    }
    Line line = s.line(t.service(), t.line());
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
    BranchState s = current();
    List<Ticket> out = new ArrayList<>();
    for (Line l : s.lines) {
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
  }

  // ---------------------------------------------------------------- for tests in this package

  BranchState current() {
    return (BranchState) STATE.getAcquire(this);
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
