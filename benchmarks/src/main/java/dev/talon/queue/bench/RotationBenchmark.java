package dev.talon.queue.bench;

import dev.talon.queue.BookRequest;
import dev.talon.queue.Branch;
import dev.talon.queue.SlotCalendar;
import dev.talon.queue.spi.ManualClock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
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

/*
 * What one window rotation costs while many bookings are pending.
 *
 * The branch holds `pending` bookings nobody checks in: PER_WINDOW in each of the next
 * pending / PER_WINDOW windows. Each timed operation moves the clock to the next window boundary
 * and lets the branch catch up: the window rotates and the bookings of the window whose grace
 * period just ended expire (PER_WINDOW of them, each releasing its place); once a simulated day
 * (96 rotations) the day changes too, and the branch forgets the bookings that ended the day
 * before. Before each operation, outside the timing, a helper books PER_WINDOW new places in the
 * next free window at the far end, so each rotation starts with `pending` + PER_WINDOW
 * bookings pending and leaves `pending` (the first one starts with `pending`). Two sizes show
 * whether the cost grows with the number of pending bookings.
 *
 * The store drops events (see DroppingEventStore): the rotations of a run would otherwise keep
 * millions of events. Sample-time mode, so any once-a-day cost shows in the high percentiles. The
 * GC profiler's bytes per operation include the untimed refill (it counts everything the thread
 * allocates).
 */

/** Rotation cost with pending bookings. */
@State(Scope.Thread)
public class RotationBenchmark {
  /** Bookings per window (also the window capacity). */
  static final int PER_WINDOW = 10;
  static final Duration WINDOW = SlotCalendar.DEFAULT_WINDOW;

  /** Bookings pending after each rotation (one window more before it). */
  @Param({"100", "10000"})
  public int pending;

  ManualClock clock;
  Branch branch;
  /** The start of the next window the refill books into. */
  LocalDateTime farEnd;

  @Setup(Level.Trial)
  public void open() {
    if (pending % PER_WINDOW != 0 || pending <= 0) {
      throw new IllegalArgumentException("pending must be a positive multiple of " + PER_WINDOW + ", was " + pending);
    }
    clock = EngineFixture.clock();
    branch = EngineFixture.branch(1, new DroppingEventStore(), clock)
        .slots(SlotCalendar.defaults().withCapacity(EngineFixture.SERVICE, PER_WINDOW).withBookingHorizonDays(14))
        .build();
    farEnd = LocalDateTime.ofInstant(EngineFixture.START, ZoneOffset.UTC);
    for (int w = 1; w < pending / PER_WINDOW; w++) { // the refill before the first rotation books one more
      refill();
    }
  }

  /** Books a full window at the far end, outside the timing, so that the pending count stays put. */
  @Setup(Level.Invocation)
  public void refill() {
    BookRequest request = BookRequest.of(EngineFixture.SERVICE, farEnd);
    for (int i = 0; i < PER_WINDOW; i++) {
      branch.book(request);
    }
    farEnd = farEnd.plus(WINDOW);
  }

  /** Move the clock to the next window boundary and let the branch rotate. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public long rotate() {
    clock.advance(WINDOW);
    branch.rotate();
    return branch.lastSeq();
  }
}
