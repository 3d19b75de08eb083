package dev.talon.queue.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talon.queue.QueueEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EventLogTest {
  private static final Instant T0 = Instant.parse("2026-06-01T06:00:00Z");

  private static QueueEvent event(long seq) {
    return new QueueEvent.DeskStateChanged(seq, T0.plusSeconds(seq), "d" + seq, dev.talon.queue.DeskState.OPEN, null);
  }

  private static List<QueueEvent> batch(long first, int size) {
    List<QueueEvent> out = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      out.add(event(first + i));
    }
    return out;
  }

  private static List<Long> seqs(List<QueueEvent> events) {
    return events.stream().map(QueueEvent::seq).toList();
  }

  @Test
  void append_manyPages_loadsEverythingInOrderAndGetFindsEach() {
    EventLog log = new EventLog();
    int n = 5 * EventLog.PAGE + 3;
    for (long seq = 1; seq <= n; seq += 7) {
      assertThat(log.append(batch(seq, (int) Math.min(7, n - seq + 1)), seq)).isEqualTo(EventLog.WRITTEN);
    }
    List<QueueEvent> all = log.load(0);
    assertThat(all).hasSize(n);
    assertThat(seqs(all)).isSorted().startsWith(1L).endsWith((long) n);
    assertThat(seqs(log.load(n - 2))).containsExactly(n - 1L, (long) n);
    assertThat(log.get(EventLog.PAGE + 1)).isEqualTo(event(EventLog.PAGE + 1));
    assertThat(log.get(n + 1)).isNull();
    assertThat(log.get(0)).isNull();
  }

  @Test
  void append_anySeqTaken_writesNothingAndNamesTheTakenSeq() {
    EventLog log = new EventLog();
    log.append(batch(1, 3), 1);
    assertThat(log.append(batch(3, 2), 3)).isEqualTo(3);
    assertThat(log.append(batch(0, 3), 0)).as("its last seq is taken").isEqualTo(1);
    assertThat(seqs(log.load(Long.MIN_VALUE))).containsExactly(1L, 2L, 3L);
    assertThat(log.append(batch(4, 2), 4)).isEqualTo(EventLog.WRITTEN);
  }

  @Test
  void append_earlierBatchAfterALaterOne_isTakenAndLoadsInOrder() {
    EventLog log = new EventLog();
    log.append(batch(3 * EventLog.PAGE, 2), 3L * EventLog.PAGE);
    log.append(batch(1, 2), 1); // pages are added in front of the first table
    assertThat(seqs(log.load(0))).containsExactly(1L, 2L, 3L * EventLog.PAGE, 3L * EventLog.PAGE + 1);
  }

  @Test
  void append_gapBeyondTheLimit_isRefusedAndWritesNothing() {
    EventLog log = new EventLog();
    log.append(batch(1, 1), 1);
    long far = 2 + EventLog.MAX_GAP + 1;
    assertThatThrownBy(() -> log.append(batch(far, 1), far)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gaps of at most " + EventLog.MAX_GAP).hasMessageContaining("starts at " + far);
    assertThat(seqs(log.load(0))).containsExactly(1L);
    assertThat(log.append(batch(2 + EventLog.MAX_GAP, 1), 2 + EventLog.MAX_GAP)).isEqualTo(EventLog.WRITTEN);
  }

  @Test
  void removeBefore_wholePagesCovered_dropsThemAndKeepsTheRest() {
    EventLog log = new EventLog();
    int n = 4 * EventLog.PAGE;
    log.append(batch(1, n), 1);
    long cut = 2L * EventLog.PAGE + 10; // events before cut's time: seqs 1 .. cut - 1
    assertThat(log.removeBefore(3L * EventLog.PAGE, T0.plusSeconds(cut))).isEqualTo(cut - 1);
    assertThat(seqs(log.load(0))).hasSize((int) (n - cut + 1)).startsWith(cut);
    assertThat(log.get(cut - 1)).isNull();
    assertThat(log.get(cut)).isEqualTo(event(cut));
    assertThat(log.append(batch(5, 1), 5)).as("below the dropped pages: taken once").isEqualTo(5);
    assertThat(log.append(batch(n + 1, 1), n + 1)).isEqualTo(EventLog.WRITTEN);
    assertThat(log.removeBefore(3L * EventLog.PAGE, T0.plusSeconds(cut))).as("nothing more").isZero();
  }

  @Test
  void removeBefore_stopsAtTheSnapshotSeq() {
    EventLog log = new EventLog();
    log.append(batch(1, 10), 1);
    assertThat(log.removeBefore(4, T0.plusSeconds(100))).isEqualTo(4);
    assertThat(seqs(log.load(0))).containsExactly(5L, 6L, 7L, 8L, 9L, 10L);
  }

  @Test
  void append_racingWritersOfOverlappingBatches_eachSeqWrittenOnceAndEveryBatchWholeOrAbsent() throws Exception {
    for (int round = 0; round < 20; round++) {
      EventLog log = new EventLog();
      int writers = 4;
      int batches = 2_000;
      CountDownLatch start = new CountDownLatch(1);
      AtomicInteger written = new AtomicInteger();
      List<Thread> threads = new ArrayList<>();
      List<List<long[]>> won = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        List<long[]> mine = new ArrayList<>();
        won.add(mine);
        int id = w;
        threads.add(new Thread(() -> {
          try {
            start.await();
          } catch (InterruptedException e) {
            return;
          }
          java.util.Random random = new java.util.Random(id * 31L + 7);
          for (int b = 0; b < batches; b++) {
            long first = 1 + random.nextInt(batches * 2);
            int size = 1 + random.nextInt(3);
            List<QueueEvent> events = new ArrayList<>();
            for (int i = 0; i < size; i++) {
              events.add(new QueueEvent.DeskStateChanged(first + i, T0, "w" + id, dev.talon.queue.DeskState.OPEN, null));
            }
            if (log.append(events, first) == EventLog.WRITTEN) {
              mine.add(new long[] {first, size});
              written.addAndGet(size);
            }
          }
        }));
      }
      threads.forEach(Thread::start);
      start.countDown();
      for (Thread t : threads) {
        t.join();
      }
      List<QueueEvent> all = log.load(0);
      assertThat(all).hasSize(written.get());
      assertThat(seqs(all)).doesNotHaveDuplicates().isSorted();
      for (int w = 0; w < writers; w++) {
        for (long[] b : won.get(w)) {
          for (long seq = b[0]; seq < b[0] + b[1]; seq++) {
            assertThat(((QueueEvent.DeskStateChanged) log.get(seq)).desk()).as("seq %d of a batch writer %d won", seq, w)
                .isEqualTo("w" + w);
          }
        }
      }
    }
  }

  @Test
  void removeBefore_whileTheWriterAppends_loseNothingAfterTheCut() throws Exception {
    EventLog log = new EventLog();
    int n = 40 * EventLog.PAGE;
    Thread writer = new Thread(() -> {
      for (long seq = 1; seq <= n; seq++) {
        log.append(List.of(event(seq)), seq);
      }
    });
    writer.start();
    long covered = 0;
    while (writer.isAlive()) {
      long l = log.last();
      if (l > covered + EventLog.PAGE) {
        covered = l - 5; // as a snapshot at an appended seq would
        log.removeBefore(covered, T0.plusSeconds(covered + 1));
      }
    }
    writer.join();
    List<QueueEvent> rest = log.load(0);
    assertThat(rest).isNotEmpty();
    assertThat(seqs(rest)).isEqualTo(java.util.stream.LongStream.rangeClosed(covered + 1, n).boxed().toList());
  }
}
