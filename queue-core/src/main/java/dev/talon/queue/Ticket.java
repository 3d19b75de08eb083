package dev.talon.queue;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Set;

/**
 * A snapshot of a visitor's place in the queue. Tickets are immutable values: every transition
 * produces a new snapshot, and the engine hands out the current one. Two tickets are equal when
 * all their components are.
 *
 * <p>Design note. Until 0.1 this was a record of 22 components, copied whole on every transition
 * (about 120 bytes per call, start, finish...). What a ticket was issued as never changes, and the
 * engine already holds it in the {@link QueueEvent.TicketIssued} event that created it; so a ticket
 * keeps a reference to that event and its own lifecycle part (state, times, desk, and its line and
 * join order when it rejoined elsewhere), and a transition copies only that part. The part is
 * laid out for the common ticket, which never rejoins elsewhere and is never postponed: the state
 * and the recall count share one int, and the placement and postponement live in a second object
 * that only such tickets have, so a transition allocates 40 bytes (with compressed references;
 * 48 until 0.2). Issue + call builds two tickets and keeps the called one, so these bytes count
 * twice per operation and once more in what a branch holds. The accessors, equality, hash and
 * {@code toString} are those of the old record.
 */
public final class Ticket {
  /** What the ticket was issued as: id, day, service, number, display, origin, categories, ... */
  private final QueueEvent.TicketIssued issue;
  /** Null for most tickets; where it rejoined and until when it is postponed, for the few that did. */
  private final Rare rare;
  private final Instant calledAt;
  private final String desk;
  private final Instant startedAt;
  private final Instant endedAt;
  /** The state's ordinal + 1 (0 for none) in the low byte, the recall count above it. */
  private final int stateAndRecalls;

  private static final TicketState[] STATES = TicketState.values();
  /** The most recalls a ticket can record: what fits above the state's byte. */
  private static final int MAX_RECALLS = Integer.MAX_VALUE >>> 8;
  /**
   * A ticket with every component given, as the record of 0.1 was built.
   *
   * @param id         branch-wide identifier, increasing in issue order
   * @param day        the branch-local day the number belongs to
   * @param service    the service code
   * @param number     the number within the service and day (1, 2, ...)
   * @param display    what the board shows, prefix and number, e.g. {@code A-017}
   * @param origin     walk-in, booked, transferred or remote
   * @param line       the line class the policy put it in (e.g. {@code booked}, {@code walk-in})
   * @param categories attributes used by classification rules (e.g. {@code disabled}, {@code elderly})
   * @param personId   the visitor's person id, when given (for per-person limits); may be null
   * @param bookingId  the booking it was checked in from; 0 when none
   * @param bookedFor  the start of the booked window for a booked ticket; null otherwise
   * @param joinSeq    branch-wide order in which it joined its line; lower joined earlier
   * @param state      the lifecycle state
   * @param issuedAt   when it was issued
   * @param calledAt   when it was last called by a desk (a recall does not change it); null until then
   * @param desk       the desk that called it; null until then
   * @param recalls    how many times it was recalled
   * @param startedAt  when its service started; null until then
   * @param endedAt    when it reached a terminal state; null until then
   * @param postponedUntil when a timed postponement ends; null unless postponed with a period
   * @param parentId   the ticket it was transferred from; 0 when none
   * @param returnTo   the service it goes back to after this one (multi-step visit); null when none
   */
  public Ticket(
      long id,
      LocalDate day,
      String service,
      int number,
      String display,
      Origin origin,
      String line,
      Set<String> categories,
      String personId,
      long bookingId,
      Instant bookedFor,
      long joinSeq,
      TicketState state,
      Instant issuedAt,
      Instant calledAt,
      String desk,
      int recalls,
      Instant startedAt,
      Instant endedAt,
      Instant postponedUntil,
      long parentId,
      String returnTo) {
    this(new QueueEvent.TicketIssued(0, issuedAt, id, day, service, number, display, origin, line, categories,
            personId, bookingId, bookedFor, joinSeq, null, parentId, returnTo),
        rare(null, null, postponedUntil), state, calledAt, desk, recalls, startedAt, endedAt);
  }

  private Ticket(QueueEvent.TicketIssued issue, Rare rare, TicketState state, Instant calledAt,
      String desk, int recalls, Instant startedAt, Instant endedAt) {
    if (recalls < 0 || recalls > MAX_RECALLS) {
      throw new IllegalArgumentException("a ticket's recall count must be between 0 and " + MAX_RECALLS
          + ", was " + recalls);
    }
    this.issue = issue;
    this.rare = rare;
    this.calledAt = calledAt;
    this.desk = desk;
    this.startedAt = startedAt;
    this.endedAt = endedAt;
    this.stateAndRecalls = recalls << 8 | (state == null ? 0 : state.ordinal() + 1);
  }

  /** The ticket as the event issued it: waiting in the event's line, never called. */
  public static Ticket issuedBy(QueueEvent.TicketIssued event) {
    return new Ticket(event, null, TicketState.WAITING, null, null, 0, null, null);
  }

  /**
   * This ticket with another lifecycle part; what it was issued as (id, day, service, number,
   * display, origin, categories, person, booking, issue time, parent, return service) is shared.
   */
  public Ticket withLifecycle(String line, long joinSeq, TicketState state, Instant calledAt, String desk,
      int recalls, Instant startedAt, Instant endedAt, Instant postponedUntil) {
    Rare r = rare;
    Placement moved = placement(issue, r == null ? null : r.moved(), line, joinSeq);
    return new Ticket(issue, rare(r, moved, postponedUntil), state, calledAt, desk, recalls, startedAt, endedAt);
  }

  public long id() {
    return issue.ticketId();
  }

  public LocalDate day() {
    return issue.day();
  }

  public String service() {
    return issue.service();
  }

  public int number() {
    return issue.number();
  }

  public String display() {
    return issue.display();
  }

  public Origin origin() {
    return issue.origin();
  }

  public String line() {
    Rare r = rare;
    return r == null || r.moved() == null ? issue.line() : r.moved().line();
  }

  public Set<String> categories() {
    return issue.categories();
  }

  public String personId() {
    return issue.personId();
  }

  public long bookingId() {
    return issue.bookingId();
  }

  public Instant bookedFor() {
    return issue.bookedFor();
  }

  public long joinSeq() {
    Rare r = rare;
    return r == null || r.moved() == null ? issue.joinSeq() : r.moved().joinSeq();
  }

  public TicketState state() {
    int s = stateAndRecalls & 0xFF;
    return s == 0 ? null : STATES[s - 1];
  }

  public Instant issuedAt() {
    return issue.at();
  }

  public Instant calledAt() {
    return calledAt;
  }

  public String desk() {
    return desk;
  }

  public int recalls() {
    return stateAndRecalls >>> 8;
  }

  public Instant startedAt() {
    return startedAt;
  }

  public Instant endedAt() {
    return endedAt;
  }

  public Instant postponedUntil() {
    Rare r = rare;
    return r == null ? null : r.postponedUntil();
  }

  public long parentId() {
    return issue.parentId();
  }

  public String returnTo() {
    return issue.returnTo();
  }

  /** True if a desk can still call it. */
  public boolean isWaiting() {
    return state() == TicketState.WAITING;
  }

  private Object[] components() {
    return new Object[] {id(), day(), service(), number(), display(), origin(), line(), categories(), personId(),
        bookingId(), bookedFor(), joinSeq(), state(), issuedAt(), calledAt, desk, recalls(), startedAt, endedAt,
        postponedUntil(), parentId(), returnTo()};
  }

  /** Null for the issued place; the current placement when unchanged; else a new one. */
  private static Placement placement(QueueEvent.TicketIssued issue, Placement current, String line, long joinSeq) {
    if (joinSeq == issue.joinSeq() && java.util.Objects.equals(line, issue.line())) {
      return null;
    }
    return current != null && current.joinSeq() == joinSeq && java.util.Objects.equals(current.line(), line)
        ? current : new Placement(line, joinSeq);
  }

  /** The line and join order of a ticket that rejoined elsewhere (handed back, postponed, raised). */
  private record Placement(String line, long joinSeq) {}

  /** Null when the ticket neither moved nor is postponed (most); the current one when unchanged; else a new one. */
  private static Rare rare(Rare current, Placement moved, Instant postponedUntil) {
    if (moved == null && postponedUntil == null) {
      return null;
    }
    return current != null && current.moved() == moved && java.util.Objects.equals(current.postponedUntil(), postponedUntil)
        ? current : new Rare(moved, postponedUntil);
  }

  /** What few tickets have: a placement other than the issued one, a timed postponement. */
  private record Rare(Placement moved, Instant postponedUntil) {}

  private static final String[] NAMES = {"id", "day", "service", "number", "display", "origin", "line",
      "categories", "personId", "bookingId", "bookedFor", "joinSeq", "state", "issuedAt", "calledAt", "desk",
      "recalls", "startedAt", "endedAt", "postponedUntil", "parentId", "returnTo"};

  @Override
  public boolean equals(Object o) {
    return o == this || o instanceof Ticket t && java.util.Arrays.equals(components(), t.components());
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(components());
  }

  @Override
  public String toString() {
    Object[] c = components();
    StringBuilder b = new StringBuilder("Ticket[");
    for (int i = 0; i < c.length; i++) {
      b.append(i == 0 ? "" : ", ").append(NAMES[i]).append('=').append(c[i]);
    }
    return b.append(']').toString();
  }
}
