package dev.talon.queue;

import java.util.Set;

/**
 * A request for a walk-in (or remote) ticket.
 *
 * @param service    the service code
 * @param origin     {@link Origin#WALK_IN} or {@link Origin#REMOTE}
 * @param categories attributes for classification rules; may be empty
 * @param personId   the visitor's person id for per-person admission checks; null when unknown
 * @param requestId  an idempotency key: a retry with the same id returns the same ticket; null for none
 */
public record IssueRequest(String service, Origin origin, Set<String> categories, String personId, String requestId) {
  public IssueRequest {
    Checks.notBlank("service code", service);
    Checks.notNull("origin", origin);
    if (origin != Origin.WALK_IN && origin != Origin.REMOTE) {
      throw new InvalidRequestException(
          "an issued ticket's origin must be WALK_IN or REMOTE (BOOKED comes from check-in), was " + origin);
    }
    if (categories == null) {
      categories = Set.of();
    } else {
      for (String c : categories) {
        Checks.notBlank("category", c); // before Set.copyOf, which throws a bare NPE on a null element
      }
      categories = Set.copyOf(categories);
    }
    Checks.optional("person id", personId);
    Checks.optional("request id", requestId);
  }

  /** A walk-in ticket for the service. */
  public static IssueRequest walkIn(String service) {
    return new IssueRequest(service, Origin.WALK_IN, Set.of(), null, null);
  }

  /** A remote (online) ticket for the service. */
  public static IssueRequest remote(String service) {
    return new IssueRequest(service, Origin.REMOTE, Set.of(), null, null);
  }

  public IssueRequest withRequestId(String id) {
    return new IssueRequest(service, origin, categories, personId, id);
  }

  public IssueRequest withPerson(String id) {
    return new IssueRequest(service, origin, categories, id, requestId);
  }

  public IssueRequest withCategories(String... values) {
    return new IssueRequest(service, origin, Set.of(values), personId, requestId);
  }
}
