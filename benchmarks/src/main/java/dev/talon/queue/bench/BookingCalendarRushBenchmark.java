package dev.talon.queue.bench;

import dev.talon.queue.BookRequest;
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
import java.util.function.Consumer;
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
 * BookingRushBenchmark on the booking calendar (issue 16): the same rush and the same audit, with
 * two parameters.
 *
 * capacity: "plain" is BookingRushBenchmark.talon's engine (one capacity per service, open around
 * the clock); "schedule" takes its capacity from a schedule (a rule per weekday and part of the
 * day, and a dated rule, which a booking walks) and opens by a calendar with a dated exception (so
 * that issue and book consult the calendar rather than the always-open shortcut). Every rule gives
 * the rush's CAPACITY, so the audit's "never overbooked, every window passed exactly full" holds
 * unchanged.
 *
 * waitlist: with "none" a booker that finds a window full moves on, as in BookingRushBenchmark;
 * with "waiting" it first joins that window's waiting list (one more engine operation, made once
 * per thread and full window, so its cost shows amortised over the window's CAPACITY bookings, as
 * it would be in a real rush), and the audit checks that every join is on the list.
 *
 * `book` books directly; `holdThenConfirm` holds a place and confirms it: two operations per
 * acknowledged booking. BenchRunner compares every variant with capacity=plain, waitlist=none of
 * the same benchmark and thread count.
 */

/** The booking rush with a capacity schedule and a waiting list, booked directly and through hold then confirm. */
public class BookingCalendarRushBenchmark {

  /** The engine, with plain or scheduled capacity, with or without waiting lists. */
  @State(Scope.Benchmark)
  public static class CalendarRush extends BookingRushBenchmark.Rush {
    /** The event store by benchmark name (see {@link EngineFixture#store}). */
    @Param({"dropping"})
    public String store;

    /** {@code plain}: one capacity, always open; {@code schedule}: a capacity schedule and a calendar. */
    @Param({"plain", "schedule"})
    public String capacity;

    /** {@code none}: move on from a full window; {@code waiting}: join its waiting list first. */
    @Param({"none", "waiting"})
    public String waitlist;

    Branch branch;
    Consumer<BookRequest> onFull;

    @Setup(Level.Iteration)
    public void open() {
      int cap = BookingRushBenchmark.CAPACITY;
      SlotCalendar slots = SlotCalendar.defaults().withBookingHorizonDays(BookingRushBenchmark.HORIZON_DAYS)
          .withCapacity(EngineFixture.SERVICE, cap);
      OpeningCalendar calendar = OpeningCalendar.always();
      switch (capacity) {
        case "plain" -> { }
        case "schedule" -> {
          for (DayOfWeek d : DayOfWeek.values()) {
            slots = slots.withSchedule(
                CapacityRule.weekly(EngineFixture.SERVICE, EnumSet.of(d), TimeRange.of("00:00", "12:00"), cap),
                CapacityRule.weekly(EngineFixture.SERVICE, EnumSet.of(d), TimeRange.of("12:00", "24:00"), cap));
          }
          slots = slots.withSchedule(CapacityRule.dated(EngineFixture.SERVICE, LocalDate.parse("2026-12-24"),
              TimeRange.of("00:00", "24:00"), cap));
          calendar = calendar.onDate(LocalDate.parse("2030-01-01"));
        }
        default -> throw new IllegalArgumentException("capacity must be plain or schedule, was " + capacity);
      }
      branch = EngineFixture.branch(1, EngineFixture.store(store), EngineFixture.clock())
          .calendar(calendar).slots(slots).build();
      onFull = switch (waitlist) {
        case "none" -> null;
        case "waiting" -> branch::joinWaitlist;
        default -> throw new IllegalArgumentException("waitlist must be none or waiting, was " + waitlist);
      };
    }

    @TearDown(Level.Iteration)
    public void audit() {
      int joined = 0;
      for (BookingRushBenchmark.Booker b : bookers) {
        joined += ((CalendarBooker) b).joined;
      }
      audit("talon, " + capacity + " capacity, waitlist " + waitlist,
          code -> BookingRushBenchmark.windowOf(branch, code));
      int listed = branch.waitlist().size();
      branch.close();
      if (listed != joined) {
        throw new CapacityAudit.Violation("talon acknowledged " + joined + " waiting-list joins but lists " + listed);
      }
    }
  }

  /** A thread booking on the engine. */
  @State(Scope.Thread)
  public static class CalendarBooker extends BookingRushBenchmark.Booker {
    int joined;
    /** What this thread does at a full window (made once per iteration, so the rush allocates no lambda). */
    Consumer<BookRequest> onFull;

    @Setup(Level.Iteration)
    public void join(CalendarRush rush) {
      reset();
      joined = 0;
      Consumer<BookRequest> engine = rush.onFull;
      onFull = engine == null ? null : r -> {
        engine.accept(r);
        joined++;
      };
      rush.register(this);
    }
  }

  /** Book one place, moving on from full windows (joining their waiting lists with waitlist=waiting). */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public Booking book(CalendarRush rush, CalendarBooker booker) {
    return BookingRushBenchmark.rush(booker, rush.branch::book, booker.onFull);
  }

  /** Hold a place and confirm it, moving on from full windows (joining their waiting lists with waitlist=waiting). */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public Booking holdThenConfirm(CalendarRush rush, CalendarBooker booker) {
    return BookingRushBenchmark.rush(booker, r -> rush.branch.confirm(rush.branch.hold(r).id()), booker.onFull);
  }
}
