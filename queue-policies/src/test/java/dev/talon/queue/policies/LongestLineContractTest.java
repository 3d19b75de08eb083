package dev.talon.queue.policies;

import dev.talon.queue.policies.contract.PolicyContract;
import dev.talon.queue.spi.Policy;

/** A third-party type, found through ServiceLoader, keeps the same contract. */
class LongestLineContractTest extends PolicyContract {
  @Override
  protected Policy<?> policy() {
    return Policies.fromJson("{\"type\": \"longest-line\", \"inner\": {\"type\": \"fifo\"}}");
  }
}
