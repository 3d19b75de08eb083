package dev.talon.queue.testkit;

import dev.talon.queue.AdmissionMode;
import dev.talon.queue.Booking;
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

/**
 * Everything a branch shows through its public API about the tickets and bookings named in its
 * events: their snapshots, the waiting lists, every position, the last sequence number and the
 * admission mode. Two branches with equal snapshots are indistinguishable to a user; a refused
 * operation must leave the snapshot equal, and a recovered branch must have the live one's.
 */
public record Snapshot(
    Map<Long, Optional<Ticket>> tickets,
    Map<String, Optional<Booking>> bookings,
    Map<String, List<Ticket>> waiting,
    Map<Long, Integer> ahead,
    long lastSeq,
    AdmissionMode mode) {

  /** What a snapshot reads; both a {@link Branch} and a {@link ReferenceModel} offer it. */
  private interface Source {
    Optional<Ticket> ticket(long id);

    Optional<Booking> booking(String code);

    List<Ticket> waiting(String service);

    Position position(long id);

    long lastSeq();

    AdmissionMode admissionMode();
  }

  /** The snapshot of the branch, for the tickets, bookings and services that the events name. */
  public static Snapshot of(Branch b, List<QueueEvent> events) {
    return of(new Source() {
      public Optional<Ticket> ticket(long id) {
        return b.ticket(id);
      }

      public Optional<Booking> booking(String code) {
        return b.booking(code);
      }

      public List<Ticket> waiting(String service) {
        return b.waiting(service);
      }

      public Position position(long id) {
        return b.position(id);
      }

      public long lastSeq() {
        return b.lastSeq();
      }

      public AdmissionMode admissionMode() {
        return b.admissionMode();
      }
    }, events);
  }

  /** The snapshot the model expects, for the tickets, bookings and services its events name. */
  public static Snapshot of(ReferenceModel m) {
    return of(new Source() {
      public Optional<Ticket> ticket(long id) {
        return m.ticket(id);
      }

      public Optional<Booking> booking(String code) {
        return m.booking(code);
      }

      public List<Ticket> waiting(String service) {
        return m.waiting(service);
      }

      public Position position(long id) {
        return m.position(id);
      }

      public long lastSeq() {
        return m.lastSeq();
      }

      public AdmissionMode admissionMode() {
        return m.admissionMode();
      }
    }, m.events());
  }

  private static Snapshot of(Source b, List<QueueEvent> events) {
    TreeSet<String> services = new TreeSet<>();
    TreeMap<Long, Optional<Ticket>> tickets = new TreeMap<>();
    TreeMap<String, Optional<Booking>> bookings = new TreeMap<>();
    for (QueueEvent e : events) {
      if (e instanceof QueueEvent.TicketIssued i) {
        services.add(i.service());
        tickets.put(i.ticketId(), b.ticket(i.ticketId()));
      } else if (e instanceof QueueEvent.BookingMade m) {
        services.add(m.service());
        bookings.put(m.code(), b.booking(m.code()));
      }
    }
    long next = tickets.isEmpty() ? 1 : tickets.lastKey() + 1;
    tickets.put(next, b.ticket(next)); // must be empty: no ticket exists that no event issued
    TreeMap<String, List<Ticket>> waiting = new TreeMap<>();
    services.forEach(s -> waiting.put(s, List.copyOf(b.waiting(s))));
    TreeMap<Long, Integer> ahead = new TreeMap<>();
    tickets.forEach((id, t) -> {
      if (t.isPresent()) {
        ahead.put(id, b.position(id).ahead());
      }
    });
    return new Snapshot(tickets, bookings, waiting, ahead, b.lastSeq(), b.admissionMode());
  }

  /** The first difference from {@code other}, or null when equal. */
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
