package dev.talon.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/*
 * Proof that the model-checking harness can fail: a green BranchLincheckTest means something only
 * if the same options reject a structure that is not linearizable.
 *
 * The toy is the mistake the engine's single CAS exists to prevent: a booked-first dispatcher over
 * two lock-free queues that decides in two steps ("no booked visitor waits" - then "take the first
 * walk-in"). Between the two steps a booked visitor and then a walk-in can arrive, and the call
 * returns the walk-in although the booked visitor was already waiting when the walk-in arrived;
 * no sequential order of the operations gives that result. The control is the same dispatcher
 * with both lines in one immutable value replaced by one CAS, which the same options accept.
 */
class LincheckHarnessTest {

  private static ModelCheckingOptions options() {
    return new ModelCheckingOptions()
        .threads(2)
        .actorsPerThread(3)
        .iterations(20)
        .invocationsPerIteration(300);
  }

  @Test
  void modelChecking_twoStepScanOverTwoQueues_findsNonLinearizableResult() {
    LincheckAssertionError failure = assertThrows(LincheckAssertionError.class,
        () -> options().check(TwoStepScan.class));

    assertThat(failure.getMessage()).contains("Invalid execution results").contains("callNext");
  }

  @Test
  void modelChecking_sameDispatcherWithOneCas_passes() {
    options().check(SingleCasScan.class);
  }

  /** Not linearizable: checks the booked line and polls the walk-in line in two separate steps. */
  public static class TwoStepScan {
    private final ConcurrentLinkedQueue<Integer> booked = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Integer> walkIns = new ConcurrentLinkedQueue<>();

    @Operation
    public void addBooked(@Param(gen = IntGen.class, conf = "1:2") int visitor) {
      booked.add(visitor);
    }

    @Operation
    public void addWalkIn(@Param(gen = IntGen.class, conf = "11:12") int visitor) {
      walkIns.add(visitor);
    }

    @Operation
    public Integer callNext() {
      Integer next = booked.poll();
      return next != null ? next : walkIns.poll();
    }
  }

  /** Linearizable: both lines live in one immutable value that a call replaces with one CAS. */
  public static class SingleCasScan {
    private record Lines(Node booked, Node walkIns) {}

    /** An immutable singly linked FIFO; appending copies the list, which is fine for a handful of visitors. */
    private record Node(int visitor, Node next) {
      Node append(int v) {
        return new Node(visitor, next == null ? new Node(v, null) : next.append(v));
      }
    }

    private final AtomicReference<Lines> lines = new AtomicReference<>(new Lines(null, null));

    @Operation
    public void addBooked(@Param(gen = IntGen.class, conf = "1:2") int visitor) {
      lines.updateAndGet(l -> new Lines(l.booked() == null ? new Node(visitor, null) : l.booked().append(visitor), l.walkIns()));
    }

    @Operation
    public void addWalkIn(@Param(gen = IntGen.class, conf = "11:12") int visitor) {
      lines.updateAndGet(l -> new Lines(l.booked(), l.walkIns() == null ? new Node(visitor, null) : l.walkIns().append(visitor)));
    }

    @Operation
    public Integer callNext() {
      while (true) {
        Lines l = lines.get();
        Lines after;
        Integer called;
        if (l.booked() != null) {
          called = l.booked().visitor();
          after = new Lines(l.booked().next(), l.walkIns());
        } else if (l.walkIns() != null) {
          called = l.walkIns().visitor();
          after = new Lines(null, l.walkIns().next());
        } else {
          return null;
        }
        if (lines.compareAndSet(l, after)) {
          return called;
        }
      }
    }
  }
}
