package dev.talon.queue;

import static dev.talon.queue.Fixtures.ALMATY;
import static dev.talon.queue.Fixtures.local;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talon.queue.QueueEvent.BookingExpired;
import dev.talon.queue.internal.BranchEngine;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.Policy;
import dev.talon.queue.spi.QueueClock;
import dev.talon.queue.testkit.Snapshot;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reopening a branch on its store replays its events into an identical engine that carries on where it stopped. */
class RecoveryTest {
  private final EventStore store = EventStore.inMemory();
  private final ManualClock clock = QueueClock.manual(local(ALMATY, "2026-01-05T09:00"));

  private Talon builder(EventStore on) {
    return Fixtures.branch("almaty-1", ALMATY, clock, on).policy(Policy.bookedFirst())
        .limits(Limits.defaults().withRecallLimit(1));
  }

  private void at(String localDateTime) {
    clock.set(local(ALMATY, localDateTime));
  }

  /** The tickets and bookings a branch has after a day and a half of history, for assertions. */
  private record History(Ticket waitingWalkIn, Ticket waitingBooked, Ticket called, Ticket serving, Booking pending) {}

  /**
   * Day 1: tickets finished, cancelled, no-show after a recall, handed back; bookings checked in,
   * cancelled and expired; the mode switched and back. Day 2 (after local midnight): a walk-in
   * and a checked-in booking wait, one ticket is called, one is being served, one booking pending.
   */
  private History makeHistory(Branch b) {
    Booking expires = b.book(BookRequest.of("docs", LocalDateTime.parse("2026-01-05T09:30")));
    Booking cancelled = b.book(BookRequest.of("cars", LocalDateTime.parse("2026-01-05T10:00")));
    Booking checksIn = b.book(BookRequest.of("cars", LocalDateTime.parse("2026-01-05T09:15")).withRequestId("web-1"));
    Ticket done = b.issue(IssueRequest.walkIn("docs").withRequestId("kiosk-1"));
    Ticket noShow = b.issue(IssueRequest.walkIn("docs"));
    Ticket gone = b.issue(IssueRequest.remote("cars").withCategories("elderly").withPerson("p1"));
    b.checkIn(checksIn.code());
    b.cancelBooking(cancelled.code());
    b.cancel(gone.id());
    b.finish(b.callNext("1").orElseThrow().id()); // the booked cars ticket first
    b.callNext("1");
    b.returnCall(done.id());
    b.finish(b.callNext("1").orElseThrow().id());
    b.callNext("1");
    b.recall(noShow.id());
    b.recall(noShow.id());
    b.setAdmissionMode(AdmissionMode.WALK_IN_ONLY);
    b.setAdmissionMode(AdmissionMode.MIXED);
    at("2026-01-05T10:00");
    b.rotate(); // expires the 09:30 booking
    assertThat(b.booking(expires.code()).orElseThrow().state()).isEqualTo(BookingState.EXPIRED);

    at("2026-01-06T09:00");
    Booking booked = b.book(BookRequest.of("docs", LocalDateTime.parse("2026-01-06T09:15")));
    Booking pending = b.book(BookRequest.of("cars", LocalDateTime.parse("2026-01-06T12:00")));
    Ticket called = b.issue(IssueRequest.walkIn("cars"));
    Ticket serving = b.issue(IssueRequest.walkIn("cars"));
    Ticket waitingWalkIn = b.issue(IssueRequest.walkIn("docs"));
    b.callNext("2");
    b.startService(b.callNext("2").orElseThrow().id());
    Ticket waitingBooked = b.checkIn(booked.code());
    return new History(waitingWalkIn, waitingBooked, b.ticket(called.id()).orElseThrow(),
        b.ticket(serving.id()).orElseThrow(), pending);
  }

  @Test
  void reopen_branchWithHistory_hasIdenticalStateAndContinuesNumberingAndCalls() {
    Branch live = builder(store).build();
    History h = makeHistory(live);
    List<QueueEvent> events = Fixtures.events(store, live);
    Snapshot before = Snapshot.of(live, events);
    List<Ticket> tickets = ((BranchEngine) live).allTickets();
    List<Booking> bookings = ((BranchEngine) live).allBookings();
    live.close();

    Branch recovered = builder(store).build();

    assertThat(Snapshot.of(recovered, events).diff(before)).isNull();
    assertThat(((BranchEngine) recovered).allTickets()).isEqualTo(tickets);
    assertThat(((BranchEngine) recovered).allBookings()).isEqualTo(bookings);
    assertThat(h.called().state()).isEqualTo(TicketState.CALLED);
    assertThat(h.serving().state()).isEqualTo(TicketState.SERVING);
    // it carries on: numbering of the day, booked-first calls, the pending booking, fresh codes
    clock.advance(Duration.ofMinutes(1));
    assertThat(recovered.issue(IssueRequest.walkIn("docs")).display()).isEqualTo("A-003");
    assertThat(recovered.issue(IssueRequest.walkIn("cars")).display()).isEqualTo("B-003");
    assertThat(recovered.callNext("1")).get().extracting(Ticket::id).isEqualTo(h.waitingBooked().id());
    assertThat(recovered.callNext("1")).get().extracting(Ticket::id).isEqualTo(h.waitingWalkIn().id());
    assertThat(recovered.finish(h.serving().id()).state()).isEqualTo(TicketState.DONE);
    Booking fresh = recovered.book(BookRequest.of("cars", LocalDateTime.parse("2026-01-06T12:00")));
    assertThat(bookings).extracting(Booking::code).doesNotContain(fresh.code());
    assertThatThrownBy(() -> recovered.book(BookRequest.of("cars", LocalDateTime.parse("2026-01-06T12:00"))))
        .isInstanceOf(CapacityExceededException.class); // the pending booking still holds its place
    assertThat(recovered.booking(h.pending().code())).get().extracting(Booking::state).isEqualTo(BookingState.BOOKED);
    Fixtures.checkInvariants(store, recovered);
  }

  @Test
  void reopen_onACopyOfTheStore_givesTheSameNextCallsAsTheLiveBranch() {
    Branch live = builder(store).build();
    makeHistory(live);
    EventStore copy = EventStore.inMemory();
    copy.append(live.id(), 0, Fixtures.events(store, live));
    Branch recovered = builder(copy).build();

    for (int i = 0; i < 3; i++) {
      clock.advance(Duration.ofSeconds(30));
      assertThat(recovered.callNext("1")).isEqualTo(live.callNext("1"));
      assertThat(recovered.issue(IssueRequest.walkIn("cars"))).isEqualTo(live.issue(IssueRequest.walkIn("cars")));
      assertThat(recovered.callNext("2")).isEqualTo(live.callNext("2"));
    }
    assertThat(Fixtures.events(copy, recovered)).isEqualTo(Fixtures.events(store, live));
  }

  @Test
  void reopen_afterRotationAndExpiry_neitherRotatesNorExpiresAgain() {
    Branch live = builder(store).build();
    Booking booking = live.book(BookRequest.of("docs", LocalDateTime.parse("2026-01-05T09:15")));
    at("2026-01-05T09:45");
    live.rotate();
    long seq = live.lastSeq();
    live.close();

    Branch recovered = builder(store).build();
    recovered.rotate();
    recovered.callNext("1");

    assertThat(recovered.lastSeq()).isEqualTo(seq);
    assertThat(Fixtures.eventsOf(store, recovered, BookingExpired.class)).singleElement()
        .extracting(BookingExpired::bookingId).isEqualTo(booking.id());
  }

  @Test
  void reopen_emptyStore_isANewBranch() {
    Branch b = builder(store).build();

    assertThat(b.lastSeq()).isZero();
    assertThat(b.admissionMode()).isEqualTo(AdmissionMode.MIXED);
    assertThat(b.issue(IssueRequest.walkIn("docs")).display()).isEqualTo("A-001");
  }

  @Test
  void reopen_historyMadeUnderAnotherAdmissionMode_keepsTheRecordedModeOverTheBuildersDefault() {
    Branch live = builder(store).build();
    live.setAdmissionMode(AdmissionMode.BOOKING_ONLY);
    live.close();

    Branch recovered = builder(store).admissionMode(AdmissionMode.WALK_IN_ONLY).build();

    assertThat(recovered.admissionMode()).isEqualTo(AdmissionMode.BOOKING_ONLY);
  }

  @Test
  void reopen_withAConfigurationLackingAServiceTheHistoryUses_refusesNamingTheService() {
    Branch live = builder(store).build();
    live.issue(IssueRequest.walkIn("cars"));
    live.close();

    assertThatThrownBy(() -> Talon.newBranch("almaty-1").zone(ALMATY).clock(clock).store(store)
        .service("docs", "A", "ID documents").desk("1", "docs").build())
        .isInstanceOf(StorageException.class).hasMessageContaining("cars").hasMessageContaining("[docs]");
  }
}
