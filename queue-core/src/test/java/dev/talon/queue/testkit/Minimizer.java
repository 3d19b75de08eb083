package dev.talon.queue.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Shrinks a failing command sequence by delta debugging: it removes chunks of halving size (half
 * the sequence, a quarter, ..., single commands) as long as the property still fails, and reports
 * the smallest sequence found with its failure. Plain Java, so it works under any property engine;
 * commands are resolved afresh on every attempt, so a shorter sequence is a real run, not a replay.
 */
public final class Minimizer {
  private Minimizer() {}

  /**
   * Runs the property; if it fails, shrinks the sequence and throws an {@link AssertionError} that
   * names the scenario, the smallest failing sequence and that sequence's failure.
   */
  public static <S, C> void check(S scenario, List<C> sequence, BiConsumer<S, List<C>> property) {
    AssertionError first = failure(scenario, sequence, property);
    if (first == null) {
      return;
    }
    List<C> smallest = new ArrayList<>(sequence);
    AssertionError smallestFailure = first;
    for (int chunk = Math.max(1, smallest.size() / 2); chunk >= 1; chunk /= 2) {
      for (int from = 0; from < smallest.size(); ) {
        List<C> candidate = new ArrayList<>(smallest.subList(0, from));
        candidate.addAll(smallest.subList(Math.min(smallest.size(), from + chunk), smallest.size()));
        AssertionError f = candidate.size() < smallest.size() ? failure(scenario, candidate, property) : null;
        if (f != null) {
          smallest = candidate;
          smallestFailure = f;
        } else {
          from += chunk;
        }
      }
    }
    StringBuilder sb = new StringBuilder("falsified; smallest failing sequence has ").append(smallest.size())
        .append(" of ").append(sequence.size()).append(" commands\nscenario: ").append(scenario).append("\ncommands:");
    for (int i = 0; i < smallest.size(); i++) {
      sb.append("\n  #").append(i).append(' ').append(smallest.get(i));
    }
    sb.append("\nfailure of the smallest sequence:\n").append(smallestFailure.getMessage());
    throw new AssertionError(sb.toString(), smallestFailure);
  }

  private static <S, C> AssertionError failure(S scenario, List<C> sequence, BiConsumer<S, List<C>> property) {
    try {
      property.accept(scenario, sequence);
      return null;
    } catch (AssertionError e) {
      return e;
    }
  }
}
