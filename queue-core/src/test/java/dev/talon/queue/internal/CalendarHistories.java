package dev.talon.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talon.queue.Branch;
import dev.talon.queue.QueueEvent;
import dev.talon.queue.Talon;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.QueueClock;
import java.time.Instant;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Runs a generated history of calendar operations for the property tests: each step, then the
 * test's checks, and at the end a full replay and a snapshot taken half-way plus the events after
 * it, both byte for byte the live state.
 */
final class CalendarHistories {
  private CalendarHistories() {}

  /** One generated operation on the branch (refusals are part of the history). */
  interface Step {
    void apply(Branch branch, ManualClock clock, int x);
  }

  /** The checks after a step. */
  interface Check {
    void check(BranchEngine engine, EventStore store, Instant now);
  }

  static final java.time.ZoneId BERLIN = java.time.ZoneId.of("Europe/Berlin");
  /** Saturday evening before Berlin's 23-hour day. */
  static final Instant START = java.time.LocalDateTime.parse("2026-03-28T21:00").atZone(BERLIN).toInstant();

  /**
   * A Berlin branch with services docs (A) and cars (B) at one desk, open around the clock except
   * a lunch hour on the 23-hour day, with these slots.
   */
  static Talon twoServices(String branchId, ManualClock clock, EventStore store, dev.talon.queue.SlotCalendar slots) {
    dev.talon.queue.OpeningCalendar calendar = dev.talon.queue.OpeningCalendar.always().onDate(
        java.time.LocalDate.parse("2026-03-29"), dev.talon.queue.TimeRange.of("00:00", "12:00"),
        dev.talon.queue.TimeRange.of("13:00", "24:00"));
    return Talon.newBranch(branchId).zone(BERLIN).clock(clock).store(store).calendar(calendar)
        .service("docs", "A", "ID documents").service("cars", "B", "Vehicles").desk("1", "docs", "cars")
        .slots(slots);
  }

  static void run(String branchId, Instant start, BiFunction<ManualClock, EventStore, Talon> builder,
      List<Integer> steps, Step step, Check check) {
    ManualClock clock = QueueClock.manual(start);
    EventStore store = EventStore.inMemory(null);
    byte[] halfway = null;
    long halfwaySeq = 0;
    BranchEngine engine = (BranchEngine) builder.apply(clock, store).build();
    try {
      int i = 0;
      for (int x : steps) {
        step.apply(engine, clock, x);
        check.check(engine, store, clock.now());
        if (++i == steps.size() / 2) {
          halfway = SnapshotCodec.encode(engine.config(), engine.current(), List.of());
          halfwaySeq = engine.lastSeq();
        }
      }
      byte[] live = SnapshotCodec.encode(engine.config(), engine.current(), List.of());
      try (BranchEngine again = (BranchEngine) builder.apply(clock, store).build()) {
        assertThat(SnapshotCodec.encode(again.config(), again.current(), List.of())).as("full replay").isEqualTo(live);
      }
      if (halfway != null) {
        Core c = SnapshotCodec.decode(engine.config(), halfway).state();
        for (QueueEvent e : store.load(branchId, halfwaySeq)) {
          c.apply(e);
        }
        assertThat(SnapshotCodec.encode(engine.config(), c, List.of())).as("snapshot + tail").isEqualTo(live);
      }
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      engine.close();
    }
  }
}
