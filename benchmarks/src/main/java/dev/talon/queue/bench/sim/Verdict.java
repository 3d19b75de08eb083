package dev.talon.queue.bench.sim;

import dev.talon.queue.bench.sim.SimulationResult.ClassResult;
import dev.talon.queue.bench.sim.SimulationResult.PolicyResult;
import dev.talon.queue.spi.Policy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The answer to "which policy should my branch use?" on one scenario: the policies ranked on the
 * questions a branch manager asks, and one sentence per policy naming the trade it makes.
 * Waits count everyone who had a ticket; a wait cut short by leaving or by closing counts as its
 * length so far, and a percentile that such a censored wait may have pushed higher is marked "≥".
 *
 * @param serviceLevelMinutes the wait target of the "served within target" question
 * @param walkInClass         the class whose waits the walk-in questions read ({@code walk-in}, else {@code all})
 * @param questions           the questions, in table order
 * @param standings           one per policy, best first
 * @param summary             the verdict in one or two sentences
 */
public record Verdict(
    double serviceLevelMinutes, String walkInClass, List<Question> questions, List<Standing> standings,
    String summary) {

  public Verdict {
    questions = List.copyOf(questions);
    standings = List.copyOf(standings);
  }

  /** A question, and whether a higher answer is better. */
  public record Question(String key, String text, boolean higherIsBetter) {}

  /** One policy's answers: {@code answers[i]} answers {@code questions[i]}. */
  public record Standing(String label, int place, Double meanRank, List<Answer> answers, String trade) {
    public Standing {
      answers = List.copyOf(answers);
    }
  }

  /** An answer: its value (null: does not apply), as shown, and its rank among the policies (1 = best). */
  public record Answer(Double value, String shown, Integer rank) {}

  static Verdict of(List<PolicyResult> policies, double serviceLevelMinutes) {
    String walkIn = policies.stream().allMatch(p -> p.row(Policy.WALK_IN) != null) ? Policy.WALK_IN : "all";
    List<Question> qs = List.of(
        new Question("bookedOnTime", "booked visitors on time", true),
        new Question("walkInP95", walkIn + " p95 wait, everyone (min)", false),
        new Question("walkInP99", walkIn + " p99 wait, everyone (min)", false),
        new Question("servedShare", "share served", true),
        new Question("withinTarget", String.format(Locale.ROOT, "served within %s min", JsonCursor.format(
            serviceLevelMinutes)), true),
        new Question("waitedShare", "P(wait > 0)", false),
        new Question("bypassBound", "fairness: declared bypass bound", false));
    List<Function<PolicyResult, Double>> values = List.of(
        p -> p.row("all").onTimeShare(),
        p -> p.row(walkIn).everyoneP95(),
        p -> p.row(walkIn).everyoneP99(),
        p -> share(p.row("all").served(), p.row("all").arrived()),
        p -> p.row("all").withinTargetShare(),
        p -> p.row("all").waitedShare(),
        p -> p.bypassBound() < 0 ? Double.POSITIVE_INFINITY : (double) p.bypassBound());
    List<List<Answer>> answers = new ArrayList<>();
    for (PolicyResult p : policies) {
      List<Answer> row = new ArrayList<>();
      for (int q = 0; q < qs.size(); q++) {
        Double v = values.get(q).apply(p);
        row.add(new Answer(v == null || v.isInfinite() ? null : v, shown(qs.get(q).key(), p, walkIn), null));
      }
      answers.add(row);
    }
    for (int q = 0; q < qs.size(); q++) {
      for (int i = 0; i < policies.size(); i++) {
        Double v = values.get(q).apply(policies.get(i));
        if (v == null) {
          continue;
        }
        int rank = 1;
        for (PolicyResult other : policies) {
          Double o = values.get(q).apply(other);
          if (o != null && (qs.get(q).higherIsBetter() ? o > v + 1e-9 : o < v - 1e-9)) {
            rank++;
          }
        }
        Answer a = answers.get(i).get(q);
        answers.get(i).set(q, new Answer(a.value(), a.shown(), rank));
      }
    }
    List<Integer> order = new ArrayList<>();
    List<Double> meanRanks = new ArrayList<>();
    for (int i = 0; i < policies.size(); i++) {
      order.add(i);
      meanRanks.add(answers.get(i).stream().filter(a -> a.rank() != null).mapToInt(Answer::rank).average().orElse(
          Double.NaN));
    }
    order.sort(Comparator.comparingDouble((Integer i) -> meanRanks.get(i)).thenComparingInt(i -> i));
    List<Standing> standings = new ArrayList<>();
    for (int place = 0; place < order.size(); place++) {
      int i = order.get(place);
      double mr = meanRanks.get(i);
      standings.add(new Standing(policies.get(i).label(), place + 1, Double.isNaN(mr) ? null : ClassTally.round(mr),
          answers.get(i), trade(policies.get(i), policies, walkIn)));
    }
    return new Verdict(serviceLevelMinutes, walkIn, qs, standings, summary(standings, policies, walkIn, qs.size()));
  }

  private static Double share(int part, int whole) {
    return whole == 0 ? null : ClassTally.round((double) part / whole);
  }

  private static String shown(String key, PolicyResult p, String walkIn) {
    ClassResult all = p.row("all");
    ClassResult w = p.row(walkIn);
    return switch (key) {
      case "bookedOnTime" -> all.onTimeShare() == null ? "n/a" : pct(all.onTimeShare());
      case "walkInP95" -> min(w.everyoneP95(), w.everyoneP95AtLeast());
      case "walkInP99" -> min(w.everyoneP99(), w.everyoneP99AtLeast());
      case "servedShare" -> all.arrived() == 0 ? "n/a" : pct((double) all.served() / all.arrived());
      case "withinTarget" -> all.withinTargetShare() == null ? "n/a" : pct(all.withinTargetShare());
      case "waitedShare" -> all.waitedShare() == null ? "n/a" : pct(all.waitedShare());
      case "bypassBound" -> ResultTable.bound(p.bypassBound())
          + (all.bypassMax() == null ? "" : " (measured " + all.bypassMax() + ")");
      default -> throw new IllegalArgumentException("unknown question " + key);
    };
  }

  static String pct(double share) {
    return String.format(Locale.ROOT, "%.0f%%", share * 100);
  }

  static String min(Double minutes, boolean atLeast) {
    return minutes == null ? "n/a" : (atLeast ? "≥" : "") + String.format(Locale.ROOT, "%.0f", minutes);
  }

  private static String trade(PolicyResult p, List<PolicyResult> all, String walkIn) {
    Double onTime = p.row("all").onTimeShare();
    PolicyResult bestBooked = best(all, q -> q.row("all").onTimeShare(), true);
    PolicyResult bestWalkIn = best(all, q -> q.row(walkIn).everyoneP95(), false);
    ClassResult w = p.row(walkIn);
    String tail = walkIn + " p95 " + min(w.everyoneP95(), w.everyoneP95AtLeast()) + " min";
    String served = "serves " + pct((double) p.row("all").served() / Math.max(1, p.row("all").arrived()));
    String unbounded = p.bypassBound() < 0 ? "; it declares no bypass bound" : "";
    if (onTime == null || bestBooked == null) {
      return p.label() + ": " + tail + ", " + served + unbounded + ".";
    }
    String booked = pct(onTime) + " of bookings on time";
    String bookedShort = pct(onTime);
    boolean isBestBooked = onTime >= bestBooked.row("all").onTimeShare() - 1e-9;
    boolean isBestWalkIn = bestWalkIn == null || w.everyoneP95() <= bestWalkIn.row(walkIn).everyoneP95() + 1e-9;
    if (isBestBooked && isBestWalkIn) {
      return p.label() + " is best here for booked visitors and walk-ins alike: " + booked + ", " + tail + "; " + served
          + unbounded + ".";
    }
    if (isBestBooked) {
      ClassResult bw = bestWalkIn.row(walkIn);
      return p.label() + " keeps the most bookings on time (" + bookedShort + "); walk-ins pay for it: " + tail
          + " against " + min(bw.everyoneP95(), bw.everyoneP95AtLeast()) + " under " + bestWalkIn.label() + "; " + served
          + unbounded + ".";
    }
    if (isBestWalkIn) {
      return p.label() + " gives walk-ins the shortest tail (" + tail + ") and " + served + "; bookings pay for it: "
          + booked + " against " + pct(bestBooked.row("all").onTimeShare()) + " under " + bestBooked.label() + unbounded
          + ".";
    }
    for (PolicyResult q : all) {
      if (q != p && dominates(q, p, walkIn)) {
        return p.label() + ": " + booked + ", " + tail + ", " + served + "; " + q.label()
            + " does at least as well on all three, so this policy buys nothing on this scenario" + unbounded + ".";
      }
    }
    return p.label() + " sits between: " + booked + " (best " + pct(bestBooked.row("all").onTimeShare()) + " under "
        + bestBooked.label() + "), " + tail + " (best " + min(bestWalkIn.row(walkIn).everyoneP95(), false) + " under "
        + bestWalkIn.label() + "); " + served + unbounded + ".";
  }

  private static boolean dominates(PolicyResult q, PolicyResult p, String walkIn) {
    double qs = (double) q.row("all").served() / Math.max(1, q.row("all").arrived());
    double ps = (double) p.row("all").served() / Math.max(1, p.row("all").arrived());
    return q.row("all").onTimeShare() >= p.row("all").onTimeShare() - 1e-9
        && q.row(walkIn).everyoneP95() <= p.row(walkIn).everyoneP95() + 1e-9 && qs >= ps - 1e-9;
  }

  private static PolicyResult best(List<PolicyResult> all, Function<PolicyResult, Double> value, boolean higher) {
    PolicyResult best = null;
    for (PolicyResult p : all) {
      Double v = value.apply(p);
      if (v != null && (best == null || (higher ? v > value.apply(best) + 1e-9 : v < value.apply(best) - 1e-9))) {
        best = p;
      }
    }
    return best;
  }

  private static String summary(List<Standing> standings, List<PolicyResult> policies, String walkIn, int questions) {
    Standing first = standings.get(0);
    StringBuilder sb = new StringBuilder();
    if (standings.size() == 1) {
      return "One policy was run: " + first.label() + ".";
    }
    sb.append(String.format(Locale.ROOT, "On this scenario %s ranks first (mean rank %.1f over %d questions), then %s.",
        first.label(), first.meanRank() == null ? Double.NaN : first.meanRank(), questions, standings.get(1).label()));
    PolicyResult bestBooked = best(policies, q -> q.row("all").onTimeShare(), true);
    PolicyResult bestWalkIn = best(policies, q -> q.row(walkIn).everyoneP95(), false);
    if (bestBooked != null && bestWalkIn != null && bestBooked != bestWalkIn) {
      sb.append(" No policy wins both: ").append(bestBooked.label()).append(" keeps the most bookings on time (")
          .append(pct(bestBooked.row("all").onTimeShare())).append("), ").append(bestWalkIn.label())
          .append(" gives walk-ins the shortest p95 (")
          .append(min(bestWalkIn.row(walkIn).everyoneP95(), bestWalkIn.row(walkIn).everyoneP95AtLeast()))
          .append(" min).");
    }
    return sb.toString();
  }
}
