package dev.talon.queue.spi;

import java.util.Objects;
import java.util.function.Function;

/**
 * A gate run before a ticket is issued, a place booked or a booking checked in (health status,
 * identity, per-person limits, ban list, occupancy cap). It runs outside the lock-free core and
 * may call out to other systems; a refusal carries a reason that the kiosk shows.
 */
@FunctionalInterface
public interface AdmissionCheck {

  /** Admits or refuses the request. */
  AdmissionDecision check(AdmissionRequest request);

  /** The name shown in refusals. */
  default String name() {
    return getClass().getSimpleName();
  }

  /** A check with a name, from a function (e.g. the embedding app's health-status lookup). */
  static AdmissionCheck named(String name, Function<AdmissionRequest, AdmissionDecision> check) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(check, "check");
    return new AdmissionCheck() {
      @Override
      public AdmissionDecision check(AdmissionRequest request) {
        return check.apply(request);
      }

      @Override
      public String name() {
        return name;
      }
    };
  }
}
