package dev.talon.queue;

import static dev.talon.queue.Fixtures.ALMATY;
import static dev.talon.queue.Fixtures.local;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talon.queue.QueueEvent.ServiceFinished;
import dev.talon.queue.QueueEvent.ServiceStarted;
import dev.talon.queue.QueueEvent.TicketNoShow;
import dev.talon.queue.QueueEvent.TicketRecalled;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.Policy;
import dev.talon.queue.spi.QueueClock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ticket lifecycle and the desks' calls, one rule per test. */
class BranchEngineTest {
  private final EventStore store = EventStore.inMemory();
  private final ManualClock clock = QueueClock.manual(local(ALMATY, "2026-01-05T09:00"));

  private Talon builder() {
    return Fixtures.branch("almaty-1", ALMATY, clock, store);
  }

  private Ticket walkIn(Branch b, String service) {
    clock.advance(Duration.ofSeconds(10));
    return b.issue(IssueRequest.walkIn(service));
  }

  private static long called(Branch b, String desk) {
    return b.callNext(desk).orElseThrow().id();
  }

  @Test
  void recall_pastTheRecallLimit_turnsTheTicketIntoANoShow() {
    Branch b = builder().limits(Limits.defaults().withRecallLimit(2)).build();
    Ticket t = walkIn(b, "docs");
    b.callNext("1");

    Ticket first = b.recall(t.id());
    Ticket second = b.recall(t.id());
    Ticket third = b.recall(t.id());

    assertThat(first.state()).isEqualTo(TicketState.CALLED);
    assertThat(first.recalls()).isEqualTo(1);
    assertThat(second.recalls()).isEqualTo(2);
    assertThat(third.state()).isEqualTo(TicketState.NO_SHOW);
    assertThat(third.endedAt()).isNotNull();
    assertThat(Fixtures.eventsOf(store, b, TicketRecalled.class)).extracting(TicketRecalled::recalls).containsExactly(1, 2);
    assertThat(Fixtures.eventsOf(store, b, TicketNoShow.class)).singleElement()
        .extracting(TicketNoShow::desk).isEqualTo("1");
    assertThatThrownBy(() -> b.recall(t.id())).isInstanceOf(IllegalTransitionException.class);
  }

  @Test
  void recall_withRecallLimitZero_isANoShowAtOnce() {
    Branch b = builder().limits(Limits.defaults().withRecallLimit(0)).build();
    Ticket t = walkIn(b, "docs");
    b.callNext("1");

    assertThat(b.recall(t.id()).state()).isEqualTo(TicketState.NO_SHOW);
  }

  @Test
  void returnCall_putsTheTicketBackAtTheFrontOfItsLine() {
    Branch b = builder().build();
    Ticket a1 = walkIn(b, "docs");
    Ticket a2 = walkIn(b, "docs");
    Ticket a3 = walkIn(b, "docs");
    b.callNext("1");

    Ticket back = b.returnCall(a1.id());

    assertThat(back.state()).isEqualTo(TicketState.WAITING);
    assertThat(back.desk()).isNull();
    assertThat(back.calledAt()).as("when it was called stays on record").isNotNull();
    assertThat(b.position(a1.id()).ahead()).isZero();
    assertThat(b.position(a2.id()).ahead()).isEqualTo(1);
    assertThat(b.waiting("docs")).extracting(Ticket::id).containsExactly(a1.id(), a2.id(), a3.id());
    assertThat(called(b, "1")).isEqualTo(a1.id());
  }

  @Test
  void returnCall_ofALaterTicket_goesBackBehindAnEarlierReturnedOne() {
    Branch b = builder().build();
    Ticket a1 = walkIn(b, "docs");
    Ticket a2 = walkIn(b, "docs");
    Ticket a3 = walkIn(b, "docs");
    b.callNext("1");
    b.callNext("1");
    b.returnCall(a1.id());

    b.returnCall(a2.id()); // each hand-back goes back to its own place: a1, a2, then a3

    assertThat(b.waiting("docs")).extracting(Ticket::id).containsExactly(a1.id(), a2.id(), a3.id());
    assertThat(called(b, "1")).isEqualTo(a1.id());
  }

  @Test
  void finish_ofACalledTicket_startsAndFinishesIt() {
    Branch b = builder().build();
    Ticket t = walkIn(b, "docs");
    b.callNext("1");
    long before = b.lastSeq();

    Ticket done = b.finish(t.id());

    assertThat(done.state()).isEqualTo(TicketState.DONE);
    assertThat(b.lastSeq()).isEqualTo(before + 2);
    assertThat(Fixtures.events(store, b).subList((int) before, (int) before + 2))
        .hasExactlyElementsOfTypes(ServiceStarted.class, ServiceFinished.class);
  }

  @Test
  void callNext_skipsCancelledTicketsAndNeverCallsOneTwice() {
    Branch b = builder().build();
    Ticket a1 = walkIn(b, "docs");
    Ticket a2 = walkIn(b, "docs");
    Ticket a3 = walkIn(b, "docs");
    b.cancel(a2.id());

    List<Long> calls = new ArrayList<>();
    calls.add(called(b, "1"));
    calls.add(called(b, "1"));

    assertThat(calls).containsExactly(a1.id(), a3.id());
    assertThat(b.callNext("1")).isEmpty();
    assertThat(b.ticket(a2.id()).orElseThrow().state()).isEqualTo(TicketState.CANCELLED);
    Fixtures.checkInvariants(store, b);
  }

  @Test
  void callNext_deskCallsOnlyTheServicesItServes() {
    Branch b = builder().build();
    Ticket docs = walkIn(b, "docs");
    Ticket cars = walkIn(b, "cars");

    assertThat(called(b, "2")).isEqualTo(cars.id());
    assertThat(b.callNext("2")).isEmpty();
    assertThat(called(b, "1")).isEqualTo(docs.id());
  }

  @Test
  void callNext_fifoPolicy_callsTheEarliestJoinedAcrossLinesAndServices() {
    Branch b = builder().policy(Policy.fifo()).build();
    Booking booking = b.book(BookRequest.of("docs", LocalDateTime.parse("2026-01-05T09:15")));
    Ticket walkInDocs = walkIn(b, "docs");
    Ticket walkInCars = walkIn(b, "cars");
    Ticket booked = b.checkIn(booking.code());

    assertThat(List.of(called(b, "1"), called(b, "1"), called(b, "1")))
        .containsExactly(walkInDocs.id(), walkInCars.id(), booked.id());
  }

  @Test
  void callNext_bookedFirstPolicy_callsCheckedInBookingsBeforeEarlierWalkIns() {
    Branch b = builder().policy(Policy.bookedFirst()).build();
    Booking booking = b.book(BookRequest.of("cars", LocalDateTime.parse("2026-01-05T09:15")));
    Ticket walkIn = walkIn(b, "cars");
    Ticket booked = b.checkIn(booking.code());

    assertThat(booked.line()).isEqualTo(Policy.BOOKED);
    assertThat(List.of(called(b, "2"), called(b, "2"))).containsExactly(booked.id(), walkIn.id());
  }

  @Test
  void admissionMode_switchedAtRuntime_refusesWalkInsOrBookingsButAlwaysChecksIn() {
    Branch b = builder().build();
    Booking booking = b.book(BookRequest.of("cars", LocalDateTime.parse("2026-01-05T09:15")));

    b.setAdmissionMode(AdmissionMode.BOOKING_ONLY);
    assertThatThrownBy(() -> b.issue(IssueRequest.walkIn("cars"))).isInstanceOf(AdmissionRefusedException.class);
    b.setAdmissionMode(AdmissionMode.WALK_IN_ONLY);
    assertThatThrownBy(() -> b.book(BookRequest.of("cars", LocalDateTime.parse("2026-01-05T09:30"))))
        .isInstanceOf(AdmissionRefusedException.class);
    Ticket checkedIn = b.checkIn(booking.code());
    Ticket walkIn = b.issue(IssueRequest.walkIn("cars"));
    long seq = b.lastSeq();
    b.setAdmissionMode(AdmissionMode.WALK_IN_ONLY);

    assertThat(checkedIn.origin()).isEqualTo(Origin.BOOKED);
    assertThat(walkIn.origin()).isEqualTo(Origin.WALK_IN);
    assertThat(b.admissionMode()).isEqualTo(AdmissionMode.WALK_IN_ONLY);
    assertThat(b.lastSeq()).as("switching to the current mode emits nothing").isEqualTo(seq);
    assertThat(Fixtures.eventsOf(store, b, QueueEvent.AdmissionModeChanged.class))
        .extracting(QueueEvent.AdmissionModeChanged::to)
        .containsExactly(AdmissionMode.BOOKING_ONLY, AdmissionMode.WALK_IN_ONLY);
  }

  @Test
  void position_countsOnlyWaitingTicketsAheadInTheSameLine() {
    Branch b = builder().build();
    Ticket a1 = walkIn(b, "docs");
    Ticket b1 = walkIn(b, "cars");
    Ticket a2 = walkIn(b, "docs");
    Ticket a3 = walkIn(b, "docs");
    b.cancel(a2.id());

    assertThat(b.position(a3.id()).ahead()).isEqualTo(1);
    assertThat(b.position(b1.id()).ahead()).isZero();
    assertThat(b.position(a2.id()).ahead()).isEqualTo(-1);
    b.callNext("1");
    assertThat(b.position(a1.id()).ahead()).isEqualTo(-1);
    assertThat(b.position(a3.id()).ahead()).isZero();
  }

  @Test
  void listeners_receiveEachCommittedOperationsEventsInOrder_andNothingForRefusedOnes() {
    List<List<QueueEvent>> batches = new ArrayList<>();
    Branch b = builder().listener((id, events) -> batches.add(List.copyOf(events))).build();
    Ticket t = walkIn(b, "docs");
    assertThatThrownBy(() -> b.finish(t.id())).isInstanceOf(IllegalTransitionException.class);
    b.callNext("1");

    assertThat(batches).hasSize(2);
    assertThat(batches.get(0)).extracting(QueueEvent::seq).containsExactly(1L, 2L, 3L); // day, window, ticket
    assertThat(batches.get(1)).singleElement().isInstanceOf(QueueEvent.TicketCalled.class);
    assertThat(batches.stream().flatMap(List::stream).toList()).isEqualTo(Fixtures.events(store, b));
  }

  @Test
  void close_refusesFurtherOperations() {
    Branch b = builder().build();
    Ticket t = walkIn(b, "docs");
    b.close();

    assertThatThrownBy(() -> b.issue(IssueRequest.walkIn("docs"))).isInstanceOf(EngineClosedException.class)
        .hasMessageContaining("almaty-1");
    assertThatThrownBy(() -> b.callNext("1")).isInstanceOf(EngineClosedException.class);
    assertThat(b.ticket(t.id())).isPresent();
  }

  @Test
  void clock_steppingBackWithinTheTolerance_countsAsNoTimePassing() {
    Branch b = builder().build();
    Ticket first = walkIn(b, "docs");
    clock.set(first.issuedAt().minusMillis(800));

    Ticket second = b.issue(IssueRequest.walkIn("docs"));

    assertThat(second.issuedAt()).isEqualTo(first.issuedAt());
    assertThat(second.display()).isEqualTo("A-002");
  }
}
