package dev.talon.queue.policies;

import dev.talon.queue.Ticket;
import dev.talon.queue.spi.Bypass;
import dev.talon.queue.spi.DispatchView;
import dev.talon.queue.spi.LineView;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Set;

/*
 * Earliest deadline first by a per-class service-level target ("booked within 10 minutes,
 * walk-ins within 45").
 *
 * Rule. A ticket's wait starts at its issue (check-in) time, or for a booked ticket that checked
 * in early, at its booked start; its deadline is that start plus its class's target. The desk
 * calls the head with the earliest deadline, the earliest-joined on a tie. A line of a class
 * without a target (left from a previous policy after a switch) gets the largest target.
 * Linear aging - priority growing with the wait from a per-class head start - is the same rule:
 * a head start of h is a target of (largest head start - h).
 *
 * Bound: unbounded in count, bounded in time. A ticket U that joined after T is called before T
 * only if U's deadline is earlier, that is U started waiting less than target(T) - target(U)
 * after T; so nobody who arrives later than (largest target - smallest target) after T is called
 * before it, but within that window any number may be.
 */
final class DeadlinePolicy extends LeafPolicy<Void> {
  private final PolicyConfig.Deadline config;
  private final Duration fallback;

  DeadlinePolicy(PolicyConfig.Deadline config) {
    super(config, Bypass.unbounded());
    this.config = config;
    this.fallback = Collections.max(config.targets().values());
  }

  /** When the head must be served by. */
  Instant deadline(LineView line) {
    Ticket t = line.head();
    Instant since = Heads.booked(t) && t.bookedFor().isAfter(t.issuedAt()) ? t.bookedFor() : t.issuedAt();
    return since.plus(config.targets().getOrDefault(line.lineClass(), fallback));
  }

  @Override
  public LineView select(DispatchView<Void> view) {
    return Heads.earliestBy(view.lines(), this::deadline);
  }

  @Override
  public void checkClasses(Set<String> produced, String path, java.util.List<String> unused) {
    Configured.requireCovered(produced, config.targets().keySet(), path + ".targets", "target", unused);
  }
}
