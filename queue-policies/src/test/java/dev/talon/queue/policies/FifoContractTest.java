package dev.talon.queue.policies;

import dev.talon.queue.policies.contract.PolicyContract;
import dev.talon.queue.spi.Policy;

class FifoContractTest extends PolicyContract {
  @Override
  protected Policy<?> policy() {
    return Policies.fifo();
  }
}
