package dev.talon.queue.policies;

import dev.talon.queue.policies.contract.PolicyContract;
import dev.talon.queue.spi.Policy;

class DeadlineContractTest extends PolicyContract {
  @Override
  protected Policy<?> policy() {
    return Policies.fromJson("""
        {"type": "deadline", "targets": {"booked": "PT10M", "privileged": "PT15M", "walk-in": "PT45M"},
         "classify": {"rules": [{"categories": ["disabled", "elderly", "pregnant", "veteran"], "line": "privileged"}]}}
        """);
  }
}
