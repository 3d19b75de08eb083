package dev.talon.queue.policies;

import dev.talon.queue.policies.contract.PolicyContract;
import dev.talon.queue.policies.contract.PolicyTestKit;
import dev.talon.queue.policies.contract.PolicyTestKit.Run;
import dev.talon.queue.policies.contract.PolicyTestKit.Scenario;
import dev.talon.queue.spi.Policy;
import java.util.Optional;

/** FIFO until 09:00, then 3 booked : 1 walk-in, then strict priority from 11:00 (random days cross both). */
class ScheduleContractTest extends PolicyContract {
  @Override
  protected Policy<?> policy() {
    return Policies.fromJson("""
        {"type": "schedule", "steps": [
          {"policy": {"type": "fifo"}},
          {"from": "2026-03-02T09:00:00Z", "policy": {"type": "ratio", "weights": {"booked": 3, "walk-in": 1}}},
          {"from": "2026-03-02T11:00:00Z", "policy": {"type": "priority", "order": ["booked", "walk-in"]}}]}
        """);
  }

  /** The starvation happens under the last step, strict priority: the bursts, played after 11:00. */
  @Override
  protected Optional<Scenario> starvation(int k) {
    for (Scenario s : PolicyTestKit.bursts(k)) {
      Scenario late = PolicyTestKit.later(s, 185);
      Run run = new Run(late, policy());
      run.playAll();
      if (run.worstBypass() > k) {
        return Optional.of(late);
      }
    }
    return Optional.empty();
  }
}
