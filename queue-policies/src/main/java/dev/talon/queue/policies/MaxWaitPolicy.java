package dev.talon.queue.policies;

import dev.talon.queue.spi.Bypass;
import dev.talon.queue.spi.DispatchView;
import dev.talon.queue.spi.LineView;
import dev.talon.queue.spi.Policy;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/*
 * Maximum-wait escalation (Qmatic's "waiting over X minutes -> call this queue"), a guard around
 * any other policy.
 *
 * Rule. A head is overdue when it has waited (since issue or check-in) longer than its class's
 * limit. If any head the desk sees is overdue, the desk calls the most overdue one (earliest
 * issue + limit, then earliest joined); otherwise the inner policy decides. An escalated call does
 * not touch the inner policy's state: escalations are outside its ratio, and its schedule resumes
 * where it stood.
 *
 * Bound. With one limit for every class, the overdue tickets are exactly those issued before
 * now - limit, an initial segment of the join order. If a ticket that joined after T is overdue,
 * so is the head of T's line, and the escalation calls the earliest-joined overdue head, which
 * joined no later than T. Escalations never bypass anyone, and the inner policy's calls are the
 * ones its own bound covers (its state moves only on its own calls), so the guard declares the
 * inner bound. With different limits per class, a class with a shorter limit can overtake T for
 * (T's limit - its limit) after T arrived, any number of times: unbounded in count, and declared
 * so.
 */
final class MaxWaitPolicy extends DelegatingPolicy {
  private final Duration limit;
  private final Map<String, Duration> limits;
  private final boolean uniform;

  /** The limits as validated by {@link PolicyConfig.MaxWait}. */
  MaxWaitPolicy(Duration limit, Map<String, Duration> limits, Policy<?> inner) {
    super(inner, ".inner");
    this.limit = limit;
    this.limits = limits;
    this.uniform = limits.values().stream().allMatch(limit::equals);
  }

  @Override
  public String name() {
    return "max-wait";
  }

  /** The most overdue head in the view, or null when nobody is overdue. */
  LineView mostOverdue(DispatchView<?> view) {
    Instant now = view.now();
    return Heads.earliestBy(view.lines(), l -> {
      Instant due = l.head().issuedAt().plus(limits.getOrDefault(l.lineClass(), limit));
      return now.isAfter(due) ? due : null;
    });
  }

  @Override
  public LineView select(DispatchView<Object> view) {
    LineView overdue = mostOverdue(view);
    return overdue != null ? overdue : inner.select(view);
  }

  @Override
  public Object afterCall(DispatchView<Object> view, LineView chosen) {
    return mostOverdue(view) != null ? view.state() : inner.afterCall(view, chosen);
  }

  /** The inner bound with one limit for all classes; unbounded with per-class limits. */
  @Override
  public Bypass bypass() {
    return uniform ? inner.bypass() : Bypass.unbounded();
  }

  @Override
  public PolicyConfig config() {
    return new PolicyConfig.MaxWait(limit, limits, Configured.configOf(inner));
  }
}
