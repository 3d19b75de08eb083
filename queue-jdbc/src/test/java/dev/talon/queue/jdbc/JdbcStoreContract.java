package dev.talon.queue.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import com.zaxxer.hikari.HikariDataSource;
import dev.talon.queue.QueueEvent;
import dev.talon.queue.StorageException;
import dev.talon.queue.spi.BranchSnapshot;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.EventStore.SequenceConflictException;
import dev.talon.queue.spi.EventStore.StaleFenceException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The event store contract (conditional append, atomic batches, fencing, ordered load) checked
 * against the JDBC store on one database, and how it keeps snapshots in its table; each subclass
 * names the database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JdbcStoreContract {
  private static final AtomicInteger BRANCHES = new AtomicInteger();
  HikariDataSource dataSource;
  JdbcEventStore store;
  private final Random random = new Random(42);

  /** A fresh, empty database for this class. */
  abstract HikariDataSource newDatabase();

  @BeforeAll
  void start() {
    dataSource = newDatabase();
    store = JdbcEventStore.builder(dataSource).createSchema(true).build();
  }

  @AfterAll
  void stop() {
    dataSource.close();
  }

  static String branch() {
    return "b" + BRANCHES.incrementAndGet();
  }

  private List<QueueEvent> events(long first, int n) {
    return SampleEvents.batch(first, n, random);
  }

  @Test
  void isDurable_isTrue() {
    assertThat(store.isDurable()).isTrue();
  }

  @Test
  void load_unknownBranch_isEmpty() {
    assertThat(store.load(branch(), 0)).isEmpty();
  }

  @Test
  void load_afterAppends_returnsEveryEventEqualAndInOrder() {
    String b = branch();
    List<QueueEvent> all = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      List<QueueEvent> batch = events(all.size() + 1, 1 + i % 3);
      store.append(b, 0, batch);
      all.addAll(batch);
    }
    assertThat(store.load(b, 0)).isEqualTo(all);
    assertThat(store.load(b, 4)).isEqualTo(all.subList(4, all.size()));
    assertThat(store.load(b, all.size())).isEmpty();
  }

  @Test
  void load_everyEventType_roundTripsThroughTheDatabase() {
    String b = branch();
    List<QueueEvent> all = new ArrayList<>();
    for (Class<? extends QueueEvent> type : SampleEvents.TYPES) {
      for (int i = 0; i < 3; i++) {
        all.add(SampleEvents.random(type, all.size() + 1, random));
      }
    }
    store.append(b, 0, all);
    assertThat(store.load(b, 0)).isEqualTo(all);
  }

  @Test
  void append_takenSequenceNumber_throwsConflictAndWritesNothingOfTheBatch() {
    String b = branch();
    List<QueueEvent> first = events(1, 4);
    store.append(b, 0, first);
    assertThatThrownBy(() -> store.append(b, 0, events(4, 3)))
        .isInstanceOf(SequenceConflictException.class).hasMessageContaining(b);
    assertThat(store.load(b, 0)).isEqualTo(first);
    List<QueueEvent> next = events(5, 2);
    store.append(b, 0, next);
    assertThat(store.load(b, 4)).isEqualTo(next);
  }

  @Test
  void append_sameEventsTwice_secondIsAConflict() {
    String b = branch();
    List<QueueEvent> batch = events(1, 2);
    store.append(b, 0, batch);
    assertThatThrownBy(() -> store.append(b, 0, batch)).isInstanceOf(SequenceConflictException.class);
    assertThat(store.load(b, 0)).isEqualTo(batch);
  }

  @Test
  void append_olderFencingToken_isRefusedAndWritesNothing() {
    String b = branch();
    store.append(b, 5, events(1, 1));
    assertThatThrownBy(() -> store.append(b, 4, events(2, 1)))
        .isInstanceOf(StaleFenceException.class).hasMessageContaining("5").hasMessageContaining("4");
    assertThat(store.load(b, 0)).hasSize(1);
    store.append(b, 5, events(2, 1));
    store.append(b, 9, events(3, 1));
    assertThatThrownBy(() -> store.append(b, 5, events(4, 1))).isInstanceOf(StaleFenceException.class);
    assertThat(store.load(b, 0)).extracting(QueueEvent::seq).containsExactly(1L, 2L, 3L);
  }

  @Test
  void append_conflictWithNewerToken_doesNotRaiseTheFence() {
    String b = branch();
    store.append(b, 1, events(1, 1));
    assertThatThrownBy(() -> store.append(b, 7, events(1, 1))).isInstanceOf(SequenceConflictException.class);
    store.append(b, 1, events(2, 1)); // the refused batch changed nothing, not even the fence
    assertThat(store.load(b, 0)).hasSize(2);
  }

  @Test
  void append_staleFenceOnNewBranchOfAnotherBranch_isIndependent() {
    String a = branch();
    String b = branch();
    store.append(a, 10, events(1, 1));
    store.append(b, 0, events(1, 2));
    assertThat(store.load(a, 0)).hasSize(1);
    assertThat(store.load(b, 0)).hasSize(2);
  }

  @Test
  void append_emptyBatch_writesNothing() {
    String b = branch();
    store.append(b, 0, List.of());
    assertThat(store.load(b, 0)).isEmpty();
  }

  @Test
  void append_nonConsecutiveBatch_isRefusedBeforeTheDatabase() {
    String b = branch();
    List<QueueEvent> gap = List.of(events(1, 1).get(0), events(3, 1).get(0));
    assertThatThrownBy(() -> store.append(b, 0, gap)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("consecutive");
    assertThat(store.load(b, 0)).isEmpty();
  }

  @Test
  void append_manyWritersOfTheSameSequenceNumber_exactlyOneWins() throws Exception {
    for (int round = 0; round < 5; round++) {
      String b = branch();
      int writers = 6;
      CountDownLatch go = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(writers);
      List<Future<Boolean>> results = new ArrayList<>();
      List<List<QueueEvent>> batches = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        List<QueueEvent> batch = events(1, 1 + w % 2);
        batches.add(batch);
        Callable<Boolean> write = () -> {
          go.await();
          try {
            store.append(b, 0, batch);
            return true;
          } catch (SequenceConflictException lost) {
            return false;
          }
        };
        results.add(pool.submit(write));
      }
      go.countDown();
      List<Integer> winners = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        if (results.get(w).get(30, TimeUnit.SECONDS)) {
          winners.add(w);
        }
      }
      pool.shutdown();
      assertThat(winners).hasSize(1);
      assertThat(store.load(b, 0)).isEqualTo(batches.get(winners.get(0)));
    }
  }

  @Test
  void append_concurrentWritersOfConsecutiveSequenceNumbers_buildAGaplessHistory() throws Exception {
    String b = branch();
    int writers = 4;
    int perWriter = 15;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    List<Future<?>> done = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      long seed = w;
      done.add(pool.submit(() -> {
        Random r = new Random(seed);
        int written = 0;
        while (written < perWriter) {
          List<QueueEvent> loaded = store.load(b, 0);
          long next = loaded.isEmpty() ? 1 : loaded.get(loaded.size() - 1).seq() + 1;
          try {
            store.append(b, 0, SampleEvents.batch(next, 1, r));
            written++;
          } catch (SequenceConflictException lost) {
            // another writer took it; read again
          }
        }
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(store.load(b, 0)).extracting(QueueEvent::seq)
        .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, writers * perWriter).boxed().toList());
  }

  @Test
  void load_byAnotherStoreOnTheSameDatabase_seesEverythingCommitted() {
    String b = branch();
    List<QueueEvent> batch = events(1, 3);
    store.append(b, 2, batch);
    JdbcEventStore other = JdbcEventStore.builder(dataSource).build();
    assertThat(other.load(b, 0)).isEqualTo(batch);
    assertThatThrownBy(() -> other.append(b, 1, events(4, 1))).isInstanceOf(StaleFenceException.class);
  }

  // ---------------------------------------------------------------- snapshots

  /** The seqs of the branch's rows in the snapshot table, in order. */
  static List<Long> snapshotRows(DataSource ds, String branchId) {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT seq FROM talon_snapshots WHERE branch_id = ? ORDER BY seq")) {
      ps.setString(1, branchId);
      List<Long> seqs = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          seqs.add(rs.getLong(1));
        }
      }
      return seqs;
    } catch (SQLException e) {
      throw new IllegalStateException("could not read the snapshot table", e);
    }
  }

  static BranchSnapshot snapshot(long seq, String content) {
    return new BranchSnapshot(seq, (content + " @" + seq).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void saveSnapshot_several_keepsOnlyTheNewestTwoRows() {
    String b = branch();
    store.append(b, 0, events(1, 9));
    for (long seq = 1; seq <= 9; seq += 2) {
      store.saveSnapshot(b, snapshot(seq, "state"));
      assertThat(snapshotRows(dataSource, b)).as("after saving at %d", seq).hasSizeLessThanOrEqualTo(2).endsWith(seq);
    }
    assertThat(snapshotRows(dataSource, b)).containsExactly(7L, 9L);
    assertThat(store.loadSnapshot(b)).contains(snapshot(9, "state"));
  }

  @Test
  void saveSnapshot_notNewerThanTheNewest_writesNoRow() {
    String b = branch();
    store.append(b, 0, events(1, 6));
    store.saveSnapshot(b, snapshot(6, "newest"));

    store.saveSnapshot(b, snapshot(4, "older"));
    store.saveSnapshot(b, snapshot(6, "same seq, other bytes"));

    assertThat(snapshotRows(dataSource, b)).containsExactly(6L);
    assertThat(store.loadSnapshot(b)).contains(snapshot(6, "newest"));
  }

  @Test
  void saveSnapshot_branchWithoutEvents_failsOnTheForeignKeyAndWritesNothing() {
    String b = branch();
    assertThatThrownBy(() -> store.saveSnapshot(b, snapshot(3, "PERSON-SECRET")))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("saving the snapshot at event 3 of branch " + b)
        .hasMessageContaining("failed at statement insert-snapshot")
        .hasMessageContaining("SQLState 2350")
        .hasMessageContaining("the store has no events of branch " + b)
        .hasMessageNotContaining("PERSON-SECRET");
    assertThat(snapshotRows(dataSource, b)).isEmpty();
    assertThat(store.loadSnapshot(b)).isEmpty();

    store.append(b, 0, events(1, 3)); // once the events are there, so may the snapshot be
    store.saveSnapshot(b, snapshot(3, "state"));
    assertThat(store.loadSnapshot(b)).contains(snapshot(3, "state"));
  }

  @Test
  void saveSnapshot_concurrentSavesOfOneBranch_loadReturnsTheHighest() throws Exception {
    String b = branch();
    store.append(b, 0, events(1, 40));
    int writers = 4;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int first = w + 1;
      done.add(pool.submit(() -> {
        go.await();
        for (long seq = first; seq <= 40; seq += writers) {
          store.saveSnapshot(b, snapshot(seq, "state"));
          store.saveSnapshot(b, snapshot(seq, "a retry"));
        }
        return null;
      }));
    }
    go.countDown();
    for (Future<?> f : done) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(store.loadSnapshot(b)).contains(snapshot(40, "state"));
    store.saveSnapshot(b, snapshot(41, "state")); // concurrent trims may each have missed the others' rows
    assertThat(snapshotRows(dataSource, b)).containsExactly(40L, 41L);
  }

  @Test
  void snapshotMethods_nullOrBlankArguments_areRefusedBeforeTheDatabase() {
    String b = branch();
    assertThatThrownBy(() -> store.saveSnapshot(b, null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("snapshot of branch " + b + " must not be null");
    for (String bad : new String[] {null, " "}) {
      assertThatThrownBy(() -> store.saveSnapshot(bad, snapshot(1, "state")))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("branch id must not be null or blank");
      assertThatThrownBy(() -> store.loadSnapshot(bad)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> store.loadSince(bad, Instant.EPOCH)).isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> store.loadSince(b, null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be null");
  }

  /** One step of the model-based test. */
  record Op(int branch, int token, int first, int size) {}

  @Test
  void append_randomHistories_behaveLikeTheModel() {
    AtomicInteger steps = new AtomicInteger();
    qt().withExamples(40).forAll(lists().of(integers().between(0, Integer.MAX_VALUE)).ofSizeBetween(1, 25))
        .checkAssert(seeds -> {
          String[] names = {branch(), branch()};
          Map<String, TreeMap<Long, QueueEvent>> model = new HashMap<>();
          Map<String, Long> fences = new HashMap<>();
          for (int seed : seeds) {
            Random r = new Random(seed);
            Op op = new Op(r.nextInt(2), r.nextInt(4), 1 + r.nextInt(8), 1 + r.nextInt(3));
            String b = names[op.branch()];
            List<QueueEvent> batch = SampleEvents.batch(op.first(), op.size(), r);
            TreeMap<Long, QueueEvent> log = model.computeIfAbsent(b, k -> new TreeMap<>());
            String expected;
            if (fences.containsKey(b) && fences.get(b) > op.token()) {
              expected = "stale";
            } else if (batch.stream().anyMatch(e -> log.containsKey(e.seq()))) {
              expected = "conflict";
            } else {
              expected = "ok";
              batch.forEach(e -> log.put(e.seq(), e));
              fences.merge(b, (long) op.token(), Math::max);
            }
            String actual;
            try {
              store.append(b, op.token(), batch);
              actual = "ok";
            } catch (StaleFenceException e) {
              actual = "stale";
            } catch (SequenceConflictException e) {
              actual = "conflict";
            } catch (StorageException e) {
              actual = "failed: " + e.getMessage();
            }
            assertThat(actual).as("%s on %s", op, b).isEqualTo(expected);
            assertThat(store.load(b, 0)).isEqualTo(new ArrayList<>(log.values()));
            steps.incrementAndGet();
          }
        });
    assertThat(steps.get()).isGreaterThan(40);
  }
}
