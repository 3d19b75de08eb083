package dev.talon.queue.spi;

import dev.talon.queue.InvalidConfigurationException;
import dev.talon.queue.Origin;
import dev.talon.queue.QueueEvent;
import dev.talon.queue.QueueEvent.BookingCancelled;
import dev.talon.queue.QueueEvent.BookingMade;
import dev.talon.queue.QueueEvent.ServiceFinished;
import dev.talon.queue.QueueEvent.TicketCancelled;
import dev.talon.queue.QueueEvent.TicketIssued;
import dev.talon.queue.QueueEvent.TicketNoShow;
import dev.talon.queue.QueueEvent.TicketTransferred;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/** The counting admission checks behind {@link dev.talon.queue.spi.AdmissionChecks}. */
abstract class PersonLimits implements AdmissionCheck, QueueListener {
  final int max;

  PersonLimits(int max, String what) {
    if (max < 1) {
      throw new InvalidConfigurationException(what + " must be >= 1, was " + max);
    }
    this.max = max;
  }

  @Override
  public boolean wantsHistory() {
    return true;
  }

  @Override
  public void onEvents(String branchId, List<QueueEvent> events) {
    for (QueueEvent e : events) {
      observe(e);
    }
  }

  abstract void observe(QueueEvent e);

  /**
   * How a refusal or any other message names a person: {@code person ref} and the first 8 hex
   * digits of the SHA-256 of the id. Person ids are national ids in practice and never appear in
   * a message or a log line; the reference lets staff match a refusal to a visitor who shows the
   * id again, while 32 bits of a hash name no one person (many ids share each reference).
   */
  static String reference(String personId) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(personId.getBytes(StandardCharsets.UTF_8));
      return "person ref " + HexFormat.of().formatHex(hash, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  public static AdmissionCheck bookings(int max, Duration period) {
    return new Bookings(max, period);
  }

  public static AdmissionCheck ticketsPerDay(int max, ZoneId zone) {
    return new TicketsPerDay(max, zone);
  }

  public static AdmissionCheck occupancy(int max) {
    return new Occupancy(max);
  }

  private static final class Bookings extends PersonLimits {
    private final Duration period;
    private final Map<String, ConcurrentLinkedDeque<long[]>> byPerson = new ConcurrentHashMap<>();
    private final Map<Long, String> personOfBooking = new ConcurrentHashMap<>();

    Bookings(int max, Duration period) {
      super(max, "bookings per person");
      if (period == null || period.isNegative() || period.isZero()) {
        throw new InvalidConfigurationException("booking limit period must be > 0, was " + period);
      }
      this.period = period;
    }

    @Override
    public String name() {
      return "bookings-per-person";
    }

    /** Only bookings made within the period count. */
    @Override
    public Duration historyHorizon() {
      return period;
    }

    @Override
    void observe(QueueEvent e) {
      if (e instanceof BookingMade b && b.personId() != null) {
        personOfBooking.put(b.bookingId(), b.personId());
        byPerson.computeIfAbsent(b.personId(), k -> new ConcurrentLinkedDeque<>())
            .add(new long[] {b.bookingId(), b.at().toEpochMilli()});
      } else if (e instanceof BookingCancelled c) {
        String person = personOfBooking.remove(c.bookingId());
        if (person != null) {
          byPerson.getOrDefault(person, new ConcurrentLinkedDeque<>()).removeIf(x -> x[0] == c.bookingId());
        }
      }
    }

    @Override
    public AdmissionDecision check(AdmissionRequest r) {
      if (r.kind() != AdmissionRequest.Kind.BOOK || r.personId() == null) {
        return AdmissionDecision.admit();
      }
      long since = r.at().minus(period).toEpochMilli();
      long count = byPerson.getOrDefault(r.personId(), new ConcurrentLinkedDeque<>()).stream()
          .filter(x -> x[1] > since).count();
      return count < max ? AdmissionDecision.admit()
          : AdmissionDecision.refuse(reference(r.personId()) + " already has " + count + " booking(s) within "
              + period.toDays() + " days; the limit is " + max);
    }
  }

  private static final class TicketsPerDay extends PersonLimits {
    private final ZoneId zone;
    private final Map<String, Map<LocalDate, Integer>> byPerson = new ConcurrentHashMap<>();

    TicketsPerDay(int max, ZoneId zone) {
      super(max, "tickets per person per day");
      if (zone == null) {
        throw new InvalidConfigurationException("zone must not be null");
      }
      this.zone = zone;
    }

    @Override
    public String name() {
      return "tickets-per-person-per-day";
    }

    /** Only today's tickets count; two days cover today's start in any zone. */
    @Override
    public Duration historyHorizon() {
      return Duration.ofDays(2);
    }

    @Override
    void observe(QueueEvent e) {
      if (e instanceof TicketIssued i && i.personId() != null && i.origin() != Origin.TRANSFERRED) {
        // the day in this check's zone, as check() counts it (the ticket's own day is the branch's,
        // which differs from it for hours every day when the zones differ)
        byPerson.computeIfAbsent(i.personId(), k -> new ConcurrentHashMap<>())
            .merge(LocalDate.ofInstant(i.at(), zone), 1, Integer::sum);
      }
    }

    @Override
    public AdmissionDecision check(AdmissionRequest r) {
      if (r.kind() != AdmissionRequest.Kind.ISSUE || r.personId() == null) {
        return AdmissionDecision.admit();
      }
      LocalDate day = LocalDate.ofInstant(r.at(), zone);
      int count = byPerson.getOrDefault(r.personId(), Map.of()).getOrDefault(day, 0);
      return count < max ? AdmissionDecision.admit()
          : AdmissionDecision.refuse(reference(r.personId()) + " already has " + count + " ticket(s) on " + day
              + "; the limit is " + max + " a day");
    }
  }

  private static final class Occupancy extends PersonLimits {
    private final Set<Long> inside = ConcurrentHashMap.newKeySet();

    Occupancy(int max) {
      super(max, "occupancy cap");
    }

    @Override
    public String name() {
      return "occupancy-cap";
    }

    // historyHorizon stays unbounded: a ticket inside may have been issued on any earlier day

    @Override
    void observe(QueueEvent e) {
      if (e instanceof TicketIssued i && i.origin() != Origin.REMOTE) {
        inside.add(i.ticketId());
      } else if (e instanceof ServiceFinished f) {
        inside.remove(f.ticketId());
      } else if (e instanceof TicketNoShow n) {
        inside.remove(n.ticketId());
      } else if (e instanceof TicketCancelled c) {
        inside.remove(c.ticketId());
      } else if (e instanceof TicketTransferred t) {
        inside.remove(t.ticketId());
      }
    }

    @Override
    public AdmissionDecision check(AdmissionRequest r) {
      if (r.kind() == AdmissionRequest.Kind.BOOK || r.origin() == Origin.REMOTE) {
        return AdmissionDecision.admit(); // not coming into the building now
      }
      int n = inside.size();
      return n < max ? AdmissionDecision.admit()
          : AdmissionDecision.refuse(n + " visitors are inside; the building holds at most " + max);
    }
  }

}
