package dev.talon.queue.testkit;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talon.queue.AdmissionMode;
import dev.talon.queue.Branch;
import dev.talon.queue.Desk;
import dev.talon.queue.IssueRequest;
import dev.talon.queue.Limits;
import dev.talon.queue.QueueEvent;
import dev.talon.queue.QueueEvent.TicketCalled;
import dev.talon.queue.QueueEvent.TicketIssued;
import dev.talon.queue.QueueEvent.TicketPostponed;
import dev.talon.queue.QueueEvent.TicketResumed;
import dev.talon.queue.SlotCalendar;
import dev.talon.queue.Talon;
import dev.talon.queue.TransferRequest;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.QueueClock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The checker follows postponements, resumes, walk-direct calls, transfers and desk states in a
 * real branch's log, and reports each rule about them when the log is tampered with.
 */
class InvariantCheckerServiceCentreTest {
  private static final ZoneId ALMATY = ZoneId.of("Asia/Almaty");
  private static final List<Desk> DESKS = List.of(new Desk("1", Set.of("docs", "tax")), new Desk("2", Set.of("docs")));
  private final SlotCalendar slots = SlotCalendar.defaults();
  private final InvariantChecker checker = new InvariantChecker(slots, Limits.defaults(), DESKS);
  private final EventStore store = EventStore.inMemory();
  private final ManualClock clock = QueueClock.manual(LocalDateTime.parse("2026-01-05T09:00").atZone(ALMATY).toInstant());
  private Branch branch;
  private List<QueueEvent> log;

  /**
   * issued; A-001 postponed and (after a change of admission mode) resumed to its
   * old place; desk 2 paused; desk 1
   * calls A-002 by name, serves it and transfers it to tax with a return; desk 1 calls and finishes
   * the tax ticket, which sends the visitor back to docs. One minute passes between operations.
   */
  @BeforeEach
  void history() {
    Talon t = Talon.newBranch("b1").zone(ALMATY).clock(clock).store(store).slots(slots)
        .service("docs", "A", "ID documents").service("tax", "TX", "Taxes");
    DESKS.forEach(t::desk);
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
    log = store.load("b1", 0);
  }

  private long step(java.util.function.LongSupplier op) {
    clock.advance(Duration.ofMinutes(1));
    return op.getAsLong();
  }

  private <T extends QueueEvent> List<QueueEvent> replace(Class<T> type, int nth, UnaryOperator<T> change) {
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
        .hasMessageContaining("[6 rotation] ticket 1 postponed until 2026-01-05T09:02:30 had not returned by event");
  }
}
