package dev.talon.queue.bench;

import dev.talon.queue.Booking;
import dev.talon.queue.Branch;
import dev.talon.queue.CapacityRule;
import dev.talon.queue.OpeningCalendar;
import dev.talon.queue.SlotCalendar;
import dev.talon.queue.TimeRange;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/*
 * BookingRushBenchmark on the booking calendar (issue 16): the same rush and the same audit, on a
 * branch whose capacity comes from a schedule (a rule per weekday and part of the day, and a dated
 * rule, which a booking walks) and whose opening calendar has a dated exception (so that issue and
 * book consult the calendar rather than the always-open shortcut). Every rule gives the rush's
 * CAPACITY, so the audit's "never overbooked, every window passed exactly full" holds unchanged.
 * The second benchmark books through hold then confirm: two operations per acknowledged booking.
 * Compare against BookingRushBenchmark.talon in the same run. (The waiting list of issue 16 is not
 * built yet, so no variant has one.)
 */

/** The booking rush with a capacity schedule, and with hold then confirm. */
public class BookingCalendarRushBenchmark {

  /** The engine, with a capacity schedule and a calendar. */
  @State(Scope.Benchmark)
  public static class ScheduledRush extends BookingRushBenchmark.Rush {
    /** The event store by benchmark name (see {@link EngineFixture#store}). */
    @Param({"dropping"})
    public String store;

    Branch branch;

    @Setup(Level.Iteration)
    public void open() {
      SlotCalendar slots = SlotCalendar.defaults().withBookingHorizonDays(BookingRushBenchmark.HORIZON_DAYS)
          .withCapacity(EngineFixture.SERVICE, BookingRushBenchmark.CAPACITY);
      int cap = BookingRushBenchmark.CAPACITY;
      for (DayOfWeek d : DayOfWeek.values()) {
        slots = slots.withSchedule(
            CapacityRule.weekly(EngineFixture.SERVICE, EnumSet.of(d), TimeRange.of("00:00", "12:00"), cap),
            CapacityRule.weekly(EngineFixture.SERVICE, EnumSet.of(d), TimeRange.of("12:00", "24:00"), cap));
      }
      slots = slots.withSchedule(CapacityRule.dated(EngineFixture.SERVICE, LocalDate.parse("2026-12-24"),
          TimeRange.of("00:00", "24:00"), cap));
      OpeningCalendar calendar = OpeningCalendar.always().onDate(LocalDate.parse("2030-01-01"));
      branch = EngineFixture.branch(1, EngineFixture.store(store), EngineFixture.clock())
          .calendar(calendar).slots(slots).build();
    }

    @TearDown(Level.Iteration)
    public void audit() {
      audit("talon with a schedule", code -> BookingRushBenchmark.windowOf(branch, code));
      branch.close();
    }
  }

  /** A thread booking on the scheduled engine. */
  @State(Scope.Thread)
  public static class ScheduledBooker extends BookingRushBenchmark.Booker {
    @Setup(Level.Iteration)
    public void join(ScheduledRush rush) {
      reset();
      rush.register(this);
    }
  }

  /** Book one place under the capacity schedule, moving on from full windows. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public Booking scheduled(ScheduledRush rush, ScheduledBooker booker) {
    return BookingRushBenchmark.rush(booker, rush.branch::book);
  }

  /** Hold a place under the capacity schedule and confirm it, moving on from full windows. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public Booking holdThenConfirm(ScheduledRush rush, ScheduledBooker booker) {
    return BookingRushBenchmark.rush(booker, r -> rush.branch.confirm(rush.branch.hold(r).id()));
  }
}
