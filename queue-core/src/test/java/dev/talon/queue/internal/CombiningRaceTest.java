package dev.talon.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.talon.queue.BranchLincheckTest;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.junit.jupiter.api.Test;

/*
 * The self-test of BranchLincheckTest: the same operations and model-checking options must reject
 * the engine when its combining path has a planted race. With the writer role's CAS taken out,
 * two submitters apply operations to the core at the same time (two desks can claim one ticket,
 * two bookings can take the last place, numbers can repeat), and the checker must find a history
 * that no sequential order of the operations produces.
 */
class CombiningRaceTest {

  @Test
  void modelChecking_writerRoleWithoutItsCas_findsNonLinearizableHistory() {
    BranchEngine.racyWriterRoleForTests = true;
    try {
      LincheckAssertionError failure = assertThrows(LincheckAssertionError.class,
          () -> BranchLincheckTest.options(10, 150).check(BranchLincheckTest.class));
      // Two writers at once corrupt the branch's plain state: the checker reports either a result
      // no sequential order gives or an execution that never ends (two writers appending the same
      // batch); which one it meets first depends on the interleavings it explores.
      assertThat(failure.getMessage()).containsAnyOf("Invalid execution results", "The execution has hung");
      System.out.println("CombiningRaceTest: the checker reported: "
          + failure.getMessage().lines().limit(12).reduce("", (a, b) -> a + "\n" + b));
    } finally {
      BranchEngine.racyWriterRoleForTests = false;
    }
  }
}
