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
 * limit. If any head the desk sees is overdue, the desk escalates; otherwise the inner policy
 * decides. With one limit for every class the escalation calls in join order (the earliest-joined
 * head), which for tickets that waited since they joined is exactly the most overdue one; with
 * per-class limits it calls the most overdue head (earliest issue + limit, then earliest joined).
 * An escalated call does not touch the inner policy's state: escalations are outside its ratio,
 * and its round resumes where it stood.
 *
 * Bound. With one limit, an escalation calls the earliest-joined head the desk sees, which joined
 * no later than the head of T's line, so no later than T: escalations never bypass anyone, even
 * for tickets whose join order differs from their issue order (a transfer keeping its place, a
 * postponed ticket sent to the back). The inner policy's calls are the ones its own bound covers
 * (its state moves only on its own calls), so the guard declares the inner bound. With different
 * limits per class, a class with a shorter limit can overtake T for (T's limit - its limit) after
 * T arrived, any number of times: unbounded in count, and declared so.
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

  /** The line an escalation calls from, or null when no head the desk sees is overdue. */
  LineView escalation(DispatchView<?> view) {
    Instant now = view.now();
    if (uniform) {
      // one limit: any overdue head escalates to the earliest-joined head; no lambda, no Instant per call
      java.util.List<LineView> lines = view.lines();
      for (int at = 0, n = lines.size(); at < n; at++) {
        if (waitedLonger(lines.get(at).head().issuedAt(), now, limit)) {
          return Heads.earliest(lines);
        }
      }
      return null;
    }
    LineView mostOverdue = Heads.earliestBy(view.lines(), l -> {
      Instant due = l.head().issuedAt().plus(limits.getOrDefault(l.lineClass(), limit));
      return now.isAfter(due) ? due : null;
    });
    return mostOverdue == null || !uniform ? mostOverdue : Heads.earliest(view.lines());
  }

  /** now.isAfter(since.plus(limit)), without building the two Instants. */
  static boolean waitedLonger(Instant since, Instant now, Duration limit) {
    long s = now.getEpochSecond() - since.getEpochSecond() - limit.getSeconds();
    if (s > 2 || s < -2) {
      return s > 0; // the nanoseconds (each side under a second) cannot change the sign
    }
    return s * 1_000_000_000L + now.getNano() - since.getNano() - limit.getNano() > 0;
  }

  @Override
  public LineView select(DispatchView<Object> view) {
    LineView escalated = escalation(view);
    return escalated != null ? escalated : inner.select(view);
  }

  @Override
  public Object afterCall(DispatchView<Object> view, LineView chosen) {
    return escalation(view) != null ? view.state() : inner.afterCall(view, chosen);
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
