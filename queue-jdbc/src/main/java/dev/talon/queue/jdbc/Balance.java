package dev.talon.queue.jdbc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/*
 * How many branches one node should hold, computed alike by every node from one read of the
 * registry (the live nodes and their capacities) and of the lease table (what each node holds:
 * its live leases, exact at the read, unlike a count a node reports at its own heartbeat) -- a lease-table protocol with quotas, not a
 * hash that names each branch's owner. Why: rendezvous or consistent hashing only balances in
 * expectation (30 branches on 3 nodes land 7/10/13 as easily as 10/10/10), and a hash that is
 * forced to within-one balance (bounded loads) moves branches that did not need to move when the
 * node set changes. Counting instead: with n branches on live nodes of capacities c_i, the level
 * L is the least integer >= ceil(n/k) with sum(min(c_i, L)) >= n; node i may hold hi_i =
 * min(c_i, L) and must be given at least lo_i = min(c_i, L - 1). Without capacities that is
 * floor(n/k) or ceil(n/k), i.e. within one of n/k.
 *
 *  - above hi: release the excess (a graceful hand-over: the engine closes with a final snapshot,
 *    then the lease is released);
 *  - below target: acquire free branches, where target is lo while another node is below its lo
 *    (so a starving node is fed first) and hi otherwise;
 *  - no free branch, another node below its lo, and this node is the donor (the first node able to
 *    give, by most held then node id, so exactly one gives per round): release one.
 * Only excess is ever released, and only nodes short of their share acquire, so a join or a leave
 * moves as few branches as the new shares require (a joining node's share comes from the
 * nodes above the new hi; a leaving node's branches go to nodes below it). Views lag by up to a
 * heartbeat; that can delay convergence, never break safety, which the leases and fencing keep.
 *
 * Which branches: each (branch, node) pair has a rendezvous score; a node releases the branches
 * it scores lowest and acquires the free ones it scores highest, so the same branch tends to land
 * on the same node (stable across restarts) without deciding anything.
 */
final class Balance {
  private Balance() {}

  /** This node's bounds and what it should do now. */
  record Plan(int lo, int hi, int release, int target) {}

  static Plan plan(String me, int held, List<Nodes.Live> live, int branches, int freeBranches) {
    int k = live.size();
    int total = 0;
    for (Nodes.Live n : live) {
      total += Math.min(n.maxBranches(), branches);
    }
    int level;
    if (k == 0) {
      level = branches;
    } else if (total <= branches) {
      level = branches; // not enough capacity: every node holds as many as it may
    } else {
      level = (branches + k - 1) / k;
      while (sum(live, level) < branches) {
        level++;
      }
    }
    Nodes.Live self = null;
    boolean othersStarving = false;
    Nodes.Live donor = null;
    for (Nodes.Live n : live) {
      if (n.nodeId().equals(me)) {
        self = n;
        continue;
      }
      if (n.held() < lo(n, level)) {
        othersStarving = true;
      }
    }
    int cap = self == null ? Integer.MAX_VALUE : self.maxBranches();
    int hi = Math.min(cap, level);
    int lo = Math.min(cap, level - 1);
    for (Nodes.Live n : live) {
      Nodes.Live c = n.nodeId().equals(me) ? new Nodes.Live(me, n.address(), held, n.maxBranches()) : n;
      if (c.held() > lo(c, level) && (donor == null || c.held() > donor.held())) {
        donor = c; // ties keep the first by node id: the list is ordered by it
      }
    }
    int release = 0;
    if (held > hi) {
      release = held - hi;
    } else if (freeBranches == 0 && othersStarving && donor != null && donor.nodeId().equals(me)) {
      release = 1;
    }
    int target = othersStarving ? Math.min(lo, hi) : hi;
    return new Plan(Math.max(0, lo), hi, release, Math.max(0, target));
  }

  private static int lo(Nodes.Live n, int level) {
    return Math.min(n.maxBranches(), level - 1);
  }

  private static long sum(List<Nodes.Live> live, int level) {
    long s = 0;
    for (Nodes.Live n : live) {
      s += Math.min(n.maxBranches(), level);
    }
    return s;
  }

  /** The branches ordered by this node's preference, most preferred first. */
  static List<String> byPreference(String nodeId, Iterable<String> branchIds) {
    List<String> sorted = new ArrayList<>();
    branchIds.forEach(sorted::add);
    sorted.sort(Comparator.comparingLong((String b) -> score(b, nodeId)).reversed().thenComparing(b -> b));
    return sorted;
  }

  /** Rendezvous score of a (branch, node) pair: FNV-1a over both, then a 64-bit finaliser. */
  static long score(String branchId, String nodeId) {
    long h = 0xcbf29ce484222325L;
    for (byte b : (branchId + '\u0000' + nodeId).getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    return h ^ (h >>> 33);
  }
}
