package dev.talon.queue.policies;

import dev.talon.queue.policies.contract.PolicyContract;
import dev.talon.queue.spi.Policy;

/** 3 booked : 1 privileged : 1 walk-in, with the four categories classified as privileged. */
class RatioContractTest extends PolicyContract {
  @Override
  protected Policy<?> policy() {
    return Policies.fromJson("""
        {"type": "ratio", "weights": {"booked": 3, "privileged": 1, "walk-in": 1},
         "classify": {"rules": [{"categories": ["disabled", "elderly", "pregnant", "veteran"], "line": "privileged"}]}}
        """);
  }
}
