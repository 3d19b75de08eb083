package dev.talon.queue.spi;

import dev.talon.queue.Origin;
import java.time.Instant;
import java.util.Set;

/**
 * What a policy knows about a ticket when it classifies it into a line. The engine hands
 * {@link Policy#classify} a view that is valid only during that call (it refills one object for
 * every ticket, so issuing allocates none): keep what you need, not the facts.
 */
public interface TicketFacts {

  /** The service code. */
  String service();

  /** Walk-in, booked, transferred or remote. */
  Origin origin();

  /** Attributes such as {@code disabled} or {@code elderly}; never null. */
  Set<String> categories();

  /** The person id, or null. */
  String personId();

  /** True for a booking that checked in after the late check-in limit. */
  boolean late();

  /** The booked window's start for a booked ticket, else null. */
  Instant bookedStart();

  /** The time of issue or check-in. */
  Instant at();

  /** Facts of fixed values, for tests and for policies that classify on behalf of others. */
  static TicketFacts of(
      String service, Origin origin, Set<String> categories, String personId, boolean late, Instant bookedStart,
      Instant at) {
    return new FixedTicketFacts(service, origin, Set.copyOf(categories), personId, late, bookedStart, at);
  }
}
