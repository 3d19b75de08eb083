package dev.talon.queue;

import static org.quicktheories.QuickTheory.qt;

import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.QueueClock;
import dev.talon.queue.testkit.Command;
import dev.talon.queue.testkit.Driver;
import dev.talon.queue.testkit.Generators;
import dev.talon.queue.testkit.InvariantChecker;
import dev.talon.queue.testkit.Minimizer;
import dev.talon.queue.testkit.Op;
import dev.talon.queue.testkit.Scenario;
import dev.talon.queue.testkit.Snapshot;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.QuickTheory;
import org.quicktheories.generators.Generate;

/**
 * Random command sequences on random branches (zones at UTC+5, UTC-8, UTC+5:30 and UTC, three
 * kinds of opening hours, 15/20/30-minute windows, capacities 0-3, both built-in policies,
 * varied check-in, recall and grace limits, an optional ban-list check), on a manual clock and the
 * in-memory store. Besides issue, booking and the call lifecycle, the commands postpone (1 or 20
 * minutes, the configured period, indefinitely, or a zero period as bad input), resume, transfer
 * (keeping the place or to the back, with or without a return, to the ticket's own or an unknown
 * service as bad input), call by name (walk-direct, of waiting and postponed tickets, at desks
 * that do not serve them), open, pause (blank and null reasons as bad input) and close desks, and
 * step the clock to the end of a timed postponement. Scenarios vary the postponement's return
 * (KEEP_PLACE, BACK_OF_LINE, RAISE_CLASS to "booked"), the recall cool-down (0 or 3 minutes) and
 * the policy (fifo, booked-first, and a test policy with state that alternates between booked and
 * other lines, so that a direct call that advanced the state would show).
 *
 * <ul>
 *   <li>After every command the engine must agree with the {@link dev.talon.queue.testkit.ReferenceModel}
 *       (returned value or exception class, events, tickets, bookings, waiting lists, positions,
 *       last seq, mode) and the {@link InvariantChecker} must pass (invariants 1, 2, 3, 4, 6); after
 *       the sequence the branch is drained (desks opened, postponed tickets resumed, everything
 *       reachable called and finished, returns included, the rest cancelled) and every ticket and
 *       booking must be terminal.</li>
 *   <li>Invariant 7: the same ops at the same clock times give the same outcomes and events twice.</li>
 *   <li>Recovery: a branch reopened from its store at a random point shows the same state, and the
 *       rest of the sequence gives the same outcomes and events on both.</li>
 * </ul>
 *
 * QuickTheories' own shrinking is off: {@link Minimizer} shrinks a failing sequence by removing
 * commands and reports the smallest one with its resolved ops.
 */
class EngineModelPropertyTest {
  private static final int SEQUENCES = 1000;
  private static final int MAX_COMMANDS = 60;
  private static final Map<String, String> SUMMARY = new TreeMap<>();

  @AfterAll
  static void printSummary() {
    SUMMARY.forEach((property, line) -> System.out.println("[EngineModelPropertyTest] " + property + ": " + line));
  }

  /**
   * CI (the CI variable is set) runs a fixed seed, so that a landing is reproducible; elsewhere each
   * run explores new sequences. {@code -Dtalon.seed=N} replays a seed a failure printed.
   */
  private static QuickTheory theory() {
    QuickTheory qt = qt().withExamples(SEQUENCES).withShrinkCycles(0);
    String seed = System.getProperty("talon.seed", System.getenv("CI") != null ? "20261124" : null);
    return seed == null ? qt : qt.withFixedSeed(Long.parseLong(seed));
  }

  @Test
  void engine_randomSequences_matchModelAndInvariantsAfterEveryCommand_thenDrainToTerminal() {
    AtomicInteger sequences = new AtomicInteger();
    AtomicInteger commands = new AtomicInteger();
    Map<String, int[]> outcomes = new TreeMap<>();
    Map<String, Integer> events = new TreeMap<>();
    theory().forAll(Generators.scenarios(), Generators.sequences(MAX_COMMANDS)).checkAssert((scenario, sequence) -> {
      sequences.incrementAndGet();
      commands.addAndGet(sequence.size());
      Minimizer.check(scenario, sequence, (sc, seq) -> {
        Driver run = Driver.withModel(sc, EventStore.inMemory(null));
        for (Command c : seq) {
          Driver.Step step = run.step(c);
          run.verify(step);
          if (seq == sequence) {
            outcomes.computeIfAbsent(step.op().getClass().getSimpleName(), k -> new int[2])[step.engine().failed() ? 1 : 0]++;
          }
        }
        if (seq == sequence) {
          for (QueueEvent e : run.events()) {
            String kind = e instanceof QueueEvent.BookingCheckedIn c && c.late() ? "LateCheckIn"
                : e instanceof QueueEvent.TicketCalled c && c.direct() ? "TicketCalledDirect"
                : e instanceof QueueEvent.TicketIssued i && i.parentId() > 0 ? "TicketIssuedFromTransfer"
                : e.getClass().getSimpleName();
            events.merge(kind, 1, Integer::sum);
          }
        }
        run.drain();
        run.assertAllTerminal();
      });
    });
    StringBuilder mix = new StringBuilder();
    outcomes.forEach((k, v) -> mix.append(' ').append(k).append('=').append(v[0]).append('/').append(v[1]));
    SUMMARY.put("1 model+invariants+drain", sequences.get() + " sequences, " + commands.get()
        + " commands (op=succeeded/refused):" + mix + "; events before draining: " + events);
    assertRan(sequences);
  }

  @Test
  void engine_sameOpsAtSameClockTimes_giveSameOutcomesAndEventsTwice() {
    AtomicInteger sequences = new AtomicInteger();
    theory().forAll(Generators.scenarios(), Generators.sequences(MAX_COMMANDS)).checkAssert((scenario, sequence) -> {
      sequences.incrementAndGet();
      Minimizer.check(scenario, sequence, (sc, seq) -> {
        Driver first = Driver.engineOnly(sc, EventStore.inMemory(null));
        List<Driver.Step> steps = seq.stream().map(first::step).toList();
        Driver second = Driver.engineOnly(sc, EventStore.inMemory(null));
        for (Driver.Step s : steps) {
          Driver.Step again = second.apply(s.op());
          if (!again.engine().sameAs(s.engine())) {
            throw new AssertionError("[7 determinism] " + s.op() + " first " + s.engine() + ", then " + again.engine());
          }
        }
        if (!second.events().equals(first.events())) {
          throw new AssertionError("[7 determinism] the same ops gave different events:\n" + first.events() + "\n"
              + second.events());
        }
      });
    });
    SUMMARY.put("2 determinism", sequences.get() + " sequences, each run twice");
    assertRan(sequences);
  }

  @Test
  void engine_recoveredFromItsStoreAtAnyPoint_hasSameStateAndContinuesIdentically() {
    AtomicInteger sequences = new AtomicInteger();
    theory().forAll(Generators.scenarios(), Generators.sequences(MAX_COMMANDS), Generate.range(0, 100))
        .checkAssert((scenario, sequence, percent) -> {
          sequences.incrementAndGet();
          Minimizer.check(scenario, sequence, (sc, seq) -> recoverAt(sc, seq, seq.size() * percent / 100));
        });
    SUMMARY.put("3 recovery", sequences.get() + " sequences, each reopened from its store at a random point");
    assertRan(sequences);
  }

  private static void recoverAt(Scenario scenario, List<Command> sequence, int split) {
    Driver live = Driver.withModel(scenario, EventStore.inMemory(null));
    for (Command c : sequence.subList(0, split)) {
      live.verify(live.step(c));
    }
    Driver again = live.reopenedCopy();
    assertSameState(live, again, "right after recovery at command " + split);
    continueBoth(live, again, sequence.subList(split, sequence.size()), "after recovery at command " + split);
    InvariantChecker.checkReplay(live.branch(), live.events(), store -> scenario.open(store, live.clock()));
  }

  @Test
  void engine_reopenedFromSnapshotPlusTail_equalsFullReplayAndContinuesIdentically() {
    AtomicInteger sequences = new AtomicInteger();
    AtomicInteger used = new AtomicInteger();
    theory().forAll(Generators.scenarios(), Generators.sequences(MAX_COMMANDS), Generate.range(0, 100),
        Generate.range(0, 100)).checkAssert((scenario, sequence, p, q) -> {
          sequences.incrementAndGet();
          Minimizer.check(scenario, sequence, (sc, seq) -> {
            int at = seq.size() * Math.min(p, q) / 100;
            int split = seq.size() * Math.max(p, q) / 100;
            if (snapshotAt(sc, seq, at, split) && sequence == seq) {
              used.incrementAndGet();
            }
          });
        });
    SUMMARY.put("4 snapshot+tail", sequences.get() + " sequences, each snapshotted at a random point and reopened"
        + " from the snapshot and the events after it at a later one (" + used.get() + " with a snapshot to use)");
    assertRan(sequences);
  }

  /**
   * Snapshot after command {@code at}, reopen after command {@code split} from the snapshot plus the
   * events after it: the state must be the live one, the bytes of a snapshot of it those of a full
   * replay, and the rest of the sequence must run the same on both. True if there was a snapshot.
   */
  private static boolean snapshotAt(Scenario scenario, List<Command> sequence, int at, int split) {
    Driver live = Driver.withModel(scenario, EventStore.inMemory(null));
    for (Command c : sequence.subList(0, at)) {
      live.verify(live.step(c));
    }
    EventStore stored = EventStore.inMemory(null);
    String id = live.branch().id();
    List<QueueEvent> before = live.events();
    if (!before.isEmpty()) {
      stored.append(id, 0, before);
      scenario.builder(stored, QueueClock.manual(live.clock().now())).snapshotEvery(1).build().close();
      long snapSeq = stored.loadSnapshot(id).orElseThrow(() -> new AssertionError("no snapshot at close")).seq();
      if (snapSeq != before.size()) {
        throw new AssertionError("the snapshot taken at close is at seq " + snapSeq + ", the branch at " + before.size());
      }
    }
    for (Command c : sequence.subList(at, split)) {
      live.verify(live.step(c));
    }
    List<QueueEvent> all = live.events();
    if (all.size() > before.size()) {
      stored.append(id, 0, all.subList(before.size(), all.size()));
    }
    dev.talon.queue.testkit.RecordingStore watched = new dev.talon.queue.testkit.RecordingStore(stored);
    Driver again = live.reopenedOn(watched);
    if (watched.loads.isEmpty() || watched.loads.get(0) != before.size()) {
      throw new AssertionError("reopening read the events after seq " + watched.loads + ", not after the snapshot at "
          + before.size());
    }
    assertSameState(live, again, "right after reopening from the snapshot at command " + at + " and the tail to "
        + split);
    byte[] fromSnapshot = closingSnapshot(scenario, live, all, true);
    byte[] fromReplay = closingSnapshot(scenario, live, all, false);
    if (!java.util.Arrays.equals(fromSnapshot, fromReplay)) {
      throw new AssertionError("a snapshot of the branch reopened from snapshot + tail is not byte for byte that of a"
          + " full replay (" + fromSnapshot.length + " and " + fromReplay.length + " bytes)");
    }
    continueBoth(live, again, sequence.subList(split, sequence.size()),
        "after reopening from the snapshot at command " + at + " and the tail to " + split);
    return !before.isEmpty();
  }

  /**
   * The snapshot an engine writes when closed after opening the history {@code events}: from the
   * snapshot the live run's store copy had at {@code seq}, or by replaying everything.
   */
  private static byte[] closingSnapshot(Scenario scenario, Driver live, List<QueueEvent> events, boolean fromSnapshot) {
    if (events.isEmpty()) {
      return new byte[0];
    }
    EventStore store = EventStore.inMemory(null);
    store.append(live.branch().id(), 0, events);
    if (fromSnapshot) {
      // a snapshot of an earlier point, as the property wrote it: half-way, so that a tail remains
      EventStore half = EventStore.inMemory(null);
      half.append(live.branch().id(), 0, events.subList(0, (events.size() + 1) / 2));
      scenario.builder(half, QueueClock.manual(events.get((events.size() + 1) / 2 - 1).at())).snapshotEvery(1).build()
          .close();
      store.saveSnapshot(live.branch().id(), half.loadSnapshot(live.branch().id()).orElseThrow());
    }
    scenario.builder(store, QueueClock.manual(live.clock().now())).snapshotEvery(1).build().close();
    return store.loadSnapshot(live.branch().id()).orElseThrow(() -> new AssertionError("no snapshot at close")).state();
  }

  /** Runs the rest of the sequence on the live and the reopened branch: same outcomes, events and state. */
  private static void continueBoth(Driver live, Driver again, List<Command> rest, String when) {
    for (Command c : rest) {
      Op op = live.resolve(c);
      Driver.Step a = live.apply(op);
      live.verify(a);
      Driver.Step b = again.apply(op);
      if (!b.engine().sameAs(a.engine())) {
        throw new AssertionError(when + ", " + op + ": live " + a.engine() + ", reopened " + b.engine());
      }
    }
    if (!again.events().equals(live.events())) {
      throw new AssertionError(when + " the events differ");
    }
    assertSameState(live, again, "at the end");
  }

  private static void assertSameState(Driver live, Driver again, String when) {
    List<QueueEvent> events = live.events();
    String diff = Snapshot.of(live.branch(), events).diff(Snapshot.of(again.branch(), events));
    if (diff != null) {
      throw new AssertionError("live and recovered branch differ " + when + ":\n" + diff);
    }
  }

  private static void assertRan(AtomicInteger sequences) {
    if (sequences.get() < SEQUENCES) {
      throw new AssertionError("only " + sequences.get() + " of " + SEQUENCES + " sequences ran");
    }
  }
}
