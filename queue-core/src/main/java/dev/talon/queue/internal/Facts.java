package dev.talon.queue.internal;

import dev.talon.queue.Origin;
import dev.talon.queue.spi.TicketFacts;
import java.time.Instant;
import java.util.Set;

/**
 * The writer's one {@link TicketFacts}, refilled for every classification (the SPI says facts are
 * valid only during the call), so issuing a ticket allocates no facts. Writer-owned: no other
 * thread sees it. Its string names no person id.
 */
final class Facts implements TicketFacts {
  private String service;
  private Origin origin;
  private Set<String> categories;
  private String personId;
  private boolean late;
  private Instant bookedStart;
  private Instant at;

  /** Refills these facts; categories must already be an unmodifiable set (requests and tickets hold one). */
  Facts set(String service, Origin origin, Set<String> categories, String personId, boolean late,
      Instant bookedStart, Instant at) {
    this.service = service;
    this.origin = origin;
    this.categories = categories;
    this.personId = personId;
    this.late = late;
    this.bookedStart = bookedStart;
    this.at = at;
    return this;
  }

  @Override
  public String service() {
    return service;
  }

  @Override
  public Origin origin() {
    return origin;
  }

  @Override
  public Set<String> categories() {
    return categories;
  }

  @Override
  public String personId() {
    return personId;
  }

  @Override
  public boolean late() {
    return late;
  }

  @Override
  public Instant bookedStart() {
    return bookedStart;
  }

  @Override
  public Instant at() {
    return at;
  }

  @Override
  public String toString() {
    return TicketFacts.of(service, origin, categories, personId, late, bookedStart, at).toString();
  }
}
