package dev.talon.queue.spi;

import dev.talon.queue.InvalidConfigurationException;
import dev.talon.queue.InvalidRequestException;
import dev.talon.queue.QueueEvent;
import dev.talon.queue.QueueEvent.TicketIssued;
import dev.talon.queue.QueueEvent.TicketNoShow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * A ban list with expiry, built by {@link dev.talon.queue.spi.AdmissionChecks#banList}: persons
 * banned by hand, and automatically after repeated no-shows. A banned person gets no ticket, no
 * booking and no check-in until the ban ends.
 */
public final class BanList implements AdmissionCheck, QueueListener {
  private final int noShows;
  private final Duration window;
  private final Duration banFor;
  private final Map<String, Ban> bans = new ConcurrentHashMap<>();
  private final Map<Long, String> personOfTicket = new ConcurrentHashMap<>();
  private final Map<String, ConcurrentLinkedDeque<Instant>> missed = new ConcurrentHashMap<>();

  private record Ban(Instant until, String reason) {}

  /** Stands for "no key" in {@link #keyedBy}. */
  private static final Object PLAIN = new Object();
  /** The pseudonymisation of the branches this list serves (PLAIN for none); null until a branch is built. */
  private final java.util.concurrent.atomic.AtomicReference<Object> keyedBy = new java.util.concurrent.atomic.AtomicReference<>();

  BanList(int noShows, Duration window, Duration banFor) {
    if (noShows < 0) {
      throw new InvalidConfigurationException("no-shows before a ban must be >= 0, was " + noShows);
    }
    if (noShows > 0 && (window == null || window.isNegative() || window.isZero() || banFor == null
        || banFor.isNegative() || banFor.isZero())) {
      throw new InvalidConfigurationException("an automatic ban needs a window and a ban period > 0, were "
          + window + " and " + banFor);
    }
    this.noShows = noShows;
    this.window = window;
    this.banFor = banFor;
  }

  /**
   * Bans the person until {@code until}, for the given reason. The reason is shown in the
   * refusals (with a short reference, never the id): keep personal data out of it.
   */
  public void ban(String personId, Instant until, String reason) {
    // the message says what is missing, never the person id itself
    if (personId == null || personId.isBlank()) {
      throw new InvalidRequestException("a ban needs a person id, an end and a reason; the person id was "
          + (personId == null ? "null" : "blank"));
    }
    if (until == null) {
      throw new InvalidRequestException("a ban needs a person id, an end and a reason; the end was null");
    }
    if (reason == null || reason.isBlank()) {
      throw new InvalidRequestException("a ban needs a person id, an end and a reason; the reason was "
          + (reason == null ? "null" : "blank"));
    }
    bans.put(key(personId), new Ban(until, reason));
  }

  /** Lifts the person's ban. */
  public void unban(String personId) {
    bans.remove(key(personId));
  }

  /** True if the person is banned at {@code at}. */
  public boolean isBanned(String personId, Instant at) {
    Ban b = bans.get(key(personId));
    return b != null && at.isBefore(b.until());
  }

  /**
   * Called when a branch that uses this list is built: from then on the ids given to ban, unban and
   * isBanned are pseudonymised as the branch pseudonymises the ids of its requests and events (bans
   * given before are moved to their pseudonyms). One list serves branches of one key only. The
   * engine calls it (with its keyed HMAC, equal for equal keys, or null); applications do not.
   */
  public void bind(java.util.function.UnaryOperator<String> personIds) {
    Object want = personIds == null ? PLAIN : personIds;
    Object had = keyedBy.compareAndExchange(null, want);
    if (had == null) {
      if (personIds != null) {
        for (String id : List.copyOf(bans.keySet())) {
          Ban b = bans.remove(id);
          if (b != null) {
            bans.put(personIds.apply(id), b);
          }
        }
      }
    } else if (!had.equals(want)) {
      throw new InvalidConfigurationException("this ban list already serves a branch "
          + (had == PLAIN ? "without person id pseudonymisation" : "with another pseudonymisation key")
          + " and would compare ids of two kinds; give each pseudonymisation key its own ban list");
    }
  }

  @SuppressWarnings("unchecked") // only the engine's UnaryOperator<String> is ever bound
  private String key(String personId) {
    Object k = keyedBy.get();
    return k != PLAIN && k instanceof java.util.function.UnaryOperator<?> p
        ? ((java.util.function.UnaryOperator<String>) p).apply(personId) : personId;
  }

  @Override
  public String name() {
    return "ban-list";
  }

  @Override
  public boolean wantsHistory() {
    return true;
  }

  /**
   * Automatic bans need the no-shows of one window before a ban that may still last: the window
   * plus the ban period, and a day more for the tickets those no-shows were issued on. Bans given
   * with {@link #ban} are not events and are not restored at all.
   */
  @Override
  public Duration historyHorizon() {
    return noShows == 0 ? Duration.ZERO : window.plus(banFor).plusDays(1);
  }

  @Override
  public void onEvents(String branchId, List<QueueEvent> events) {
    for (QueueEvent e : events) {
      if (e instanceof TicketIssued i && i.personId() != null) {
        personOfTicket.put(i.ticketId(), i.personId());
      } else if (e instanceof TicketNoShow n && noShows > 0) {
        String person = personOfTicket.get(n.ticketId());
        if (person != null) {
          ConcurrentLinkedDeque<Instant> times = missed.computeIfAbsent(person, k -> new ConcurrentLinkedDeque<>());
          times.add(n.at());
          times.removeIf(t -> !t.isAfter(n.at().minus(window)));
          if (times.size() >= noShows) {
            bans.put(person, new Ban(n.at().plus(banFor), times.size() + " no-shows within " + window.toDays()
                + " days"));
            times.clear();
          }
        }
      }
    }
  }

  @Override
  public AdmissionDecision check(AdmissionRequest r) {
    if (r.personId() == null) {
      return AdmissionDecision.admit();
    }
    Ban b = bans.get(r.personId());
    if (b != null && r.at().isBefore(b.until())) {
      return AdmissionDecision.refuse(PersonLimits.reference(r.personId()) + " is banned until " + b.until() + " ("
          + b.reason() + ")");
    }
    return AdmissionDecision.admit();
  }
}
