package dev.talon.queue;

import dev.talon.queue.spi.Policy;
import dev.talon.queue.spi.QueueClock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ManagedStrategyGuaranteeKt;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/*
 * Invariant 8 (linearizability), model-checked.
 *
 * Lincheck builds a fresh branch for every invocation, runs a generated scenario of these
 * operations on several threads, and explores their interleavings at every shared-memory access
 * (model checking). Each result must match some sequential execution of the same operations on
 * a fresh branch (the default sequential specification: this class run on one thread).
 *
 * The branch is chosen so that mistakes would be visible in the results:
 *   - the clock never moves, so a sequential run is fully determined by the order of operations;
 *   - two services whose desks overlap (desk 1 serves a and b, desk 2 only b), so two desks
 *     compete for the b line and a call from desk 1 has to choose across services;
 *   - booked-first, so a checked-in booking overtakes walk-ins and the choice of line matters;
 *   - one place per window and service, so a second concurrent booking must be refused and an
 *     overbooking would show up as two successful results.
 *
 * Every operation returns a plain string (a ticket's display and state, a booking's code and
 * state, or the simple name of the exception), so results compare by value across runs. Ticket
 * ids and booking codes are deterministic (ids count up from 1 in linearization order, codes are a
 * function of the id), so operations can name "the n-th ticket" or "the n-th booking".
 *
 * Where the checker switches threads. By design the engine shares exactly these things between
 * threads: the operation queue (JCTools' MPSC queue), the writer role (one CAS), the op futures,
 * the clock, the store and the request-id cache. Everything the writer does while it holds the
 * role (Tx, Core and its slabs, rings and desk slots, the estimator, the codec, the calendar, the
 * policy) touches state no other thread writes; these operations read nothing the writer
 * publishes, so those classes are marked "ignore" below and the checker does not spend its budget
 * switching threads inside them (without this, one invocation costs about ten times as much and
 * far fewer interleavings fit in the time budget); the JDK's concurrent maps and atomics, which are
 * linearizable themselves, are each one atomic step. The submission and combining path of
 * BranchEngine, the JCTools queue and InMemoryEventStore stay fully analyzed, and
 * internal.CombiningRaceTest proves the check can fail: with the writer role's CAS taken out, the
 * same options find a history no sequential order produces.
 */
public class BranchLincheckTest {
  private static final Instant NOW = Instant.parse("2026-03-02T10:05:00Z");
  /** The next window (10:15-10:30), which a booking can already check in to (30 minutes early). */
  private static final LocalDateTime WINDOW = LocalDateTime.parse("2026-03-02T10:15");
  private static final String[] SERVICES = {"a", "b"};
  private static final String[] DESKS = {"1", "2"};
  /** Codes of bookings 1, 2, 3, ... (a code is a function of the booking id; learnt from a scratch branch). */
  private static final List<String> CODES = codes(4);
  /** Classes (and their nested classes) that only compute on immutable or thread-confined data; see above. */
  private static final Set<String> CONFINED = Set.of(
      "dev.talon.queue.internal.Tx", "dev.talon.queue.internal.Core", "dev.talon.queue.internal.Slab",
      "dev.talon.queue.internal.LongRing", "dev.talon.queue.internal.DeskSlot", "dev.talon.queue.internal.Estimator",
      "dev.talon.queue.internal.SnapshotCodec",
      "dev.talon.queue.internal.Line", "dev.talon.queue.internal.WindowBookings",
      "dev.talon.queue.internal.BranchCalendar", "dev.talon.queue.internal.BookingCodes",
      "dev.talon.queue.spi.BuiltInPolicies", "dev.talon.queue.internal.CalendarState",
      "dev.talon.queue.internal.BookingOps");

  private final Branch branch = newBranch(1);

  static Branch newBranch(int capacity) {
    return Talon.newBranch("lin")
        .service("a", "A", "Service a")
        .service("b", "B", "Service b")
        .desk("1", "a", "b")
        .desk("2", "b")
        .capacity("a", capacity)
        .capacity("b", capacity)
        .policy(Policy.bookedFirst())
        .clock(QueueClock.manual(NOW))
        // no snapshots: they are saved on the shared snapshot thread, which the model checker does not
        // control; what is checked is the submission and combining path
        .snapshotEvery(0)
        .build();
  }

  private static List<String> codes(int n) {
    List<String> out = new ArrayList<>();
    try (Branch scratch = newBranch(n)) {
      for (int i = 0; i < n; i++) {
        out.add(scratch.book(BookRequest.of("a", WINDOW)).code());
      }
    }
    return out;
  }

  @Operation
  public String issue(@Param(gen = IntGen.class, conf = "0:1") int service) {
    return outcome(() -> show(branch.issue(IssueRequest.walkIn(SERVICES[service]))));
  }

  @Operation
  public String book(@Param(gen = IntGen.class, conf = "0:1") int service) {
    return outcome(() -> show(branch.book(BookRequest.of(SERVICES[service], WINDOW))));
  }

  @Operation
  public String cancelBooking(@Param(gen = IntGen.class, conf = "1:3") int booking) {
    return outcome(() -> show(branch.cancelBooking(CODES.get(booking - 1))));
  }

  @Operation
  public String checkIn(@Param(gen = IntGen.class, conf = "1:3") int booking) {
    return outcome(() -> show(branch.checkIn(CODES.get(booking - 1))));
  }

  @Operation
  public String callNext(@Param(gen = IntGen.class, conf = "0:1") int desk) {
    return outcome(() -> branch.callNext(DESKS[desk]).map(BranchLincheckTest::show).orElse("nothing waits"));
  }

  @Operation
  public String cancel(@Param(gen = IntGen.class, conf = "1:4") int ticketId) {
    return outcome(() -> show(branch.cancel(ticketId)));
  }

  /** The operation's result, or the simple name of the QueueException it threw. */
  private static String outcome(Supplier<String> operation) {
    try {
      return operation.get();
    } catch (QueueException e) {
      return e.getClass().getSimpleName();
    }
  }

  private static String show(Ticket t) {
    return t.display() + " " + t.line() + " " + t.state() + (t.desk() == null ? "" : " @" + t.desk());
  }

  private static String show(Booking b) {
    return "booking " + b.id() + " " + b.service() + " " + b.state() + " ticket " + b.ticketId();
  }

  @Test
  void branchOperations_modelCheckedOnThreeThreads_areLinearizable() {
    options(10, 150).check(BranchLincheckTest.class);
  }

  /** The model-checking options of this test, also used by its self-test (internal.CombiningRaceTest). */
  public static ModelCheckingOptions options(int iterations, int invocations) {
    return new ModelCheckingOptions()
        .threads(3)
        .actorsPerThread(3)
        .actorsBefore(2)
        .actorsAfter(1)
        .iterations(iterations)
        .invocationsPerIteration(invocations)
        // JDK concurrent maps, atomics and futures and the JCTools queue are linearizable
        // themselves; one switch point per call.
        .addGuarantee(ManagedStrategyGuaranteeKt.forClasses(BranchLincheckTest::isLinearizableLibrary)
            .allMethods().treatAsAtomic())
        // Computation on state that only the writer touches.
        .addGuarantee(ManagedStrategyGuaranteeKt.forClasses(BranchLincheckTest::isConfinedComputation)
            .allMethods().ignore());
  }

  private static boolean isLinearizableLibrary(String className) {
    return className.startsWith("org.jctools.queues.") || className.equals(ConcurrentSkipListMap.class.getName())
        || className.equals(ConcurrentHashMap.class.getName()) || className.equals(AtomicLong.class.getName())
        || className.equals(AtomicReference.class.getName())
        || className.equals(java.util.concurrent.CompletableFuture.class.getName());
  }

  private static boolean isConfinedComputation(String className) {
    return className.startsWith("java.time.") || CONFINED.contains(className.replaceFirst("\\$.*", ""));
  }
}
