package dev.talon.queue.policies;

import dev.talon.queue.policies.contract.PolicyContract;
import dev.talon.queue.spi.Policy;

/** 2.5 booked : 1 privileged : 0.5 walk-in, fractional weights through deficit round robin. */
class DeficitContractTest extends PolicyContract {
  @Override
  protected Policy<?> policy() {
    return Policies.fromJson("""
        {"type": "deficit", "weights": {"booked": 2.5, "privileged": 1, "walk-in": 0.5},
         "classify": {"rules": [{"categories": ["disabled", "elderly", "pregnant", "veteran"], "line": "privileged"}]}}
        """);
  }
}
