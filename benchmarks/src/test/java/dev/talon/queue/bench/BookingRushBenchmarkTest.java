package dev.talon.queue.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talon.queue.CapacityExceededException;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Drives the rush benchmark's own state and methods without JMH, on two real threads. */
class BookingRushBenchmarkTest {
  private final BookingRushBenchmark bench = new BookingRushBenchmark();

  @Test
  void talon_twoThreadsRushing_fillWindowsExactlyAndPassTheAudit() throws Exception {
    BookingRushBenchmark.TalonRush rush = new BookingRushBenchmark.TalonRush();
    rush.store = "in-memory";
    rush.open();
    BookingRushBenchmark.TalonBooker[] bookers = {new BookingRushBenchmark.TalonBooker(),
        new BookingRushBenchmark.TalonBooker()};
    int perThread = 5 * BookingRushBenchmark.CAPACITY + 37;
    CountDownLatch start = new CountDownLatch(1);
    Thread[] threads = new Thread[bookers.length];
    for (int i = 0; i < threads.length; i++) {
      BookingRushBenchmark.TalonBooker booker = bookers[i];
      booker.join(rush);
      threads[i] = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        for (int n = 0; n < perThread; n++) {
          bench.talon(rush, booker);
        }
      });
      threads[i].start();
    }
    start.countDown();
    for (Thread t : threads) {
      t.join();
    }

    assertThat(bookers[0].acknowledged.size() + bookers[1].acknowledged.size()).isEqualTo(2 * perThread);
    // 1,074 bookings of 100 places: ten full windows and 74 in the eleventh
    assertThat(Math.max(bookers[0].cursor, bookers[1].cursor)).isEqualTo(10);
    rush.audit(); // throws on any overbooked, short or out-of-order window
  }

  @Test
  void audit_bookingAcknowledgedTwice_failsTheRun() {
    BookingRushBenchmark.LockedRush rush = new BookingRushBenchmark.LockedRush();
    rush.open();
    BookingRushBenchmark.LockedBooker booker = new BookingRushBenchmark.LockedBooker();
    booker.join(rush);
    bench.synchronizedBaseline(rush, booker);
    booker.acknowledged.add(booker.acknowledged.get(0));

    assertThatThrownBy(rush::audit).isInstanceOf(CapacityAudit.Violation.class)
        .hasMessageContaining("gave booking code 1 to two bookings");
  }

  @Test
  void synchronizedBaseline_fullWindow_isRefusedWithTheEnginesException() {
    SynchronizedBookings bookings = new SynchronizedBookings(2, 2);
    bookings.book(0);
    bookings.book(0);

    assertThatThrownBy(() -> bookings.book(0)).isInstanceOf(CapacityExceededException.class)
        .hasMessage("window 0 is full: 2 of 2 places booked");
    assertThat(bookings.taken(0)).isEqualTo(2);
    assertThat(bookings.book(1).window()).isEqualTo(1);
  }
}
