package dev.talon.queue.policies;

import dev.talon.queue.policies.contract.PolicyContract;
import dev.talon.queue.spi.Policy;

/** Desk d1 prefers service a and takes c only as leftovers; d2 excludes a; inside a tier, 3:1. */
class DeskPreferencesContractTest extends PolicyContract {
  @Override
  protected Policy<?> policy() {
    return Policies.fromJson("""
        {"type": "desk-preferences",
         "desks": {"d1": {"a": "preferred", "c": "leftovers"}, "d2": {"a": "exclude"}},
         "inner": {"type": "ratio", "weights": {"booked": 3, "walk-in": 1}}}
        """);
  }
}
