package dev.talon.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talon.queue.QueueEvent.CallReturned;
import dev.talon.queue.QueueEvent.TicketCalled;
import dev.talon.queue.QueueEvent.TicketRecalled;
import dev.talon.queue.QueueEvent.TicketTransferred;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.QueueClock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The call events carry what a board shows (display number and service), and old events without them still replay. */
class BoardEventsTest {
  private final ManualClock clock = QueueClock.manual(Instant.parse("2026-11-24T05:00:00Z"));

  private Branch open(EventStore store) {
    return Talon.newBranch("board").clock(clock).store(store).service("a", "A", "a").service("b", "B", "b")
        .desk("1", "a", "b").desk("2", "a", "b").build();
  }

  /** Calls, recalls, a handed-back call, a call by name and a transfer. */
  private static void day(Branch b) {
    Ticket a1 = b.issue(IssueRequest.walkIn("a"));
    Ticket a2 = b.issue(IssueRequest.walkIn("a"));
    b.callNext("1");
    b.recall(a1.id());
    b.returnCall(a1.id());
    b.callTicket("2", a2.id());
    b.callNext("1");
    b.startService(a1.id());
    b.transfer(a1.id(), TransferRequest.to("b"));
  }

  @Test
  void callEvents_carryTheTicketsDisplayNumberAndService() {
    EventStore store = EventStore.inMemory();
    Branch b = open(store);

    day(b);

    List<QueueEvent> events = store.load("board", 0);
    assertThat(events).filteredOn(TicketCalled.class::isInstance).map(TicketCalled.class::cast)
        .extracting(TicketCalled::display, TicketCalled::service, TicketCalled::desk)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("A-001", "a", "1"),
            org.assertj.core.groups.Tuple.tuple("A-002", "a", "2"), org.assertj.core.groups.Tuple.tuple("A-001", "a", "1"));
    assertThat(events).filteredOn(TicketRecalled.class::isInstance).map(TicketRecalled.class::cast)
        .extracting(TicketRecalled::display, TicketRecalled::service)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("A-001", "a"));
    assertThat(events).filteredOn(CallReturned.class::isInstance).map(CallReturned.class::cast)
        .extracting(CallReturned::display).containsExactly("A-001");
    assertThat(events).filteredOn(TicketTransferred.class::isInstance).map(TicketTransferred.class::cast)
        .extracting(TicketTransferred::display, TicketTransferred::service, TicketTransferred::toService)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("A-001", "a", "b"));
  }

  @Test
  void replay_historyStoredWithoutDisplayAndService_givesTheSameBranch() {
    EventStore store = EventStore.inMemory();
    Branch b = open(store);
    day(b);
    EventStore old = EventStore.inMemory();
    old.append("board", 0, store.load("board", 0).stream().map(BoardEventsTest::asStoredBefore).toList());

    Branch replayed = open(old);

    assertThat(old.load("board", 0)).filteredOn(TicketCalled.class::isInstance).map(TicketCalled.class::cast)
        .extracting(TicketCalled::display).containsOnlyNulls();
    assertThat(Inspection.tickets(replayed)).isEqualTo(Inspection.tickets(b));
    assertThat(replayed.board()).isEqualTo(b.board());
  }

  private static QueueEvent asStoredBefore(QueueEvent e) {
    if (e instanceof TicketCalled c) {
      return new TicketCalled(c.seq(), c.at(), c.ticketId(), c.desk(), c.line(), c.direct());
    } else if (e instanceof TicketRecalled r) {
      return new TicketRecalled(r.seq(), r.at(), r.ticketId(), r.desk(), r.recalls());
    } else if (e instanceof CallReturned r) {
      return new CallReturned(r.seq(), r.at(), r.ticketId(), r.desk());
    } else if (e instanceof TicketTransferred t) {
      return new TicketTransferred(t.seq(), t.at(), t.ticketId(), t.newTicketId(), t.toService());
    }
    return e;
  }
}
