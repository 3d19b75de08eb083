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
 * join order when it rejoined elsewhere), and a transition copies only that part (48 bytes). The
 * accessors, equality, hash and {@code toString} are those of the old record.
 */
public final class Ticket {
  /** What the ticket was issued as: id, day, service, number, display, origin, categories, ... */
  private final QueueEvent.TicketIssued issue;
  /** Null while the ticket is in the line and place it was issued into (most do); else where it rejoined. */
  private final Placement moved;
  private final TicketState state;
  private final Instant calledAt;
  private final String desk;
  private final int recalls;
  private final Instant startedAt;
  private final Instant endedAt;
  private final Instant postponedUntil;

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
        null, state, calledAt, desk, recalls, startedAt, endedAt, postponedUntil);
  }

  private Ticket(QueueEvent.TicketIssued issue, Placement moved, TicketState state, Instant calledAt,
      String desk, int recalls, Instant startedAt, Instant endedAt, Instant postponedUntil) {
    this.issue = issue;
    this.moved = moved;
    this.state = state;
    this.calledAt = calledAt;
    this.desk = desk;
    this.recalls = recalls;
    this.startedAt = startedAt;
    this.endedAt = endedAt;
    this.postponedUntil = postponedUntil;
  }

  /** The ticket as the event issued it: waiting in the event's line, never called. */
  public static Ticket issuedBy(QueueEvent.TicketIssued event) {
    return new Ticket(event, null, TicketState.WAITING, null, null, 0, null, null, null);
  }

  /**
   * This ticket with another lifecycle part; what it was issued as (id, day, service, number,
   * display, origin, categories, person, booking, issue time, parent, return service) is shared.
   */
  public Ticket withLifecycle(String line, long joinSeq, TicketState state, Instant calledAt, String desk,
      int recalls, Instant startedAt, Instant endedAt, Instant postponedUntil) {
    return new Ticket(issue, placement(issue, moved, line, joinSeq), state, calledAt, desk, recalls, startedAt,
        endedAt, postponedUntil);
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
    Placement m = moved;
    return m == null ? issue.line() : m.line();
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
    Placement m = moved;
    return m == null ? issue.joinSeq() : m.joinSeq();
  }

  public TicketState state() {
    return state;
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
    return recalls;
  }

  public Instant startedAt() {
    return startedAt;
  }

  public Instant endedAt() {
    return endedAt;
  }

  public Instant postponedUntil() {
    return postponedUntil;
  }

  public long parentId() {
    return issue.parentId();
  }

  public String returnTo() {
    return issue.returnTo();
  }

  /** True if a desk can still call it. */
  public boolean isWaiting() {
    return state == TicketState.WAITING;
  }

  private Object[] components() {
    return new Object[] {id(), day(), service(), number(), display(), origin(), line(), categories(), personId(),
        bookingId(), bookedFor(), joinSeq(), state, issuedAt(), calledAt, desk, recalls, startedAt, endedAt,
        postponedUntil, parentId(), returnTo()};
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
