package dev.talon.queue.spi;

import java.time.Duration;
import java.time.ZoneId;

/**
 * The built-in admission checks. Each is also a {@link QueueListener}: it keeps its counts from
 * the branch's committed events (and its stored history when the branch opens), and
 * {@link dev.talon.queue.Talon#admissionCheck} registers it as a listener for you. A request
 * without a person id passes the per-person checks (there is nobody to count).
 *
 * <p>Checks run before the engine's lock-free step, on counts of committed events, so two
 * requests of one person at the same instant can both pass; limits are therefore exact for
 * requests that arrive one after another, as they do at a kiosk.
 */
public final class AdmissionChecks {
  private AdmissionChecks() {}

  /**
   * At most {@code max} bookings per person within any {@code period} (by booking time; cancelled
   * bookings do not count), e.g. one booking per 10 days.
   */
  public static AdmissionCheck bookingsPerPerson(int max, Duration period) {
    return PersonLimits.bookings(max, period);
  }

  /** At most {@code max} tickets per person per branch-local day in {@code zone}, e.g. two services a day. */
  public static AdmissionCheck ticketsPerPersonPerDay(int max, ZoneId zone) {
    return PersonLimits.ticketsPerDay(max, zone);
  }

  /**
   * At most {@code max} visitors inside: tickets issued in the building (walk-in, checked-in,
   * transferred) that have not ended. Refuses issue and check-in at the cap; remote tickets do not
   * count until their holder checks in.
   */
  public static AdmissionCheck occupancyCap(int max) {
    return PersonLimits.occupancy(max);
  }

  /**
   * A ban list with expiry: persons banned by hand with {@link BanList#ban}, and automatically for
   * {@code banFor} after {@code noShows} no-shows within {@code window} (0 no-shows: never automatic).
   */
  public static BanList banList(int noShows, Duration window, Duration banFor) {
    return new BanList(noShows, window, banFor);
  }
}
