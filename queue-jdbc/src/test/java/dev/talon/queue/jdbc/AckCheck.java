package dev.talon.queue.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talon.queue.Branch;
import dev.talon.queue.Inspection;
import dev.talon.queue.Booking;
import dev.talon.queue.BookingState;
import dev.talon.queue.QueueEvent;
import dev.talon.queue.QueueEvent.BookingCheckedIn;
import dev.talon.queue.QueueEvent.BookingMade;
import dev.talon.queue.QueueEvent.CallReturned;
import dev.talon.queue.QueueEvent.ServiceFinished;
import dev.talon.queue.QueueEvent.ServiceStarted;
import dev.talon.queue.QueueEvent.TicketCalled;
import dev.talon.queue.QueueEvent.TicketCancelled;
import dev.talon.queue.QueueEvent.TicketIssued;
import dev.talon.queue.QueueEvent.TicketNoShow;
import dev.talon.queue.Ticket;
import dev.talon.queue.TicketState;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Checks a branch reopened from its store: every acknowledged operation (a {@link Workload} line)
 * is in the stored history exactly once and agrees with the replayed engine, and the invariants
 * of DESIGN.md hold: conservation (one state per ticket, ids without gaps, no ticket called twice
 * without being handed back), unique numbers per service and day, slot capacity.
 */
final class AckCheck {
  private AckCheck() {}

  /** Returns the number of acknowledgements checked. */
  /**
   * The branch (opened from its newest snapshot and the events after it) against one that replays
   * the whole history: the same tickets, bookings, lines and positions.
   */
  static void assertSameAsFullReplay(dev.talon.queue.Branch opened, dev.talon.queue.spi.EventStore store) {
    try (dev.talon.queue.Branch replayed = Workload.configure(dev.talon.queue.Talon.newBranch(opened.id()))
        .clock(dev.talon.queue.spi.QueueClock.system()).store(new WithoutSnapshots(store)).snapshotEvery(0).build()) {
      List<QueueEvent> history = store.load(opened.id(), 0);
      assertThat(dev.talon.queue.testkit.Snapshot.of(opened, history)
          .diff(dev.talon.queue.testkit.Snapshot.of(replayed, history)))
          .as("branch %s opened from snapshot + tail against a full replay", opened.id()).isNull();
    }
  }

  /** A store with its snapshots hidden: opening on it replays the whole history. It refuses writes. */
  private record WithoutSnapshots(dev.talon.queue.spi.EventStore store) implements dev.talon.queue.spi.EventStore {
    @Override
    public void append(String branchId, long fencingToken, List<QueueEvent> events) {
      throw new AssertionError("the full-replay comparison branch must not write");
    }

    @Override
    public List<QueueEvent> load(String branchId, long afterSeq) {
      return store.load(branchId, afterSeq);
    }

    @Override
    public boolean isDurable() {
      return true;
    }
  }

  /**
   * The ticket's state in the branch; for a ticket that has left the core (the engine keeps only
   * the most recently ended ones), the terminal state its last ending event in the history gives.
   */
  private static TicketState stateOf(Map<Long, Ticket> tickets, List<QueueEvent> history, long id) {
    Ticket t = tickets.get(id);
    if (t != null) {
      return t.state();
    }
    TicketState ended = null;
    for (QueueEvent e : history) {
      if (e instanceof ServiceFinished f && f.ticketId() == id) {
        ended = TicketState.DONE;
      } else if (e instanceof TicketNoShow n && n.ticketId() == id) {
        ended = TicketState.NO_SHOW;
      } else if (e instanceof TicketCancelled c && c.ticketId() == id) {
        ended = TicketState.CANCELLED;
      } else if (e instanceof QueueEvent.TicketTransferred x && x.ticketId() == id) {
        ended = TicketState.TRANSFERRED;
      }
    }
    assertThat(ended).as("ticket %d left the branch, so its history must end it", id).isNotNull();
    return ended;
  }

  static int verify(Branch branch, List<QueueEvent> history, List<String> acks) {
    assertThat(history).extracting(QueueEvent::seq)
        .as("the stored history is gapless").containsExactlyElementsOf(
            java.util.stream.LongStream.rangeClosed(1, history.size()).boxed().toList());
    assertThat(branch.lastSeq()).isEqualTo(history.size());
    Map<Long, Ticket> tickets = new HashMap<>();
    Inspection.tickets(branch).forEach(t -> tickets.put(t.id(), t));
    Map<Long, Booking> bookings = new HashMap<>();
    Inspection.bookings(branch).forEach(b -> bookings.put(b.id(), b));

    int checked = 0;
    for (String line : acks) {
      String[] f = line.split(" ");
      long id = Long.parseLong(f[1]);
      switch (f[0]) {
        case "issue" -> {
          once(history, line, e -> e instanceof TicketIssued i && f[3].equals(i.requestId()));
          TicketIssued i = (TicketIssued) history.stream()
              .filter(e -> e instanceof TicketIssued x && f[3].equals(x.requestId())).findFirst().orElseThrow();
          assertThat(i.ticketId()).as(line).isEqualTo(id);
          assertThat(tickets.containsKey(id) ? tickets.get(id).display() : i.display()).as(line).isEqualTo(f[2]);
        }
        case "book" -> {
          once(history, line, e -> e instanceof BookingMade b && f[3].equals(b.requestId()) && b.bookingId() == id);
          assertThat(bookings.get(id).code()).as(line).isEqualTo(f[2]);
        }
        case "checkin" -> {
          long booking = Long.parseLong(f[2]);
          once(history, line, e -> e instanceof BookingCheckedIn c && c.bookingId() == booking && c.ticketId() == id);
          assertThat(bookings.get(booking).state()).as(line).isEqualTo(BookingState.CHECKED_IN);
        }
        case "call" -> {
          once(history, line, e -> e instanceof TicketCalled c && c.ticketId() == id && c.desk().equals(f[2]));
          assertThat(stateOf(tickets, history, id)).as(line).isNotIn(TicketState.WAITING, TicketState.CANCELLED);
        }
        case "start" -> {
          once(history, line, e -> e instanceof ServiceStarted s && s.ticketId() == id);
          assertThat(stateOf(tickets, history, id)).as(line).isIn(TicketState.SERVING, TicketState.DONE);
        }
        case "finish" -> {
          once(history, line, e -> e instanceof ServiceFinished s && s.ticketId() == id);
          assertThat(stateOf(tickets, history, id)).as(line).isEqualTo(TicketState.DONE);
        }
        case "noshow" -> {
          once(history, line, e -> e instanceof TicketNoShow s && s.ticketId() == id);
          assertThat(stateOf(tickets, history, id)).as(line).isEqualTo(TicketState.NO_SHOW);
        }
        case "cancel" -> {
          once(history, line, e -> e instanceof TicketCancelled s && s.ticketId() == id);
          assertThat(stateOf(tickets, history, id)).as(line).isEqualTo(TicketState.CANCELLED);
        }
        default -> throw new AssertionError("unknown acknowledgement " + line);
      }
      checked++;
    }
    invariants(history, tickets, bookings);
    return checked;
  }

  private static void once(List<QueueEvent> history, String ack, Predicate<QueueEvent> match) {
    assertThat(history.stream().filter(match).count()).as("events for acknowledged '%s'", ack).isEqualTo(1);
  }

  private static void invariants(List<QueueEvent> history, Map<Long, Ticket> tickets, Map<Long, Booking> bookings) {
    // conservation: ids 1..n issued without gaps, each either in the branch or ended (the engine
    // keeps only the most recently ended tickets); a call only of a waiting ticket
    List<Long> issued = history.stream().filter(e -> e instanceof TicketIssued).map(e -> ((TicketIssued) e).ticketId())
        .toList();
    assertThat(issued).containsExactlyInAnyOrderElementsOf(
        java.util.stream.LongStream.rangeClosed(1, issued.size()).boxed().toList());
    assertThat(issued).containsAll(tickets.keySet());
    for (long id : issued) {
      stateOf(tickets, history, id); // asserts that a ticket no longer in the branch has ended
    }
    Map<Long, Integer> calls = new HashMap<>();
    Map<Long, Integer> returns = new HashMap<>();
    for (QueueEvent e : history) {
      if (e instanceof TicketCalled c) {
        calls.merge(c.ticketId(), 1, Integer::sum);
      } else if (e instanceof CallReturned r) {
        returns.merge(r.ticketId(), 1, Integer::sum);
      }
    }
    calls.forEach((id, n) -> assertThat(n).as("calls of ticket %d", id).isLessThanOrEqualTo(1 + returns.getOrDefault(id, 0)));
    // unique numbers per service and branch-local day
    Set<String> numbers = new HashSet<>();
    for (QueueEvent e : history) {
      if (e instanceof TicketIssued t) {
        assertThat(numbers.add(t.day() + "/" + t.service() + "/" + t.number())).as("number of %s", t).isTrue();
      }
    }
    for (Ticket t : tickets.values()) {
      assertThat(t.state()).isNotNull();
    }
    // capacity: places held per (window, service)
    Map<String, Integer> held = new HashMap<>();
    for (Booking b : bookings.values()) {
      if (b.state() == BookingState.BOOKED || b.state() == BookingState.CHECKED_IN) {
        held.merge(b.windowStart() + "/" + b.service(), 1, Integer::sum);
      }
    }
    held.forEach((k, n) -> assertThat(n).as("bookings in %s", k).isLessThanOrEqualTo(Workload.CAPACITY));
  }
}
