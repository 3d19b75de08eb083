package dev.talon.queue.bench;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CapacityAuditTest {

  @Test
  void check_fullWindowsBelowFrontierAndPartialAtIt_passes() {
    assertThatCode(() -> CapacityAudit.check("s", new int[] {3, 3, 1, 0}, 3, 2)).doesNotThrowAnyException();
  }

  @Test
  void check_windowAboveCapacity_reportsOverbooking() {
    assertThatThrownBy(() -> CapacityAudit.check("s", new int[] {3, 4, 0}, 3, 1))
        .isInstanceOf(CapacityAudit.Violation.class)
        .hasMessage("s overbooked window 1: 4 acknowledged bookings, capacity 3");
  }

  @Test
  void check_refusedWindowNotFull_reportsLostPlace() {
    assertThatThrownBy(() -> CapacityAudit.check("s", new int[] {3, 2, 1}, 3, 2))
        .isInstanceOf(CapacityAudit.Violation.class)
        .hasMessage("s refused window 1 as full but it holds 2 acknowledged bookings of 3 places");
  }

  @Test
  void check_bookingBeyondFrontier_reportsIt() {
    assertThatThrownBy(() -> CapacityAudit.check("s", new int[] {3, 1, 1}, 3, 1))
        .isInstanceOf(CapacityAudit.Violation.class)
        .hasMessageContaining("holds 1 bookings in window 2, beyond the furthest window any thread reached (1)");
  }
}
