package dev.talon.queue.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.talon.queue.Branch;
import dev.talon.queue.BranchLostException;
import dev.talon.queue.InvalidConfigurationException;
import dev.talon.queue.IssueRequest;
import dev.talon.queue.Talon;
import dev.talon.queue.spi.BranchSnapshot;
import java.lang.reflect.Proxy;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Leases and {@link BranchNode} within one JVM, on both dialects. */
class BranchNodeTest {

  static Stream<Arguments> databases() {
    return Stream.of(Arguments.of("h2", (Supplier<HikariDataSource>) TestDatabases::h2Memory),
        Arguments.of("postgresql", (Supplier<HikariDataSource>) TestDatabases::postgres));
  }

  private static JdbcEventStore store(HikariDataSource ds) {
    return JdbcEventStore.builder(ds).createSchema(true).build();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void acquire_whileLeaseLive_isRefused_andReleaseHandsOverUnderAHigherEpoch(String name,
      Supplier<HikariDataSource> db) {
    try (HikariDataSource ds = db.get()) {
      Leases leases = new Leases(store(ds), 5);
      Lease a = leases.acquire("b1", "node-a", 60_000).orElseThrow();
      assertThat(a.epoch()).isEqualTo(1);
      assertThat(leases.acquire("b1", "node-b", 60_000)).as("a live lease is not taken").isEmpty();
      assertThat(leases.owner("b1")).map(Lease::nodeId).contains("node-a");
      assertThat(leases.renew(a, 60_000)).isTrue();

      assertThat(leases.release(a)).isTrue();
      assertThat(leases.owner("b1")).as("released").isEmpty();
      Lease b = leases.acquire("b1", "node-b", 60_000).orElseThrow();
      assertThat(b.epoch()).isEqualTo(2);
      assertThat(leases.renew(a, 60_000)).as("the old epoch renews nothing").isFalse();
      assertThat(leases.release(a)).as("nor releases anything").isFalse();
      assertThat(leases.owner("b1")).map(Lease::epoch).contains(2L);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void acquire_afterExpiry_fencesTheOldOwnerBeforeTheNewOneWritesAnything(String name,
      Supplier<HikariDataSource> db) throws Exception {
    try (HikariDataSource ds = db.get()) {
      JdbcEventStore store = store(ds);
      Leases leases = new Leases(store, 5);
      Lease a = leases.acquire("b1", "node-a", 200).orElseThrow();
      Branch old = Workload.configure(Talon.newBranch("b1")).store(store).fencingToken(a.epoch()).build();
      old.issue(IssueRequest.walkIn("docs"));
      long stored = store.load("b1", 0).size();

      Optional<Lease> b = Optional.empty();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (b.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(50);
        b = leases.acquire("b1", "node-b", 60_000);
      }
      assertThat(b).as("taken over after the TTL").isPresent();
      assertThat(b.get().epoch()).isGreaterThan(a.epoch());
      assertThat(leases.renew(a, 200)).isFalse();

      assertThatThrownBy(() -> old.issue(IssueRequest.walkIn("docs"))).isInstanceOf(BranchLostException.class)
          .hasMessageContaining("branch b1").hasMessageContaining("epoch " + a.epoch());
      assertThatThrownBy(() -> old.callNext("1")).isInstanceOf(BranchLostException.class);
      assertThat(store.load("b1", 0)).as("the refused operation wrote nothing").hasSize((int) stored);
      Branch taker = Workload.configure(Talon.newBranch("b1")).store(store).fencingToken(b.get().epoch()).build();
      assertThat(taker.waiting("docs")).hasSize(1);
      assertThat(taker.issue(IssueRequest.walkIn("docs")).display()).isEqualTo("A-002");
    }
  }

  record Change(String kind, String node, String branchId, long epoch) {}

  @Test
  void join_takesItsShareByHandOver_andClose_handsTheRestOver() throws Exception {
    java.nio.file.Path jfr = java.nio.file.Files.createTempFile("takeover", ".jfr");
    try (HikariDataSource ds = TestDatabases.h2Memory(); jdk.jfr.Recording recording = new jdk.jfr.Recording()) {
      recording.enable("dev.talon.Takeover");
      recording.start();
      JdbcEventStore store = store(ds);
      List<Change> changes = new CopyOnWriteArrayList<>();
      BranchNode first = node(store, "n1", changes);
      awaitOwned(first, 2);
      first.branch("s1").orElseThrow().issue(IssueRequest.walkIn("docs"));
      first.branch("s2").orElseThrow().issue(IssueRequest.walkIn("docs"));
      BranchNode second = node(store, "n2", changes);
      awaitOwned(second, 1);
      awaitOwned(first, 1);
      String moved = second.ownedBranches().iterator().next();
      assertThat(second.branch(moved).orElseThrow().waiting("docs")).as("taken over with its history").hasSize(1);
      assertThat(store.loadSnapshot(moved)).as("the giver's final snapshot covers the whole history: no tail to replay")
          .map(BranchSnapshot::seq).contains(second.branch(moved).orElseThrow().lastSeq());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (first.route(moved).isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20); // routes of other nodes' branches are as of the last heartbeat
      }
      assertThat(first.route(moved)).hasValueSatisfying(r -> {
        assertThat(r.nodeId()).isEqualTo("n2");
        assertThat(r.local()).isFalse();
      });

      first.close();
      assertThat(first.ownedBranches()).isEmpty();
      assertThat(first.branch("s1")).isEmpty();
      awaitOwned(second, 2);
      assertThat(second.owner("s1")).map(Lease::nodeId).contains("n2");
      assertThat(second.branch("s1").orElseThrow().waiting("docs")).as("replayed on takeover").hasSize(1);
      assertThat(changes).filteredOn(c -> c.node.equals("n1")).extracting(Change::kind)
          .containsExactlyInAnyOrder("gained", "gained", "lost", "lost");
      assertThat(changes).filteredOn(c -> c.node.equals("n2")).extracting(Change::kind)
          .containsExactly("gained", "gained");
      assertThat(changes).filteredOn(c -> c.node.equals("n2")).allMatch(c -> c.epoch == 2);
      int served = second.dispatch("s1", b -> b.waiting("docs").size(), r -> -1);
      assertThat(served).as("dispatched here").isEqualTo(1);
      second.close();
      assertThatThrownBy(() -> second.dispatch("s1", b -> 1, r -> 2)).isInstanceOf(BranchUnavailableException.class)
          .hasMessageContaining("no node serves branch s1");
      recording.stop();
      recording.dump(jfr);
      assertThat(jdk.jfr.consumer.RecordingFile.readAllEvents(jfr)).as("JFR takeover events")
          .filteredOn(e -> e.getEventType().getName().equals("dev.talon.Takeover"))
          .extracting(e -> e.getString("node") + " " + e.getString("branch") + " " + e.getLong("epoch"))
          .containsExactlyInAnyOrder("n1 s1 1", "n1 s2 1", "n2 s1 2", "n2 s2 2");
    } finally {
      java.nio.file.Files.deleteIfExists(jfr);
    }
  }

  @Test
  void joinAndClose_onPostgres_handOverOnTheNotice_notAfterTheHeartbeat() throws Exception {
    try (HikariDataSource ds = TestDatabases.postgres()) {
      JdbcEventStore store = store(ds);
      Duration beat = Duration.ofSeconds(60); // a hand-over within 20 s can only come from LISTEN/NOTIFY
      BranchNode first = BranchNode.builder(store).nodeId("n1").heartbeat(beat).leaseTtl(beat.multipliedBy(3))
          .branch("s1", Workload::configure).branch("s2", Workload::configure).build();
      awaitOwned(first, 2);
      long joined = System.nanoTime();
      BranchNode second = BranchNode.builder(store).nodeId("n2").heartbeat(beat).leaseTtl(beat.multipliedBy(3))
          .branch("s1", Workload::configure).branch("s2", Workload::configure).build();
      awaitOwned(second, 1, 20);
      long joinMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - joined);
      awaitOwned(first, 1, 1);
      long closed = System.nanoTime();
      first.close();
      awaitOwned(second, 2, 20);
      long leaveMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closed);
      System.out.println("PostgreSQL hand-over on NOTIFY: join " + joinMillis + " ms, close " + leaveMillis + " ms");
      second.close();
    }
  }

  @Test
  void build_withBadConfiguration_isRefusedWithTheRule() {
    try (HikariDataSource ds = TestDatabases.h2Memory()) {
      JdbcEventStore store = store(ds);
      assertThatThrownBy(() -> BranchNode.builder(store).branch("b", t -> t).build())
          .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("node id is required");
      assertThatThrownBy(() -> BranchNode.builder(store).nodeId("n").build())
          .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("no branches");
      assertThatThrownBy(() -> BranchNode.builder(store).nodeId("n").branch("b", t -> t).branch("b", t -> t))
          .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("configured twice");
      assertThatThrownBy(() -> BranchNode.builder(store).nodeId("n").branch("b", t -> t)
          .leaseTtl(Duration.ofSeconds(2)).heartbeat(Duration.ofSeconds(1)).build())
          .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("at most a third");
      assertThatThrownBy(() -> BranchNode.builder(store).leaseTtl(Duration.ofMillis(10)))
          .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("PT0.01S");
      assertThatThrownBy(() -> BranchNode.builder(store).nodeId(" "))
          .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("node id");
    }
  }

  @Test
  void heartbeat_databaseOutage_losesTheBranchWithinTheTtlNotThePoolTimeout() throws Exception {
    try (HikariDataSource h2 = TestDatabases.h2Memory()) {
      // as a pool behaves while its database is down: getConnection waits for its timeout, then fails
      AtomicBoolean down = new AtomicBoolean();
      DataSource outage = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(),
          new Class<?>[] {DataSource.class}, (proxy, m, args) -> {
            if (m.getName().equals("getConnection") && down.get()) {
              Thread.sleep(10_000);
              throw new SQLTransientConnectionException("pool: connection is not available, request timed out after 10000ms");
            }
            try {
              return m.invoke(h2, args);
            } catch (java.lang.reflect.InvocationTargetException e) {
              throw e.getCause();
            }
          });
      JdbcEventStore store = JdbcEventStore.builder(outage).createSchema(true).build();
      BlockingQueue<String> lost = new LinkedBlockingQueue<>();
      BranchNode node = BranchNode.builder(store).nodeId("n1").leaseTtl(Duration.ofMillis(1_000))
          .heartbeat(Duration.ofMillis(200)).branch("s1", Workload::configure)
          .listener(new OwnershipListener() {
            @Override
            public void gained(String branchId, long epoch, Branch branch) {}

            @Override
            public void lost(String branchId, long epoch, String reason) {
              lost.add(reason);
            }
          })
          .build();
      try {
        awaitOwned(node, 1);
        long start = System.nanoTime();
        down.set(true);

        String reason = lost.poll(5, TimeUnit.SECONDS);
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        // the TTL since the last renewal, a heartbeat to notice and half a TTL for the last attempt
        assertThat(reason).as("lost within 5 s").isNotNull()
            .contains("could not be renewed within the TTL").contains("did not answer within 500 ms");
        assertThat(tookMillis).isLessThan(1_000 + 200 + 500 + 800);
        assertThat(node.ownedBranches()).isEmpty();
      } finally {
        down.set(false);
        node.close();
      }
    }
  }

  private static BranchNode node(JdbcEventStore store, String id, List<Change> changes) {
    return BranchNode.builder(store).nodeId(id).leaseTtl(Duration.ofMillis(3_000)).heartbeat(Duration.ofMillis(100))
        .branch("s1", Workload::configure)
        .branch("s2", Workload::configure)
        .listener(new OwnershipListener() {
          @Override
          public void gained(String branchId, long epoch, Branch branch) {
            changes.add(new Change("gained", id, branchId, epoch));
          }

          @Override
          public void lost(String branchId, long epoch, String reason) {
            changes.add(new Change("lost", id, branchId, epoch));
          }
        })
        .build();
  }

  private static void awaitOwned(BranchNode node, int count) throws InterruptedException {
    awaitOwned(node, count, 10);
  }

  private static void awaitOwned(BranchNode node, int count, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (node.ownedBranches().size() < count && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(node.ownedBranches()).hasSize(count);
  }
}
