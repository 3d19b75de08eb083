package dev.talon.queue.spi;

import dev.talon.queue.Origin;
import java.time.Instant;
import java.util.Set;

/**
 * What a policy knows about a ticket when it classifies it into a line.
 *
 * @param service     the service code
 * @param origin      walk-in, booked, transferred or remote
 * @param categories  attributes such as {@code disabled} or {@code elderly}
 * @param personId    the person id, or null
 * @param late        true for a booking that checked in after the late check-in limit
 * @param bookedStart the booked window's start for a booked ticket, else null
 * @param at          the time of issue or check-in
 */
public record TicketFacts(
    String service, Origin origin, Set<String> categories, String personId, boolean late, Instant bookedStart, Instant at) {
  public TicketFacts {
    categories = Set.copyOf(categories);
  }
}
