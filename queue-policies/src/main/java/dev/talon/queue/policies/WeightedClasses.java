package dev.talon.queue.policies;

import dev.talon.queue.spi.DispatchView;
import dev.talon.queue.spi.LineView;
import dev.talon.queue.spi.Policy;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The line classes of a weighted policy, numbered in configuration order, and the per-desk state
 * map both weighted policies keep. A line of a class without a weight (left from a previous
 * policy after a switch) counts as the fallback class: {@code walk-in} when it has a weight, else
 * the last class listed.
 */
final class WeightedClasses {
  final String[] names;
  private final Map<String, Integer> index = new HashMap<>();
  private final int fallback;

  WeightedClasses(Set<String> classes) {
    this.names = classes.toArray(new String[0]);
    for (int i = 0; i < names.length; i++) {
      index.put(names[i], i);
    }
    this.fallback = index.getOrDefault(Policy.WALK_IN, names.length - 1);
  }

  int size() {
    return names.length;
  }

  int of(String lineClass) {
    Integer i = index.get(lineClass);
    return i == null ? fallback : i;
  }

  /** Which classes have a waiting ticket in the view. */
  boolean[] present(List<LineView> lines) {
    boolean[] p = new boolean[names.length];
    // by index: a view's list is random access, and an iterator would be garbage on every call
    for (int at = 0, n = lines.size(); at < n; at++) {
      LineView l = lines.get(at);
      p[of(l.lineClass())] = true;
    }
    return p;
  }

  /** The earliest-joined head among the lines of class {@code c}. */
  LineView earliestOf(List<LineView> lines, int c) {
    LineView best = null;
    // by index: a view's list is random access, and an iterator would be garbage on every call
    for (int at = 0, n = lines.size(); at < n; at++) {
      LineView l = lines.get(at);
      if (of(l.lineClass()) == c && (best == null || l.head().joinSeq() < best.head().joinSeq())) {
        best = l;
      }
    }
    return best;
  }

  void requireCovered(Set<String> produced, String path, List<String> unused) {
    Configured.requireCovered(produced, new LinkedHashSet<>(List.of(names)), path, "weight", unused);
  }

  /** The state of the calling desk in a per-desk map, or {@code initial} when it has none yet. */
  static <T> T ofDesk(Map<String, T> desks, DispatchView<?> view, T initial) {
    T t = desks.get(view.desk().id());
    return t == null ? initial : t;
  }

  /**
   * A copy of the per-desk map with the calling desk's state replaced: an immutable map built from
   * an array of entries, not a HashMap copy with its table and nodes, since a weighted policy
   * replaces it on every call (one or two desks: a few dozen bytes instead of a few hundred).
   * Iteration order does not matter: the state codec writes desks in id order.
   */
  @SuppressWarnings("unchecked")
  static <T> Map<String, T> withDesk(Map<String, T> desks, DispatchView<?> view, T value) {
    String id = view.desk().id();
    int n = desks.size();
    if (n == 0 || n == 1 && desks.containsKey(id)) {
      return Map.of(id, value);
    }
    if (n == 1 || n == 2 && desks.containsKey(id)) { // one other desk, then this one: no entry objects
      for (String other : desks.keySet()) {
        if (!other.equals(id)) {
          return Map.of(other, desks.get(other), id, value);
        }
      }
    }
    Map.Entry<String, T>[] entries = new Map.Entry[desks.containsKey(id) ? n : n + 1];
    int at = 0;
    for (Map.Entry<String, T> e : desks.entrySet()) {
      if (!e.getKey().equals(id)) {
        entries[at++] = e;
      }
    }
    entries[at] = Map.entry(id, value);
    return Map.ofEntries(entries);
  }
}
