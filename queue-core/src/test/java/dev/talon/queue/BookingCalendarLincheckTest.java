package dev.talon.queue;

import dev.talon.queue.spi.QueueClock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.function.Supplier;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/*
 * Linearizability of hold, confirm, release, reschedule and book, model-checked with the options
 * of BranchLincheckTest (see its comment for what is analyzed and what is treated as confined).
 * One place per window in two windows: a second concurrent hold, booking or reschedule into a full
 * window must be refused, so an overbooking, a hold confirmed twice or a reschedule seen half-done
 * would show as a result no sequential order produces. Hold ids and booking ids count up from 1 in
 * linearization order, so operations can name "the n-th hold" or "the n-th booking".
 */
public class BookingCalendarLincheckTest {
  private static final Instant NOW = Instant.parse("2026-03-02T10:05:00Z");
  private static final LocalDateTime[] WINDOWS = {LocalDateTime.parse("2026-03-02T10:15"),
      LocalDateTime.parse("2026-03-02T10:30")};

  private final Branch branch = Talon.newBranch("lin-cal")
      .service("a", "A", "Service a")
      .desk("1", "a")
      .capacity("a", 1)
      .clock(QueueClock.manual(NOW))
      // no snapshots: they are saved on the shared snapshot thread, which the model checker does not
      // control; what is checked is the submission and combining path
      .snapshotEvery(0)
      .build();

  @Operation
  public String hold(@Param(gen = IntGen.class, conf = "0:1") int window) {
    return outcome(() -> {
      Hold h = branch.hold(BookRequest.of("a", WINDOWS[window]));
      return "hold " + h.id() + " " + h.windowStart();
    });
  }

  @Operation
  public String book(@Param(gen = IntGen.class, conf = "0:1") int window) {
    return outcome(() -> show(branch.book(BookRequest.of("a", WINDOWS[window]))));
  }

  @Operation
  public String confirm(@Param(gen = IntGen.class, conf = "1:2") int hold) {
    return outcome(() -> show(branch.confirm(hold)));
  }

  @Operation
  public String release(@Param(gen = IntGen.class, conf = "1:2") int hold) {
    return outcome(() -> "released " + branch.releaseHold(hold).id());
  }

  @Operation
  public String reschedule(@Param(gen = IntGen.class, conf = "1:2") int booking,
      @Param(gen = IntGen.class, conf = "0:1") int window) {
    return outcome(() -> show(branch.reschedule(code(booking), WINDOWS[window])));
  }

  /** The read that never waits for the writer: it must still be a state between operations. */
  @Operation
  public String liveHolds() {
    return branch.liveHolds().stream().map(h -> h.id() + "@" + h.windowStart()).toList().toString();
  }

    /** Codes of bookings 1 and 2 (a code is a function of the booking id; learnt from a scratch branch). */
  private static final java.util.List<String> CODES = codes();

  private static java.util.List<String> codes() {
    try (Branch scratch = Talon.newBranch("lin-cal").service("a", "A", "Service a").desk("1", "a").capacity("a", 2)
        .clock(QueueClock.manual(NOW)).build()) {
      return java.util.List.of(scratch.book(BookRequest.of("a", WINDOWS[0])).code(),
          scratch.book(BookRequest.of("a", WINDOWS[0])).code());
    }
  }

  private static String code(int bookingId) {
    return CODES.get(bookingId - 1);
  }

  private static String outcome(Supplier<String> operation) {
    try {
      return operation.get();
    } catch (QueueException e) {
      return e.getClass().getSimpleName();
    }
  }

  private static String show(Booking b) {
    return "booking " + b.id() + " " + b.windowStart() + " " + b.state();
  }

  @Test
  void holdConfirmReschedule_modelCheckedOnThreeThreads_areLinearizable() {
    BranchLincheckTest.options(5, 100).check(BookingCalendarLincheckTest.class); // half the budget of the branch's own
  }
}
