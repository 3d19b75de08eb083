package dev.talon.queue;

import static dev.talon.queue.Fixtures.ALMATY;
import static dev.talon.queue.Fixtures.local;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talon.queue.QueueEvent.BookingCheckedIn;
import dev.talon.queue.QueueEvent.BookingExpired;
import dev.talon.queue.QueueEvent.WindowRotated;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.Policy;
import dev.talon.queue.spi.QueueClock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Slot windows rotate lazily with the clock; check-in opens 30 minutes before a window and is
 * late 10 minutes after its start; a booking never checked in expires exactly once, at window end
 * plus the 15-minute grace, and releases its place. Almaty branch (UTC+5), default limits.
 */
class RotationTest {
  private final EventStore store = EventStore.inMemory();
  private final ManualClock clock = QueueClock.manual(local(ALMATY, "2026-01-05T09:20"));

  private Branch open(Limits limits) {
    return Fixtures.branch("almaty-1", ALMATY, clock, store).limits(limits).policy(Policy.bookedFirst()).build();
  }

  private void at(String localTime) {
    clock.set(local(ALMATY, "2026-01-05T" + localTime));
  }

  private static BookRequest docsAt(String localTime) {
    return BookRequest.of("docs", LocalDateTime.parse("2026-01-05T" + localTime));
  }

  @Test
  void unclaimedBooking_expiresExactlyOnceAtWindowEndPlusGrace() {
    Branch b = open(Limits.defaults());
    Booking booking = b.book(docsAt("10:00"));

    at("10:29:59");
    b.rotate();
    assertThat(b.booking(booking.code()).orElseThrow().state()).isEqualTo(BookingState.BOOKED);
    assertThat(Fixtures.eventsOf(store, b, BookingExpired.class)).isEmpty();

    at("10:30:00");
    b.rotate();
    at("10:31:00");
    b.rotate();
    b.callNext("1");

    assertThat(Fixtures.eventsOf(store, b, BookingExpired.class)).singleElement().satisfies(x -> {
      assertThat(x.bookingId()).isEqualTo(booking.id());
      assertThat(x.at()).isEqualTo(local(ALMATY, "2026-01-05T10:30:00"));
    });
    assertThat(b.booking(booking.code()).orElseThrow().state()).isEqualTo(BookingState.EXPIRED);
    assertThatThrownBy(() -> b.checkIn(booking.code())).isInstanceOf(IllegalTransitionException.class)
        .hasMessageContaining("EXPIRED");
    assertThatThrownBy(() -> b.cancelBooking(booking.code())).isInstanceOf(IllegalTransitionException.class);
    Fixtures.checkInvariants(store, b); // its place was released exactly once
  }

  @Test
  void windowBoundary_rotatesOnceOnTheFirstOperationAtOrAfterIt() {
    Branch b = open(Limits.defaults());
    b.rotate();
    at("09:29:59");
    b.rotate();
    at("09:30:00");
    b.rotate();
    b.rotate();
    at("09:44:59");
    b.issue(IssueRequest.walkIn("docs"));

    assertThat(Fixtures.eventsOf(store, b, WindowRotated.class)).extracting(WindowRotated::windowStart)
        .containsExactly(LocalDateTime.parse("2026-01-05T09:15"), LocalDateTime.parse("2026-01-05T09:30"));
    assertThat(Fixtures.eventsOf(store, b, WindowRotated.class).get(1).at()).isEqualTo(local(ALMATY, "2026-01-05T09:30"));
  }

  @Test
  void catchUp_afterAJumpOverSeveralWindows_rotatesToTheCurrentWindowAndExpiresInWindowOrderFirst() {
    Branch b = open(Limits.defaults());
    Booking later = b.book(docsAt("10:15"));
    Booking earlier = b.book(docsAt("09:45"));
    Booking notYet = b.book(docsAt("12:00"));

    at("11:40");
    Ticket walkIn = b.issue(IssueRequest.walkIn("docs"));

    List<QueueEvent> last = Fixtures.events(store, b).stream().filter(e -> e.at().equals(walkIn.issuedAt())).toList();
    assertThat(last).extracting(e -> e.getClass().getSimpleName())
        .containsExactly("WindowRotated", "BookingExpired", "BookingExpired", "TicketIssued");
    assertThat(((WindowRotated) last.get(0)).windowStart()).isEqualTo(LocalDateTime.parse("2026-01-05T11:30"));
    assertThat(last.subList(1, 3)).extracting(e -> ((BookingExpired) e).bookingId())
        .containsExactly(earlier.id(), later.id());
    assertThat(b.booking(notYet.code()).orElseThrow().state()).isEqualTo(BookingState.BOOKED);
  }

  @Test
  void cancelledBooking_releasesItsPlace_andANewBookingFits() {
    Branch b = open(Limits.defaults());
    Booking first = b.book(docsAt("11:00"));
    assertThatThrownBy(() -> b.book(docsAt("11:00"))).isInstanceOf(CapacityExceededException.class);

    b.cancelBooking(first.code());
    Booking second = b.book(docsAt("11:00"));

    assertThat(second.state()).isEqualTo(BookingState.BOOKED);
    assertThat(second.code()).isNotEqualTo(first.code());
    Fixtures.checkInvariants(store, b);
  }

  @Test
  void checkIn_opensExactlyTheEarlyLimitBeforeTheWindow_andNotBefore() {
    Branch b = open(Limits.defaults());
    Booking booking = b.book(docsAt("10:00"));

    at("09:29:59");
    assertThatThrownBy(() -> b.checkIn(booking.code())).isInstanceOf(CheckInRefusedException.class)
        .hasMessageContaining("too early").hasMessageContaining("2026-01-05T09:30");
    assertThat(b.callNext("1")).isEmpty(); // a booking is nothing a desk can call before check-in
    at("09:30:00");
    Ticket ticket = b.checkIn(booking.code());

    assertThat(ticket.origin()).isEqualTo(Origin.BOOKED);
    assertThat(ticket.line()).isEqualTo(Policy.BOOKED);
    assertThat(ticket.bookedFor()).isEqualTo(booking.startsAt());
    assertThat(b.booking(booking.code()).orElseThrow().ticketId()).isEqualTo(ticket.id());
    assertThat(b.callNext("1")).get().extracting(Ticket::id).isEqualTo(ticket.id());
  }

  @Test
  void lateArrival_walkInLineRule_onTimeUntilTheLimitThenTheWalkInLine() {
    Branch b = open(Limits.defaults().withLateArrival(LateArrival.WALK_IN_LINE));
    Booking onTime = b.book(docsAt("10:00"));
    Booking late = b.book(BookRequest.of("cars", LocalDateTime.parse("2026-01-05T10:00")));
    Booking nextWindow = b.book(BookRequest.of("cars", LocalDateTime.parse("2026-01-05T10:15")));
    at("10:05");
    Ticket walkIn = b.issue(IssueRequest.walkIn("cars"));

    at("10:10:00");
    Ticket exactlyAtLimit = b.checkIn(onTime.code());
    at("10:10:01");
    Ticket afterLimit = b.checkIn(late.code());
    Ticket booked = b.checkIn(nextWindow.code());

    assertThat(exactlyAtLimit.line()).isEqualTo(Policy.BOOKED);
    assertThat(afterLimit.origin()).isEqualTo(Origin.BOOKED);
    assertThat(afterLimit.line()).isEqualTo(Policy.WALK_IN);
    assertThat(Fixtures.eventsOf(store, b, BookingCheckedIn.class)).extracting(BookingCheckedIn::late)
        .containsExactly(false, true, false);
    // booked-first: the on-time booked ticket first, then the walk-in line in joining order
    assertThat(b.callNext("2")).get().extracting(Ticket::id).isEqualTo(booked.id());
    assertThat(b.callNext("2")).get().extracting(Ticket::id).isEqualTo(walkIn.id());
    assertThat(b.callNext("2")).get().extracting(Ticket::id).isEqualTo(afterLimit.id());
  }

  @Test
  void lateArrival_refuseRule_refusesAfterTheLimitAndTheBookingLaterExpires() {
    Branch b = open(Limits.defaults().withLateArrival(LateArrival.REFUSE));
    Booking booking = b.book(docsAt("10:00"));

    at("10:10:01");
    assertThatThrownBy(() -> b.checkIn(booking.code())).isInstanceOf(CheckInRefusedException.class)
        .hasMessageContaining("too late").hasMessageContaining("2026-01-05T10:10");
    assertThat(b.booking(booking.code()).orElseThrow().state()).isEqualTo(BookingState.BOOKED);
    at("10:30");
    b.rotate();

    assertThat(b.booking(booking.code()).orElseThrow().state()).isEqualTo(BookingState.EXPIRED);
    assertThat(Fixtures.eventsOf(store, b, BookingExpired.class)).hasSize(1);
  }

  @Test
  void scheduledRotation_expiresBookingsWithoutAnyOperation() throws InterruptedException {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    CountDownLatch expired = new CountDownLatch(1);
    try (Branch b = Fixtures.branch("almaty-1", ALMATY, clock, store)
        .listener((id, events) -> events.forEach(e -> {
          if (e instanceof BookingExpired) {
            expired.countDown();
          }
        }))
        .rotateEvery(Duration.ofMillis(5), scheduler).build()) {
      Booking booking = b.book(docsAt("10:00"));
      clock.advance(Duration.ofHours(2));

      assertThat(expired.await(10, TimeUnit.SECONDS)).as("expired by the scheduler").isTrue();
      assertThat(b.booking(booking.code()).orElseThrow().state()).isEqualTo(BookingState.EXPIRED);
      assertThat(Fixtures.eventsOf(store, b, BookingExpired.class)).hasSize(1);
    } finally {
      scheduler.shutdownNow();
    }
  }
}
