package dev.talon.queue.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.talon.queue.Inspection;
import dev.talon.queue.Branch;
import dev.talon.queue.Durability;
import dev.talon.queue.spi.QueueClock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Several nodes (child JVMs running {@link NodeWorker}) on one embedded PostgreSQL: owners are
 * killed (SIGKILL) and frozen (SIGSTOP) under load, standbys take their branches over, and
 * afterwards every branch's stored history (the journal) is checked by {@link AckCheck}: every
 * operation any node acknowledged is in it exactly once and agrees with the replayed branch, no
 * ticket was called twice, and conservation holds. Takeover times (from the signal to the first
 * operation the new owner served) are printed at the end.
 */
class MultiNodeTest {
  static final long TTL = 2_000;
  static final long HEARTBEAT = 250;
  /** About a minute of random kills and pauses; -Dtalon.chaos.millis shortens or lengthens it. */
  static final long CHAOS_MILLIS = Long.getLong("talon.chaos.millis", 60_000);
  static final List<Long> TAKEOVERS = new CopyOnWriteArrayList<>();
  static final List<String> LABELLED = new CopyOnWriteArrayList<>();
  static final List<Long> HANDOVERS = new CopyOnWriteArrayList<>();

  private final List<NodeProcess> nodes = new ArrayList<>();
  private final Set<String> paused = new LinkedHashSet<>();
  private String url;

  @AfterEach
  void stopNodes() throws Exception {
    for (NodeProcess n : nodes) {
      if (n.isAlive()) {
        n.resume();
        n.kill();
      }
      n.finish();
    }
  }

  @AfterAll
  static void report() {
    System.out.println("takeover after SIGKILL/SIGSTOP (TTL " + TTL + " ms, heartbeat " + HEARTBEAT + " ms): "
        + summary(TAKEOVERS) + "; graceful hand-over: " + summary(HANDOVERS) + "; by cause: " + LABELLED);
  }

  @Test
  void ownerKilled_standbyServesWithinTtlPlusOneSecond_andEveryAcknowledgedOperationSurvives() throws Exception {
    url = database();
    NodeProcess a = node("a", 1, "k1", 20, 1);
    a.await(l -> l.startsWith("GAINED k1 "), 60_000, "gaining k1");
    NodeProcess b = node("b", 1, "k1", 20, 2);
    b.await(l -> l.startsWith("READY "), 60_000, "start");
    awaitAcks(a, "k1", 30);

    long killedAt = System.currentTimeMillis();
    a.kill();
    long took = millisOf(b.await(l -> l.startsWith("SERVED k1 "), TTL + 20_000, "serving k1")) - killedAt;
    record("kill", took);
    assertThat(took).as("takeover after SIGKILL, ms").isLessThanOrEqualTo(TTL + 1_000);
    assertThat(lease("k1")).map(Lease::nodeId).contains("b");

    // graceful hand-over: the closing node releases its lease, so the next takes over without waiting for the TTL
    NodeProcess c = node("c", 1, "k1", 20, 3);
    c.await(l -> l.startsWith("READY "), 60_000, "start");
    awaitAcks(b, "k1", 20);
    long closedAt = System.currentTimeMillis();
    b.terminate();
    long handover = millisOf(c.await(l -> l.startsWith("SERVED k1 "), 20_000, "serving k1")) - closedAt;
    HANDOVERS.add(handover);
    assertThat(b.lines()).as("b released k1 on SIGTERM").anyMatch(l -> l.startsWith("LOST k1 "))
        .anyMatch(l -> l.startsWith("CLOSED b"));
    assertThat(handover).as("hand-over on shutdown, ms").isLessThan(TTL);
    awaitAcks(c, "k1", 10);
    c.terminate();

    assertThat(errors(a, b, c)).isEmpty();
    verify("k1");
  }

  @Test
  void ownerPausedPastTtl_standbyServes_resumedOwnerIsRefused() throws Exception {
    url = database();
    NodeProcess a = node("a", 1, "p1", 20, 11);
    a.await(l -> l.startsWith("GAINED p1 "), 60_000, "gaining p1");
    long oldEpoch = Long.parseLong(a.await(l -> l.startsWith("GAINED p1 "), 1, "gaining p1").split(" ")[2]);
    NodeProcess b = node("b", 1, "p1", 20, 12);
    b.await(l -> l.startsWith("READY "), 60_000, "start");
    awaitAcks(a, "p1", 30);

    long pausedAt = System.currentTimeMillis();
    a.pause();
    paused.add("a");
    long took = millisOf(b.await(l -> l.startsWith("SERVED p1 "), TTL + 20_000, "serving p1")) - pausedAt;
    record("pause", took);
    assertThat(took).as("takeover after SIGSTOP, ms").isLessThanOrEqualTo(TTL + 1_000);
    awaitAcks(b, "p1", 20);
    a.resume();

    String refused = a.await(l -> l.startsWith("REFUSED p1 " + oldEpoch + " "), 20_000, "refusal of its writes");
    assertThat(refused.split(" ")[3]).isIn("BranchLostException", "EngineClosedException");
    a.await(l -> l.startsWith("LOST p1 " + oldEpoch + " "), 20_000, "losing p1");
    assertThat(lease("p1")).map(Lease::nodeId).contains("b");
    awaitAcks(b, "p1", 30);
    b.terminate();
    a.terminate();

    assertThat(errors(b)).isEmpty();
    verify("p1");
  }

  @Test
  void nodeDies_itsBranchesMove_andTheOthersAreUntouched() throws Exception {
    url = database();
    String all = "m1,m2,m3,m4,m5,m6";
    NodeProcess a = node("a", 2, all, 50, 21);
    awaitGained(a, 2);
    NodeProcess b = node("b", 2, all, 50, 22);
    awaitGained(b, 2);
    NodeProcess c = node("c", 4, all, 50, 23);
    awaitGained(c, 2);
    Map<String, Lease> before = new HashMap<>();
    for (String id : all.split(",")) {
      before.put(id, lease(id).orElseThrow());
    }
    assertThat(before.values()).extracting(Lease::nodeId).containsOnly("a", "b", "c");
    awaitAcks(a, null, 30);

    long killedAt = System.currentTimeMillis();
    a.kill();
    awaitGained(c, 4);
    for (Map.Entry<String, Lease> e : before.entrySet()) {
      String id = e.getKey();
      if (e.getValue().nodeId().equals("a")) {
        long took = millisOf(c.await(l -> l.startsWith("SERVED " + id + " "), 20_000, "serving " + id)) - killedAt;
        record("node-dies", took);
        assertThat(took).as("takeover of %s, ms", id).isLessThanOrEqualTo(TTL + 1_000);
        assertThat(lease(id)).map(Lease::nodeId).contains("c");
      } else {
        Lease now = lease(id).orElseThrow();
        assertThat(now.nodeId()).as("owner of %s", id).isEqualTo(e.getValue().nodeId());
        assertThat(now.epoch()).as("epoch of %s", id).isEqualTo(e.getValue().epoch());
      }
    }
    assertThat(b.lines()).noneMatch(l -> l.startsWith("LOST ") || l.startsWith("REFUSED "));
    assertThat(c.lines()).noneMatch(l -> l.startsWith("LOST ") || l.startsWith("REFUSED "));
    awaitAcks(c, null, 200);
    b.terminate();
    c.terminate();

    assertThat(errors(a, b, c)).isEmpty();
    try (HikariDataSource ds = TestDatabases.pool(url, 2)) {
      JdbcEventStore store = JdbcEventStore.builder(ds).build();
      for (String id : all.split(",")) {
        verify(id, store);
      }
    }
  }

  @Test
  void randomKillsAndPausesUnderLoad_conservationHoldsOverTheWholeHistory() throws Exception {
    url = database();
    String all = "x1,x2,x3";
    Random random = new Random(4242);
    List<NodeProcess> live = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      live.add(node("n" + i, 3, all, 30, 30 + i));
    }
    for (NodeProcess n : live) {
      n.await(l -> l.startsWith("READY "), 60_000, "start");
    }
    int kills = 0;
    int pauses = 0;
    int started = 3;
    long end = System.currentTimeMillis() + CHAOS_MILLIS;
    while (System.currentTimeMillis() < end) {
      Thread.sleep(1_500 + random.nextInt(2_000));
      NodeProcess victim = live.get(random.nextInt(live.size()));
      if (random.nextBoolean()) {
        Set<String> owned = owned(victim);
        long killedAt = System.currentTimeMillis();
        victim.kill();
        kills++;
        live.remove(victim);
        started++;
        live.add(node("n" + started, 3, all, 30, 30 + started));
        for (String id : owned) {
          record("chaos-kill", firstServedAfter(id, killedAt) - killedAt);
        }
      } else {
        victim.pause();
        paused.add(victim.nodeId);
        pauses++;
        Thread.sleep(TTL + 300 + random.nextInt(1_000));
        victim.resume();
      }
    }
    for (NodeProcess n : live) {
      n.terminate();
    }
    System.out.println("chaos: " + kills + " kills, " + pauses + " pauses over " + CHAOS_MILLIS + " ms");
    assertThat(kills + pauses).isGreaterThanOrEqualTo(5);
    List<NodeProcess> neverPaused = nodes.stream().filter(n -> !paused.contains(n.nodeId)).toList();
    assertThat(errors(neverPaused.toArray(NodeProcess[]::new))).isEmpty();
    for (String id : all.split(",")) {
      int checked = verify(id);
      assertThat(checked).as("acknowledged operations on %s", id).isGreaterThan(50);
    }
  }

  /**
   * Thirty branches on three nodes through a join, a graceful leave, a SIGKILL and a SIGSTOP past
   * the TTL (3, 4, 3, 2, 1 and 2 nodes). After each step: every branch has exactly one owner (by the lease table, and by the
   * nodes' own gained/lost reports), each live node holds within one of 30/k, and the step moved
   * no more branches than the new shares require. At the end every acknowledged operation of every
   * branch, over all steps, is in its history exactly once.
   */
  @Test
  void thirtyBranches_joinLeaveKillPause_oneOwnerEach_balancedWithinOne_nothingAcknowledgedLost() throws Exception {
    url = database();
    String all = allThirty();
    NodeProcess a = node("a", 100, all, 150, 51);
    NodeProcess b = node("b", 100, all, 150, 52);
    NodeProcess c = node("c", 100, all, 150, 53);
    awaitBalanced("start", a, b, c);
    awaitAcks(a, null, 20);

    Map<String, Lease> before = leases(all);
    NodeProcess d = node("d", 100, all, 150, 54);
    long joined = Long.parseLong(d.await(l -> l.startsWith("READY "), 60_000, "start").split(" ")[2]);
    awaitBalanced("join", a, b, c, d);
    HANDOVERS.add(System.currentTimeMillis() - joined);
    assertThat(moved(before, leases(all))).as("branches moved on join").isEqualTo(7); // 30 on 4: 8,8,7,7

    long left = System.currentTimeMillis();
    before = leases(all);
    a.terminate();
    awaitBalanced("graceful leave", b, c, d);
    HANDOVERS.add(System.currentTimeMillis() - left);
    assertThat(moved(before, leases(all))).as("branches moved on leave").isEqualTo(ownedBy(before, "a"));

    before = leases(all);
    long killedAt = System.currentTimeMillis();
    b.kill();
    awaitBalanced("SIGKILL", c, d);
    record("kill-rebalance", System.currentTimeMillis() - killedAt);
    assertThat(moved(before, leases(all))).as("branches moved on kill").isEqualTo(ownedBy(before, "b"));

    long pausedAt = System.currentTimeMillis();
    c.pause();
    paused.add("c");
    awaitBalanced("SIGSTOP past TTL", d);
    record("pause-rebalance", System.currentTimeMillis() - pausedAt);
    c.resume();
    awaitBalanced("resumed", c, d);

    c.terminate();
    d.terminate();
    assertThat(errors(a, d)).isEmpty();
    try (HikariDataSource ds = TestDatabases.pool(url, 2)) {
      JdbcEventStore store = JdbcEventStore.builder(ds).build();
      for (String id : all.split(",")) {
        verify(id, store);
      }
    }
  }

  /** The live leases of the branches, from the lease table. */
  private Map<String, Lease> leases(String branches) {
    try (HikariDataSource ds = TestDatabases.pool(url, 1)) {
      Map<String, Lease> live = new Nodes(JdbcEventStore.builder(ds).build(), 5).read().leases();
      Map<String, Lease> of = new HashMap<>();
      for (String id : branches.split(",")) {
        if (live.containsKey(id)) {
          of.put(id, live.get(id));
        }
      }
      return of;
    }
  }

  private static int moved(Map<String, Lease> before, Map<String, Lease> after) {
    int moved = 0;
    for (Map.Entry<String, Lease> e : after.entrySet()) {
      Lease was = before.get(e.getKey());
      if (was == null || !was.nodeId().equals(e.getValue().nodeId())) {
        moved++;
      }
    }
    return moved;
  }

  private static int ownedBy(Map<String, Lease> leases, String nodeId) {
    return (int) leases.values().stream().filter(l -> l.nodeId().equals(nodeId)).count();
  }

  /**
   * Waits until the 30 branches are held by exactly the given nodes, each within one of 30/k, and
   * the nodes' own reports agree with the lease table (one owner each); fails with the last state.
   */
  private void awaitBalanced(String step, NodeProcess... live) throws Exception {
    Set<String> ids = new LinkedHashSet<>();
    for (NodeProcess n : live) {
      ids.add(n.nodeId);
    }
    int lo = 30 / live.length;
    int hi = (30 + live.length - 1) / live.length;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String last = "";
    while (System.nanoTime() < deadline) {
      Map<String, Lease> leases = leases(allThirty());
      Map<String, Integer> counts = new HashMap<>();
      leases.values().forEach(l -> counts.merge(l.nodeId(), 1, Integer::sum));
      Map<String, String> reported = new HashMap<>();
      boolean twice = false;
      for (NodeProcess n : live) {
        for (String b : owned(n)) {
          twice |= reported.put(b, n.nodeId) != null;
        }
      }
      boolean ok = leases.size() == 30 && ids.containsAll(counts.keySet()) && !twice
          && counts.values().stream().allMatch(c -> c >= lo && c <= hi) && counts.size() == live.length;
      for (Map.Entry<String, Lease> e : leases.entrySet()) {
        ok &= e.getValue().nodeId().equals(reported.get(e.getKey()));
      }
      if (ok) {
        return;
      }
      last = "leases " + counts + " (" + leases.size() + " of 30 live), reported twice: " + twice;
      Thread.sleep(100);
    }
    throw new AssertionError("after " + step + ": not one owner per branch balanced within one on " + ids
        + " within 30 s; last seen " + last);
  }

  private static String allThirty() {
    StringBuilder ids = new StringBuilder();
    for (int i = 1; i <= 30; i++) {
      ids.append(i == 1 ? "" : ",").append("t").append(i);
    }
    return ids.toString();
  }

  // ---------------------------------------------------------------- helpers

  private static String database() {
    String url = TestDatabases.postgresUrl();
    try (HikariDataSource ds = TestDatabases.pool(url, 1)) {
      JdbcEventStore.builder(ds).createSchema(true).build();
    }
    return url;
  }

  private NodeProcess node(String id, int max, String branches, long pauseMillis, long seed) throws Exception {
    NodeProcess n = NodeProcess.start(url, id, TTL, HEARTBEAT, max, branches, pauseMillis, seed);
    nodes.add(n);
    return n;
  }

  private Optional<Lease> lease(String branchId) {
    try (HikariDataSource ds = TestDatabases.pool(url, 1)) {
      return new Leases(JdbcEventStore.builder(ds).build(), 5).owner(branchId);
    }
  }

  private static long millisOf(String line) {
    return Long.parseLong(line.split(" ")[3]);
  }

  private static void awaitAcks(NodeProcess n, String branchId, int count) throws Exception {
    String prefix = branchId == null ? "ACK " : "ACK " + branchId + " ";
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (n.lines().stream().filter(l -> l.startsWith(prefix)).count() < count) {
      assertThat(System.nanoTime()).as("node %s acknowledged %d operations in time", n.nodeId, count)
          .isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private static void awaitGained(NodeProcess n, int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (n.lines().stream().filter(l -> l.startsWith("GAINED ")).count() < count) {
      assertThat(System.nanoTime()).as("node %s gained %d branches in time", n.nodeId, count).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  /** The branches the node serves by its own output: gained and neither lost nor refused since. */
  /**
   * The branches the node says it holds: gained and not lost or refused since, under the same
   * epoch (a load thread of a fenced old engine may report its refusal after the node gained the
   * branch again under a newer epoch; that refusal does not end the new ownership).
   */
  private static Set<String> owned(NodeProcess n) {
    Map<String, String> epochOf = new java.util.LinkedHashMap<>();
    for (String line : n.lines()) {
      String[] f = line.split(" ");
      if (f[0].equals("GAINED")) {
        epochOf.put(f[1], f[2]);
      } else if (f[0].equals("LOST") || f[0].equals("REFUSED")) {
        epochOf.remove(f[1], f[2]);
      }
    }
    return new LinkedHashSet<>(epochOf.keySet());
  }

  private long firstServedAfter(String branchId, long after) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      for (NodeProcess n : nodes) {
        for (String line : n.lines()) {
          if (line.startsWith("SERVED " + branchId + " ") && millisOf(line) >= after) {
            return millisOf(line);
          }
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("nobody served " + branchId + " within 30 s after its owner was killed");
  }

  private static List<String> errors(NodeProcess... of) {
    List<String> errors = new ArrayList<>();
    for (NodeProcess n : of) {
      n.lines().stream().filter(l -> l.startsWith("ERR ")).forEach(l -> errors.add(n.nodeId + ": " + l));
    }
    return errors;
  }

  /** Checks the branch's journal against every node's acknowledgements; returns how many. */
  private int verify(String branchId) throws Exception {
    try (HikariDataSource ds = TestDatabases.pool(url, 2)) {
      return verify(branchId, JdbcEventStore.builder(ds).build());
    }
  }

  private int verify(String branchId, JdbcEventStore store) throws Exception {
    List<String> acks = new ArrayList<>();
    for (NodeProcess n : nodes) {
      n.finish();
      for (String line : n.lines()) {
        if (line.startsWith("ACK " + branchId + " ")) {
          acks.add(line.substring(5 + branchId.length()));
        }
      }
    }
    try (Branch b = Workload.open(branchId, store, QueueClock.system(), Durability.SYNC)) {
      int checked = AckCheck.verify(b, store.load(branchId, 0), acks);
      assertThat(checked).isEqualTo(acks.size()).isPositive();
      assertThat(store.loadSnapshot(branchId)).as("the nodes saved snapshots of %s", branchId).isPresent();
      AckCheck.assertSameAsFullReplay(b, store);
      return checked;
    }
  }

  private static void record(String cause, long millis) {
    TAKEOVERS.add(millis);
    LABELLED.add(cause + "=" + millis);
  }

  private static String summary(List<Long> millis) {
    if (millis.isEmpty()) {
      return "none measured";
    }
    List<Long> sorted = millis.stream().sorted().toList();
    long median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
        : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
    return "n=" + sorted.size() + ", median " + median + " ms, max " + sorted.get(sorted.size() - 1) + " ms, all "
        + millis;
  }
}
