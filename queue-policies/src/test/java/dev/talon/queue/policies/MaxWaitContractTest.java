package dev.talon.queue.policies;

import dev.talon.queue.policies.contract.PolicyContract;
import dev.talon.queue.spi.Policy;

/** The example: one 45-minute limit around 3 booked : 1 walk-in; declares the ratio's bound. */
class MaxWaitContractTest extends PolicyContract {
  @Override
  protected Policy<?> policy() {
    return Policies.fromJson("""
        {"type": "max-wait", "limit": "PT45M", "inner": {"type": "ratio", "weights": {"booked": 3, "walk-in": 1}}}
        """);
  }
}
