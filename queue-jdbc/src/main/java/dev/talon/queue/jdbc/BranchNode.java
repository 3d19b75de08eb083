package dev.talon.queue.jdbc;

import dev.talon.queue.Branch;
import dev.talon.queue.InvalidConfigurationException;
import dev.talon.queue.QueueException;
import dev.talon.queue.StorageException;
import dev.talon.queue.Talon;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One of several JVMs serving branches from one database: each branch is served by exactly one
 * node at a time, the holder of its lease. The nodes spread the branches evenly (each holds within
 * one of n/k, fewer if its {@link Builder#maxBranches(int) capacity} says so), handing branches over
 * when a node joins or leaves, and take a branch over when its lease expires (the owner died or
 * stalled). {@link #route(String)} and {@link #dispatch} tell an HTTP layer where a branch is served.
 *
 * <pre>{@code
 * BranchNode node = BranchNode.builder(store)              // a JdbcEventStore on the shared database
 *     .nodeId("web-1")
 *     .leaseTtl(Duration.ofSeconds(5))
 *     .heartbeat(Duration.ofSeconds(1))
 *     .branch("north", t -> t.service("A", "A", "Documents").desk("1", "A"))
 *     .branch("south", t -> t.service("A", "A", "Documents").desk("1", "A"))
 *     .listener(router)                                     // gained/lost: route requests
 *     .build();                                             // starts the heartbeat
 * node.branch("north").ifPresent(b -> b.issue(...));      // served here?
 * node.owner("north");                                      // who serves it now, by the lease table
 * node.route("north");                                      // the same with the owner's address, from memory
 * node.close();                                             // hand over: peers take over at once
 * }</pre>
 *
 * <p>Every node is configured with the branches it may serve (normally all of them). Acquiring a
 * lease raises its epoch and the branch's fence in one transaction, and the node opens the branch
 * with that epoch as its fencing token, replaying the stored history; so an append of a previous
 * owner that is paused or cut off is refused by the database once the lease has moved on, and that
 * engine answers every later operation with {@link dev.talon.queue.BranchLostException}.
 *
 * <p>The pool behind the store should end transactions of a stalled client on the server, e.g. on
 * PostgreSQL {@code idle_in_transaction_session_timeout} below the lease TTL: a node frozen in the
 * middle of an append holds the branch's fence row, and the new owner's acquisition waits for it.
 */
public final class BranchNode implements AutoCloseable {
  /*
   * One daemon thread runs the heartbeat at a fixed delay: first renew every held lease (a renewal
   * that matches no row means a peer holds a newer epoch: the branch is lost; one that fails for
   * lack of a database counts as lost once a TTL has passed since the last successful renewal
   * started, measured by this JVM's monotonic clock, since the peer may take it from then on), then
   * balance: renew this node's row in the node registry (talon_nodes: address, branches held,
   * capacity, alive until now + TTL by the database clock), read the live nodes and live leases in
   * one go, and release or acquire toward this node's share (Balance: a lease-table protocol with
   * quotas, chosen over rendezvous hashing because hashing balances only in expectation; see its
   * design note). A lost branch's engine is closed before listeners hear of it.
   *
   * Hand-over. Releasing a branch, to balance or in close(), closes its engine first (committing
   * what it applied and saving a final snapshot), then releases the lease, then notifies the peers;
   * the taker opens from that snapshot and has no tail to replay. close() deletes the node's
   * registry row before handing its branches over, so the others' shares grow before the branches
   * become free. On PostgreSQL every join, leave and release is followed by pg_notify on the nodes'
   * channel; a dedicated connection LISTENs (PgWakeups) and runs a balancing round on the heartbeat
   * thread at once (coalesced: one round for any number of notices queued meanwhile), so a released
   * branch is taken in milliseconds. H2 has no NOTIFY: there, and whenever the listening connection
   * is down, the next heartbeat does the same. A dead node releases nothing: its leases and its
   * registry row expire after the TTL, and the survivors' next heartbeat takes its branches.
   *
   * Bounded waits. Every lease call (acquire, renew, release) runs on a lease I/O thread, and the
   * heartbeat waits for it at most half the TTL (callBound): during a database outage the pool's
   * getConnection alone can block for its connection timeout (10 s and more), and the driver's query
   * timeout counts in whole seconds, so neither bounds the heartbeat. A call that does not answer
   * in time is interrupted (a pool waiting for a connection gives up) and counts as failed; its
   * statement, if already sent, is ended by the query timeout. A renewal or acquisition that
   * still commits after being given up is harmless: the lease then simply runs out, and fencing
   * never depended on it.
   */
  private static final Logger log = LoggerFactory.getLogger(BranchNode.class);

  private final JdbcEventStore store;
  private final Leases leases;
  private final String nodeId;
  private final long ttlMillis;
  private final Map<String, Function<Talon, Talon>> branches;
  private final int maxBranches;
  private final List<OwnershipListener> listeners;
  private final Map<String, Held> held = new ConcurrentHashMap<>();
  private final ScheduledExecutorService heartbeat;
  private final ExecutorService leaseIo;
  private final long callBoundMillis;
  private final Nodes nodes;
  private final String address;
  private final AtomicBoolean wakePending = new AtomicBoolean();
  private final PgWakeups wakeups;
  /** The last registry and lease read, for routing; replaced whole by the heartbeat thread. */
  private volatile Nodes.View view = new Nodes.View(List.of(), Map.of());
  /** Ownership changes, for NodeMetrics: written on the heartbeat thread (and by close), read at scrape time. */
  private final LongAdder takeovers = new LongAdder();
  private final LongAdder handOvers = new LongAdder();
  private final LongAdder losses = new LongAdder();
  /** Heartbeat thread only. */
  private boolean registered;
  private volatile boolean closed;

  private record Held(Lease lease, Branch branch, long validUntilNanos) {}

  private BranchNode(Builder b) {
    this.store = b.store;
    this.nodeId = b.nodeId;
    this.ttlMillis = b.leaseTtl.toMillis();
    this.branches = Map.copyOf(b.branches);
    this.maxBranches = b.maxBranches;
    this.listeners = List.copyOf(b.listeners);
    this.leases = new Leases(store, (int) Math.max(1, b.leaseTtl.toSeconds() / 2));
    this.nodes = new Nodes(store, (int) Math.max(1, b.leaseTtl.toSeconds() / 2));
    this.address = b.address == null ? b.nodeId : b.address;
    this.callBoundMillis = Math.max(1, ttlMillis / 2);
    this.leaseIo = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "talon-node-" + nodeId + "-lease-io");
      t.setDaemon(true);
      return t;
    });
    this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "talon-node-" + nodeId);
      t.setDaemon(true);
      return t;
    });
    heartbeat.scheduleWithFixedDelay(this::beat, 0, b.heartbeat.toMillis(), TimeUnit.MILLISECONDS);
    PgWakeups w = null;
    if (nodes.notifies()) {
      w = new PgWakeups(store.dataSource(), nodes.channel(), (int) Math.min(500, b.heartbeat.toMillis()), this::wake,
          nodeId);
      if (PgWakeups.start(w) == null) {
        w = null;
      }
    }
    this.wakeups = w;
  }

  /** Starts configuring a node on a store whose database the other nodes share. */
  public static Builder builder(JdbcEventStore store) {
    if (store == null) {
      throw new InvalidConfigurationException("store must not be null");
    }
    return new Builder(store);
  }

  /** This node's id, as recorded in the lease table. */
  public String nodeId() {
    return nodeId;
  }

  /** The branch if this node serves it now. */
  public Optional<Branch> branch(String branchId) {
    Held h = held.get(branchId);
    return h == null ? Optional.empty() : Optional.of(h.branch);
  }

  /** The branches this node serves now. */
  public Set<String> ownedBranches() {
    return Set.copyOf(held.keySet());
  }

  /** Who serves the branch now, by the lease table; empty when no live lease exists. */
  public Optional<Lease> owner(String branchId) {
    return leases.owner(branchId);
  }

  /**
   * Where the branch is served, from memory: this node if it holds the branch, else the owner and
   * address as of this node's last heartbeat (or a peer's notice). Empty while nobody serves it.
   * A route may be a heartbeat old; a request forwarded to a node that just gave the branch away
   * fails there with {@link dev.talon.queue.EngineClosedException} or {@link BranchUnavailableException}
   * and can be retried.
   */
  public Optional<Route> route(String branchId) {
    Held h = held.get(branchId);
    if (h != null) {
      return Optional.of(new Route(branchId, nodeId, address, h.lease.epoch(), true));
    }
    Nodes.View v = view;
    Lease l = v.leases().get(branchId);
    if (l == null || l.nodeId().equals(nodeId)) {
      return Optional.empty();
    }
    for (Nodes.Live n : v.nodes()) {
      if (n.nodeId().equals(l.nodeId())) {
        return Optional.of(new Route(branchId, l.nodeId(), n.address(), l.epoch(), false));
      }
    }
    return Optional.empty();
  }

  /**
   * The routing hook of an HTTP layer: runs {@code here} on the branch if this node serves it, else
   * gives {@code elsewhere} the route to the node that does (to forward the request there).
   *
   * @throws BranchUnavailableException when no node serves the branch now (retry shortly)
   */
  public <T> T dispatch(String branchId, Function<Branch, T> here, Function<Route, T> elsewhere) {
    Held h = held.get(branchId);
    if (h != null) {
      return here.apply(h.branch);
    }
    return elsewhere.apply(route(branchId).orElseThrow(() -> new BranchUnavailableException("no node serves branch "
        + branchId + " now (it is being handed over or taken over, or no node is configured for it); retry shortly")));
  }

  /** The heartbeat: renews every held lease, then registers, reads the others and balances. */
  private void beat() {
    try {
      boolean reachable = true;
      for (Held h : new ArrayList<>(held.values())) {
        reachable &= renew(h);
      }
      if (reachable) {
        balance(); // not while renewals fail: its calls would only delay the next renewal
      }
    } catch (RuntimeException e) {
      log.warn("node {}: heartbeat failed: {}", nodeId, e.getMessage());
    }
  }

  /** A peer notified (PostgreSQL): balance now, once for any number of notifications queued meanwhile. */
  private void wake() {
    if (closed || !wakePending.compareAndSet(false, true)) {
      return;
    }
    try {
      heartbeat.execute(() -> {
        wakePending.set(false);
        try {
          balance();
        } catch (RuntimeException e) {
          log.warn("node {}: balancing on a peer's notice failed: {}", nodeId, e.getMessage());
        }
      });
    } catch (RejectedExecutionException closing) {
      wakePending.set(false);
    }
  }

  /** Registers this node, reads the live nodes and leases, and releases or acquires toward its share. */
  private void balance() {
    if (closed) {
      return;
    }
    int holding = held.size();
    boolean first = !registered;
    bounded("registering node " + nodeId, () -> {
      nodes.register(nodeId, address, holding, maxBranches, ttlMillis, first);
      return null;
    });
    registered = true;
    Nodes.View v = bounded("reading the live nodes", nodes::read);
    view = v;
    List<String> free = new ArrayList<>();
    for (String id : branches.keySet()) {
      if (!v.leases().containsKey(id) && !held.containsKey(id)) {
        free.add(id);
      }
    }
    Map<String, Integer> leased = new HashMap<>(); // what each node holds now: its live leases
    v.leases().values().forEach(l -> leased.merge(l.nodeId(), 1, Integer::sum));
    List<Nodes.Live> live = new ArrayList<>(v.nodes().size());
    for (Nodes.Live n : v.nodes()) {
      live.add(new Nodes.Live(n.nodeId(), n.address(), leased.getOrDefault(n.nodeId(), 0), n.maxBranches()));
    }
    Balance.Plan plan = Balance.plan(nodeId, held.size(), live, branches.size(), free.size());
    if (plan.release() > 0) {
      List<String> mine = Balance.byPreference(nodeId, held.keySet());
      for (String id : mine.subList(mine.size() - Math.min(plan.release(), mine.size()), mine.size())) {
        Held h = held.get(id);
        if (h != null && !closed) {
          handOver(h, "handed over to balance the nodes (this node's share is " + plan.lo() + " to " + plan.hi()
              + " of " + branches.size() + " branches)");
        }
      }
      return;
    }
    for (String id : Balance.byPreference(nodeId, free)) {
      if (closed || held.size() >= plan.target()) {
        return;
      }
      tryAcquire(id);
    }
  }

  /** Renews one lease; false if the database did not answer (the lease may still be ours). */
  private boolean renew(Held h) {
    long started = System.nanoTime();
    boolean ours;
    try {
      ours = bounded("renewing the lease of branch " + h.lease.branchId(), () -> leases.renew(h.lease, ttlMillis));
    } catch (QueueException e) {
      if (System.nanoTime() - h.validUntilNanos > 0) {
        lose(h, "its lease could not be renewed within the TTL (" + e.getMessage() + ")");
      }
      return false;
    }
    if (!ours) {
      lose(h, "another node took its lease over");
    } else {
      // even if renewed only after the TTL ran out locally: a peer that took the lease meanwhile
      // would hold a newer epoch, and the renewal would have matched nothing
      held.replace(h.lease.branchId(), h, new Held(h.lease, h.branch, started + ttlMillis * 1_000_000));
    }
    return true;
  }

  private void tryAcquire(String branchId) {
    long started = System.nanoTime();
    Optional<Lease> got = bounded("acquiring the lease of branch " + branchId,
        () -> leases.acquire(branchId, nodeId, ttlMillis));
    if (got.isEmpty()) {
      return;
    }
    Lease lease = got.get();
    Branch branch;
    try {
      branch = branches.get(branchId).apply(Talon.newBranch(branchId)).store(store).fencingToken(lease.epoch())
          .build();
    } catch (RuntimeException e) {
      log.warn("node {}: opening branch {} under epoch {} failed, releasing its lease: {}", nodeId, branchId,
          lease.epoch(), e.toString());
      try {
        bounded("releasing the lease of branch " + branchId, () -> leases.release(lease));
      } catch (QueueException released) {
        log.warn("node {}: releasing branch {} failed, peers take it over after the TTL: {}", nodeId, branchId,
            released.getMessage());
      }
      return;
    }
    Held h = new Held(lease, branch, started + ttlMillis * 1_000_000);
    held.put(branchId, h);
    takeovers.increment();
    TakeoverEvent.emit(nodeId, branchId, lease.epoch(), started);
    log.info("node {} serves branch {} under epoch {}", nodeId, branchId, lease.epoch());
    for (OwnershipListener l : listeners) {
      try {
        l.gained(branchId, lease.epoch(), branch);
      } catch (RuntimeException e) {
        log.warn("node {}: listener {} failed on gaining branch {}", nodeId, l, branchId, e);
      }
    }
  }

  private void lose(Held h, String reason) {
    if (!held.remove(h.lease.branchId(), h)) {
      return;
    }
    losses.increment();
    log.warn("node {} lost branch {} (epoch {}): {}", nodeId, h.lease.branchId(), h.lease.epoch(), reason);
    closeQuietly(h);
    tell(h, reason);
  }

  private void tell(Held h, String reason) {
    for (OwnershipListener l : listeners) {
      try {
        l.lost(h.lease.branchId(), h.lease.epoch(), reason);
      } catch (RuntimeException e) {
        log.warn("node {}: listener {} failed on losing branch {}", nodeId, l, h.lease.branchId(), e);
      }
    }
  }

  private void closeQuietly(Held h) {
    try {
      h.branch.close();
    } catch (RuntimeException e) {
      log.warn("node {}: closing branch {} failed: {}", nodeId, h.lease.branchId(), e.toString());
    }
  }

  /**
   * Hands every branch over: stops the heartbeat, closes each engine, then releases its lease so a
   * peer takes the branch over at once instead of after the TTL.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    heartbeat.shutdown();
    try {
      if (!heartbeat.awaitTermination(ttlMillis, TimeUnit.MILLISECONDS)) {
        log.warn("node {}: the heartbeat did not stop within the TTL", nodeId);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (wakeups != null) {
      wakeups.stop();
    }
    try {
      bounded("deregistering node " + nodeId, () -> {
        nodes.deregister(nodeId);
        return null;
      });
    } catch (QueueException e) {
      log.warn("node {}: deregistering failed, peers see it gone after the TTL: {}", nodeId, e.getMessage());
    }
    for (Held h : new ArrayList<>(held.values())) {
      handOver(h, "node " + nodeId + " was closed and handed the branch over");
    }
    leaseIo.shutdownNow();
  }

  /**
   * Graceful hand-over: closes the engine (which commits what it applied and saves a final
   * snapshot), then releases the lease and notifies the peers, so the taker opens from that
   * snapshot with no tail to replay.
   */
  private void handOver(Held h, String reason) {
    if (!held.remove(h.lease.branchId(), h)) {
      return;
    }
    handOvers.increment();
    closeQuietly(h);
    try {
      bounded("releasing the lease of branch " + h.lease.branchId(), () -> leases.release(h.lease));
      bounded("notifying the peers", () -> {
        nodes.notifyPeers("released " + h.lease.branchId());
        return null;
      });
    } catch (QueueException e) {
      log.warn("node {}: releasing branch {} failed, peers take it over after the TTL: {}", nodeId,
          h.lease.branchId(), e.getMessage());
    }
    tell(h, reason);
  }

  /**
   * Runs a lease call on a lease I/O thread and waits at most half the TTL for it.
   *
   * @throws StorageException when it does not answer in time (it is interrupted) or is interrupted
   */
  private <T> T bounded(String what, Callable<T> call) {
    Future<T> f;
    try {
      f = leaseIo.submit(call);
    } catch (RejectedExecutionException e) {
      throw new StorageException(what + " was not started: node " + nodeId + " is closed");
    }
    try {
      return f.get(callBoundMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new StorageException(what + " did not answer within " + callBoundMillis
          + " ms (half the lease TTL); the database may be unreachable");
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new StorageException(what + " was interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new StorageException(what + " failed: " + e.getCause(), e.getCause());
    }
  }

  // ---------------------------------------------------------------- for NodeMetrics

  /** The branches this node is configured to serve. */
  Set<String> configuredBranches() {
    return branches.keySet();
  }

  int ownedCount() {
    return held.size();
  }

  /** The epoch of this node's lease on the branch; 0 when it does not hold it. */
  long epoch(String branchId) {
    Held h = held.get(branchId);
    return h == null ? 0 : h.lease.epoch();
  }

  /**
   * Seconds until this node's lease on the branch runs out unless renewed, by this JVM's
   * monotonic clock (as the heartbeat counts it); 0 when it does not hold the branch.
   */
  double leaseSecondsLeft(String branchId) {
    Held h = held.get(branchId);
    return h == null ? 0 : Math.max(0, h.validUntilNanos - System.nanoTime()) / 1e9;
  }

  /** Branches this node acquired and opened (a free branch, or one whose owner's lease ran out). */
  long takeovers() {
    return takeovers.sum();
  }

  /** Branches this node released gracefully (to balance, or at close). */
  long handOvers() {
    return handOvers.sum();
  }

  /** Branches this node lost: another node took the lease, or it could not be renewed in time. */
  long losses() {
    return losses.sum();
  }

  @Override
  public String toString() {
    return "BranchNode[" + nodeId + ", serving " + held.keySet() + "]";
  }

  /** Configures a {@link BranchNode}. */
  public static final class Builder {
    private final JdbcEventStore store;
    private String nodeId;
    private Duration leaseTtl = Duration.ofSeconds(5);
    private Duration heartbeat = Duration.ofSeconds(1);
    private final Map<String, Function<Talon, Talon>> branches = new LinkedHashMap<>();
    private int maxBranches = Integer.MAX_VALUE;
    private final List<OwnershipListener> listeners = new ArrayList<>();
    private String address;

    private Builder(JdbcEventStore store) {
      this.store = store;
    }

    /** This node's id in the lease table; unique among the nodes (e.g. host name and port). Required. */
    public Builder nodeId(String id) {
      if (id == null || id.isBlank() || id.length() > 128) {
        throw new InvalidConfigurationException("node id must be 1 to 128 characters and not blank, was "
            + (id == null ? "null" : '"' + id + '"'));
      }
      this.nodeId = id;
      return this;
    }

    /**
     * How long a lease lasts unless renewed: the longest a dead owner keeps a branch. Default 5
     * seconds; at least 100 milliseconds.
     */
    public Builder leaseTtl(Duration ttl) {
      if (ttl == null || ttl.toMillis() < 100) {
        throw new InvalidConfigurationException("lease TTL must be at least 100 ms, was " + ttl);
      }
      this.leaseTtl = ttl;
      return this;
    }

    /**
     * How often leases are renewed and free branches looked for. Default 1 second; positive and at
     * most a third of the TTL, so that two renewals can fail before the lease expires.
     */
    public Builder heartbeat(Duration interval) {
      if (interval == null || interval.toMillis() < 1) {
        throw new InvalidConfigurationException("heartbeat must be at least 1 ms, was " + interval);
      }
      this.heartbeat = interval;
      return this;
    }

    /**
     * A branch this node may serve, configured as on {@link Talon#newBranch(String)}; the node sets
     * the store and the fencing token itself. Every node that may serve the branch must configure it
     * alike.
     */
    public Builder branch(String branchId, Function<Talon, Talon> configure) {
      if (branchId == null || branchId.isBlank()) {
        throw new InvalidConfigurationException("branch id must not be blank, was " + branchId);
      }
      if (configure == null) {
        throw new InvalidConfigurationException("configuration of branch " + branchId + " must not be null");
      }
      if (branches.putIfAbsent(branchId, configure) != null) {
        throw new InvalidConfigurationException("branch " + branchId + " is configured twice on this node");
      }
      return this;
    }

    /** The most branches this node serves at once; default unlimited. */
    public Builder maxBranches(int max) {
      if (max < 1) {
        throw new InvalidConfigurationException("max branches must be at least 1, was " + max);
      }
      this.maxBranches = max;
      return this;
    }

    /**
     * How other nodes and routers reach this node, e.g. {@code http://10.0.0.7:8080}: recorded in
     * the node registry and returned in {@link Route#address()}. Default: the node id.
     */
    public Builder address(String address) {
      if (address == null || address.isBlank() || address.length() > 512) {
        throw new InvalidConfigurationException("node address must be 1 to 512 characters and not blank, was "
            + (address == null ? "null" : '"' + address + '"'));
      }
      this.address = address;
      return this;
    }

    /** Hears of branches gained and lost. */
    public Builder listener(OwnershipListener listener) {
      if (listener == null) {
        throw new InvalidConfigurationException("listener must not be null");
      }
      listeners.add(listener);
      return this;
    }

    /** Validates the configuration and starts the heartbeat, which acquires free branches at once. */
    public BranchNode build() {
      if (nodeId == null) {
        throw new InvalidConfigurationException("node id is required: set nodeId(...) to a name unique among the nodes");
      }
      if (branches.isEmpty()) {
        throw new InvalidConfigurationException("node " + nodeId + " has no branches: add at least one with branch(...)");
      }
      if (heartbeat.multipliedBy(3).compareTo(leaseTtl) > 0) {
        throw new InvalidConfigurationException("heartbeat " + heartbeat + " must be at most a third of the lease TTL "
            + leaseTtl + ", so that a lease survives a missed renewal");
      }
      return new BranchNode(this);
    }
  }
}
