package dev.talon.queue.policies;

import dev.talon.queue.policies.contract.PolicyContract;
import dev.talon.queue.spi.Policy;

/** Per-class limits (privileged 15 minutes, others 45) around strict FIFO: declared unbounded. */
class MaxWaitPerClassContractTest extends PolicyContract {
  @Override
  protected Policy<?> policy() {
    return Policies.fromJson("""
        {"type": "max-wait", "limit": "PT45M", "limits": {"privileged": "PT15M"},
         "inner": {"type": "fifo"},
         "classify": {"rules": [{"categories": ["disabled", "elderly", "pregnant", "veteran"], "line": "privileged"}]}}
        """);
  }
}
