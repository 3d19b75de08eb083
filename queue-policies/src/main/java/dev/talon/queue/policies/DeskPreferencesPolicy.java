package dev.talon.queue.policies;

import dev.talon.queue.spi.Bypass;
import dev.talon.queue.spi.DispatchView;
import dev.talon.queue.spi.LineView;
import dev.talon.queue.spi.Policy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/*
 * Desk preferences (QSystem's per-operator coefficients): each desk ranks the services it serves
 * as preferred, normal (the default), leftovers or exclude.
 *
 * Rule. The desk keeps only the lines of its best tier that has a waiting ticket and lets the
 * inner policy choose among them, with a view of just those lines; the inner state moves as the
 * inner policy says. A policy cannot refuse a call, so "exclude" is the last tier rather than a
 * ban (a ban is leaving the service out of the desk's services).
 *
 * Bound: the inner policy's when no preference other than "normal" is set (the view is then
 * never narrowed); otherwise unbounded: a ticket of a leftovers service is called by that desk
 * only when its home services run dry, which may be never. Other desks still serve it on their
 * own terms.
 */
final class DeskPreferencesPolicy extends DelegatingPolicy {
  private final Map<String, Map<String, DeskPreference>> desks;
  private final boolean narrows;

  /** The preferences as validated by {@link PolicyConfig.DeskPreferences}. */
  DeskPreferencesPolicy(Map<String, Map<String, DeskPreference>> desks, Policy<?> inner) {
    super(inner, ".inner");
    this.desks = desks;
    this.narrows = desks.values().stream().flatMap(m -> m.values().stream()).anyMatch(p -> p != DeskPreference.NORMAL);
  }

  @Override
  public String name() {
    return "desk-preferences";
  }

  private DeskPreference preference(String desk, String service) {
    Map<String, DeskPreference> prefs = desks.get(desk);
    return prefs == null ? DeskPreference.NORMAL : prefs.getOrDefault(service, DeskPreference.NORMAL);
  }

  /** The view narrowed to the desk's best tier with a waiting ticket (the same view if all share it). */
  DispatchView<Object> tier(DispatchView<Object> view) {
    Map<String, DeskPreference> prefs = desks.get(view.desk().id());
    if (prefs == null) {
      return view;
    }
    DeskPreference best = null;
    boolean mixed = false;
    // by index: a view's list is random access, and an iterator would be garbage on every call
    for (int at = 0, n = view.lines().size(); at < n; at++) {
      LineView l = view.lines().get(at);
      DeskPreference p = preference(view.desk().id(), l.service());
      if (best != null && p != best) {
        mixed = true;
      }
      if (best == null || p.compareTo(best) < 0) {
        best = p;
      }
    }
    if (!mixed) {
      return view;
    }
    List<LineView> kept = new ArrayList<>();
    // by index: a view's list is random access, and an iterator would be garbage on every call
    for (int at = 0, n = view.lines().size(); at < n; at++) {
      LineView l = view.lines().get(at);
      if (preference(view.desk().id(), l.service()) == best) {
        kept.add(l);
      }
    }
    return Heads.View.of(view, List.copyOf(kept), view.state());
  }

  @Override
  public LineView select(DispatchView<Object> view) {
    return inner.select(tier(view));
  }

  @Override
  public Object afterCall(DispatchView<Object> view, LineView chosen) {
    return inner.afterCall(tier(view), chosen);
  }

  @Override
  public Bypass bypass() {
    return narrows ? Bypass.unbounded() : inner.bypass();
  }

  @Override
  public PolicyConfig config() {
    return new PolicyConfig.DeskPreferences(desks, Configured.configOf(inner));
  }
}
