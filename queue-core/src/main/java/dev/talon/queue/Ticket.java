package dev.talon.queue;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Set;

/**
 * A snapshot of a visitor's place in the queue. Tickets are immutable values: every transition
 * produces a new snapshot, and the engine hands out the current one.
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
public record Ticket(
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

  public Ticket {
    categories = Set.copyOf(categories);
  }

  /** True if a desk can still call it. */
  public boolean isWaiting() {
    return state == TicketState.WAITING;
  }
}
