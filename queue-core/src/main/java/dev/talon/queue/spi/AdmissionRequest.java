package dev.talon.queue.spi;

import dev.talon.queue.Origin;
import java.time.Instant;
import java.util.Set;

/**
 * What an admission check is asked about.
 *
 * @param kind       issue, book or check-in
 * @param branchId   the branch
 * @param service    the service code
 * @param origin     walk-in or remote for an issue, booked for a check-in, null for a booking
 * @param personId   the visitor's person id, or null when unknown
 * @param categories the visitor's categories
 * @param at         the branch clock's time
 */
public record AdmissionRequest(Kind kind, String branchId, String service, Origin origin, String personId, Set<String> categories, Instant at) {

  /** The operation being admitted. */
  public enum Kind {
    ISSUE,
    BOOK,
    CHECK_IN
  }

  public AdmissionRequest {
    categories = Set.copyOf(categories);
  }
}
