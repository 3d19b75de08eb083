package dev.talon.queue.policies;

import dev.talon.queue.policies.contract.PolicyContract;
import dev.talon.queue.spi.Policy;

class BookedTimeContractTest extends PolicyContract {
  @Override
  protected Policy<?> policy() {
    return Policies.fromJson("{\"type\": \"booked-time\", \"lateLimit\": \"PT15M\"}");
  }
}
