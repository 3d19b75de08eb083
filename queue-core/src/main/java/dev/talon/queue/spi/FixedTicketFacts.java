package dev.talon.queue.spi;

import dev.talon.queue.Origin;
import java.time.Instant;
import java.util.Set;

/** {@link TicketFacts#of}: facts of fixed values. Its string names no person id. */
record FixedTicketFacts(
    String service, Origin origin, Set<String> categories, String personId, boolean late, Instant bookedStart,
    Instant at) implements TicketFacts {
  @Override
  public String toString() {
    return "TicketFacts[service=" + service + ", origin=" + origin + ", categories=" + categories
        + ", person=" + (personId == null ? "none" : "given") + ", late=" + late + ", bookedStart=" + bookedStart
        + ", at=" + at + "]";
  }
}
