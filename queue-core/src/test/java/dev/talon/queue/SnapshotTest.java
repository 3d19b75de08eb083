package dev.talon.queue;

import static dev.talon.queue.Fixtures.ALMATY;
import static dev.talon.queue.Fixtures.local;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talon.queue.spi.AdmissionChecks;
import dev.talon.queue.spi.BranchSnapshot;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.Policy;
import dev.talon.queue.spi.QueueClock;
import dev.talon.queue.spi.QueueListener;
import dev.talon.queue.testkit.RecordingStore;
import dev.talon.queue.testkit.ReferencePolicies;
import dev.talon.queue.testkit.Snapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Snapshots through the public API: when the engine takes them, that opening replays only the
 * events after the newest one, and that a snapshot the engine cannot use is ignored rather than
 * trusted. (That snapshot + tail gives exactly the state of a full replay is a property of
 * EngineModelPropertyTest; that every field survives encoding, of SnapshotCodecTest.)
 */
class SnapshotTest {
  private final RecordingStore store = new RecordingStore(EventStore.inMemory());
  private final ManualClock clock = QueueClock.manual(local(ALMATY, "2026-01-05T09:00"));

  private Talon builder() {
    return Fixtures.branch("almaty-1", ALMATY, clock, store).policy(Policy.bookedFirst()).snapshotEvery(1_000);
  }

  private static void busy(Branch b, int tickets) {
    for (int i = 0; i < tickets; i++) {
      b.issue(IssueRequest.walkIn(i % 2 == 0 ? "docs" : "cars"));
    }
    for (int i = 0; i < tickets / 2; i++) {
      b.finish(b.callNext("1").orElseThrow().id());
    }
  }

  private long lastSeq(Branch b) {
    List<QueueEvent> all = store.inner().load(b.id(), 0);
    return all.get(all.size() - 1).seq();
  }

  private static void awaitSnapshot(EventStore store, String branch, long atLeast) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (store.loadSnapshot(branch).map(BranchSnapshot::seq).orElse(0L) < atLeast) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no snapshot at seq >= " + atLeast + " within 10 s, have "
            + store.loadSnapshot(branch));
      }
      Thread.sleep(5);
    }
  }

  @Test
  void operations_pastTheInterval_saveSnapshotsInTheBackground() throws InterruptedException {
    Branch b = builder().snapshotEvery(10).build();
    busy(b, 20);
    awaitSnapshot(store, b.id(), 10);
    long seq = store.loadSnapshot(b.id()).orElseThrow().seq();
    assertThat(seq).isBetween(10L, lastSeq(b));
  }

  @Test
  void open_afterCrashWithSnapshot_replaysOnlyTheEventsAfterIt() throws InterruptedException {
    Branch live = builder().snapshotEvery(10).build();
    busy(live, 30);
    awaitSnapshot(store, live.id(), 10);
    long snapshotSeq = store.loadSnapshot(live.id()).orElseThrow().seq();
    live.issue(IssueRequest.walkIn("docs")); // after the snapshot: only in the tail
    List<QueueEvent> history = store.inner().load(live.id(), 0);
    store.loads.clear();

    Branch reopened = builder().snapshotEvery(10).build(); // the first engine is never closed: a crash

    assertThat(store.loads.get(0)).isGreaterThanOrEqualTo(snapshotSeq).isPositive();
    assertThat(Snapshot.of(reopened, history).diff(Snapshot.of(live, history))).isNull();
    long lastTicket = history.stream().filter(QueueEvent.TicketIssued.class::isInstance)
        .mapToLong(e -> ((QueueEvent.TicketIssued) e).ticketId()).max().orElseThrow();
    assertThat(reopened.issue(IssueRequest.walkIn("docs")).id()).isEqualTo(lastTicket + 1);
  }

  @Test
  void close_takesASnapshotSoThatTheNextOpenReplaysNothing() {
    Branch b = builder().snapshotEvery(1_000).build();
    busy(b, 6);
    b.close();
    assertThat(store.loadSnapshot(b.id()).orElseThrow().seq()).isEqualTo(lastSeq(b));
    store.loads.clear();
    Branch reopened = builder().build();
    assertThat(store.loads).containsExactly(lastSeq(b));
    assertThat(reopened.waiting("docs")).hasSize(b.waiting("docs").size());
  }

  @Test
  void snapshotEvery_default_isEveryThousandEventsOnDurableStoresAndOncePerDayInMemory() throws Exception {
    RecordingStore durable = new RecordingStore(EventStore.inMemory(), true);
    Branch d = Fixtures.branch("durable", ALMATY, clock, durable).build();
    busy(d, 500); // 1,500+ events
    awaitSnapshot(durable, d.id(), 1_000); // saved on the snapshot thread once its events are stored
    d.close();
    assertThat(durable.loadSnapshot(d.id())).isPresent();
    // in memory, one at the start of every day, so that the store's retention has a snapshot to cut
    // the history at (issue 14) without encoding the day's growing state during the day
    Branch m = Fixtures.branch("memory", ALMATY, clock, store).build();
    busy(m, 500);
    awaitSnapshot(store, m.id(), 1);
    long first = store.loadSnapshot(m.id()).orElseThrow().seq();
    assertThat(first).as("taken at the day's first batch").isLessThan(10);
    busy(m, 500);
    assertThat(store.loadSnapshot(m.id()).orElseThrow().seq()).as("none more during the day").isEqualTo(first);
    clock.advance(java.time.Duration.ofDays(1));
    busy(m, 1);
    awaitSnapshot(store, m.id(), first + 1_001); // the next day's
    m.close();
    assertThat(store.loadSnapshot(m.id()).orElseThrow().seq()).as("and one at close").isEqualTo(m.lastSeq());
  }

  @Test
  void snapshotEvery_zero_takesNone() {
    Branch b = builder().snapshotEvery(0).build();
    busy(b, 6);
    b.close();
    assertThat(store.loadSnapshot(b.id())).isEmpty();
  }

  @Test
  void open_snapshotOfAnotherConfiguration_isIgnoredAndTheWholeHistoryReplayed() {
    Branch b = builder().build();
    busy(b, 6);
    Ticket waiting = b.issue(IssueRequest.walkIn("cars"));
    b.close();
    store.loads.clear();
    Branch other = builder().desk("3", "docs").build(); // one desk more: service times, indexes may differ
    assertThat(store.loads).containsExactly(0L);
    assertThat(other.ticket(waiting.id()).orElseThrow().state()).isEqualTo(TicketState.WAITING);
  }

  @Test
  void open_damagedSnapshot_isIgnoredAndTheWholeHistoryReplayed() {
    Branch b = builder().build();
    busy(b, 6);
    b.close();
    long seq = store.loadSnapshot(b.id()).orElseThrow().seq();
    store.saveSnapshot(b.id(), new BranchSnapshot(seq + 1, new byte[] {1, 2, 3}));
    store.loads.clear();
    Branch reopened = builder().build();
    assertThat(store.loads).containsExactly(0L);
    assertThat(reopened.waiting("docs")).hasSize(b.waiting("docs").size());
  }

  @Test
  void open_snapshotLabelledWithAnotherSeq_isIgnored() {
    Branch b = builder().build();
    busy(b, 6);
    b.close();
    BranchSnapshot good = store.loadSnapshot(b.id()).orElseThrow();
    store.saveSnapshot(b.id(), new BranchSnapshot(good.seq() + 5, good.state()));
    store.loads.clear();
    builder().build();
    assertThat(store.loads).containsExactly(0L);
  }

  @Test
  void open_statefulPolicyWithoutCodec_takesNoSnapshotAndStillRecovers() {
    Branch b = builder().policy(ReferencePolicies.countingWithoutCodec()).snapshotEvery(2).build();
    busy(b, 6);
    b.close();
    assertThat(store.loadSnapshot(b.id())).isEmpty();
    Branch reopened = builder().policy(ReferencePolicies.countingWithoutCodec()).build();
    assertThat(reopened.waiting("cars")).hasSize(b.waiting("cars").size());
  }

  @Test
  void requestIds_rememberedInSnapshot_stillDeduplicateAndRefuseOtherRequests() {
    Branch b = builder().build();
    Ticket first = b.issue(IssueRequest.walkIn("docs").withRequestId("kiosk-7"));
    busy(b, 4);
    b.close();
    Branch reopened = builder().build();
    assertThat(store.loads).last().isEqualTo(lastSeq(b)); // opened from the snapshot, no tail
    assertThat(reopened.issue(IssueRequest.walkIn("docs").withRequestId("kiosk-7")).id()).isEqualTo(first.id());
    assertThatThrownBy(() -> reopened.issue(IssueRequest.walkIn("cars").withRequestId("kiosk-7")))
        .isInstanceOf(DuplicateRequestException.class);
  }

  @Test
  void requestIds_pastTheirWindowAtReopen_areForgottenAsByTheRunningEngine() {
    Branch b = builder().limits(Limits.defaults().withRequestIdWindow(Duration.ofMinutes(30))).build();
    b.issue(IssueRequest.walkIn("docs").withRequestId("kiosk-8"));
    clock.advance(Duration.ofMinutes(20));
    b.issue(IssueRequest.walkIn("docs").withRequestId("kiosk-9"));
    b.close();
    clock.advance(Duration.ofMinutes(15)); // kiosk-8 is 35 minutes old, kiosk-9 15
    Branch reopened = builder().limits(Limits.defaults().withRequestIdWindow(Duration.ofMinutes(30))).build();
    assertThat(reopened.issue(IssueRequest.walkIn("cars").withRequestId("kiosk-8")).service()).isEqualTo("cars");
    assertThatThrownBy(() -> reopened.issue(IssueRequest.walkIn("cars").withRequestId("kiosk-9")))
        .isInstanceOf(DuplicateRequestException.class);
  }

  @Test
  void open_withSnapshot_listenersGetTheHistoryTheirHorizonAsksFor() {
    Branch b = builder().build();
    busy(b, 4); // 09:00
    clock.advance(Duration.ofHours(30));
    busy(b, 4); // the next day, 15:00
    b.close();
    List<QueueEvent> all = store.inner().load(b.id(), 0);
    Recorder everything = new Recorder(null);
    Recorder lastHour = new Recorder(Duration.ofHours(1));
    clock.advance(Duration.ofMinutes(30));
    builder().listener(everything).listener(lastHour).build();
    assertThat(everything.seen).isEqualTo(all);
    assertThat(lastHour.seen).isNotEmpty().allMatch(e -> !e.at().isBefore(clock.now().minus(Duration.ofHours(1))));
    assertThat(lastHour.seen).isEqualTo(all.stream().filter(e -> !e.at().isBefore(clock.now().minus(Duration.ofHours(1)))).toList());
  }

  @Test
  void open_withSnapshot_builtInLimitsStillCountRecentHistory() {
    Branch b = builder().build();
    b.issue(IssueRequest.walkIn("docs").withPerson("p1"));
    b.issue(IssueRequest.walkIn("docs").withPerson("p1"));
    b.close();
    Branch reopened = builder().admissionCheck(AdmissionChecks.ticketsPerPersonPerDay(2, ALMATY)).build();
    assertThat(store.loadsSince).hasSize(1);
    assertThatThrownBy(() -> reopened.issue(IssueRequest.walkIn("cars").withPerson("p1")))
        .isInstanceOf(AdmissionRefusedException.class);
  }

  @Test
  void snapshotEvery_negative_isRefusedWithTheValue() {
    assertThatThrownBy(() -> builder().snapshotEvery(-1).build())
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("-1");
  }

  private static final class Recorder implements QueueListener {
    final Duration horizon;
    final List<QueueEvent> seen = new ArrayList<>();

    Recorder(Duration horizon) {
      this.horizon = horizon;
    }

    @Override
    public void onEvents(String branchId, List<QueueEvent> events) {
      seen.addAll(events);
    }

    @Override
    public boolean wantsHistory() {
      return true;
    }

    @Override
    public Duration historyHorizon() {
      return horizon;
    }
  }
}
