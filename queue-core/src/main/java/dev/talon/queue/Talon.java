package dev.talon.queue;

import dev.talon.queue.internal.BranchConfig;
import dev.talon.queue.internal.BranchEngine;
import dev.talon.queue.spi.AdmissionCheck;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.Policy;
import dev.talon.queue.spi.QueueClock;
import dev.talon.queue.spi.QueueListener;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The one entry point: a builder of {@link Branch} engines.
 *
 * <pre>{@code
 * Branch branch = Talon.newBranch("almaty-1")
 *     .zone(ZoneId.of("Asia/Almaty"))
 *     .openingHours(OpeningHours.daily(LocalTime.of(9, 0), LocalTime.of(18, 0)))
 *     .service("id-docs", "A", "ID documents")
 *     .desk("1", "id-docs")
 *     .capacity("id-docs", 4)
 *     .policy(Policy.bookedFirst())
 *     .build();
 * }</pre>
 *
 * Every setting has a default except the services: UTC, open around the clock, 15-minute windows
 * booking 14 days ahead, {@link Limits#defaults()}, mixed admission, {@link Policy#fifo()}, an
 * in-memory store and the system clock. {@link #build()} validates the whole configuration and
 * throws {@link InvalidConfigurationException} naming the rule broken; then it replays the store's
 * history of the branch, if any.
 */
public final class Talon {
  private final String branchId;
  private ZoneId zone = ZoneId.of("UTC");
  private OpeningHours hours = OpeningHours.always();
  private OpeningCalendar calendar;
  private final List<Service> services = new ArrayList<>();
  private final List<Desk> desks = new ArrayList<>();
  private SlotCalendar slots = SlotCalendar.defaults();
  private Limits limits = Limits.defaults();
  private AdmissionMode mode = AdmissionMode.MIXED;
  private Policy<?> policy = Policy.fifo();
  private EventStore store;
  private QueueClock clock = QueueClock.system();
  private final List<AdmissionCheck> checks = new ArrayList<>();
  private final List<QueueListener> listeners = new ArrayList<>();
  private long fencingToken;
  private Duration clockTolerance = Duration.ofSeconds(1);
  private ScheduledExecutorService rotationScheduler;
  private Duration rotationInterval;
  private Durability durability = Durability.SYNC;
  private int asyncMaxPending = 10_000;
  private Integer snapshotEvery;
  private final Map<String, ServiceLevel> serviceLevels = new HashMap<>();
  private Estimation estimation = Estimation.defaults();
  private java.util.function.Function<String, Policy<?>> policyResolver;
  private dev.talon.queue.internal.PersonIdHmac personIds;

  private Talon(String branchId) {
    this.branchId = Checks.matches("branch id", branchId, Service.CODE);
  }

  /** Starts building the engine of the branch with this id (letters, digits, {@code -}, {@code _}; at most 32). */
  public static Talon newBranch(String branchId) {
    return new Talon(branchId);
  }

  /** The branch's time zone: days, numbering, windows and opening hours follow it. Default UTC. */
  public Talon zone(ZoneId zone) {
    this.zone = require("zone", zone);
    return this;
  }

  /** Opening hours in the branch's zone. Default: always open. */
  public Talon openingHours(OpeningHours hours) {
    this.hours = require("opening hours", hours);
    this.calendar = null;
    return this;
  }

  /**
   * Opening hours as a calendar: ranges per day of the week and dated exceptions (holidays,
   * moved working days, shortened days). Replaces {@link #openingHours}; the last one given counts.
   */
  public Talon calendar(OpeningCalendar calendar) {
    this.calendar = require("opening calendar", calendar);
    this.hours = OpeningHours.always();
    return this;
  }

  /** Adds a service. */
  public Talon service(String code, String prefix, String name) {
    return service(new Service(code, prefix, name));
  }

  /** Adds a service. */
  public Talon service(Service service) {
    services.add(require("service", service));
    return this;
  }

  /** Adds a desk serving the given services. */
  public Talon desk(String id, String... services) {
    Set<String> set = new LinkedHashSet<>();
    for (String s : require("services", services)) {
      if (!set.add(s)) {
        throw new InvalidConfigurationException("desk " + id + " lists service " + s + " twice");
      }
    }
    return desk(new Desk(id, set));
  }

  /** Adds a desk. */
  public Talon desk(Desk desk) {
    desks.add(require("desk", desk));
    return this;
  }

  /** The slot calendar (window length, capacities, horizon). */
  public Talon slots(SlotCalendar slots) {
    this.slots = require("slot calendar", slots);
    return this;
  }

  /** Places per window for a service (shorthand for {@link SlotCalendar#withCapacity}). */
  public Talon capacity(String service, int places) {
    this.slots = slots.withCapacity(service, places);
    return this;
  }

  /** The configurable limits. */
  public Talon limits(Limits limits) {
    this.limits = require("limits", limits);
    return this;
  }

  /** The admission mode at start (when the store has no history). Default MIXED. */
  public Talon admissionMode(AdmissionMode mode) {
    this.mode = require("admission mode", mode);
    return this;
  }

  /** The priority policy. Default {@link Policy#fifo()}. */
  public Talon policy(Policy<?> policy) {
    this.policy = require("policy", policy);
    return this;
  }

  /** Where events go. Default {@link EventStore#inMemory()}. */
  public Talon store(EventStore store) {
    this.store = require("store", store);
    return this;
  }

  /** The source of time. Default {@link QueueClock#system()}. */
  public Talon clock(QueueClock clock) {
    this.clock = require("clock", clock);
    return this;
  }

  /**
   * Adds an admission check, run in the order added. A check that is also a
   * {@link QueueListener} (as the built-in ones in {@link dev.talon.queue.spi.AdmissionChecks} are)
   * is registered as a listener too.
   */
  public Talon admissionCheck(AdmissionCheck check) {
    checks.add(require("admission check", check));
    if (check instanceof QueueListener l) {
      listeners.add(l);
    }
    return this;
  }

  /** Adds a listener of committed events. */
  public Talon listener(QueueListener listener) {
    listeners.add(require("listener", listener));
    return this;
  }

  /** The ownership epoch stamped on every append (see the multi-node leases). Default 0. */
  public Talon fencingToken(long token) {
    this.fencingToken = token;
    return this;
  }

  /**
   * How far the clock may step back and still be treated as "no time passed" (NTP corrections);
   * a larger step back is refused with {@link ClockWentBackwardsException}. Default 1 second.
   */
  public Talon clockTolerance(Duration tolerance) {
    this.clockTolerance = require("clock tolerance", tolerance);
    return this;
  }

  /**
   * Rotates windows on a schedule as well as lazily, so that bookings expire and events are
   * emitted even when no operation arrives.
   */
  public Talon rotateEvery(Duration interval, ScheduledExecutorService scheduler) {
    this.rotationInterval = require("rotation interval", interval);
    this.rotationScheduler = require("rotation scheduler", scheduler);
    return this;
  }

  /**
   * When operations on a durable store are acknowledged. Default {@link Durability#SYNC}. No
   * effect on a store that is not durable.
   */
  public Talon durability(Durability durability) {
    this.durability = require("durability", durability);
    return this;
  }

  /**
   * In {@link Durability#ASYNC} mode, how many events may wait for the store before operations are
   * refused; this bounds what a crash can lose. Default 10,000.
   */
  public Talon asyncMaxPending(int events) {
    this.asyncMaxPending = events;
    return this;
  }

  /**
   * How many events may pass between two snapshots of the branch state. The engine saves a
   * snapshot in the background once this many events after the last one are in the store (and one
   * more when the branch is closed), so that opening the branch replays at most about this many
   * events. Snapshots are kept by stores that support them (the in-memory and JDBC stores do);
   * a snapshot the engine cannot use (another configuration of the branch, another format) is
   * ignored and the whole history replayed. Default 1,000 on a durable store; on one that is not,
   * one at the start of every branch-local day instead (a branch in memory does not outlive its
   * JVM, but the in-memory store's retention removes only history a snapshot covers); 0 takes none.
   */
  public Talon snapshotEvery(int events) {
    this.snapshotEvery = events;
    return this;
  }

  /** Service-level targets of a service; a breach emits an event once per breach. */
  public Talon serviceLevel(String service, ServiceLevel level) {
    serviceLevels.put(require("service", service), require("service level", level));
    return this;
  }

  /** How wait estimates are made. Default {@link Estimation#defaults()}. */
  public Talon estimation(Estimation estimation) {
    this.estimation = require("estimation", estimation);
    return this;
  }

  /**
   * Turns a policy configuration (JSON) back into a policy, for branches whose policy was switched
   * at runtime with {@link Branch#setPolicy}: the replay of the switch needs it. The built-in
   * policies are known without one; for the policy library use {@code Policies::fromJson}.
   */
  public Talon policyResolver(java.util.function.Function<String, Policy<?>> resolver) {
    this.policyResolver = require("policy resolver", resolver);
    return this;
  }

  /**
   * Pseudonymises person ids with HMAC-SHA256 under {@code key} (at least 32 bytes of secret random
   * data, kept for as long as per-person limits and bans should count). The engine replaces a
   * request's person id by its pseudonym before admission checks, events, store, snapshots and
   * listeners see it; the same id gives the same pseudonym, so limits and bans work as before.
   * Recommended for public services. A key that is too short or not random is refused with
   * {@link InvalidConfigurationException}. See README, "Personal data".
   */
  public Talon pseudonymizePersonIds(byte[] key) {
    this.personIds = dev.talon.queue.internal.PersonIdHmac.of(key);
    return this;
  }

  /**
   * 1,000 on a durable store, none on one that is not: that one instead gets one at the start of
   * every branch-local day (the in-memory store's retention removes only history a snapshot
   * covers), taken when the day's tickets have just been forgotten: cheap, and none during the day.
   */
  private static int defaultSnapshotEvery(EventStore store) {
    return store != null && store.isDurable() ? 1_000 : 0;
  }

  /** Validates the configuration, replays the store's history of the branch and returns its engine. */
  public Branch build() {
    BranchConfig config = BranchConfig.of(branchId, zone, hours, services, desks, slots, limits, mode, policy,
        store == null ? EventStore.inMemory() : store, clock, checks, listeners, fencingToken, clockTolerance,
        rotationScheduler, rotationInterval, durability, asyncMaxPending, serviceLevels, estimation, policyResolver,
        snapshotEvery != null ? snapshotEvery : defaultSnapshotEvery(store),
        snapshotEvery == null && (store == null || !store.isDurable()), personIds)
        .withCalendar(calendar);
    return BranchEngine.open(config);
  }

  private static <T> T require(String what, T value) {
    if (value == null) {
      throw new InvalidConfigurationException(what + " must not be null");
    }
    return value;
  }

  @Override
  public String toString() {
    return "Talon[" + branchId + ", services=" + services + ", desks=" + desks + ", policy=" + Objects.toString(policy) + "]";
  }
}
