package dev.talon.queue.testkit;

import dev.talon.queue.Branch;
import dev.talon.queue.Desk;
import dev.talon.queue.Limits;
import dev.talon.queue.OpeningHours;
import dev.talon.queue.Service;
import dev.talon.queue.SlotCalendar;
import dev.talon.queue.Talon;
import dev.talon.queue.spi.AdmissionCheck;
import dev.talon.queue.spi.AdmissionDecision;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.Policy;
import dev.talon.queue.spi.QueueClock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.function.LongFunction;

/**
 * One branch configuration for generated tests: everything the builder takes, plus the clock's
 * start and an optional ban-list admission check (it refuses one person id at issue, booking and
 * check-in). The same scenario builds the engine and the {@link ReferenceModel}.
 *
 * @param bannedPerson the person id the {@value #BAN_CHECK} check refuses; null for no check
 */
public record Scenario(
    String branchId,
    ZoneId zone,
    OpeningHours hours,
    List<Service> services,
    List<Desk> desks,
    SlotCalendar slots,
    Limits limits,
    Policy<?> policy,
    Instant start,
    String bannedPerson,
    Duration clockTolerance) {

  /** The name of the ban-list admission check. */
  public static final String BAN_CHECK = "ban-list";

  public Scenario {
    services = List.copyOf(services);
    desks = List.copyOf(desks);
  }

  /** The builder of this branch on the given store and clock. */
  public Talon builder(EventStore store, QueueClock clock) {
    Talon t = Talon.newBranch(branchId).zone(zone).openingHours(hours).slots(slots).limits(limits).policy(policy)
        .store(store).clock(clock).clockTolerance(clockTolerance);
    services.forEach(t::service);
    desks.forEach(t::desk);
    if (bannedPerson != null) {
      t.admissionCheck(banCheck(bannedPerson));
    }
    return t;
  }

  /** Builds (or recovers, when the store has history) the branch. */
  public Branch open(EventStore store, QueueClock clock) {
    return builder(store, clock).build();
  }

  /** The reference model of this branch, with the reference twin of the scenario's policy. */
  public ReferenceModel model(LongFunction<String> codes) {
    return new ReferenceModel(this, ReferencePolicies.twinOf(policy), codes);
  }

  /** The same scenario with another policy (e.g. one from queue-policies). */
  public Scenario withPolicy(Policy<?> other) {
    return new Scenario(branchId, zone, hours, services, desks, slots, limits, other, start, bannedPerson,
        clockTolerance);
  }

  /** The services' codes in the order the builder got them. */
  public List<String> serviceCodes() {
    return services.stream().map(Service::code).toList();
  }

  /** A check that refuses one person id and admits everyone else. */
  public static AdmissionCheck banCheck(String person) {
    return AdmissionCheck.named(BAN_CHECK, r -> person.equals(r.personId())
        ? AdmissionDecision.refuse("person " + person + " is on the ban list")
        : AdmissionDecision.admit());
  }
}
