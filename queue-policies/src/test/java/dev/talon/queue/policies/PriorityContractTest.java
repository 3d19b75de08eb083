package dev.talon.queue.policies;

import dev.talon.queue.policies.contract.PolicyContract;
import dev.talon.queue.spi.Policy;

/** Strict priority privileged > booked > walk-in (QSystem's rule). */
class PriorityContractTest extends PolicyContract {
  @Override
  protected Policy<?> policy() {
    return Policies.fromJson("""
        {"type": "priority", "order": ["privileged", "booked", "walk-in"],
         "classify": {"rules": [{"categories": ["disabled", "elderly", "pregnant", "veteran"], "line": "privileged"}]}}
        """);
  }
}
