package dev.talon.queue.testkit;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talon.queue.BookRequest;
import dev.talon.queue.Branch;
import dev.talon.queue.IssueRequest;
import dev.talon.queue.Limits;
import dev.talon.queue.QueueEvent;
import dev.talon.queue.QueueEvent.BookingExpired;
import dev.talon.queue.QueueEvent.BookingMade;
import dev.talon.queue.QueueEvent.DayStarted;
import dev.talon.queue.QueueEvent.TicketCalled;
import dev.talon.queue.QueueEvent.TicketIssued;
import dev.talon.queue.SlotCalendar;
import dev.talon.queue.Talon;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.QueueClock;
import java.time.Duration;
import org.junit.jupiter.api.Nested;
import java.util.Set;
import dev.talon.queue.TransferRequest;
import dev.talon.queue.QueueEvent.TicketResumed;
import dev.talon.queue.QueueEvent.TicketPostponed;
import dev.talon.queue.Desk;
import dev.talon.queue.AdmissionMode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The checker passes a real branch's log and reports each invariant when the log is tampered
 * with, so that a module relying on it knows it can fail.
 */
class InvariantCheckerTest {
  private static final ZoneId ALMATY = ZoneId.of("Asia/Almaty");
  private final SlotCalendar slots = SlotCalendar.defaults().withCapacity("docs", 1);
  private final InvariantChecker checker = new InvariantChecker(slots, Limits.defaults());
  private final EventStore store = EventStore.inMemory();
  private final ManualClock clock = QueueClock.manual(LocalDateTime.parse("2026-01-05T09:00").atZone(ALMATY).toInstant());
  private Branch branch;
  private List<QueueEvent> log;

  /** issued, A-001 and A-002 called, a 09:30 booking that expired at 10:00. */
  @BeforeEach
  void history() {
    branch = Talon.newBranch("b1").zone(ALMATY).clock(clock).store(store).slots(slots)
        .service("docs", "A", "ID documents").desk("1", "docs").build();
    branch.book(BookRequest.of("docs", LocalDateTime.parse("2026-01-05T09:30")));
    for (int i = 0; i < 3; i++) {
      branch.issue(IssueRequest.walkIn("docs"));
      clock.advance(Duration.ofSeconds(1));
    }
    branch.callNext("1");
    branch.callNext("1");
    clock.set(LocalDateTime.parse("2026-01-05T10:00").atZone(ALMATY).toInstant());
    branch.rotate();
    log = store.load("b1", 0);
  }

  private <T extends QueueEvent> List<QueueEvent> replace(Class<T> type, int nth, UnaryOperator<T> change) {
    return replaceIn(log, type, nth, change);
  }

  /** A copy of the log with its {@code nth} event of the type changed. */
  static <T extends QueueEvent> List<QueueEvent> replaceIn(List<QueueEvent> log, Class<T> type, int nth,
      UnaryOperator<T> change) {
    List<QueueEvent> out = new ArrayList<>(log);
    int seen = 0;
    for (int i = 0; i < out.size(); i++) {
      if (type.isInstance(out.get(i)) && seen++ == nth) {
        out.set(i, change.apply(type.cast(out.get(i))));
        return out;
      }
    }
    throw new IllegalArgumentException("no " + type.getSimpleName() + " number " + nth);
  }

  @Test
  void check_realLog_passes() {
    assertThatCode(() -> checker.check(branch, log)).doesNotThrowAnyException();
  }

  @Test
  void check_ticketCalledTwice_reportsConservation() {
    List<QueueEvent> tampered = replace(TicketCalled.class, 1,
        c -> new TicketCalled(c.seq(), c.at(), 1, "1", c.line(), c.direct())); // the second call names ticket 1 again

    assertThatThrownBy(() -> checker.check(branch, tampered)).hasMessageContaining("[1 conservation]")
        .hasMessageContaining("called by desk 1 while desk 1 had it");
  }

  @Test
  void check_numberIssuedTwiceOnADay_reportsUniqueNumbers() {
    List<QueueEvent> tampered = replace(TicketIssued.class, 1, t -> new TicketIssued(t.seq(), t.at(), t.ticketId(),
        t.day(), t.service(), 1, "A-001", t.origin(), t.line(), t.categories(), t.personId(), t.bookingId(),
        t.bookedFor(), t.joinSeq(), t.requestId(), t.parentId(), t.returnTo()));

    assertThatThrownBy(() -> checker.check(branch, tampered)).hasMessageContaining("[2 numbers] number 1 of service docs");
  }

  @Test
  void check_dayOfTheUtcCalendar_reportsUniqueNumbers() {
    List<QueueEvent> tampered = replace(DayStarted.class, 0,
        d -> new DayStarted(d.seq(), d.at(), d.day().minusDays(1)));

    assertThatThrownBy(() -> checker.check(branch, tampered)).hasMessageContaining("[2 numbers] day 2026-01-04 started");
  }

  @Test
  void check_callOfALaterTicketFirst_reportsFifo() {
    List<QueueEvent> tampered = replace(TicketCalled.class, 0, c -> new TicketCalled(c.seq(), c.at(), 2, "1", c.line(), false));

    assertThatThrownBy(() -> checker.check(branch, tampered)).hasMessageContaining("[3 fifo] event")
        .hasMessageContaining("calls ticket 2 but the head of line docs/walk-in is 1");
  }

  @Test
  void check_secondBookingOfAFullWindow_reportsCapacity() {
    BookingMade made = (BookingMade) log.stream().filter(e -> e instanceof BookingMade).findFirst().orElseThrow();
    List<QueueEvent> tampered = new ArrayList<>();
    for (QueueEvent e : log) {
      tampered.add(e.seq() <= made.seq() ? e : renumber(e, e.seq() + 1));
      if (e == made) {
        tampered.add(new BookingMade(made.seq() + 1, made.at(), 2, "X", made.service(), made.window(),
            made.windowStart(), null, null));
      }
    }

    assertThatThrownBy(() -> checker.check(branch, tampered)).hasMessageContaining("[4 capacity] window 2026-01-05T09:30")
        .hasMessageContaining("holds 2 bookings, capacity 1");
  }

  @Test
  void check_expiryLaterThanTheFirstOperationAfterTheDeadline_reportsRotation() {
    Instant late = log.get(log.size() - 1).at().plusSeconds(60);
    List<QueueEvent> tampered = new ArrayList<>(log.subList(0, log.size() - 1)); // drop the expiry ...
    tampered.add(renumber(new TicketCalled(0, log.get(log.size() - 1).at(), 3, "1", "walk-in", false), log.size()));
    tampered.add(new BookingExpired(log.size() + 1, late, 1)); // ... and expire a minute later

    assertThatThrownBy(() -> checker.check(branch, tampered)).hasMessageContaining("[6 rotation] booking")
        .hasMessageContaining("not at the first operation at or after its deadline");
  }

  @Test
  void checkReplay_ofAReopenedBranch_passes_andFailsWhenTheLogLosesAnEvent() {
    assertThatCode(() -> InvariantChecker.checkReplay(branch, log, s -> reopen(s))).doesNotThrowAnyException();

    List<QueueEvent> shortened = log.subList(0, log.size() - 1);
    assertThatThrownBy(() -> InvariantChecker.checkReplay(branch, shortened, s -> reopen(s)))
        .hasMessageContaining("differs");
  }

  private Branch reopen(EventStore s) {
    return Talon.newBranch("b1").zone(ALMATY).clock(clock).store(s).slots(slots)
        .service("docs", "A", "ID documents").desk("1", "docs").build();
  }

  private static QueueEvent renumber(QueueEvent e, long seq) {
    if (e instanceof TicketCalled c) {
      return new TicketCalled(seq, c.at(), c.ticketId(), c.desk(), c.line(), c.direct());
    } else if (e instanceof TicketIssued t) {
      return new TicketIssued(seq, t.at(), t.ticketId(), t.day(), t.service(), t.number(), t.display(), t.origin(),
          t.line(), t.categories(), t.personId(), t.bookingId(), t.bookedFor(), t.joinSeq(), t.requestId(), t.parentId(),
          t.returnTo());
    } else if (e instanceof BookingExpired x) {
      return new BookingExpired(seq, x.at(), x.bookingId());
    } else if (e instanceof QueueEvent.WindowRotated w) {
      return new QueueEvent.WindowRotated(seq, w.at(), w.window(), w.windowStart());
    }
    throw new IllegalArgumentException("renumber does not handle " + e);
  }

  /**
   * The checker follows postponements, resumes, walk-direct calls, transfers and desk states in a
   * real branch's log (branch b2 on the same store and clock), and reports each rule about them
   * when the log is tampered with.
   */
  @Nested
  class ServiceCentre {
    private final List<Desk> desks = List.of(new Desk("1", Set.of("docs", "tax")), new Desk("2", Set.of("docs")));
    private final InvariantChecker checker = new InvariantChecker(slots, Limits.defaults(), desks);
    private Branch branch;
    private List<QueueEvent> log;

    /**
     * issued; A-001 postponed and (after a change of admission mode) resumed to its
     * old place; desk 2 paused; desk 1 calls A-002 by name, serves it and transfers it to tax with a
     * return; desk 1 calls and finishes the tax ticket, which sends the visitor back to docs. One minute passes between operations
     * (from 10:00, where the outer history left the shared clock).
     */
    @BeforeEach
    void serviceCentreHistory() {
      Talon t = Talon.newBranch("b2").zone(ALMATY).clock(clock).store(store).slots(slots)
          .service("docs", "A", "ID documents").service("tax", "TX", "Taxes");
      desks.forEach(t::desk);
      branch = t.build();
      long first = branch.issue(IssueRequest.walkIn("docs")).id();
      long second = step(() -> branch.issue(IssueRequest.walkIn("docs")).id());
      step(() -> branch.postponeIndefinitely(first).id());
      step(() -> {
        branch.setAdmissionMode(AdmissionMode.WALK_IN_ONLY);
        return 0L;
      });
      step(() -> branch.resume(first).id());
      step(() -> {
        branch.pauseDesk("2", "lunch");
        return 0L;
      });
      step(() -> branch.callTicket("1", second).id());
      step(() -> branch.startService(second).id());
      long tax = step(() -> branch.transfer(second, TransferRequest.to("tax").thenReturn()).id());
      step(() -> branch.callTicket("1", tax).id());
      step(() -> branch.finish(tax).id());
      log = store.load("b2", 0);
    }

    private long step(java.util.function.LongSupplier op) {
      clock.advance(Duration.ofMinutes(1));
      return op.getAsLong();
    }

    private <T extends QueueEvent> List<QueueEvent> replace(Class<T> type, int nth, UnaryOperator<T> change) {
      return replaceIn(log, type, nth, change);
    }

    @Test
    void check_realLog_passes() {
      assertThatCode(() -> checker.check(branch, log)).doesNotThrowAnyException();
    }

    @Test
    void check_resumeToANewPlaceUnderKeepPlace_reportsFifo() {
      List<QueueEvent> tampered = replace(TicketResumed.class, 0,
          r -> new TicketResumed(r.seq(), r.at(), r.ticketId(), r.line(), 3));

      assertThatThrownBy(() -> checker.check(branch, tampered))
          .hasMessageContaining("[3 fifo] ticket 1 resumed at join order 3 under KEEP_PLACE (its own 1");
    }

    @Test
    void check_callFromAPausedDesk_reportsConservation() {
      List<QueueEvent> tampered = replace(TicketCalled.class, 0,
          c -> new TicketCalled(c.seq(), c.at(), c.ticketId(), "2", c.line(), c.direct()));

      assertThatThrownBy(() -> checker.check(branch, tampered))
          .hasMessageContaining("[1 conservation] desk 2 is PAUSED but called ticket 2");
    }

    @Test
    void check_callFromADeskNotServingTheService_reportsConservation() {
      List<QueueEvent> tampered = replace(TicketCalled.class, 1,
          c -> new TicketCalled(c.seq(), c.at(), c.ticketId(), "2", c.line(), c.direct()));

      assertThatThrownBy(() -> checker.check(branch, tampered))
          .hasMessageContaining("[1 conservation] desk 2 does not serve tax");
    }

    @Test
    void check_transferWithoutItsChild_reportsConservation() {
      List<QueueEvent> tampered = replace(TicketIssued.class, 2, t -> new TicketIssued(t.seq(), t.at(), t.ticketId(),
          t.day(), t.service(), t.number(), t.display(), t.origin(), t.line(), t.categories(), t.personId(),
          t.bookingId(), t.bookedFor(), t.joinSeq(), t.requestId(), 0, t.returnTo()));

      assertThatThrownBy(() -> checker.check(branch, tampered))
          .hasMessageContaining("[1 conservation] ticket 3 should be the tax ticket of ticket 2");
    }

    @Test
    void check_returnAfterFinishingAtANewPlace_reportsConservation() {
      List<QueueEvent> tampered = replace(TicketIssued.class, 3, t -> new TicketIssued(t.seq(), t.at(), t.ticketId(),
          t.day(), t.service(), t.number(), t.display(), t.origin(), t.line(), t.categories(), t.personId(),
          t.bookingId(), t.bookedFor(), 9, t.requestId(), t.parentId(), t.returnTo()));

      assertThatThrownBy(() -> checker.check(branch, tampered))
          .hasMessageContaining("[1 conservation] ticket A-003 from ticket 3 returns to null, join order 9");
    }

    @Test
    void check_timedPostponementNotReturnedInTime_reportsRotation() {
      List<QueueEvent> tampered = replace(TicketPostponed.class, 0,
          p -> new TicketPostponed(p.seq(), p.at(), p.ticketId(), p.at().plusSeconds(30)));

      assertThatThrownBy(() -> checker.check(branch, tampered))
          .hasMessageContaining("[6 rotation] ticket 1 postponed until 2026-01-05T10:02:30 had not returned by event");
    }
  }
}
