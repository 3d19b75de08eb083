package dev.talon.queue.policies;

import dev.talon.queue.spi.Bypass;
import dev.talon.queue.spi.DispatchView;
import dev.talon.queue.spi.LineView;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Strict priority: the desk calls from the highest-ranked line class that has a waiting ticket,
 * the earliest-joined head among equals. Lines of a class the order does not rank (left from a
 * previous policy after a switch) come after every ranked class.
 *
 * <p>Bound: unbounded. A ticket of a lower class waits for as long as higher-class tickets keep
 * arriving; this is the honest price of strict priority (QSystem's behaviour), and the contract
 * test shows a case exceeding any given bound.
 */
final class PriorityPolicy extends LeafPolicy<Void> {
  private final PolicyConfig.Priority config;
  private final Map<String, Integer> rank = new HashMap<>();

  PriorityPolicy(PolicyConfig.Priority config) {
    super(config, Bypass.unbounded());
    this.config = config;
    for (int i = 0; i < config.order().size(); i++) {
      rank.put(config.order().get(i), i);
    }
  }

  @Override
  public LineView select(DispatchView<Void> view) {
    LineView best = null;
    int bestRank = Integer.MAX_VALUE;
    // by index: a view's list is random access, and an iterator would be garbage on every call
    for (int at = 0, n = view.lines().size(); at < n; at++) {
      LineView l = view.lines().get(at);
      int r = rank.getOrDefault(l.lineClass(), rank.size());
      if (best == null || r < bestRank || (r == bestRank && l.head().joinSeq() < best.head().joinSeq())) {
        best = l;
        bestRank = r;
      }
    }
    return best;
  }

  @Override
  public void checkClasses(Set<String> produced, String path, java.util.List<String> unused) {
    Configured.requireCovered(produced, new LinkedHashSet<>(config.order()), path + ".order", "rank", unused);
  }
}
