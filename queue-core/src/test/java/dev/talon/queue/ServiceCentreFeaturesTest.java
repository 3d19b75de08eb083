package dev.talon.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.talon.queue.QueueEvent.HeadsUp;
import dev.talon.queue.QueueEvent.ServiceLevelBreached;
import dev.talon.queue.QueueEvent.TicketCalled;
import dev.talon.queue.spi.AdmissionChecks;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.Policy;
import dev.talon.queue.spi.QueueClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The service-centre features: one example group per feature, with its bad inputs. */
class ServiceCentreFeaturesTest {
  private static final ZoneId ALMATY = ZoneId.of("Asia/Almaty");
  private final ManualClock clock = QueueClock.manual(Instant.parse("2026-11-24T04:00:00Z")); // 09:00 local
  private final List<QueueEvent> events = new CopyOnWriteArrayList<>();
  private final EventStore store = EventStore.inMemory();

  private Talon base() {
    return Talon.newBranch("almaty-1").zone(ALMATY).clock(clock).store(store)
        .service("docs", "A", "ID documents").service("cars", "B", "Vehicles")
        .desk("1", "docs").desk("2", "docs", "cars")
        .listener((branch, es) -> events.addAll(es));
  }

  private Ticket issue(Branch b, String service) {
    return b.issue(IssueRequest.walkIn(service));
  }

  private <T extends QueueEvent> List<T> eventsOf(Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  @Nested
  class Postpone {
    @Test
    void postpone_whenPeriodEnds_returnsToItsOldPlace() {
      Branch b = base().build();
      Ticket a1 = issue(b, "docs");
      Ticket a2 = issue(b, "docs");
      Ticket called = b.callNext("1").orElseThrow();
      assertThat(called.id()).isEqualTo(a1.id());

      Ticket postponed = b.postpone(a1.id(), Duration.ofMinutes(10));
      assertThat(postponed.state()).isEqualTo(TicketState.POSTPONED);
      assertThat(postponed.postponedUntil()).isEqualTo(clock.now().plus(Duration.ofMinutes(10)));
      clock.advance(Duration.ofMinutes(9));
      b.rotate();
      assertThat(b.ticket(a1.id()).orElseThrow().state()).isEqualTo(TicketState.POSTPONED);

      clock.advance(Duration.ofMinutes(1));
      Ticket a3 = issue(b, "docs"); // the first operation after the period brings a1 back
      assertThat(b.ticket(a1.id()).orElseThrow().state()).isEqualTo(TicketState.WAITING);
      assertThat(b.waiting("docs")).extracting(Ticket::id).containsExactly(a1.id(), a2.id(), a3.id());
      assertThat(eventsOf(QueueEvent.TicketResumed.class)).hasSize(1);
    }

    @Test
    void postpone_backOfLineRule_rejoinsBehindEveryone() {
      Branch b = base().limits(Limits.defaults().withPostponeReturn(PostponeReturn.BACK_OF_LINE, null)).build();
      Ticket a1 = issue(b, "docs");
      Ticket a2 = issue(b, "docs");
      b.postpone(a1.id(), Duration.ofMinutes(5));
      clock.advance(Duration.ofMinutes(5));
      b.rotate();
      assertThat(b.waiting("docs")).extracting(Ticket::id).containsExactly(a2.id(), a1.id());
    }

    @Test
    void postpone_raiseClassRule_rejoinsInTheRaisedLine() {
      Branch b = base().policy(Policy.bookedFirst())
          .limits(Limits.defaults().withPostponeReturn(PostponeReturn.RAISE_CLASS, Policy.BOOKED)).build();
      Ticket a1 = issue(b, "docs");
      Ticket a2 = issue(b, "docs");
      b.postpone(a2.id(), Duration.ofMinutes(5));
      clock.advance(Duration.ofMinutes(5));
      b.rotate();
      assertThat(b.ticket(a2.id()).orElseThrow().line()).isEqualTo(Policy.BOOKED);
      assertThat(b.callNext("1").orElseThrow().id()).isEqualTo(a2.id());
      assertThat(b.callNext("1").orElseThrow().id()).isEqualTo(a1.id());
    }

    @Test
    void postponeIndefinitely_staysUntilResumed() {
      Branch b = base().build();
      Ticket a1 = issue(b, "docs");
      b.postponeIndefinitely(a1.id());
      clock.advance(Duration.ofHours(3));
      b.rotate();
      assertThat(b.callNext("1")).isEmpty();
      b.resume(a1.id());
      assertThat(b.callNext("1").orElseThrow().id()).isEqualTo(a1.id());
    }

    @Test
    void postpone_badInputs_areRefusedAndChangeNothing() {
      Branch b = base().build();
      Ticket a1 = issue(b, "docs");
      long seq = b.lastSeq();
      assertThatThrownBy(() -> b.postpone(a1.id(), Duration.ZERO)).isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("must be > 0");
      assertThatThrownBy(() -> b.postpone(a1.id(), null)).isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("postponeIndefinitely");
      assertThatThrownBy(() -> b.resume(a1.id())).isInstanceOf(IllegalTransitionException.class)
          .hasMessageContaining("WAITING");
      assertThat(b.lastSeq()).isEqualTo(seq);
    }

    @Test
    void recallCooldown_returnedTicketIsNotCalledAgainTooSoon() {
      Branch b = base().limits(Limits.defaults().withRecallCooldown(Duration.ofMinutes(3))).build();
      Ticket a1 = issue(b, "docs");
      Ticket a2 = issue(b, "docs");
      b.callNext("1");
      b.returnCall(a1.id());
      assertThat(b.callNext("1").orElseThrow().id()).as("a1 cools down").isEqualTo(a2.id());
      assertThat(b.callNext("2")).isEmpty();
      clock.advance(Duration.ofMinutes(3));
      assertThat(b.callNext("2").orElseThrow().id()).isEqualTo(a1.id());
    }
  }

  @Nested
  class Transfer {
    @Test
    void transfer_keepingPlace_joinsAheadOfLaterTicketsAndReturnsAfterwards() {
      Branch b = base().build();
      Ticket a1 = issue(b, "docs");
      Ticket b1 = issue(b, "cars");
      b.callNext("1");
      b.startService(a1.id());
      Ticket moved = b.transfer(a1.id(), TransferRequest.to("cars").thenReturn());

      assertThat(b.ticket(a1.id()).orElseThrow().state()).isEqualTo(TicketState.TRANSFERRED);
      assertThat(moved.origin()).isEqualTo(Origin.TRANSFERRED);
      assertThat(moved.parentId()).isEqualTo(a1.id());
      assertThat(moved.display()).isEqualTo("B-002");
      assertThat(moved.returnTo()).isEqualTo("docs");
      assertThat(b.waiting("cars")).extracting(Ticket::id).containsExactly(moved.id(), b1.id());

      Ticket atCars = b.callNext("2").orElseThrow();
      assertThat(atCars.id()).isEqualTo(moved.id());
      b.finish(atCars.id());
      List<Ticket> back = b.waiting("docs");
      assertThat(back).hasSize(1);
      assertThat(back.get(0).parentId()).isEqualTo(moved.id());
      assertThat(back.get(0).returnTo()).isNull();
    }

    @Test
    void transfer_toBackOfLine_joinsBehind() {
      Branch b = base().build();
      Ticket a1 = issue(b, "docs");
      Ticket b1 = issue(b, "cars");
      b.callNext("1");
      Ticket moved = b.transfer(a1.id(), TransferRequest.to("cars").backOfLine());
      assertThat(b.waiting("cars")).extracting(Ticket::id).containsExactly(b1.id(), moved.id());
    }

    @Test
    void transfer_badInputs_areRefusedAndChangeNothing() {
      Branch b = base().build();
      Ticket a1 = issue(b, "docs");
      long seq = b.lastSeq();
      assertThatThrownBy(() -> b.transfer(a1.id(), TransferRequest.to("cars")))
          .isInstanceOf(IllegalTransitionException.class).hasMessageContaining("cannot be transferred");
      b.callNext("1");
      seq = b.lastSeq();
      assertThatThrownBy(() -> b.transfer(a1.id(), TransferRequest.to("docs")))
          .isInstanceOf(InvalidRequestException.class).hasMessageContaining("another service");
      assertThatThrownBy(() -> b.transfer(a1.id(), TransferRequest.to("nope")))
          .isInstanceOf(UnknownServiceException.class).hasMessageContaining("nope");
      assertThat(b.lastSeq()).isEqualTo(seq);
    }
  }

  @Nested
  class WalkDirect {
    @Test
    void callTicket_bypassesThePolicyAndSaysSo() {
      Branch b = base().build();
      issue(b, "docs");
      Ticket a2 = issue(b, "docs");
      Ticket called = b.callTicket("1", a2.id());
      assertThat(called.state()).isEqualTo(TicketState.CALLED);
      TicketCalled e = eventsOf(TicketCalled.class).get(0);
      assertThat(e.direct()).isTrue();
      assertThat(e.ticketId()).isEqualTo(a2.id());
    }

    @Test
    void callTicket_deskNotServingTheService_isRefused() {
      Branch b = base().build();
      Ticket b1 = issue(b, "cars");
      assertThatThrownBy(() -> b.callTicket("1", b1.id())).isInstanceOf(IllegalTransitionException.class)
          .hasMessageContaining("desk 1 cannot call ticket B-001").hasMessageContaining("[docs]");
    }

    @Test
    void callTicket_survivesRecovery() {
      Branch b = base().build();
      issue(b, "docs");
      Ticket a2 = issue(b, "docs");
      b.callTicket("1", a2.id());
      Branch reopened = base().build();
      assertThat(reopened.ticket(a2.id()).orElseThrow().state()).isEqualTo(TicketState.CALLED);
      assertThat(reopened.waiting("docs")).hasSize(1);
    }
  }

  @Nested
  class DeskStates {
    @Test
    void pausedOrClosedDesk_callsNothing() {
      Branch b = base().build();
      issue(b, "docs");
      b.pauseDesk("1", "lunch");
      assertThat(b.deskStatus("1")).isEqualTo(new DeskStatus("1", DeskState.PAUSED, "lunch", false));
      assertThatThrownBy(() -> b.callNext("1")).isInstanceOf(IllegalTransitionException.class)
          .hasMessageContaining("PAUSED (lunch)");
      b.closeDesk("1");
      assertThatThrownBy(() -> b.callNext("1")).isInstanceOf(IllegalTransitionException.class)
          .hasMessageContaining("CLOSED");
      b.openDesk("1");
      assertThat(b.callNext("1")).isPresent();
    }

    @Test
    void pauseDesk_withoutReason_isRefused() {
      Branch b = base().build();
      assertThatThrownBy(() -> b.pauseDesk("1", " ")).isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("needs a reason");
      assertThatThrownBy(() -> b.closeDesk("9")).isInstanceOf(UnknownDeskException.class);
    }

    @Test
    void autoCall_callsWhenTheDeskBecomesFreeAndWhenATicketArrives() {
      Branch b = base().build();
      b.setAutoCall("1", true);
      Ticket a1 = issue(b, "docs");
      assertThat(a1.state()).as("called on arrival by the free desk").isEqualTo(TicketState.CALLED);
      assertThat(a1.desk()).isEqualTo("1");
      Ticket a2 = issue(b, "docs");
      assertThat(a2.state()).isEqualTo(TicketState.WAITING);
      b.finish(a1.id());
      assertThat(b.ticket(a2.id()).orElseThrow().state()).isEqualTo(TicketState.CALLED);
    }
  }

  @Nested
  class Estimates {
    @Test
    void estimate_growsWithTicketsAheadAndShrinksWithOpenDesks() {
      Branch b = base().estimation(new Estimation(Duration.ofMinutes(6), 0.2, 1.64)).build();
      Ticket a1 = issue(b, "docs");
      issue(b, "docs");
      Ticket a3 = issue(b, "docs");
      b.callNext("1"); // desk 1 busy with a1; desk 2 free
      WaitEstimate e = b.estimate(a3.id());
      assertThat(e.ahead()).isEqualTo(1);
      assertThat(e.openDesks()).isEqualTo(2);
      // a3 is called at the first completion among the two desks (desk 2 takes a2): n = 1 + 1 - 1 = 1
      assertThat(e.expected()).isEqualTo(Duration.ofMinutes(3));
      assertThat(e.optimistic()).isLessThan(e.expected());
      assertThat(e.pessimistic()).isGreaterThan(e.expected());

      b.closeDesk("2");
      WaitEstimate fewer = b.estimate(a3.id());
      assertThat(fewer.openDesks()).isEqualTo(1);
      assertThat(fewer.expected()).isEqualTo(Duration.ofMinutes(12));
      assertThatThrownBy(() -> b.estimate(a1.id())).isInstanceOf(IllegalTransitionException.class)
          .hasMessageContaining("only WAITING tickets wait");
    }

    @Test
    void estimate_learnsMeasuredServiceTimes() {
      Branch b = base().estimation(new Estimation(Duration.ofMinutes(10), 1.0, 1.64)).build();
      b.closeDesk("2");
      Ticket a1 = issue(b, "docs");
      b.callNext("1");
      b.startService(a1.id());
      clock.advance(Duration.ofMinutes(4));
      b.finish(a1.id());
      issue(b, "docs");
      Ticket a3 = issue(b, "docs");
      assertThat(b.estimate(a3.id()).expected()).isEqualTo(Duration.ofMinutes(4)); // one ahead, desk free
    }

    @Test
    void estimate_followsThePolicyNotTheLine() {
      Branch b = base().policy(Policy.bookedFirst()).capacity("docs", 5).build();
      b.closeDesk("2");
      Ticket walkIn = issue(b, "docs");
      Booking booking = b.book(BookRequest.of("docs", LocalDateTime.of(2026, 11, 24, 9, 15)));
      b.checkIn(booking.code());
      assertThat(b.estimate(walkIn.id()).ahead()).as("the booked visitor goes first").isEqualTo(1);
    }
  }

  @Nested
  class HeadsUpEvents {
    @Test
    void headsUp_firesOnceWhenPositionReachesTheThreshold() {
      Branch b = base().limits(Limits.defaults().withHeadsUp(1, Duration.ZERO)).build();
      b.closeDesk("2");
      Ticket a1 = issue(b, "docs");
      Ticket a2 = issue(b, "docs");
      Ticket a3 = issue(b, "docs");
      assertThat(eventsOf(HeadsUp.class)).extracting(HeadsUp::ticketId).containsExactly(a1.id(), a2.id());
      b.callNext("1");
      b.finish(a1.id());
      b.rotate();
      assertThat(eventsOf(HeadsUp.class)).extracting(HeadsUp::ticketId).containsExactly(a1.id(), a2.id(), a3.id());
      assertThat(eventsOf(HeadsUp.class).get(2).ahead()).isEqualTo(1);
    }

    @Test
    void headsUp_firesWhenTheExpectedWaitDropsUnderTheThreshold() {
      Branch b = base().limits(Limits.defaults().withHeadsUp(0, Duration.ofMinutes(15)))
          .estimation(new Estimation(Duration.ofMinutes(10), 0.1, 1.64)).build();
      b.closeDesk("2");
      for (int i = 0; i < 4; i++) {
        issue(b, "docs");
      }
      // one desk, 10 minutes each: waits 0, 10, 20, 30 → the first two are under 15 minutes
      assertThat(eventsOf(HeadsUp.class)).hasSize(2);
      assertThat(eventsOf(HeadsUp.class).get(1).expectedWait()).isEqualTo(Duration.ofMinutes(10));
    }
  }

  @Nested
  class Board {
    @Test
    void board_showsLatestCallsNewestFirstAndWaitingCounts() {
      Branch b = base().policy(Policy.bookedFirst()).build();
      Ticket a1 = issue(b, "docs");
      issue(b, "docs");
      issue(b, "cars");
      b.callNext("1");
      clock.advance(Duration.ofMinutes(1));
      b.recall(a1.id());
      Ticket a2 = b.callNext("2").orElseThrow();
      BoardView board = b.board();
      assertThat(board.calls()).extracting(BoardView.Call::display).containsExactly(a2.display(), "A-001", "A-001");
      assertThat(board.calls()).extracting(BoardView.Call::desk).containsExactly("2", "1", "1");
      assertThat(board.calls().get(1).recalls()).isEqualTo(1);
      assertThat(board.waiting()).containsEntry("cars", java.util.Map.of(Policy.WALK_IN, 1));
      assertThat(board.waiting()).doesNotContainKey("docs");
    }
  }

  @Nested
  class AdmissionChecksBuiltIn {
    @Test
    void bookingsPerPerson_refusesTheSecondBookingWithinThePeriod() {
      Branch b = base().capacity("docs", 5).admissionCheck(AdmissionChecks.bookingsPerPerson(1, Duration.ofDays(10)))
          .build();
      b.book(BookRequest.of("docs", LocalDateTime.of(2026, 11, 25, 10, 0)).withPerson("880101300123"));
      assertThatThrownBy(
          () -> b.book(BookRequest.of("docs", LocalDateTime.of(2026, 11, 26, 10, 0)).withPerson("880101300123")))
          .isInstanceOf(AdmissionRefusedException.class)
          .hasMessageContaining("bookings-per-person")
          .hasMessageContaining("the limit is 1");
      b.book(BookRequest.of("docs", LocalDateTime.of(2026, 11, 26, 10, 0)).withPerson("990202400456"));
      clock.advance(Duration.ofDays(10).plusMinutes(1));
      b.book(BookRequest.of("docs", LocalDateTime.of(2026, 12, 5, 10, 0)).withPerson("880101300123"));
    }

    @Test
    void ticketsPerPersonPerDay_countsAcrossRestart() {
      Branch b = base().admissionCheck(AdmissionChecks.ticketsPerPersonPerDay(2, ALMATY)).build();
      b.issue(IssueRequest.walkIn("docs").withPerson("p1"));
      b.issue(IssueRequest.walkIn("cars").withPerson("p1"));
      Branch reopened = base().admissionCheck(AdmissionChecks.ticketsPerPersonPerDay(2, ALMATY)).build();
      assertThatThrownBy(() -> reopened.issue(IssueRequest.walkIn("docs").withPerson("p1")))
          .isInstanceOf(AdmissionRefusedException.class).hasMessageContaining("2 ticket(s)");
      assertThat(reopened.issue(IssueRequest.walkIn("docs"))).isNotNull(); // no person id: nothing to count
    }

    @Test
    void ticketsPerPersonPerDay_checkZoneAheadOfTheBranchZone_countsTheCheckZonesDay() {
      // 20:00 UTC is 01:00 the next day in Almaty: the branch's day (UTC) and the check's day differ
      clock.set(java.time.Instant.parse("2026-11-24T20:00:00Z"));
      Branch b = base().zone(java.time.ZoneOffset.UTC).openingHours(OpeningHours.always())
          .admissionCheck(AdmissionChecks.ticketsPerPersonPerDay(2, ALMATY)).build();
      b.issue(IssueRequest.walkIn("docs").withPerson("p1"));
      b.issue(IssueRequest.walkIn("docs").withPerson("p1"));
      assertThatThrownBy(() -> b.issue(IssueRequest.walkIn("docs").withPerson("p1")))
          .isInstanceOf(AdmissionRefusedException.class).hasMessageContaining("2 ticket(s) on 2026-11-25");
    }

    @Test
    void occupancyCap_refusesAtTheCapAndAdmitsWhenSomeoneLeaves() {
      Branch b = base().admissionCheck(AdmissionChecks.occupancyCap(2)).build();
      Ticket a1 = issue(b, "docs");
      issue(b, "docs");
      assertThatThrownBy(() -> issue(b, "docs")).isInstanceOf(AdmissionRefusedException.class)
          .hasMessageContaining("occupancy-cap").hasMessageContaining("at most 2");
      assertThat(b.issue(IssueRequest.remote("docs"))).as("remote visitors are not inside").isNotNull();
      b.callNext("1");
      b.finish(a1.id());
      assertThat(issue(b, "docs")).isNotNull();
    }

    @Test
    void banList_bansByHandAndAfterRepeatedNoShows() {
      var bans = AdmissionChecks.banList(2, Duration.ofDays(30), Duration.ofDays(7));
      Branch b = base().admissionCheck(bans).limits(Limits.defaults().withRecallLimit(0)).build();
      bans.ban("p9", clock.now().plus(Duration.ofDays(1)), "abusive behaviour");
      assertThatThrownBy(() -> b.issue(IssueRequest.walkIn("docs").withPerson("p9")))
          .isInstanceOf(AdmissionRefusedException.class).hasMessageContaining("abusive behaviour");
      for (int i = 0; i < 2; i++) {
        Ticket t = b.issue(IssueRequest.walkIn("docs").withPerson("p1"));
        b.callNext("1");
        b.noShow(t.id());
      }
      assertThatThrownBy(() -> b.issue(IssueRequest.walkIn("docs").withPerson("p1")))
          .isInstanceOf(AdmissionRefusedException.class).hasMessageContaining("2 no-shows");
      clock.advance(Duration.ofDays(7));
      assertThat(b.issue(IssueRequest.walkIn("docs").withPerson("p1"))).isNotNull();
    }

    @Test
    void healthStatus_isTheEmbeddingAppsOwnLambda() {
      java.util.Set<String> unwell = java.util.Set.of("p-red");
      Branch b = base().admissionCheck(dev.talon.queue.spi.AdmissionCheck.named("health-status",
          r -> unwell.contains(r.personId())
              ? dev.talon.queue.spi.AdmissionDecision.refuse("health status is red")
              : dev.talon.queue.spi.AdmissionDecision.admit())).build();
      assertThatThrownBy(() -> b.issue(IssueRequest.walkIn("docs").withPerson("p-red")))
          .isInstanceOf(AdmissionRefusedException.class)
          .satisfies(e -> assertThat(((AdmissionRefusedException) e).check()).isEqualTo("health-status"));
      assertThat(b.issue(IssueRequest.walkIn("docs").withPerson("p-green"))).isNotNull();
    }
  }

  @Nested
  class ServiceLevels {
    @Test
    void breaches_fireOncePerBreach() {
      Branch b = base().serviceLevel("docs", new ServiceLevel(Duration.ofMinutes(20), Duration.ofMinutes(15), 2))
          .build();
      b.closeDesk("2");
      Ticket a1 = issue(b, "docs");
      issue(b, "docs");
      issue(b, "docs");
      issue(b, "docs");
      assertThat(eventsOf(ServiceLevelBreached.class)).extracting(ServiceLevelBreached::target)
          .containsExactly(ServiceLevel.Target.LINE_LENGTH);
      clock.advance(Duration.ofMinutes(21));
      b.rotate();
      b.rotate();
      assertThat(eventsOf(ServiceLevelBreached.class).stream()
          .filter(e -> e.target() == ServiceLevel.Target.WAIT)).hasSize(4);
      b.callNext("1");
      b.startService(a1.id());
      clock.advance(Duration.ofMinutes(16));
      b.rotate();
      b.rotate();
      assertThat(eventsOf(ServiceLevelBreached.class).stream()
          .filter(e -> e.target() == ServiceLevel.Target.SERVICE_TIME)).hasSize(1);
      b.finish(a1.id());
      b.callNext("1");
      b.callNext("1"); // one left: the line is back within its maximum
      issue(b, "docs");
      issue(b, "docs"); // three again: a new breach
      assertThat(eventsOf(ServiceLevelBreached.class).stream()
          .filter(e -> e.target() == ServiceLevel.Target.LINE_LENGTH)).hasSize(2);
    }
  }

  @Nested
  class Statistics {
    @Test
    void statistics_countAndMeasurePerServiceClassAndDesk_andWriteJson() throws Exception {
      Branch b = base().build();
      Ticket a1 = issue(b, "docs");
      Ticket a2 = issue(b, "docs");
      issue(b, "cars");
      Ticket a3 = issue(b, "docs");
      clock.advance(Duration.ofMinutes(5));
      b.callNext("1");
      b.startService(a1.id());
      clock.advance(Duration.ofMinutes(7));
      b.finish(a1.id());
      b.callNext("1");
      b.noShow(a2.id());
      b.cancel(a3.id());

      DailyStatistics s = b.statistics(LocalDate.of(2026, 11, 24));
      DailyStatistics.Group docs = s.byService().get(1);
      assertThat(docs.key()).isEqualTo("docs");
      assertThat(docs.issued()).isEqualTo(3);
      assertThat(docs.served()).isEqualTo(1);
      assertThat(docs.noShow()).isEqualTo(1);
      assertThat(docs.cancelled()).isEqualTo(1);
      assertThat(docs.services().p50()).isEqualTo(Duration.ofMinutes(7));
      assertThat(docs.waits().max()).isEqualTo(Duration.ofMinutes(12));
      assertThat(s.byService().get(0).abandoned()).as("cars never called").isEqualTo(1);
      assertThat(s.byDesk()).extracting(DailyStatistics.Group::key).containsExactly("1");

      ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);
      String text = json.writeValueAsString(s);
      assertThat(text).contains("\"key\":\"docs\"").contains("\"served\":1").contains("\"p50\":\"PT7M\"");
      assertThat(json.readValue(text, DailyStatistics.class)).isEqualTo(s);
    }
  }

  @Nested
  class PolicySwitch {
    @Test
    void setPolicy_liveBranch_switchesKeepingEveryTicketAndReplays() {
      Branch b = base().build(); // fifo
      b.closeDesk("2");
      Ticket walkIn = issue(b, "docs");
      b.setPolicy(Policy.bookedFirst());
      assertThat(b.policyName()).isEqualTo("booked-first");
      assertThat(eventsOf(QueueEvent.PolicyChanged.class)).singleElement()
          .satisfies(e -> assertThat(e.policy()).isEqualTo("{\"type\":\"booked-first\"}"));
      assertThat(b.waiting("docs")).extracting(Ticket::id).containsExactly(walkIn.id());

      Branch replayed = base().build(); // built with fifo; the history switches it
      assertThat(replayed.policyName()).isEqualTo("booked-first");
      assertThat(replayed.waiting("docs")).isEqualTo(b.waiting("docs"));
    }

    @Test
    void setPolicy_withoutConfiguration_isRefusedAndChangesNothing() {
      Branch b = base().build();
      long seq = b.lastSeq();
      dev.talon.queue.spi.Policy<Void> anonymous = new dev.talon.queue.spi.Policy<>() {
        @Override
        public String name() {
          return "anonymous";
        }

        @Override
        public dev.talon.queue.spi.LineView select(dev.talon.queue.spi.DispatchView<Void> view) {
          return view.lines().get(0);
        }

        @Override
        public dev.talon.queue.spi.Bypass bypass() {
          return dev.talon.queue.spi.Bypass.unbounded();
        }
      };
      assertThatThrownBy(() -> b.setPolicy(anonymous)).isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("has no configuration()");
      assertThat(b.lastSeq()).isEqualTo(seq);
      assertThat(b.policyName()).isEqualTo("fifo");
    }
  }

  @Nested
  class LongRunning {
    @Test
    void newDay_forgetsEndedTicketsOfPastDaysButKeepsOpenOnes() {
      Branch b = base().build();
      Ticket done = issue(b, "docs");
      Ticket open = issue(b, "docs");
      b.callNext("1");
      b.finish(done.id());
      clock.advance(Duration.ofDays(1));
      Ticket today = issue(b, "docs");
      assertThat(b.ticket(done.id())).isEmpty();
      assertThat(b.ticket(open.id())).isPresent();
      assertThat(today.display()).isEqualTo("A-001");
      assertThat(base().build().ticket(done.id())).as("the same after replay").isEmpty();
    }
  }

  @Nested
  class ModeSwitch {
    @Test
    void morningMandatoryBookingDropped_walkInsAreAdmittedFromTheSwitchOn() {
      ManualClock morning = QueueClock.manual(LocalDateTime.of(2026, 11, 24, 8, 30).atZone(ALMATY).toInstant());
      Branch b = Talon.newBranch("almaty-1").zone(ALMATY).clock(morning).store(store)
          .openingHours(OpeningHours.daily(LocalTime.of(9, 0), LocalTime.of(18, 0)))
          .service("docs", "A", "ID documents").desk("1", "docs").capacity("docs", 2)
          .policy(Policy.bookedFirst()).admissionMode(AdmissionMode.BOOKING_ONLY)
          .listener((branch, es) -> events.addAll(es)).build();
      Booking early = b.book(BookRequest.of("docs", LocalDateTime.of(2026, 11, 24, 9, 0)));
      morning.advance(Duration.ofMinutes(30)); // 09:00, opening
      assertThatThrownBy(() -> b.issue(IssueRequest.walkIn("docs")))
          .isInstanceOf(AdmissionRefusedException.class).hasMessageContaining("BOOKING_ONLY");
      b.checkIn(early.code());

      b.setAdmissionMode(AdmissionMode.MIXED); // mandatory booking is dropped
      List<Ticket> walkIns = new java.util.ArrayList<>();
      for (int i = 0; i < 5; i++) {
        morning.advance(Duration.ofMinutes(1));
        walkIns.add(b.issue(IssueRequest.walkIn("docs")));
      }
      assertThat(eventsOf(QueueEvent.AdmissionModeChanged.class)).singleElement()
          .satisfies(e -> assertThat(e.to()).isEqualTo(AdmissionMode.MIXED));
      Booking later = b.book(BookRequest.of("docs", LocalDateTime.of(2026, 11, 24, 9, 15)));
      morning.advance(Duration.ofMinutes(5));
      Ticket bookedLate = b.checkIn(later.code());
      // booked visitors are served first, then walk-ins in arrival order
      assertThat(b.callNext("1").orElseThrow().bookingId()).isEqualTo(early.id());
      assertThat(b.callNext("1").orElseThrow().id()).isEqualTo(bookedLate.id());
      assertThat(b.callNext("1").orElseThrow().id()).isEqualTo(walkIns.get(0).id());

      Branch replayed = Talon.newBranch("almaty-1").zone(ALMATY).clock(morning).store(store)
          .openingHours(OpeningHours.daily(LocalTime.of(9, 0), LocalTime.of(18, 0)))
          .service("docs", "A", "ID documents").desk("1", "docs").capacity("docs", 2)
          .policy(Policy.bookedFirst()).admissionMode(AdmissionMode.BOOKING_ONLY).build();
      assertThat(replayed.admissionMode()).isEqualTo(AdmissionMode.MIXED);
      assertThat(replayed.waiting("docs")).isEqualTo(b.waiting("docs"));
    }
  }
}
