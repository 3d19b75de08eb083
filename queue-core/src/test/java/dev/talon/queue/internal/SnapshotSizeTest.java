package dev.talon.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talon.queue.IssueRequest;
import dev.talon.queue.Talon;
import dev.talon.queue.Ticket;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.QueueClock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, defect 7: the size of a snapshot after 30,000 events of one busy day (two services,
 * three desks, every ticket issued, called and served). Ended tickets leave the snapshot, so its
 * size follows the waiting tickets and the kept window of ended ones, not the day's total.
 * Prints the size: {@code ./mvnw -B -pl queue-core test -Dtest=SnapshotSizeTest}.
 */
class SnapshotSizeTest {

  static BranchEngine busyDay(int events) {
    return busyDay(events, t -> { });
  }

  static Talon branch(EventStore store, QueueClock clock) {
    return Talon.newBranch("size").zone(ZoneId.of("Asia/Almaty")).clock(clock).store(store)
        .service("docs", "A", "Docs").service("cars", "B", "Cars")
        .desk("1", "docs", "cars").desk("2", "docs").desk("3", "cars");
  }

  /** A busy day; every ticket that ends (served or cancelled) goes to {@code ended} as it ended. */
  static BranchEngine busyDay(int events, java.util.function.Consumer<Ticket> ended) {
    ManualClock clock = QueueClock.manual(Instant.parse("2026-03-02T03:00:00Z"));
    return busyDay(events, ended, (BranchEngine) branch(EventStore.inMemory(), clock).snapshotEvery(0).build(), clock);
  }

  static BranchEngine busyDay(int events, java.util.function.Consumer<Ticket> ended, BranchEngine b, ManualClock clock) {
    String[] desks = {"1", "2", "3"};
    int i = 0;
    while (b.current().seq < events) {
      b.issue(IssueRequest.walkIn(i % 3 == 2 ? "cars" : "docs").withPerson("p" + (i % 5000)));
      clock.advance(Duration.ofSeconds(1));
      Ticket t = b.callNext(desks[i % 3]).orElse(null);
      if (t != null) {
        b.startService(t.id());
        clock.advance(Duration.ofSeconds(1));
        ended.accept(b.finish(t.id()));
      }
      if (i % 7 == 0) {
        ended.accept(b.cancel(b.issue(IssueRequest.walkIn("cars")).id()));
      }
      i++;
    }
    return b;
  }

  @Test
  void encode_after30000EventsOfOneDay_staysSmall() throws Exception {
    BranchEngine b = busyDay(30_000);
    Core c = b.current();
    byte[] bytes = SnapshotCodec.encode(b.config(), c, List.of());
    System.out.printf("snapshot after %d events: %d bytes (%d tickets in the core)%n", c.seq, bytes.length,
        c.tickets.size());
    assertThat(bytes.length).isLessThan(150_000); // format 1: 1,278,282 bytes, growing with the day
  }

  @Test
  void statistics_afterEndedTicketsLeftTheCore_equalTheStatisticsOfEveryTicket() {
    java.util.Map<Long, Ticket> every = new java.util.TreeMap<>();
    BranchEngine b = busyDay(12_000, t -> every.put(t.id(), t));
    Core c = b.current();
    b.allTickets().forEach(t -> every.putIfAbsent(t.id(), t));
    assertThat(c.summaries).isNotEmpty();
    assertThat(c.tickets.size()).isLessThan(every.size() - Core.ENDED_KEPT);
    assertThat(b.ticket(1)).isEmpty(); // ended long ago: left the core
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.cancel(1))
        .isInstanceOf(dev.talon.queue.IllegalTransitionException.class)
        .hasMessageContaining("ticket id 1 cannot be").hasMessageContaining("it has ended and is no longer kept");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.position(1))
        .isInstanceOf(dev.talon.queue.UnknownTicketException.class);
    assertThat(b.statistics(c.day)).isEqualTo(Statistics.of("size", c.day, List.copyOf(every.values()), null));
  }

  /**
   * Snapshot + tail = full replay, byte for byte, across pruning: a snapshot taken mid-day after
   * ended tickets left the core, plus the events after it, gives the bytes of a replay of them all
   * and of the live core.
   */
  @Test
  void reopen_fromSnapshotTakenAfterPruning_isByteForByteTheFullReplayAndTheLiveCore() throws Exception {
    EventStore store = EventStore.inMemory(null);
    ManualClock clock = QueueClock.manual(Instant.parse("2026-03-02T03:00:00Z"));
    BranchEngine live = busyDay(5_000, t -> { }, (BranchEngine) branch(store, clock).snapshotEvery(0).build(), clock);
    long snapshotSeq = live.current().seq;
    store.saveSnapshot("size", new dev.talon.queue.spi.BranchSnapshot(snapshotSeq,
        SnapshotCodec.encode(live.config(), live.current(), List.of())));
    assertThat(live.current().summaries).isNotEmpty();
    busyDay(9_000, t -> { }, live, clock); // more pruning after the snapshot
    byte[] liveBytes = SnapshotCodec.encode(live.config(), live.current(), List.of());

    dev.talon.queue.testkit.RecordingStore watched = new dev.talon.queue.testkit.RecordingStore(store);
    BranchEngine fromSnapshot = (BranchEngine) branch(watched, clock).snapshotEvery(0).build();
    assertThat(watched.loads).first().isEqualTo(snapshotSeq);
    EventStore all = EventStore.inMemory(null);
    all.append("size", 0, store.load("size", 0));
    BranchEngine replayed = (BranchEngine) branch(all, clock).snapshotEvery(0).build();

    assertThat(fromSnapshot.current().seq).isEqualTo(live.current().seq);
    assertThat(SnapshotCodec.encode(fromSnapshot.config(), fromSnapshot.current(), List.of())).isEqualTo(liveBytes);
    assertThat(SnapshotCodec.encode(replayed.config(), replayed.current(), List.of())).isEqualTo(liveBytes);
  }

  @Test
  void ticket_justEnded_isStillReadable() {
    java.util.List<Ticket> ended = new java.util.ArrayList<>();
    BranchEngine b = busyDay(6_000, ended::add);
    for (Ticket t : ended.subList(ended.size() - Core.ENDED_KEPT, ended.size())) {
      assertThat(b.ticket(t.id())).contains(t);
    }
  }
}
