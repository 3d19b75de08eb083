package dev.talon.queue.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@link Balance} driven the way {@link BranchNode} drives it: nodes take turns in a random order,
 * each reading the current leases, releasing or acquiring as its plan says, until nothing changes.
 */
class BalanceTest {

  /** The leases (branch to owner; absent = free) and the live nodes with their capacities. */
  private static final class Cluster {
    final List<String> branches = new ArrayList<>();
    final Map<String, String> owner = new HashMap<>();
    final Map<String, Integer> nodes = new TreeMap<>();
    int moves;

    Cluster(int n) {
      for (int i = 0; i < n; i++) {
        branches.add("b" + i);
      }
    }

    int held(String node) {
      return (int) owner.values().stream().filter(node::equals).count();
    }

    Map<String, Integer> counts() {
      Map<String, Integer> c = new LinkedHashMap<>();
      nodes.keySet().forEach(n -> c.put(n, held(n)));
      return c;
    }

    /** One node's turn, as BranchNode.balance() does it; true if it changed anything. */
    boolean turn(String me) {
      List<Nodes.Live> live = new ArrayList<>();
      nodes.forEach((id, cap) -> live.add(new Nodes.Live(id, id, held(id), cap)));
      List<String> free = branches.stream().filter(b -> !owner.containsKey(b)).toList();
      List<String> mine = branches.stream().filter(b -> me.equals(owner.get(b))).toList();
      Balance.Plan plan = Balance.plan(me, mine.size(), live, branches.size(), free.size());
      if (plan.release() > 0) {
        List<String> ordered = Balance.byPreference(me, mine);
        for (String b : ordered.subList(ordered.size() - plan.release(), ordered.size())) {
          owner.remove(b);
        }
        return true;
      }
      boolean changed = false;
      for (String b : Balance.byPreference(me, free)) {
        if (held(me) >= plan.target()) {
          break;
        }
        owner.put(b, me);
        moves++;
        changed = true;
      }
      return changed;
    }

    void settle(Random r) {
      for (int round = 0; round < 200; round++) {
        List<String> order = new ArrayList<>(nodes.keySet());
        Collections.shuffle(order, r);
        boolean changed = false;
        for (String n : order) {
          changed |= turn(n);
        }
        if (!changed) {
          return;
        }
      }
      throw new AssertionError("no steady state after 200 rounds: " + counts());
    }

    void leave(String node) {
      nodes.remove(node);
      owner.values().removeIf(node::equals);
    }
  }

  private static void assertWithinOne(Cluster c) {
    int n = c.branches.size();
    int k = c.nodes.size();
    assertThat(c.owner).as("every branch owned").hasSize(n);
    assertThat(c.counts().values()).as("counts of %d branches on %d nodes", n, k)
        .allMatch(h -> h >= n / k && h <= (n + k - 1) / k);
  }

  @Test
  void join_fourthNodeOnThirty_takesExactlySeven() {
    Random r = new Random(1);
    Cluster c = new Cluster(30);
    for (String n : List.of("a", "b", "c")) {
      c.nodes.put(n, Integer.MAX_VALUE);
    }
    c.settle(r);
    assertThat(c.counts().values()).containsOnly(10);
    c.moves = 0;
    c.nodes.put("d", Integer.MAX_VALUE);
    c.settle(r);
    assertWithinOne(c);
    assertThat(c.moves).isEqualTo(7);
    assertThat(c.held("d")).isEqualTo(7);
  }

  @Test
  void leave_withCapacities_theBigNodeTakesWhatTheSmallOneCannot() {
    Cluster c = new Cluster(6);
    c.nodes.put("a", 2);
    c.nodes.put("b", 2);
    c.nodes.put("c", 4);
    c.settle(new Random(2));
    assertThat(c.counts()).containsValues(2, 2, 2);
    c.leave("a");
    c.moves = 0;
    c.settle(new Random(3));
    assertThat(c.counts()).containsEntry("b", 2).containsEntry("c", 4);
    assertThat(c.moves).isEqualTo(2);
  }

  @Test
  void joinOrLeave_anySizes_endsWithinOne_movingOnlyTheNewShares() {
    qt().withExamples(300).forAll(integers().between(1, 120), integers().between(1, 7), integers().allPositive())
        .checkAssert((n, k, seed) -> {
          Random r = new Random(seed);
          Cluster c = new Cluster(n);
          for (int i = 0; i < k; i++) {
            c.nodes.put("n" + i, Integer.MAX_VALUE);
          }
          c.settle(r);
          assertWithinOne(c);
          c.moves = 0;
          if (r.nextBoolean() || k == 1) {
            c.nodes.put("new", Integer.MAX_VALUE);
            c.settle(r);
            assertWithinOne(c);
            assertThat(c.moves).as("moves on join of %d branches to %d nodes", n, k).isEqualTo(c.held("new"));
          } else {
            String gone = "n" + r.nextInt(k);
            int had = c.held(gone);
            c.leave(gone);
            c.settle(r);
            assertWithinOne(c);
            assertThat(c.moves).as("moves on leave of %d branches from %d nodes", n, k).isEqualTo(had);
          }
        });
  }
}
