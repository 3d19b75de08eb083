package dev.talon.queue.internal;

import dev.talon.queue.AdmissionMode;
import dev.talon.queue.Desk;
import dev.talon.queue.Durability;
import dev.talon.queue.Estimation;
import dev.talon.queue.ServiceLevel;
import dev.talon.queue.InvalidConfigurationException;
import dev.talon.queue.Limits;
import dev.talon.queue.OpeningHours;
import dev.talon.queue.Service;
import dev.talon.queue.SlotCalendar;
import dev.talon.queue.spi.AdmissionCheck;
import dev.talon.queue.spi.BanList;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.Policy;
import dev.talon.queue.spi.QueueClock;
import dev.talon.queue.spi.QueueListener;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The validated, immutable configuration of one branch, as the builder hands it to the engine.
 * Services are kept sorted by code so that their indexes (used by the numbering counters) are
 * the same in every JVM that opens the branch.
 */
public record BranchConfig(
    String branchId,
    ZoneId zone,
    OpeningHours hours,
    List<Service> services,
    List<Desk> desks,
    SlotCalendar slots,
    Limits limits,
    AdmissionMode initialMode,
    Policy<?> policy,
    EventStore store,
    QueueClock clock,
    List<AdmissionCheck> checks,
    List<QueueListener> listeners,
    long fencingToken,
    Duration clockTolerance,
    ScheduledExecutorService rotationScheduler,
    Duration rotationInterval,
    Durability durability,
    int asyncMaxPending,
    Map<String, ServiceLevel> serviceLevels,
    Estimation estimation,
    java.util.function.Function<String, Policy<?>> policyResolver,
    int snapshotEvery,
    boolean snapshotDaily,
    Map<String, Integer> serviceIndex,
    Map<String, Desk> deskById,
    Map<String, Integer> deskIndex,
    PersonIdHmac personIds,
    dev.talon.queue.OpeningCalendar calendar) {

  /** Validates the parts against each other and derives the look-up maps. */
  public static BranchConfig of(
      String branchId, ZoneId zone, OpeningHours hours, List<Service> services, List<Desk> desks, SlotCalendar slots,
      Limits limits, AdmissionMode initialMode, Policy<?> policy, EventStore store, QueueClock clock,
      List<AdmissionCheck> checks, List<QueueListener> listeners, long fencingToken, Duration clockTolerance,
      ScheduledExecutorService rotationScheduler, Duration rotationInterval, Durability durability,
      int asyncMaxPending, Map<String, ServiceLevel> serviceLevels, Estimation estimation,
      java.util.function.Function<String, Policy<?>> policyResolver, int snapshotEvery) {
    return of(branchId, zone, hours, services, desks, slots, limits, initialMode, policy, store, clock, checks,
        listeners, fencingToken, clockTolerance, rotationScheduler, rotationInterval, durability, asyncMaxPending,
        serviceLevels, estimation, policyResolver, snapshotEvery, false, null);
  }

  /**
   * As above, with a snapshot also at the first batch of every branch-local day when
   * {@code snapshotDaily}, and person ids pseudonymised under {@code personIds} (null: kept as given); binds
   * the built-in ban lists among the checks and listeners to it (BanList.bind).
   */
  public static BranchConfig of(
      String branchId, ZoneId zone, OpeningHours hours, List<Service> services, List<Desk> desks, SlotCalendar slots,
      Limits limits, AdmissionMode initialMode, Policy<?> policy, EventStore store, QueueClock clock,
      List<AdmissionCheck> checks, List<QueueListener> listeners, long fencingToken, Duration clockTolerance,
      ScheduledExecutorService rotationScheduler, Duration rotationInterval, Durability durability,
      int asyncMaxPending, Map<String, ServiceLevel> serviceLevels, Estimation estimation,
      java.util.function.Function<String, Policy<?>> policyResolver, int snapshotEvery, boolean snapshotDaily,
      PersonIdHmac personIds) {
    if (services.isEmpty()) {
      throw new InvalidConfigurationException("branch " + branchId + " must have at least one service");
    }
    List<Service> sorted = services.stream().sorted((a, b) -> a.code().compareTo(b.code())).toList();
    Map<String, Integer> index = new HashMap<>();
    Set<String> prefixes = new HashSet<>();
    for (int i = 0; i < sorted.size(); i++) {
      Service s = sorted.get(i);
      if (index.put(s.code(), i) != null) {
        throw new InvalidConfigurationException("service code must be unique, " + s.code() + " was given twice");
      }
      if (!prefixes.add(s.prefix())) {
        throw new InvalidConfigurationException(
            "ticket prefix must be unique so that board numbers never collide, " + s.prefix() + " was given twice");
      }
    }
    List<Desk> sortedDesks = desks.stream().sorted((a, b) -> a.id().compareTo(b.id())).toList();
    Map<String, Desk> desksById = new HashMap<>();
    Map<String, Integer> deskIndex = new HashMap<>();
    for (Desk d : sortedDesks) {
      deskIndex.put(d.id(), deskIndex.size());
      if (desksById.put(d.id(), d) != null) {
        throw new InvalidConfigurationException("desk id must be unique, " + d.id() + " was given twice");
      }
      for (String s : d.services()) {
        if (!index.containsKey(s)) {
          throw new InvalidConfigurationException(
              "desk " + d.id() + " serves unknown service " + s + "; known services are " + index.keySet());
        }
      }
    }
    for (String s : slots.capacity().keySet()) {
      if (!index.containsKey(s)) {
        throw new InvalidConfigurationException(
            "slot capacity names unknown service " + s + "; known services are " + index.keySet());
      }
    }
    for (String s : serviceLevels.keySet()) {
      if (!index.containsKey(s)) {
        throw new InvalidConfigurationException(
            "service level names unknown service " + s + "; known services are " + index.keySet());
      }
    }
    if (clockTolerance.isNegative()) {
      throw new InvalidConfigurationException("clock tolerance must be >= 0, was " + clockTolerance);
    }
    if (rotationScheduler != null && (rotationInterval == null || rotationInterval.isZero() || rotationInterval.isNegative())) {
      throw new InvalidConfigurationException("rotation interval must be > 0, was " + rotationInterval);
    }
    if (snapshotEvery < 0) {
      throw new InvalidConfigurationException("snapshot interval must be >= 0 events (0: no snapshots), was "
          + snapshotEvery);
    }
    if (asyncMaxPending < 1) {
      throw new InvalidConfigurationException("ASYNC pending limit must be >= 1 event, was " + asyncMaxPending);
    }
    return new BranchConfig(branchId, zone, hours, sorted, sortedDesks, slots, limits, initialMode, policy, store,
        clock, List.copyOf(checks), List.copyOf(listeners), fencingToken, clockTolerance, rotationScheduler,
        rotationInterval, durability, asyncMaxPending, Map.copyOf(serviceLevels), estimation, policyResolver,
        snapshotEvery, snapshotDaily, Map.copyOf(index),
        Map.copyOf(desksById), Map.copyOf(deskIndex), bindBanLists(checks, listeners, personIds),
        dev.talon.queue.OpeningCalendar.of(hours));
  }

  private static PersonIdHmac bindBanLists(List<AdmissionCheck> checks, List<QueueListener> listeners,
      PersonIdHmac personIds) {
    for (Object o : checks) {
      if (o instanceof BanList b) {
        b.bind(personIds);
      }
    }
    for (Object o : listeners) {
      if (o instanceof BanList b) {
        b.bind(personIds);
      }
    }
    return personIds;
  }

  /** The person id as the engine keeps it: its pseudonym when a key is configured. */
  String personId(String given) {
    return personIds == null || given == null ? given : personIds.apply(given);
  }

  /**
   * A copy with this opening calendar in place of the simple hours' one (the hours stay, for the
   * messages of branches configured with them); refuses capacity rules of unknown services.
   */
  public BranchConfig withCalendar(dev.talon.queue.OpeningCalendar calendar) {
    for (dev.talon.queue.CapacityRule r : slots.schedule()) {
      if (!serviceIndex.containsKey(r.service())) {
        throw new InvalidConfigurationException("capacity schedule names unknown service " + r.service()
            + "; known services are " + serviceIndex.keySet().stream().sorted().toList());
      }
    }
    return new BranchConfig(branchId, zone, hours, services, desks, slots, limits, initialMode, policy, store, clock,
        checks, listeners, fencingToken, clockTolerance, rotationScheduler, rotationInterval, durability,
        asyncMaxPending, serviceLevels, estimation, policyResolver, snapshotEvery, snapshotDaily, serviceIndex, deskById,
        deskIndex, personIds, calendar == null ? this.calendar : calendar);
  }

  /** The simple hours the branch was configured with; null when it was given a calendar. */
  OpeningHours simpleHours() {
    return calendar.equals(dev.talon.queue.OpeningCalendar.of(hours)) ? hours : null;
  }

  /** The index of the desk, or -1. */
  int deskIndexOf(String desk) {
    Integer i = deskIndex.get(desk);
    return i == null ? -1 : i;
  }

  /** The index of the service, or -1. */
  int indexOf(String service) {
    Integer i = serviceIndex.get(service);
    return i == null ? -1 : i;
  }
}
