package dev.talon.queue.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talon.queue.Branch;
import dev.talon.queue.Inspection;
import dev.talon.queue.Ticket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.ThreadParams;

/** The queue benchmarks' workloads, run as plain code: the shape they claim is the shape they run. */
class QueueBenchmarksTest {
  private static final Blackhole BH = new Blackhole(
      "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");

  private static ThreadParams thread(int index, int count) {
    return new ThreadParams(index, count, 0, 1, 0, 1, index, count, index, count);
  }

  private static EngineQueueBenchmark opened(String policy, String store, int threads) {
    EngineQueueBenchmark bench = new EngineQueueBenchmark();
    bench.policy = policy;
    bench.store = store;
    bench.open(thread(0, threads));
    return bench;
  }

  private static EngineQueueBenchmark.Desk desk(int index, int threads) {
    EngineQueueBenchmark.Desk desk = new EngineQueueBenchmark.Desk();
    desk.assign(thread(index, threads));
    return desk;
  }

  @Test
  void fourLines_prefilledBranch_holdsAQuarterOfTheTicketsInEachLine() {
    Branch branch = EngineFixture.queue("fifo", "dropping", 1);
    Map<String, Long> perLine = branch.waiting(EngineFixture.SERVICE).stream()
        .collect(Collectors.groupingBy(Ticket::line, Collectors.counting()));

    assertThat(perLine).containsOnlyKeys(BenchPolicies.LINE_CLASSES).allSatisfy((line, n) ->
        assertThat(n).isEqualTo(EngineFixture.WAITING / 4));
  }

  @Test
  void fourLines_statefulPolicyAfterCalls_isSnapshottedAndReopenedWithItsState() {
    dev.talon.queue.spi.EventStore store = dev.talon.queue.spi.EventStore.inMemory();
    Branch branch = EngineFixture.branch(1, store, EngineFixture.clock())
        .policy(BenchPolicies.fourLines("max-wait")).snapshotEvery(1).build();
    EngineFixture.prefill(branch);
    for (int i = 0; i < 7; i++) {
      branch.callNext(EngineFixture.deskId(0)).orElseThrow();
    }
    branch.close(); // saves a snapshot of the final state
    assertThat(store.loadSnapshot(branch.id())).get()
        .extracting(dev.talon.queue.spi.BranchSnapshot::seq).isEqualTo(branch.lastSeq());
    Branch reopened = EngineFixture.branch(1, store, EngineFixture.clock())
        .policy(BenchPolicies.fourLines("max-wait")).build();
    assertThat(Inspection.policyState(reopened)).isNotNull()
        .isEqualTo(Inspection.policyState(branch));
  }

  @Test
  void issueAndCall_manyOperations_keepOneThousandWaiting() {
    EngineQueueBenchmark bench = opened("booked-first", "in-memory", 2);
    EngineQueueBenchmark.Desk desk = desk(1, 2);
    List<String> calledLines = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      Ticket called = bench.issueAndCall(desk, BH);
      calledLines.add(called.line());
      assertThat(called.desk()).isEqualTo("d1");
    }

    assertThat(bench.branch.waiting(EngineFixture.SERVICE)).hasSize(EngineFixture.WAITING);
    // booked-first drains the appointment line first: the first 250 calls are all appointments
    assertThat(calledLines.subList(0, 250)).containsOnly(BenchPolicies.LINE_CLASSES.get(0));
    bench.close();
  }

  @Test
  void callNext_afterItsRefill_keepsOneThousandWaiting() {
    EngineQueueBenchmark bench = opened("fifo", "dropping", 1);
    EngineQueueBenchmark.Desk desk = desk(0, 1);
    EngineQueueBenchmark.Refill refill = new EngineQueueBenchmark.Refill();
    long first = 0;
    for (int i = 0; i < 500; i++) {
      refill.issue(bench, desk);
      Ticket t = bench.callNext(desk, refill);
      assertThat(t.id()).isGreaterThan(first); // fifo calls in issue order
      first = t.id();
    }

    assertThat(bench.branch.waiting(EngineFixture.SERVICE)).hasSize(EngineFixture.WAITING);
  }

  @Test
  void baselines_pollByPriorityThenFifo_exceptTheFifoFloor() {
    // the tickets floor orders as its PriorityBlockingQueue does (it only adds what the engine must build)
    for (String name : List.of(BaselineQueues.PBQ, BaselineQueues.CSLM, BaselineQueues.SYNC_PQ, BaselineQueues.PBQ_TICKETS)) {
      BaselineQueues.Queue q = BaselineQueues.named(name);
      q.offer(2);
      q.offer(0);
      q.offer(2);
      q.offer(1);
      assertThat(List.of(q.poll(), q.poll(), q.poll(), q.poll())).as(name)
          .containsExactly(new BaselineQueues.Waiting(0, 1), new BaselineQueues.Waiting(1, 3),
              new BaselineQueues.Waiting(2, 0), new BaselineQueues.Waiting(2, 2));
      assertThat(q.poll()).as(name).isNull();
    }
    BaselineQueues.Queue fifo = BaselineQueues.named(BaselineQueues.CLQ);
    fifo.offer(2);
    fifo.offer(0);
    assertThat(fifo.poll()).isEqualTo(new BaselineQueues.Waiting(2, 0));
  }

  @Test
  void offerAndPoll_manyOperations_keepOneThousandWaiting() {
    BaselineQueueBenchmark bench = new BaselineQueueBenchmark();
    bench.queue = BaselineQueues.PBQ;
    bench.fill();
    BaselineQueueBenchmark.Producer producer = new BaselineQueueBenchmark.Producer();
    for (int i = 0; i < 2_000; i++) {
      bench.offerAndPoll(producer);
    }
    int left = 0;
    while (bench.q.poll() != null) {
      left++;
    }

    assertThat(left).isEqualTo(EngineFixture.WAITING);
  }

  @Test
  void rotate_eachRotationExpiresOneWindowOfBookings() {
    RotationBenchmark bench = new RotationBenchmark();
    bench.pending = 100;
    bench.open();
    long events = 0;
    int rotations = 200; // from 10:00 the day changes at rotation 56 and 152
    for (int i = 0; i < rotations; i++) {
      bench.refill();
      long before = bench.branch.lastSeq();
      bench.rotate();
      events += bench.branch.lastSeq() - before;
    }

    // every rotation: WindowRotated; from the second on, one window's PER_WINDOW expiries; two DayStarted
    assertThat(events).isEqualTo(rotations + (rotations - 1L) * RotationBenchmark.PER_WINDOW + 2);
  }

  @Test
  void named_unknownNames_areRefusedWithTheKnownOnes() {
    assertThatThrownBy(() -> BenchPolicies.named("lottery")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown benchmark policy \"lottery\"; known: fifo, booked-first, ratio, max-wait");
    assertThatThrownBy(() -> EngineFixture.store("jdbc")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown benchmark store \"jdbc\"; known: dropping, in-memory");
    assertThatThrownBy(() -> BaselineQueues.named("ArrayDeque")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown baseline queue \"ArrayDeque\"");
  }
}
