package dev.talon.queue.testkit;

import dev.talon.queue.AdmissionMode;
import dev.talon.queue.Booking;
import dev.talon.queue.DeskStatus;
import dev.talon.queue.Branch;
import dev.talon.queue.Position;
import dev.talon.queue.QueueEvent;
import dev.talon.queue.Ticket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * Everything a branch shows through its public API about the tickets and bookings named in its
 * events: their snapshots, the waiting lists, every position, the status of every desk that
 * called or changed state, the last sequence number and the admission mode. Two branches with equal snapshots are indistinguishable to a user; a refused
 * operation must leave the snapshot equal, and a recovered branch must have the live one's.
 */
public record Snapshot(
    Map<Long, Optional<Ticket>> tickets,
    Map<String, Optional<Booking>> bookings,
    Map<String, List<Ticket>> waiting,
    Map<Long, Integer> ahead,
    Map<String, DeskStatus> desks,
    long lastSeq,
    AdmissionMode mode) {

  /** What a snapshot reads; a {@link Branch} and a {@link ReferenceModel} both offer it. */
  private record Source(
      LongFunction<Optional<Ticket>> ticket,
      Function<String, Optional<Booking>> booking,
      Function<String, List<Ticket>> waiting,
      LongFunction<Position> position,
      Function<String, DeskStatus> desk,
      long lastSeq,
      AdmissionMode admissionMode) {}

  /** The snapshot of the branch, for the tickets, bookings and services that the events name. */
  public static Snapshot of(Branch b, List<QueueEvent> events) {
    return of(new Source(b::ticket, b::booking, b::waiting, b::position, b::deskStatus, b.lastSeq(), b.admissionMode()), events);
  }

  /** The snapshot the model expects, for the tickets, bookings and services its events name. */
  public static Snapshot of(ReferenceModel m) {
    return of(new Source(m::ticket, m::booking, m::waiting, m::position, m::deskStatus, m.lastSeq(), m.admissionMode()), m.events());
  }

  private static Snapshot of(Source src, List<QueueEvent> events) {
    TreeSet<String> services = new TreeSet<>();
    TreeMap<Long, Optional<Ticket>> tickets = new TreeMap<>();
    TreeMap<String, Optional<Booking>> bookings = new TreeMap<>();
    TreeMap<String, DeskStatus> desks = new TreeMap<>();
    for (QueueEvent e : events) {
      if (e instanceof QueueEvent.TicketCalled c) {
        desks.put(c.desk(), null);
      } else if (e instanceof QueueEvent.DeskStateChanged d) {
        desks.put(d.desk(), null);
      }
      if (e instanceof QueueEvent.TicketIssued i) {
        services.add(i.service());
        tickets.put(i.ticketId(), src.ticket().apply(i.ticketId()));
      } else if (e instanceof QueueEvent.BookingMade m) {
        services.add(m.service());
        bookings.put(m.code(), src.booking().apply(m.code()));
      }
    }
    long next = tickets.isEmpty() ? 1 : tickets.lastKey() + 1;
    tickets.put(next, src.ticket().apply(next)); // must be empty: no ticket exists that no event issued
    TreeMap<String, List<Ticket>> waiting = new TreeMap<>();
    services.forEach(s -> waiting.put(s, List.copyOf(src.waiting().apply(s))));
    TreeMap<Long, Integer> ahead = new TreeMap<>();
    tickets.forEach((id, t) -> {
      if (t.isPresent()) {
        ahead.put(id, src.position().apply(id).ahead());
      }
    });
    desks.replaceAll((id, none) -> src.desk().apply(id));
    return new Snapshot(tickets, bookings, waiting, ahead, desks, src.lastSeq(), src.admissionMode());
  }

  /** The differences from {@code other} (at most ten), or null when there is none. */
  public String diff(Snapshot other) {
    List<String> out = new ArrayList<>();
    if (lastSeq != other.lastSeq) {
      out.add("lastSeq " + lastSeq + " vs " + other.lastSeq);
    }
    if (mode != other.mode) {
      out.add("mode " + mode + " vs " + other.mode);
    }
    diffMaps("ticket", tickets, other.tickets, out);
    diffMaps("booking", bookings, other.bookings, out);
    diffMaps("waiting", waiting, other.waiting, out);
    diffMaps("ahead", ahead, other.ahead, out);
    diffMaps("desk", desks, other.desks, out);
    return out.isEmpty() ? null : String.join("\n", out.subList(0, Math.min(out.size(), 10)));
  }

  private static <K, V> void diffMaps(String what, Map<K, V> a, Map<K, V> b, List<String> out) {
    TreeSet<K> keys = new TreeSet<>(a.keySet());
    keys.addAll(b.keySet());
    for (K k : keys) {
      if (!java.util.Objects.equals(a.get(k), b.get(k))) {
        out.add(what + " " + k + ":\n  " + a.get(k) + "\n  " + b.get(k));
      }
    }
  }
}
