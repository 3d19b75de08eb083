package dev.talon.queue.internal;

import static org.quicktheories.QuickTheory.qt;

import dev.talon.queue.Booking;
import dev.talon.queue.Branch;
import dev.talon.queue.Desk;
import dev.talon.queue.Durability;
import dev.talon.queue.QueueEvent;
import dev.talon.queue.QueueException;
import dev.talon.queue.Service;
import dev.talon.queue.StorageException;
import dev.talon.queue.Talon;
import dev.talon.queue.Ticket;
import dev.talon.queue.TicketState;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.Policy;
import dev.talon.queue.testkit.Command;
import dev.talon.queue.testkit.Driver;
import dev.talon.queue.testkit.Generators;
import dev.talon.queue.testkit.Minimizer;
import dev.talon.queue.testkit.Op;
import dev.talon.queue.testkit.RecordingStore;
import dev.talon.queue.testkit.ReferencePolicies;
import dev.talon.queue.testkit.Scenario;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.QuickTheory;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Issue 12's differential property: the same generated command sequences (the test kit's
 * generators: clock steps, mode switches, the three policies, service-centre commands, bad input)
 * go through the engine before issue 12 ({@link LegacyBranchEngine}, a test-scope copy of it) and
 * through the current {@link BranchEngine}, each on its own store and its own manual clock reading
 * the same instants, both opened with the same {@link BranchConfig} (see {@link LegacyTalon}).
 * The legacy run resolves each command into an {@link Op}; the same op is applied to both.
 *
 * <p>After every command (and every op of the final drain) the two must agree on:
 * <ul>
 *   <li>the outcome: an equal returned value, or the same exception class <em>and message</em>;</li>
 *   <li>the events in their stores so far. queue-core has no JSON codec (queue-jdbc's EventCodec
 *       writes an event's record components in order, sets in iteration order), so the events are
 *       compared with {@code equals} and, as a stand-in for their JSON, with {@code toString}, which
 *       shows the same components in the same order;</li>
 *   <li>everything the branch shows: allTickets(), allBookings(), policyState(), policyName(),
 *       board(), lastSeq(), admissionMode(), every desk's status, every service's waiting list,
 *       ticket()/position()/estimate() of every ticket the events name (and of unknown ids),
 *       booking() of every code, statistics() of every local day the events touch, each compared
 *       with equals and toString, exceptions by class and message.</li>
 * </ul>
 *
 * <p>Durability: the in-memory store is not durable, so a quarter of the runs use it as it is and
 * the rest wrap it in a store that claims to be durable, in SYNC, GROUP and ASYNC mode (in ASYNC
 * the comparison waits until each engine's events are in its store). Three runs in four switch
 * the policy at runtime half-way (to fifo, booked-first, or the test policy that cannot describe
 * itself, which must be refused alike); the generated sequences have no policy switch. Half the
 * runs also set heads-up limits, service levels on every service and a non-default estimation,
 * which the scenario generator leaves at their defaults (no HeadsUp or ServiceLevelBreached events
 * otherwise). A second property runs sequences on stores that fail one to four chosen appends
 * with {@link StorageException} (durable in SYNC mode as issue 12 asks, durable in GROUP mode, and
 * not durable): both engines must give the same outcomes, and each must leave everything it shows
 * (the events in its store included) unchanged by an operation that threw StorageException.
 *
 * <p>Differences are collected rather than stopping at the first: each distinct kind (what differs,
 * on which op) is shrunk with the {@link Minimizer} (keeping the kind) and the test fails at the end
 * listing every kind, its count and its smallest sequence. CI runs a fixed seed; {@code
 * -Dtalon.seed=N} replays one.
 */
class DifferentialTest {
  private static final int SEQUENCES = Integer.getInteger("talon.differential.sequences", 1000);
  private static final int MAX_COMMANDS = Integer.getInteger("talon.differential.maxCommands", 60);
  private static final int FAILING_SEQUENCES = Integer.getInteger("talon.differential.failing", 300);
  private static final int FAILING_MAX_COMMANDS = 40;
  /** How many sequences of one kind of difference are shrunk (the rest are only counted). */
  private static final int SHRINK_PER_KIND = 2;
  private static final Map<String, String> SUMMARY = new TreeMap<>();

  @AfterAll
  static void printSummary() {
    SUMMARY.forEach((property, line) -> System.out.println("[DifferentialTest] " + property + ": " + line));
  }

  /**
   * As {@code EngineModelPropertyTest}: a fixed seed when CI is set, else a new one per run, and
   * {@code -Dtalon.seed=N} to replay one. Differences are collected, not thrown inside the
   * property, so QuickTheories would not print its seed: the seed is chosen here and reported.
   */
  private static final long SEED = Long.parseLong(System.getProperty("talon.seed",
      System.getenv("CI") != null ? "20261124" : Long.toString(new java.util.Random().nextLong())));

  private static QuickTheory theory(int examples) {
    return qt().withExamples(examples).withShrinkCycles(0).withFixedSeed(SEED);
  }

  // ---------------------------------------------------------------- the properties

  /** How a run stores its events. */
  enum Storage {
    /** EventStore.inMemory() as it is: not durable, so the durability mode has no effect. */
    MEMORY(false, Durability.SYNC),
    SYNC(true, Durability.SYNC),
    GROUP(true, Durability.GROUP),
    ASYNC(true, Durability.ASYNC);

    final boolean durable;
    final Durability durability;

    Storage(boolean durable, Durability durability) {
      this.durable = durable;
      this.durability = durability;
    }
  }

  /** Runtime policy switches: fifo, booked-first, and one that cannot describe itself (refused). */
  private static final List<Policy<?>> SWITCHES = List.of(Policy.fifo(), Policy.bookedFirst(),
      ReferencePolicies.alternating());

  @Test
  void legacyAndNewEngine_sameSequences_sameOutcomesEventsAndState() {
    Differences found = new Differences();
    AtomicInteger sequences = new AtomicInteger();
    AtomicInteger commands = new AtomicInteger();
    int[] byStorage = new int[Storage.values().length];
    Stats stats = new Stats();
    long started = System.nanoTime();
    AtomicInteger withExtras = new AtomicInteger();
    // variant: storage = v % 4; policy switch half-way = v / 4 % 4 (0-2 a policy of SWITCHES, 3 none);
    // v / 16 == 1: heads-up, service levels and a non-default estimation on top of the scenario
    theory(SEQUENCES).forAll(Generators.scenarios(), Generators.sequences(MAX_COMMANDS), Generate.range(0, 31))
        .checkAssert((scenario, sequence, variant) -> {
          sequences.incrementAndGet();
          commands.addAndGet(sequence.size());
          Storage storage = Storage.values()[variant % 4];
          byStorage[storage.ordinal()]++;
          int switchTo = variant / 4 % 4;
          boolean extras = variant / 16 == 1;
          if (extras) {
            withExtras.incrementAndGet();
          }
          found.check(scenario, sequence, (sc, seq) -> lockstep(sc, seq, new Setup(storage, extras),
              switchTo < SWITCHES.size() ? SWITCHES.get(switchTo) : null, null, seq == sequence ? stats : null));
        });
    SUMMARY.put("1 lockstep", "seed " + SEED + ", " + sequences.get() + " sequences, " + commands.get() + " commands (plus the drain), by"
        + " storage MEMORY/SYNC/GROUP/ASYNC " + byStorage[0] + "/" + byStorage[1] + "/" + byStorage[2] + "/"
        + byStorage[3] + ", " + withExtras.get() + " with heads-up, service levels and estimation set, " + (System.nanoTime() - started) / 1_000_000 + " ms; " + found.summary() + "\n    " + stats);
    if (sequences.get() < SEQUENCES) {
      throw new AssertionError("only " + sequences.get() + " of " + SEQUENCES + " sequences ran");
    }
    found.assertNone();
  }

  @Test
  void legacyAndNewEngine_storeFailsChosenAppends_sameOutcomesAndAFailedOpChangesNothing() {
    Differences found = new Differences();
    AtomicInteger sequences = new AtomicInteger();
    AtomicInteger commands = new AtomicInteger();
    AtomicInteger injected = new AtomicInteger();
    int[] byStorage = new int[3];
    Stats stats = new Stats();
    long started = System.nanoTime();
    Gen<int[]> failAt = Generate.intArrays(Generate.range(1, 4), Generate.range(1, FAILING_MAX_COMMANDS / 2));
    // mode: 0 a store that is not durable, 1 a durable one in SYNC (what issue 12 asks), 2 a durable one in GROUP
    theory(FAILING_SEQUENCES).forAll(Generators.scenarios(), Generators.sequences(FAILING_MAX_COMMANDS), failAt,
        Generate.range(0, 2)).checkAssert((scenario, sequence, appends, mode) -> {
          sequences.incrementAndGet();
          commands.addAndGet(sequence.size());
          TreeSet<Integer> failing = new TreeSet<>();
          for (int a : appends) {
            failing.add(a);
          }
          Storage storage = List.of(Storage.MEMORY, Storage.SYNC, Storage.GROUP).get(mode);
          byStorage[mode]++;
          Failures failures = new Failures(failing, storage.durable);
          found.check(scenario, sequence, (sc, seq) -> lockstep(sc, seq, new Setup(storage, mode % 2 == 0), null,
              failures, seq == sequence ? stats : null));
          injected.addAndGet(failures.injectedInFirstRun);
        });
    SUMMARY.put("2 failing appends", "seed " + SEED + ", " + sequences.get() + " sequences, " + commands.get() + " commands, "
        + injected.get() + " appends failed on purpose in the two engines' stores; not durable/SYNC/GROUP " + byStorage[0]
        + "/" + byStorage[1] + "/" + byStorage[2] + " (not durable and GROUP with heads-up, service levels, estimation), "
        + (System.nanoTime() - started) / 1_000_000 + " ms; " + found.summary() + "\n    " + stats);
    if (sequences.get() < FAILING_SEQUENCES) {
      throw new AssertionError("only " + sequences.get() + " of " + FAILING_SEQUENCES + " sequences ran");
    }
    found.assertNone();
  }

  // ---------------------------------------------------------------- a difference found, and mended in both

  /**
   * Found with seed -1705115580936514057 (4,000 sequences), shrunk from 51 commands; not in the CI
   * seed's 1,000. A booking is checked in, its ticket cancelled, the day changes (the cancelled
   * ticket of the earlier day is forgotten) and the booking is checked in again. Both engines threw
   * a NullPointerException, not a QueueException, while building the "already checked in as ticket
   * ..." message (the ticket it names is gone): a bug the old engine had and the new one kept. Tx and
   * the oracle's LegacyTx now both refuse with IllegalTransitionException naming the ticket id; the
   * lockstep run requires the same outcome from both.
   */
  @Test
  void checkIn_againAfterItsCancelledTicketWasForgottenAtMidnight_bothRefuseAlike() {
    Scenario sc = new Scenario("b-UTC", java.time.ZoneId.of("UTC"), dev.talon.queue.OpeningHours.always(),
        Generators.SERVICES, List.of(new Desk("1", Set.of("docs", "cars", "tax"))),
        new dev.talon.queue.SlotCalendar(java.time.Duration.ofMinutes(20), Map.of("tax", 3, "cars", 1, "docs", 3), 2),
        dev.talon.queue.Limits.defaults().withEarlyCheckIn(java.time.Duration.ofMinutes(30))
            .withLateCheckIn(java.time.Duration.ZERO).withLateArrival(dev.talon.queue.LateArrival.REFUSE)
            .withRecallLimit(1).withBookingGrace(java.time.Duration.ZERO).withRequestIdWindow(java.time.Duration.ofDays(366))
            .withPostponeReturn(dev.talon.queue.PostponeReturn.BACK_OF_LINE, null)
            .withRecallCooldown(java.time.Duration.ZERO).withPostponePeriod(java.time.Duration.ofMinutes(5)),
        Policy.bookedFirst(), Instant.parse("2026-01-16T22:42:22Z"), "p-banned", java.time.Duration.ofSeconds(1));
    Command.Pick usual = new Command.Pick(Command.PickKind.USUAL, 0);
    List<Command> seq = List.of(
        new Command.Clock(Command.ClockStep.LOCAL_MIDNIGHT, -1, usual), // 23:59:59
        new Command.Book(0, 0, 2, 0, 0, 1), // docs, 00:20 the next day
        new Command.CheckIn(usual), // ticket A-001 of 2026-01-16
        new Command.CancelTicket(usual),
        new Command.Clock(Command.ClockStep.EXPIRY, -1, usual), // 00:39:59 on 2026-01-17: A-001 is forgotten
        new Command.CheckIn(usual)); // was a NullPointerException in both; now IllegalTransitionException in both
    lockstep(sc, seq, new Setup(Storage.MEMORY, false), null, null, null);
  }

  /** Which appends of a run fail (counted from 1 per store, over the store's whole life). */
  static final class Failures {
    final Set<Integer> appends;
    final boolean durable;
    /** Appends failed on purpose in the first run (shrinking runs are not counted). */
    int injectedInFirstRun;
    boolean firstRunDone;

    Failures(Set<Integer> appends, boolean durable) {
      this.appends = Set.copyOf(appends);
      this.durable = durable;
    }

    @Override
    public String toString() {
      return "appends " + new TreeSet<>(appends) + " fail, " + (durable ? "durable store" : "store not durable");
    }
  }

  /** An in-memory store that throws StorageException on chosen appends (writing nothing). */
  static final class FailingStore implements EventStore {
    private final EventStore inner = EventStore.inMemory();
    private final Set<Integer> failing;
    private final boolean durable;
    int appends;
    int injected;

    FailingStore(Set<Integer> failing, boolean durable) {
      this.failing = failing;
      this.durable = durable;
    }

    @Override
    public void append(String branchId, long fencingToken, List<QueueEvent> events) {
      appends++;
      if (failing.contains(appends)) {
        injected++;
        throw new StorageException("injected failure of append #" + appends);
      }
      inner.append(branchId, fencingToken, events);
    }

    @Override
    public List<QueueEvent> load(String branchId, long afterSeq) {
      return inner.load(branchId, afterSeq);
    }

    @Override
    public void saveSnapshot(String branchId, dev.talon.queue.spi.BranchSnapshot snapshot) {
      inner.saveSnapshot(branchId, snapshot);
    }

    @Override
    public Optional<dev.talon.queue.spi.BranchSnapshot> loadSnapshot(String branchId) {
      return inner.loadSnapshot(branchId);
    }

    @Override
    public boolean isDurable() {
      return durable;
    }
  }

  /** What the first run of each sequence did: ops by kind (succeeded/failed) and events by type. */
  static final class Stats {
    final Map<String, int[]> ops = new TreeMap<>();
    final Map<String, Integer> events = new TreeMap<>();

    synchronized void op(String kind, boolean failed) {
      ops.computeIfAbsent(kind, k -> new int[2])[failed ? 1 : 0]++;
    }

    synchronized void events(List<QueueEvent> all) {
      all.forEach(e -> events.merge(e.getClass().getSimpleName(), 1, Integer::sum));
    }

    @Override
    public synchronized String toString() {
      StringBuilder sb = new StringBuilder("ops (succeeded/failed):");
      ops.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v[0]).append('/').append(v[1]));
      return sb.append("; events: ").append(events).toString();
    }
  }

  // ---------------------------------------------------------------- the lockstep run

  /** The sequence on both engines, compared after every op; then both are drained alike. */
  private static void lockstep(Scenario sc, List<Command> seq, Setup setup, Policy<?> switchTo,
      Failures failures, Stats stats) {
    Storage storage = setup.storage();
    EventStore oldStore = store(storage, failures);
    EventStore newStore = store(storage, failures);
    Driver legacy = Driver.engineOnly(sc, oldStore, t -> LegacyTalon.open(configure(t, sc, setup)));
    Driver current = Driver.engineOnly(sc, newStore, t -> configure(t, sc, setup).build());
    try {
      Pair pair = new Pair(sc, setup, failures, legacy, current, stats);
      pair.sameConfig();
      int at = 0;
      for (Command c : seq) {
        if (switchTo != null && at == seq.size() / 2) { // the generated sequences have no policy switch
          pair.both("setPolicy(" + switchTo.name() + ")", b -> {
            b.setPolicy(switchTo);
            return null;
          });
        }
        pair.step(legacy.resolve(c));
        at++;
      }
      legacy.follow(s -> pair.followed(s));
      legacy.drain();
      legacy.follow(null);
      if (stats != null) {
        stats.events(legacy.events());
      }
    } catch (RuntimeException e) {
      throw new AssertionError("[crash " + e.getClass().getSimpleName() + "] outside an op: " + e, e);
    } finally {
      if (failures != null && !failures.firstRunDone) {
        failures.firstRunDone = true;
        failures.injectedInFirstRun = ((FailingStore) oldStore).injected + ((FailingStore) newStore).injected;
      }
      close(legacy.branch());
      close(current.branch());
    }
  }

  private static EventStore store(Storage storage, Failures failures) {
    if (failures != null) {
      return new FailingStore(failures.appends, failures.durable);
    }
    return storage.durable ? new RecordingStore(EventStore.inMemory(), true) : EventStore.inMemory();
  }

  /** How a run opens its branches, on top of the scenario. */
  record Setup(Storage storage, boolean extras) {
    @Override
    public String toString() {
      return storage + (extras ? " + heads-up (2 ahead or 15 min), service levels (10 min wait, 5 min service, 2 in"
          + " line) on every service, estimation (4 min default, smoothing 0.3, spread 1.28)" : "");
    }
  }

  private static Talon configure(Talon t, Scenario sc, Setup setup) {
    t.durability(setup.storage().durability);
    if (setup.extras()) {
      t.limits(sc.limits().withHeadsUp(2, java.time.Duration.ofMinutes(15)))
          .estimation(new dev.talon.queue.Estimation(java.time.Duration.ofMinutes(4), 0.3, 1.28));
      for (Service s : sc.services()) {
        t.serviceLevel(s.code(), new dev.talon.queue.ServiceLevel(java.time.Duration.ofMinutes(10),
            java.time.Duration.ofMinutes(5), 2));
      }
    }
    return t;
  }

  private static void close(Branch b) {
    try {
      b.close();
    } catch (RuntimeException ignored) {
      // a close that fails is not what this test compares
    }
  }

  /** What an op did: its value, or the class and message of what it threw (any RuntimeException). */
  private record Result(Object value, Class<?> error, String message) {
    static Result of(Supplier<Object> call) {
      try {
        return new Result(call.get(), null, null);
      } catch (RuntimeException e) {
        return new Result(null, e.getClass(), e.getMessage());
      }
    }

    static Result of(Driver.Step step) {
      return new Result(step.engine().value(), step.engine().error(), step.engine().message());
    }

    boolean same(Result o) {
      return Objects.equals(value, o.value) && Pair.canonical(value).equals(Pair.canonical(o.value))
          && Objects.equals(error, o.error) && Objects.equals(message, o.message);
    }

    @Override
    public String toString() {
      return error == null ? "returned " + value : "threw " + error.getSimpleName() + ": " + message;
    }
  }

  /** The two drivers of one run and the comparisons after each op. */
  private static final class Pair {
    final Scenario sc;
    final Setup setup;
    final Storage storage;
    final Failures failures;
    final Driver legacy;
    final Driver current;
    final List<String> ops = new ArrayList<>();
    final Stats stats;

    Pair(Scenario sc, Setup setup, Failures failures, Driver legacy, Driver current, Stats stats) {
      this.stats = stats;
      this.sc = sc;
      this.setup = setup;
      this.storage = setup.storage();
      this.failures = failures;
      this.legacy = legacy;
      this.current = current;
    }

    void sameConfig() {
      BranchConfig a = ((LegacyBranchEngine) legacy.branch()).config();
      BranchConfig b = ((BranchEngine) current.branch()).config();
      BranchConfig bWithA = new BranchConfig(b.branchId(), b.zone(), b.hours(), b.services(), b.desks(), b.slots(),
          b.limits(), b.initialMode(), b.policy(), a.store(), a.clock(), a.checks(), b.listeners(), b.fencingToken(),
          b.clockTolerance(), b.rotationScheduler(), b.rotationInterval(), b.durability(), b.asyncMaxPending(),
          b.serviceLevels(), b.estimation(), b.policyResolver(), b.snapshotEvery(), b.serviceIndex(), b.deskById(),
          b.deskIndex(), b.calendar());
      // each builder makes its own instance of the scenario's ban-list check: compare the checks by name
      List<String> checksA = a.checks().stream().map(dev.talon.queue.spi.AdmissionCheck::name).toList();
      List<String> checksB = b.checks().stream().map(dev.talon.queue.spi.AdmissionCheck::name).toList();
      if (!a.equals(bWithA) || !checksA.equals(checksB)) {
        throw new AssertionError("[config] the engines were opened with different configurations:\n  " + a + "\n  " + b);
      }
    }

    /** One op on both engines (the legacy one first), then the comparisons. */
    void step(Op op) {
      Map<String, Object> oldBefore = failures == null ? null : view(legacy.branch(), legacy.events());
      Map<String, Object> newBefore = failures == null ? null : view(current.branch(), current.events());
      Result a;
      try {
        a = Result.of(legacy.apply(op));
      } catch (RuntimeException e) {
        a = new Result(null, e.getClass(), e.getMessage());
      }
      Result b;
      try {
        b = Result.of(current.apply(op));
      } catch (RuntimeException e) {
        b = new Result(null, e.getClass(), e.getMessage());
      }
      compare(op.toString(), a, b, oldBefore, newBefore);
    }

    /** An op the legacy driver applied by itself (while draining): the same op on the current engine. */
    void followed(Driver.Step s) {
      Result b;
      try {
        b = Result.of(current.apply(s.op()));
      } catch (RuntimeException e) {
        b = new Result(null, e.getClass(), e.getMessage());
      }
      compare("drain: " + s.op(), Result.of(s), b, null, null);
    }

    /** A call outside the test kit's ops, on both branches. */
    void both(String what, java.util.function.Function<Branch, Object> call) {
      Result a = Result.of(() -> call.apply(legacy.branch()));
      Result b = Result.of(() -> call.apply(current.branch()));
      compare(what, a, b, null, null);
    }

    private void compare(String op, Result a, Result b, Map<String, Object> oldBefore, Map<String, Object> newBefore) {
      ops.add(op + "  ->  " + a);
      String kind = op.startsWith("drain: ") ? "drain " + opName(op.substring(7)) : opName(op);
      if (stats != null) {
        stats.op(kind, a.error() != null);
      }
      if (!a.same(b)) {
        fail("[outcome " + kind + "] " + op + "\n  legacy:  " + a + "\n  current: " + b);
      }
      awaitStored(legacy);
      awaitStored(current);
      List<QueueEvent> oldEvents = legacy.events();
      List<QueueEvent> newEvents = current.events();
      if (!oldEvents.equals(newEvents) || !canonical(oldEvents).equals(canonical(newEvents))) {
        int i = 0;
        while (i < Math.min(oldEvents.size(), newEvents.size()) && oldEvents.get(i).equals(newEvents.get(i))
            && canonical(oldEvents.get(i)).equals(canonical(newEvents.get(i)))) {
          i++;
        }
        String first = (i < oldEvents.size() ? oldEvents.get(i).getClass().getSimpleName() : "none") + " vs "
            + (i < newEvents.size() ? newEvents.get(i).getClass().getSimpleName() : "none");
        fail("[events " + kind + ": " + first + "] events differ from index " + i + " after " + op + "\n  legacy:  "
            + oldEvents.subList(i, Math.min(oldEvents.size(), i + 4)) + "\n  current: "
            + newEvents.subList(i, Math.min(newEvents.size(), i + 4)));
      }
      Map<String, Object> oldView = view(legacy.branch(), oldEvents);
      Map<String, Object> newView = view(current.branch(), oldEvents);
      String diff = diff(oldView, newView);
      if (diff != null) {
        String key = diff.substring(0, diff.indexOf(':'));
        fail("[state " + kind + ": " + (key.contains(" ") ? key.substring(0, key.indexOf(' ')) : key) + "] after " + op
            + " (legacy vs current):\n" + diff);
      }
      if (failures != null) {
        unchangedIfFailed("legacy", a, oldBefore, oldView, op);
        unchangedIfFailed("current", b, newBefore, newView, op);
      }
    }

    private void unchangedIfFailed(String engine, Result r, Map<String, Object> before, Map<String, Object> after,
        String op) {
      if (before != null && r.error() != null && StorageException.class.isAssignableFrom(r.error())) {
        String diff = diff(before, after);
        if (diff != null) {
          fail("[failed op changed state " + engine + "] " + op + " threw " + r + " but changed:\n" + diff);
        }
      }
    }

    private void awaitStored(Driver d) {
      if (storage != Storage.ASYNC) {
        return;
      }
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (d.events().size() < d.branch().lastSeq()) {
        if (System.nanoTime() > deadline) {
          fail("[async] " + d.branch().lastSeq() + " events applied, only " + d.events().size() + " stored after 10s");
        }
        Thread.onSpinWait();
      }
    }

    /** Everything the branch shows, by name: values, or the class and message of what was thrown. */
    private Map<String, Object> view(Branch b, List<QueueEvent> events) {
      TreeMap<String, Object> v = new TreeMap<>();
      v.put("events in the store", events.size());
      put(v, "lastSeq", b::lastSeq);
      put(v, "admissionMode", b::admissionMode);
      put(v, "policyName", b::policyName);
      put(v, "policyState", () -> b instanceof LegacyBranchEngine l ? l.policyState() : ((BranchEngine) b).policyState());
      put(v, "allTickets", () -> b instanceof LegacyBranchEngine l ? l.allTickets() : ((BranchEngine) b).allTickets());
      put(v, "allBookings", () -> b instanceof LegacyBranchEngine l ? l.allBookings() : ((BranchEngine) b).allBookings());
      put(v, "board", b::board);
      for (Desk d : sc.desks()) {
        put(v, "deskStatus " + d.id(), () -> b.deskStatus(d.id()));
      }
      put(v, "deskStatus nosuch", () -> b.deskStatus("nosuch"));
      for (Service s : sc.services()) {
        put(v, "waiting " + s.code(), () -> b.waiting(s.code()));
      }
      put(v, "waiting nosuch", () -> b.waiting("nosuch"));
      TreeSet<Long> ids = new TreeSet<>(List.of(0L));
      TreeSet<String> codes = new TreeSet<>(List.of("NO-SUCH"));
      TreeSet<LocalDate> days = new TreeSet<>();
      for (QueueEvent e : events) {
        days.add(LocalDate.ofInstant(e.at(), sc.zone()));
        if (e instanceof QueueEvent.TicketIssued i) {
          ids.add(i.ticketId());
        } else if (e instanceof QueueEvent.BookingMade m) {
          codes.add(m.code());
        }
      }
      ids.add(ids.last() + 1);
      for (long id : ids) {
        put(v, "ticket " + id, () -> b.ticket(id));
        put(v, "position " + id, () -> b.position(id));
        Optional<Ticket> t = b.ticket(id);
        if (t.isPresent() && t.get().state() == TicketState.WAITING) {
          put(v, "estimate " + id, () -> b.estimate(id));
        }
      }
      for (String code : codes) {
        put(v, "booking " + code, () -> b.booking(code));
      }
      Instant lastAt = events.isEmpty() ? sc.start() : events.get(events.size() - 1).at();
      days.add(LocalDate.ofInstant(lastAt, sc.zone()));
      for (LocalDate day : days) {
        put(v, "statistics " + day, () -> b.statistics(day));
      }
      return v;
    }

    private static final java.util.regex.Pattern CATEGORIES = java.util.regex.Pattern.compile("categories=\\[([^\\]]*)\\]");

    /**
     * A value's text with every categories set in sorted order. Sets compare by equality (checked
     * with equals as well); their iteration order is not state: it follows the JVM's hash salt, and a
     * ticket read back from a snapshot or checkpoint lists the same categories in another order.
     */
    static String canonical(Object value) {
      java.util.regex.Matcher m = CATEGORIES.matcher(String.valueOf(value));
      StringBuilder sb = new StringBuilder();
      while (m.find()) {
        List<String> items = new ArrayList<>(List.of(m.group(1).split(", ")));
        items.sort(null);
        m.appendReplacement(sb, java.util.regex.Matcher.quoteReplacement("categories=[" + String.join(", ", items) + "]"));
      }
      return m.appendTail(sb).toString();
    }

    private static void put(Map<String, Object> v, String key, Supplier<Object> read) {
      Result r = Result.of(read);
      v.put(key, r.error() == null ? r.value() : r);
    }

    /** The differences (at most eight), or null. */
    private static String diff(Map<String, Object> a, Map<String, Object> b) {
      TreeSet<String> keys = new TreeSet<>(a.keySet());
      keys.addAll(b.keySet());
      List<String> out = new ArrayList<>();
      for (String k : keys) {
        Object x = a.get(k);
        Object y = b.get(k);
        if (!Objects.equals(x, y) || !canonical(x).equals(canonical(y))) {
          out.add(k + ":\n    " + x + "\n    " + y);
        }
      }
      return out.isEmpty() ? null : String.join("\n  ", out.subList(0, Math.min(out.size(), 8)));
    }

    private static String opName(String op) {
      int bracket = op.indexOf('[');
      int paren = op.indexOf('(');
      int cut = bracket < 0 ? paren : paren < 0 ? bracket : Math.min(bracket, paren);
      return cut < 0 ? op : op.substring(0, cut);
    }

    private void fail(String message) {
      StringBuilder sb = new StringBuilder(message).append("\nsetup: ").append(setup);
      if (failures != null) {
        sb.append(" (").append(failures).append(')');
      }
      sb.append("\nscenario: ").append(sc).append("\nops (with the legacy outcome):");
      int from = Math.max(0, ops.size() - 25);
      for (int i = from; i < ops.size(); i++) {
        sb.append("\n  #").append(i).append(' ').append(ops.get(i));
      }
      throw new AssertionError(sb.toString());
    }
  }

  // ---------------------------------------------------------------- collecting differences

  /**
   * The differences of a property, by kind (the bracketed tag of the failure: what differs, on
   * which op). The first {@link #SHRINK_PER_KIND} sequences of a kind are shrunk, keeping the kind.
   */
  private static final class Differences {
    private final Map<String, Integer> counts = new TreeMap<>();
    private final Map<String, String> smallest = new TreeMap<>();
    private final Map<String, Integer> smallestSize = new TreeMap<>();

    synchronized void check(Scenario scenario, List<Command> sequence, BiConsumer<Scenario, List<Command>> property) {
      AssertionError e = failure(() -> property.accept(scenario, sequence));
      if (e == null) {
        return;
      }
      String kind = kindOf(e);
      int n = counts.merge(kind, 1, Integer::sum);
      if (n > SHRINK_PER_KIND) {
        return;
      }
      AssertionError shrunk = failure(() -> Minimizer.check(scenario, sequence, (sc, seq) -> {
        AssertionError f = failure(() -> property.accept(sc, seq));
        if (f != null && kindOf(f).equals(kind)) {
          throw f;
        }
      }));
      String text = shrunk == null ? e.getMessage() : shrunk.getMessage();
      int size = text.startsWith("falsified; smallest failing sequence has ")
          ? Integer.parseInt(text.substring(41, text.indexOf(' ', 41))) : sequence.size();
      if (!smallestSize.containsKey(kind) || size < smallestSize.get(kind)) {
        smallestSize.put(kind, size);
        smallest.put(kind, text);
      }
    }

    private static AssertionError failure(Runnable r) {
      try {
        r.run();
        return null;
      } catch (AssertionError e) {
        return e;
      }
    }

    private static String kindOf(AssertionError e) {
      String m = String.valueOf(e.getMessage());
      return m.startsWith("[") && m.indexOf(']') > 0 ? m.substring(0, m.indexOf(']') + 1) : m.split("\n")[0];
    }

    String summary() {
      if (counts.isEmpty()) {
        return "no differences";
      }
      StringBuilder sb = new StringBuilder(counts.values().stream().mapToInt(Integer::intValue).sum()
          + " sequences differ, kinds:");
      counts.forEach((k, n) -> sb.append("\n    ").append(n).append(" x ").append(k));
      return sb.toString();
    }

    void assertNone() {
      if (counts.isEmpty()) {
        return;
      }
      StringBuilder sb = new StringBuilder("the legacy and the current engine differ (seed ").append(SEED)
          .append(", replay with -Dtalon.seed=").append(SEED).append("): ").append(summary());
      smallest.forEach((k, text) -> sb.append("\n\n==== ").append(k).append(" (").append(counts.get(k))
          .append(" sequences; smallest found: ").append(smallestSize.get(k)).append(" commands)\n").append(text));
      throw new AssertionError(sb.toString());
    }
  }
}
