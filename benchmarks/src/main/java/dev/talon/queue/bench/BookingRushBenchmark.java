package dev.talon.queue.bench;

import dev.talon.queue.BookRequest;
import dev.talon.queue.Booking;
import dev.talon.queue.BookingState;
import dev.talon.queue.Branch;
import dev.talon.queue.CapacityExceededException;
import dev.talon.queue.SlotCalendar;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;
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
 * The booking rush: every thread books places in the same sequence of slot windows, so the
 * threads fight over the same window's last places; a thread moves on to the next window only
 * when its booking is refused because the window is full. Each operation is one acknowledged
 * booking (refusals are part of its cost).
 *
 * The windows are every 15-minute window of a year (the longest booking horizon the engine allows),
 * 100 places each: about 3.5 million places, far more than one iteration books, so the rush never
 * runs dry (if it does, the benchmark fails and says so rather than measuring refusals). Engine
 * and baseline are rebuilt at every iteration, and after every iteration CapacityAudit checks the
 * acknowledged bookings against the subject's own records: no window overbooked, every window a
 * thread moved past exactly full, no acknowledged booking missing or duplicated. A failed audit
 * fails the run.
 */

/** Threads reserving places in windows with capacity: the engine against a synchronized baseline. */
public class BookingRushBenchmark {
  /** Places per window. */
  static final int CAPACITY = 400; // a quiet 2-core machine books ~3.5 million places a second on the baseline
  /** How many days ahead the rush books (the engine's maximum horizon). */
  static final int HORIZON_DAYS = 366;
  /** Window starts, in order: from the current window to the last one of the horizon. */
  static final LocalDateTime[] STARTS = windowStarts();
  /** One request per window; requests are immutable, so their construction is not measured. */
  static final BookRequest[] REQUESTS = new BookRequest[STARTS.length];
  static final Map<LocalDateTime, Integer> INDEX = new HashMap<>();

  static {
    for (int w = 0; w < STARTS.length; w++) {
      REQUESTS[w] = BookRequest.of(EngineFixture.SERVICE, STARTS[w]);
      INDEX.put(STARTS[w], w);
    }
  }

  private static LocalDateTime[] windowStarts() {
    LocalDateTime first = LocalDateTime.ofInstant(EngineFixture.START, ZoneOffset.UTC);
    LocalDateTime end = first.toLocalDate().plusDays(HORIZON_DAYS + 1L).atStartOfDay();
    List<LocalDateTime> starts = new ArrayList<>();
    for (LocalDateTime t = first; t.isBefore(end); t = t.plus(SlotCalendar.DEFAULT_WINDOW)) {
      starts.add(t);
    }
    return starts.toArray(LocalDateTime[]::new);
  }

  /** One thread of the rush: the window it is booking in and the codes it was given. */
  abstract static class Booker {
    int cursor;
    List<String> acknowledged = new ArrayList<>();

    void reset() {
      cursor = 0;
      acknowledged = new ArrayList<>();
    }

    /** The window is full: on to the next one. */
    void moveOn() {
      if (++cursor == STARTS.length) {
        throw new IllegalStateException("the booking rush ran out of places: all " + STARTS.length + " windows of "
            + CAPACITY + " places are full; raise BookingRushBenchmark.CAPACITY");
      }
    }
  }

  /** What both subjects share: the bookers of the current iteration and the audit. */
  abstract static class Rush {
    final List<Booker> bookers = new CopyOnWriteArrayList<>();

    void register(Booker booker) {
      bookers.add(booker);
    }

    /** Audits the iteration; {@code windowOf} maps an acknowledged code to its window in the subject's records. */
    void audit(String subject, ToIntFunction<String> windowOf) {
      int[] perWindow = new int[STARTS.length];
      Set<String> seen = new HashSet<>();
      int frontier = 0;
      for (Booker b : bookers) {
        frontier = Math.max(frontier, b.cursor);
        for (String code : b.acknowledged) {
          if (!seen.add(code)) {
            throw new CapacityAudit.Violation(subject + " gave booking code " + code + " to two bookings");
          }
          perWindow[windowOf.applyAsInt(code)]++;
        }
      }
      bookers.clear();
      CapacityAudit.check(subject, perWindow, CAPACITY, frontier);
    }
  }

  /** The engine under the rush. */
  @State(Scope.Benchmark)
  public static class TalonRush extends Rush {
    /** The event store by benchmark name (see {@link EngineFixture#store}). */
    @Param({"dropping", "in-memory"})
    public String store;

    Branch branch;

    @Setup(Level.Iteration)
    public void open() {
      branch = EngineFixture.branch(1, EngineFixture.store(store), EngineFixture.clock())
          .slots(SlotCalendar.defaults().withBookingHorizonDays(HORIZON_DAYS).withCapacity(EngineFixture.SERVICE, CAPACITY))
          .build();
    }

    @TearDown(Level.Iteration)
    public void audit() {
      audit("talon", code -> windowOf(branch, code));
      branch.close();
    }
  }

  /** The synchronized baseline under the rush. */
  @State(Scope.Benchmark)
  public static class LockedRush extends Rush {
    SynchronizedBookings bookings;

    @Setup(Level.Iteration)
    public void open() {
      bookings = new SynchronizedBookings(STARTS.length, CAPACITY);
    }

    @TearDown(Level.Iteration)
    public void audit() {
      audit("synchronized baseline", code -> {
        SynchronizedBookings.Reservation r = bookings.byCode(code);
        if (r == null) {
          throw new CapacityAudit.Violation("synchronized baseline acknowledged booking " + code
              + " but does not know it");
        }
        return r.window();
      });
    }
  }

  /** A thread booking on the engine. */
  @State(Scope.Thread)
  public static class TalonBooker extends Booker {
    @Setup(Level.Iteration)
    public void join(TalonRush rush) {
      reset();
      rush.register(this);
    }
  }

  /** A thread booking on the baseline. */
  @State(Scope.Thread)
  public static class LockedBooker extends Booker {
    @Setup(Level.Iteration)
    public void join(LockedRush rush) {
      reset();
      rush.register(this);
    }
  }

  /** Book one place on the engine, moving on from full windows. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public Booking talon(TalonRush rush, TalonBooker booker) {
    return rush(booker, rush.branch::book);
  }

  /** One acknowledged booking by {@code book} (the rush's step on an engine), moving on from full windows. */
  static Booking rush(Booker booker, java.util.function.Function<BookRequest, Booking> book) {
    return rush(booker, book, null);
  }

  /** As above; {@code onFull}, when given, is told of each full window's request before the booker moves on. */
  static Booking rush(Booker booker, java.util.function.Function<BookRequest, Booking> book,
      java.util.function.Consumer<BookRequest> onFull) {
    while (true) {
      try {
        Booking b = book.apply(REQUESTS[booker.cursor]);
        booker.acknowledged.add(b.code());
        return b;
      } catch (CapacityExceededException full) {
        if (onFull != null) {
          onFull.accept(REQUESTS[booker.cursor]);
        }
        booker.moveOn();
      }
    }
  }

  /** The window of an acknowledged booking in the engine's records, for the audit. */
  static int windowOf(Branch branch, String code) {
    Booking b = branch.booking(code).orElseThrow(() -> new CapacityAudit.Violation(
        "talon acknowledged booking " + code + " but does not know it"));
    if (b.state() != BookingState.BOOKED) {
      throw new CapacityAudit.Violation("talon booking " + code + " is " + b.state() + ", expected BOOKED");
    }
    return INDEX.get(b.windowStart());
  }

  /** Book one place on the synchronized baseline, moving on from full windows. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public SynchronizedBookings.Reservation synchronizedBaseline(LockedRush rush, LockedBooker booker) {
    while (true) {
      try {
        SynchronizedBookings.Reservation r = rush.bookings.book(booker.cursor);
        booker.acknowledged.add(r.code());
        return r;
      } catch (CapacityExceededException full) {
        booker.moveOn();
      }
    }
  }
}
