package dev.talon.queue.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.talon.queue.AdmissionMode;
import dev.talon.queue.AdmissionRefusedException;
import dev.talon.queue.BookRequest;
import dev.talon.queue.Booking;
import dev.talon.queue.BookingState;
import dev.talon.queue.Branch;
import dev.talon.queue.Inspection;
import dev.talon.queue.CapacityExceededException;
import dev.talon.queue.IssueRequest;
import dev.talon.queue.OpeningHours;
import dev.talon.queue.Origin;
import dev.talon.queue.QueueEvent;
import dev.talon.queue.QueueEvent.AdmissionModeChanged;
import dev.talon.queue.QueueEvent.BookingCancelled;
import dev.talon.queue.QueueEvent.BookingCheckedIn;
import dev.talon.queue.QueueEvent.BookingExpired;
import dev.talon.queue.QueueEvent.BookingMade;
import dev.talon.queue.QueueEvent.CallReturned;
import dev.talon.queue.QueueEvent.DayStarted;
import dev.talon.queue.QueueEvent.ServiceFinished;
import dev.talon.queue.QueueEvent.ServiceStarted;
import dev.talon.queue.QueueEvent.TicketCalled;
import dev.talon.queue.QueueEvent.TicketCancelled;
import dev.talon.queue.QueueEvent.TicketIssued;
import dev.talon.queue.QueueEvent.TicketNoShow;
import dev.talon.queue.QueueEvent.TicketRecalled;
import dev.talon.queue.QueueEvent.WindowRotated;
import dev.talon.queue.Talon;
import dev.talon.queue.Ticket;
import dev.talon.queue.TicketState;
import dev.talon.queue.spi.BranchSnapshot;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.Policy;
import dev.talon.queue.spi.QueueClock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link EventStore} must meet, as an abstract JUnit 5 suite: an implementation
 * extends this class in its own module (it ships in queue-core's test-jar) and provides
 * {@link #newStore()}.
 *
 * <p>The contract is the one the engine relies on: events come back in sequence order and with
 * values equal to those appended; a batch is all or nothing; a sequence number can be taken once
 * (so of two concurrent writers of the same number exactly one wins); a writer with an older
 * fencing token than one already seen for the branch is refused; branches do not affect each
 * other; and an engine reopened on the store replays into exactly the state it had. A store that
 * keeps snapshots gives back the newest one it was given, byte for byte, per branch; every store
 * loads the events from a point in time on, exactly at the boundary.
 *
 * <p>Every test writes to branches with fresh random ids, so a store that shares one database
 * across tests stays correct. Only gap-free histories are written (batches start right after the
 * last stored event), which is all a durable store ever sees from the engine. Likewise a snapshot is
 * saved only once the events it includes are in the store, as the engine saves them.
 */
public abstract class EventStoreContract {
  /** An instant with nanoseconds: the engine's clock may produce them and replay must restore them exactly. */
  private static final Instant T0 = Instant.parse("2026-03-02T04:05:06.123456789Z");

  protected EventStore store;
  private final String branch = newBranchId();

  /** A new, empty store; called before every test. */
  protected abstract EventStore newStore();

  /** Releases what {@link #newStore()} opened (connections, files); called after every test. */
  protected void release(EventStore store) throws Exception {}

  /**
   * Whether the store keeps snapshots; true unless overridden. A store that keeps none (the
   * interface's default) overrides it with false, and the snapshot tests then check only that
   * saving is accepted and loading finds nothing.
   */
  protected boolean keepsSnapshots() {
    return true;
  }

  @BeforeEach
  void openStore() {
    store = newStore();
  }

  @AfterEach
  void releaseStore() throws Exception {
    release(store);
  }

  /** A branch id no other test uses (21 letters and digits, valid for Talon.newBranch). */
  protected static String newBranchId() {
    return "c" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
  }

  /** A small event whose {@code ticketId} marks who wrote it. */
  protected static QueueEvent marked(long seq, long marker) {
    return new TicketCancelled(seq, T0.plusSeconds(seq), marker);
  }

  private static List<QueueEvent> batch(long firstSeq, int size, long marker) {
    List<QueueEvent> out = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      out.add(marked(firstSeq + i, marker));
    }
    return out;
  }

  private static List<Long> seqs(List<QueueEvent> events) {
    return events.stream().map(QueueEvent::seq).toList();
  }

  // ---------------------------------------------------------------- order and ranges

  @Test
  void load_afterAppendsInSeveralBatches_returnsAllEventsInSeqOrder() {
    store.append(branch, 0, batch(1, 2, 10));
    store.append(branch, 0, batch(3, 1, 11));
    store.append(branch, 0, batch(4, 3, 12));

    List<QueueEvent> all = new ArrayList<>(batch(1, 2, 10));
    all.addAll(batch(3, 1, 11));
    all.addAll(batch(4, 3, 12));
    assertThat(store.load(branch, 0)).containsExactlyElementsOf(all);
  }

  @Test
  void load_afterSeq_returnsOnlyLaterEventsInOrder() {
    store.append(branch, 0, batch(1, 5, 10));

    assertThat(seqs(store.load(branch, 2))).containsExactly(3L, 4L, 5L);
    assertThat(seqs(store.load(branch, 4))).containsExactly(5L);
    assertThat(store.load(branch, 5)).isEmpty();
    assertThat(store.load(branch, 99)).isEmpty();
  }

  @Test
  void load_unknownBranch_isEmpty() {
    assertThat(store.load(newBranchId(), 0)).isEmpty();
  }

  // ---------------------------------------------------------------- conditional append

  @Test
  void append_duplicateSeq_throwsSequenceConflictAndKeepsTheFirstEvent() {
    store.append(branch, 0, batch(1, 2, 10));

    assertThatThrownBy(() -> store.append(branch, 0, List.of(marked(2, 99))))
        .isInstanceOf(EventStore.SequenceConflictException.class);
    assertThat(store.load(branch, 0)).containsExactlyElementsOf(batch(1, 2, 10));
  }

  @Test
  void append_batchWhoseFirstSeqIsTaken_writesNoneOfItsEvents() {
    store.append(branch, 0, batch(1, 3, 10));

    assertThatThrownBy(() -> store.append(branch, 0, batch(3, 3, 99)))
        .isInstanceOf(EventStore.SequenceConflictException.class);

    assertThat(store.load(branch, 0)).containsExactlyElementsOf(batch(1, 3, 10));
    store.append(branch, 0, batch(4, 2, 11)); // the refused batch left nothing behind at 4 and 5
    assertThat(store.load(branch, 3)).containsExactlyElementsOf(batch(4, 2, 11));
  }

  @Test
  void append_staleFencingToken_isRefusedAndANewerOneAccepted() {
    store.append(branch, 5, batch(1, 1, 10));

    assertThatThrownBy(() -> store.append(branch, 4, batch(2, 1, 11)))
        .isInstanceOf(EventStore.StaleFenceException.class);
    assertThat(seqs(store.load(branch, 0))).containsExactly(1L);

    store.append(branch, 6, batch(2, 1, 12)); // a newer owner takes over
    assertThatThrownBy(() -> store.append(branch, 5, batch(3, 1, 13)))
        .as("the old owner, now stale").isInstanceOf(EventStore.StaleFenceException.class);
    store.append(branch, 6, batch(3, 1, 14)); // the current owner goes on

    assertThat(store.load(branch, 0)).containsExactly(marked(1, 10), marked(2, 12), marked(3, 14));
  }

  @Test
  void append_toTwoBranches_keepsThemIndependent() {
    String other = newBranchId();
    store.append(branch, 9, batch(1, 2, 10));
    store.append(other, 1, batch(1, 3, 20)); // same sequence numbers, and an older token than branch's

    assertThat(store.load(branch, 0)).containsExactlyElementsOf(batch(1, 2, 10));
    assertThat(store.load(other, 0)).containsExactlyElementsOf(batch(1, 3, 20));
    assertThatThrownBy(() -> store.append(other, 1, batch(3, 1, 21)))
        .isInstanceOf(EventStore.SequenceConflictException.class);
    store.append(branch, 9, batch(3, 1, 11));
    assertThat(seqs(store.load(branch, 0))).containsExactly(1L, 2L, 3L);
    assertThat(seqs(store.load(other, 0))).containsExactly(1L, 2L, 3L);
  }

  // ---------------------------------------------------------------- values

  /** One event of every type, with every optional field both filled and empty somewhere. */
  protected static List<QueueEvent> oneOfEachType() {
    LocalDate day = LocalDate.of(2026, 3, 2);
    LocalDateTime window = LocalDateTime.parse("2026-03-02T10:15");
    List<QueueEvent> events = new ArrayList<>();
    events.add(new DayStarted(1, T0, day));
    events.add(new WindowRotated(2, T0.plusNanos(1), 1_975_433L, window));
    events.add(new TicketIssued(3, T0.plusMillis(2), 17, day, "id-docs", 17, "A-017", Origin.WALK_IN, "walk-in",
        Set.of("disabled", "elderly"), "ИИН 900101-Ә", 0, null, 41, "kiosk-7/000123", 0, null));
    events.add(new TicketIssued(4, T0.plusMillis(3), 18, day, "id-docs", 18, "A-018", Origin.BOOKED, "booked",
        Set.of(), null, 5, Instant.parse("2026-03-02T05:15:00Z"), 42, null, 16, "passports"));
    events.add(new TicketCalled(5, T0.plusSeconds(4), 17, "4", "walk-in", false));
    events.add(new TicketRecalled(6, T0.plusSeconds(5), 17, "4", 2));
    events.add(new CallReturned(7, T0.plusSeconds(6), 17, "4"));
    events.add(new ServiceStarted(8, T0.plusSeconds(7), 18, "desk_12"));
    events.add(new ServiceFinished(9, T0.plusSeconds(8), 18, "desk_12"));
    events.add(new TicketNoShow(10, T0.plusSeconds(9), 17, "4"));
    events.add(new TicketCancelled(11, T0.plusSeconds(10), Long.MAX_VALUE));
    events.add(new BookingMade(12, T0.plusSeconds(11), 5, "0ABCDEFGH", "id-docs", 1_975_433L, window, "p-1", "web/1"));
    events.add(new BookingMade(13, T0.plusSeconds(12), 6, "1JKMNPQRS", "passports", 1_975_434L, window.plusMinutes(15),
        null, null));
    events.add(new BookingCancelled(14, T0.plusSeconds(13), 6));
    events.add(new BookingCheckedIn(15, T0.plusSeconds(14), 5, 18, true));
    events.add(new BookingCheckedIn(16, T0.plusSeconds(15), 7, 19, false));
    events.add(new BookingExpired(17, T0.plusSeconds(16), 8));
    events.add(new AdmissionModeChanged(18, T0.plusSeconds(17), AdmissionMode.MIXED, AdmissionMode.BOOKING_ONLY));
    events.add(new QueueEvent.TicketPostponed(19, T0.plusSeconds(18), 17, T0.plusSeconds(918)));
    events.add(new QueueEvent.TicketPostponed(20, T0.plusSeconds(19), 18, null));
    events.add(new QueueEvent.TicketResumed(21, T0.plusSeconds(20), 17, "booked", 43));
    events.add(new QueueEvent.TicketTransferred(22, T0.plusSeconds(21), 18, 20, "passports"));
    events.add(new QueueEvent.DeskStateChanged(23, T0.plusSeconds(22), "4", dev.talon.queue.DeskState.PAUSED,
        "обед / lunch"));
    events.add(new QueueEvent.DeskStateChanged(24, T0.plusSeconds(23), "4", dev.talon.queue.DeskState.OPEN, null));
    events.add(new QueueEvent.AutoCallChanged(25, T0.plusSeconds(24), "4", true));
    events.add(new QueueEvent.HeadsUp(26, T0.plusSeconds(25), 17, 3, java.time.Duration.ofSeconds(754, 123_000_000)));
    events.add(new QueueEvent.ServiceLevelBreached(27, T0.plusSeconds(26), "id-docs",
        dev.talon.queue.ServiceLevel.Target.WAIT, 17, 2_760, 2_700));
    events.add(new QueueEvent.TicketCalled(28, T0.plusSeconds(27), 18, "4", "booked", true));
    events.add(new QueueEvent.PolicyChanged(29, T0.plusSeconds(28),
        "{\"type\":\"ratio\",\"weights\":{\"booked\":3,\"walk-in\":1}}"));
    events.add(new QueueEvent.HoursChanged(30, T0.plusSeconds(29), day, List.of(dev.talon.queue.TimeRange.of("09:00",
        "13:00"), dev.talon.queue.TimeRange.of("14:00", "24:00"))));
    events.add(new QueueEvent.HoursChanged(31, T0.plusSeconds(30), day.plusDays(1), List.of()));
    events.add(new QueueEvent.CapacityChanged(32, T0.plusSeconds(31), dev.talon.queue.CapacityRule.weekly("id-docs",
        Set.of(java.time.DayOfWeek.MONDAY, java.time.DayOfWeek.FRIDAY), dev.talon.queue.TimeRange.of("14:00", "18:00"), 4)));
    events.add(new QueueEvent.CapacityChanged(33, T0.plusSeconds(32), dev.talon.queue.CapacityRule.dated("id-docs", day,
        dev.talon.queue.TimeRange.of("09:00", "10:00"), 0)));
    events.add(new QueueEvent.PlaceHeld(34, T0.plusSeconds(33), 1, "id-docs", 1_975_433L, window, "p-1",
        T0.plusSeconds(1233)));
    events.add(new QueueEvent.PlaceHeld(35, T0.plusSeconds(34), 2, "passports", 1_975_434L, window, null,
        T0.plusSeconds(1234)));
    events.add(new QueueEvent.HoldConfirmed(36, T0.plusSeconds(35), 1, 9));
    events.add(new QueueEvent.HoldReleased(37, T0.plusSeconds(36), 2, true));
    events.add(new QueueEvent.BookingRescheduled(38, T0.plusSeconds(37), 5, 1_975_440L, window.plusMinutes(105)));
    events.add(new QueueEvent.WaitlistJoined(39, T0.plusSeconds(38), 1, "id-docs", 1_975_433L, window, "ИИН 900101"));
    events.add(new QueueEvent.WaitlistJoined(40, T0.plusSeconds(39), 2, "id-docs", 1_975_433L, window, null));
    events.add(new QueueEvent.WaitlistLeft(41, T0.plusSeconds(40), 2, false));
    events.add(new QueueEvent.PlaceOffered(42, T0.plusSeconds(41), 1, 3, "id-docs", 1_975_433L, window, null,
        T0.plusSeconds(3641)));
    events.add(new QueueEvent.BookingMade(43, T0.plusSeconds(42), 10, "X", "id-docs", 1_975_433L, window, "p-2",
        "r-10", 2, dev.talon.queue.Channel.CALL_CENTRE));
    events.add(new QueueEvent.PlaceHeld(44, T0.plusSeconds(43), 4, "id-docs", 1_975_433L, window, null,
        T0.plusSeconds(1243), 3, dev.talon.queue.Channel.WEB, "r-11"));
    events.add(new QueueEvent.HoldConfirmed(45, T0.plusSeconds(44), 4, 11, "r-12"));
    events.add(new QueueEvent.BookingRescheduled(46, T0.plusSeconds(45), 11, 1_975_440L, window.plusMinutes(105),
        "r-13"));
    events.add(new QueueEvent.WaitlistJoined(47, T0.plusSeconds(46), 3, "id-docs", 1_975_433L, window, null,
        dev.talon.queue.Channel.COUNTER));
    events.add(new QueueEvent.PlaceOffered(48, T0.plusSeconds(47), 3, 5, "id-docs", 1_975_433L, window, null,
        T0.plusSeconds(3647), dev.talon.queue.Channel.COUNTER));
    events.add(new QueueEvent.PlaceCooling(49, T0.plusSeconds(48), 1, "id-docs", 1_975_433L, window,
        dev.talon.queue.Channel.WEB, T0.plusSeconds(648)));
    events.add(new QueueEvent.CoolingEnded(50, T0.plusSeconds(49), 1));
    return events;
  }

  @Test
  void oneOfEachType_coversEveryEventType() {
    Set<Class<?>> covered = oneOfEachType().stream().map(Object::getClass).collect(Collectors.toSet());
    assertThat(covered).containsExactlyInAnyOrder(QueueEvent.class.getPermittedSubclasses());
  }

  @Test
  void load_everyEventType_returnsEqualValues() {
    List<QueueEvent> events = oneOfEachType();
    store.append(branch, 0, events.subList(0, 3));
    for (QueueEvent e : events.subList(3, events.size())) {
      store.append(branch, 0, List.of(e));
    }

    List<QueueEvent> loaded = store.load(branch, 0);
    assertThat(loaded).containsExactlyElementsOf(events);
    for (int i = 0; i < events.size(); i++) {
      assertThat(loaded.get(i)).as("event %d", i + 1).hasSameClassAs(events.get(i));
    }
  }

  // ---------------------------------------------------------------- concurrency

  @Test
  void append_concurrentWritersFromTheSameSeq_exactlyOneWinsWithItsWholeBatch() throws Exception {
    int writers = 6;
    int rounds = 40;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    long last = 0;
    try {
      for (int round = 0; round < rounds; round++) {
        long first = last + 1;
        CyclicBarrier gate = new CyclicBarrier(writers);
        List<List<QueueEvent>> winners = new CopyOnWriteArrayList<>();
        List<Future<?>> running = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
          List<QueueEvent> mine = batch(first, 1 + w % 3, 100L * round + w); // batches of 1, 2 and 3 events
          running.add(pool.submit(() -> {
            gate.await();
            try {
              store.append(branch, 0, mine);
              winners.add(mine);
            } catch (EventStore.SequenceConflictException lost) {
              // another writer took the numbers
            }
            return null;
          }));
        }
        for (Future<?> f : running) {
          f.get(30, TimeUnit.SECONDS);
        }
        assertThat(winners).as("writers from event %d that succeeded", first).hasSize(1);
        assertThat(store.load(branch, last)).as("the winner's whole batch and nothing of the others")
            .containsExactlyElementsOf(winners.get(0));
        last += winners.get(0).size();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(seqs(store.load(branch, 0))).containsExactlyElementsOf(LongStream.rangeClosed(1, last).boxed().toList());
  }

  // ---------------------------------------------------------------- snapshots

  /** Appends events 1..lastSeq to the branch, as the engine has before it saves a snapshot at lastSeq. */
  private void eventsUpTo(String branchId, long lastSeq) {
    long stored = store.load(branchId, 0).size();
    if (lastSeq > stored) {
      store.append(branchId, 0, batch(stored + 1, (int) (lastSeq - stored), 1));
    }
  }

  /** A snapshot at seq whose bytes are distinct for every (seq, size), covering every byte value. */
  private static BranchSnapshot snapshot(long seq, int size) {
    byte[] state = new byte[size];
    new Random(seq * 31 + size).nextBytes(state);
    for (int i = 0; i < Math.min(size, 256); i++) {
      state[i] = (byte) i;
    }
    return new BranchSnapshot(seq, state);
  }

  @Test
  void loadSnapshot_none_isEmpty() {
    assertThat(store.loadSnapshot(newBranchId())).as("unknown branch").isEmpty();
    eventsUpTo(branch, 3);
    assertThat(store.loadSnapshot(branch)).as("branch with events but no snapshot").isEmpty();
  }

  @Test
  void saveSnapshot_thenLoad_returnsSameBytes() {
    assumeTrue(keepsSnapshots(), "the store keeps snapshots");
    eventsUpTo(branch, 3);
    BranchSnapshot saved = snapshot(3, 1_000);
    byte[] copy = saved.state().clone();

    store.saveSnapshot(branch, saved);

    BranchSnapshot loaded = store.loadSnapshot(branch).orElseThrow();
    assertThat(loaded.seq()).isEqualTo(3);
    assertThat(loaded.state()).isEqualTo(copy);
  }

  @Test
  void saveSnapshot_newer_replacesOlder() {
    assumeTrue(keepsSnapshots(), "the store keeps snapshots");
    for (long seq : new long[] {2, 5, 6, 9}) {
      eventsUpTo(branch, seq);
      store.saveSnapshot(branch, snapshot(seq, 100));
      assertThat(store.loadSnapshot(branch)).as("after saving at %d", seq).contains(snapshot(seq, 100));
    }
  }

  @Test
  void saveSnapshot_older_afterNewer_loadReturnsNewest() {
    assumeTrue(keepsSnapshots(), "the store keeps snapshots");
    eventsUpTo(branch, 7);
    store.saveSnapshot(branch, snapshot(5, 100));
    store.saveSnapshot(branch, snapshot(7, 100));

    store.saveSnapshot(branch, snapshot(6, 100)); // between the stored ones
    store.saveSnapshot(branch, snapshot(3, 100)); // older than both
    assertThat(store.loadSnapshot(branch)).contains(snapshot(7, 100));

    store.saveSnapshot(branch, snapshot(7, 50)); // the same seq again (a retry, or an old owner)
    assertThat(store.loadSnapshot(branch)).get().extracting(BranchSnapshot::seq).isEqualTo(7L);
  }

  @Test
  void saveSnapshot_branchesAreIndependent() {
    assumeTrue(keepsSnapshots(), "the store keeps snapshots");
    String other = newBranchId();
    String without = newBranchId();
    eventsUpTo(branch, 4);
    eventsUpTo(other, 9);
    eventsUpTo(without, 2);

    store.saveSnapshot(branch, snapshot(4, 10));
    store.saveSnapshot(other, snapshot(2, 20)); // older than branch's: the seqs of branches are unrelated
    store.saveSnapshot(other, snapshot(3, 30));

    assertThat(store.loadSnapshot(branch)).contains(snapshot(4, 10));
    assertThat(store.loadSnapshot(other)).contains(snapshot(3, 30));
    assertThat(store.loadSnapshot(without)).isEmpty();
    assertThat(store.load(branch, 0)).as("a snapshot does not change the history").hasSize(4);
  }

  @Test
  void saveSnapshot_fiveMegabytes_roundTrips() {
    assumeTrue(keepsSnapshots(), "the store keeps snapshots");
    eventsUpTo(branch, 1);
    BranchSnapshot big = snapshot(1, 5 * 1024 * 1024);

    store.saveSnapshot(branch, big);

    assertThat(store.loadSnapshot(branch)).contains(big);
  }

  @Test
  void saveSnapshot_storeKeepsNone_isAcceptedAndLoadIsEmpty() {
    assumeFalse(keepsSnapshots(), "the store keeps no snapshots");
    eventsUpTo(branch, 2);

    store.saveSnapshot(branch, snapshot(2, 100));

    assertThat(store.loadSnapshot(branch)).isEmpty();
    assertThat(store.load(branch, 0)).hasSize(2);
  }

  // ---------------------------------------------------------------- retention

  @Test
  void removeHistoryBefore_withoutSnapshot_removesNothing() {
    eventsUpTo(branch, 5);

    assertThat(store.removeHistoryBefore(branch, T0.plusSeconds(100))).isZero();
    assertThat(store.removeHistoryBefore(newBranchId(), T0.plusSeconds(100))).as("unknown branch").isZero();

    assertThat(store.load(branch, 0)).hasSize(5);
  }

  @Test
  void removeHistoryBefore_removesOnlyOlderEventsTheSnapshotCovers() {
    assumeTrue(keepsSnapshots(), "the store keeps snapshots");
    eventsUpTo(branch, 10); // event n at T0 + n s
    store.saveSnapshot(branch, snapshot(6, 100));

    assertThat(store.removeHistoryBefore(branch, T0.plusSeconds(3).plusMillis(500))).as("before event 4").isEqualTo(3);
    assertThat(seqs(store.load(branch, 0))).containsExactly(4L, 5L, 6L, 7L, 8L, 9L, 10L);
    assertThat(store.removeHistoryBefore(branch, T0.plusSeconds(9))).as("covered: only up to the snapshot's 6")
        .isEqualTo(3);
    assertThat(seqs(store.load(branch, 0))).containsExactly(7L, 8L, 9L, 10L);
    assertThat(store.removeHistoryBefore(branch, T0.plusSeconds(9))).as("again: nothing left to remove").isZero();

    store.append(branch, 0, batch(11, 2, 1)); // the branch goes on
    assertThat(seqs(store.load(branch, 6))).containsExactly(7L, 8L, 9L, 10L, 11L, 12L);
    assertThat(store.loadSnapshot(branch)).contains(snapshot(6, 100));
    assertThatThrownBy(() -> store.append(branch, 0, batch(12, 1, 2))).as("seqs stay taken")
        .isInstanceOf(EventStore.SequenceConflictException.class);
  }

  @Test
  void removeHistoryBefore_otherBranch_isUntouched() {
    assumeTrue(keepsSnapshots(), "the store keeps snapshots");
    String other = newBranchId();
    eventsUpTo(branch, 4);
    eventsUpTo(other, 4);
    store.saveSnapshot(branch, snapshot(4, 10));
    store.saveSnapshot(other, snapshot(4, 10));

    assertThat(store.removeHistoryBefore(branch, T0.plusSeconds(100))).isEqualTo(4);

    assertThat(store.load(branch, 0)).isEmpty();
    assertThat(store.load(other, 0)).hasSize(4);
  }

  /**
   * Two days of a branch, a snapshot at the end of the first, retention of that day: the branch
   * reopens into the state it had, statistics of the second day included, and goes on.
   */
  @Test
  void removeHistoryBefore_dayCoveredByASnapshot_reopensIntoTheSameStateAndStatistics() {
    assumeTrue(keepsSnapshots(), "the store keeps snapshots");
    ManualClock clock = QueueClock.manual(instant("2026-03-02T09:00"));
    Branch live = openEngine(clock, new CopyOnWriteArrayList<>());
    for (int i = 0; i < 6; i++) {
      Ticket t = live.issue(IssueRequest.walkIn(i % 2 == 0 ? "a" : "b").withPerson("p-" + i));
      clock.advance(java.time.Duration.ofMinutes(3));
      live.callNext(i % 2 == 0 ? "1" : "2");
      live.finish(t.id());
    }
    clock.set(instant("2026-03-03T09:00"));
    Ticket waiting = live.issue(IssueRequest.walkIn("a"));
    Ticket served = live.issue(IssueRequest.walkIn("b"));
    clock.advance(java.time.Duration.ofMinutes(4));
    live.callNext("2");
    live.finish(served.id());
    live.close(); // saves a snapshot of the whole state
    List<QueueEvent> before = store.load(live.id(), 0);
    dev.talon.queue.DailyStatistics stats = live.statistics(java.time.LocalDate.parse("2026-03-03"));

    long removed = store.removeHistoryBefore(live.id(), java.time.LocalDate.parse("2026-03-03"), ALMATY);

    assertThat(removed).isPositive();
    assertThat(store.load(live.id(), 0)).isEqualTo(before.subList((int) removed, before.size()))
        .allMatch(e -> !e.at().isBefore(instant("2026-03-03T00:00")));
    Branch again = openEngine(clock, new CopyOnWriteArrayList<>());
    assertThat(again.ticket(waiting.id())).isEqualTo(live.ticket(waiting.id()));
    assertThat(again.ticket(served.id())).isEqualTo(live.ticket(served.id()));
    assertThat(again.lastSeq()).isEqualTo(before.get(before.size() - 1).seq());
    assertThat(again.statistics(java.time.LocalDate.parse("2026-03-03"))).isEqualTo(stats);
    assertThat(again.callNext("1")).get().extracting(Ticket::id).isEqualTo(waiting.id());
  }

  // ---------------------------------------------------------------- events since a time

  /**
   * Events whose times have nanoseconds, some sharing a microsecond, one rounded down and one up if
   * a store keeps microseconds, and two at the same time; times never decrease along the seq.
   */
  private static List<QueueEvent> timedHistory() {
    String[] times = {
        "2026-03-02T04:05:06.123456789Z",
        "2026-03-02T04:05:07.123456789Z", // microsecond ...457 when rounded
        "2026-03-02T04:05:07.123457089Z", // the same microsecond, 300 ns later
        "2026-03-02T04:05:08.000000400Z", // microsecond ...000 when rounded
        "2026-03-02T04:05:08.000000400Z", // the same time as the one before
        "2026-03-02T04:05:09Z"};
    List<QueueEvent> out = new ArrayList<>();
    for (int i = 0; i < times.length; i++) {
      out.add(new TicketCancelled(i + 1, Instant.parse(times[i]), 50 + i));
    }
    return out;
  }

  /** The events at or after {@code from}, by their exact times. */
  private static List<QueueEvent> since(List<QueueEvent> history, Instant from) {
    return history.stream().filter(e -> !e.at().isBefore(from)).toList();
  }

  @Test
  void loadSince_returnsEventsFromTimeInSeqOrder() {
    List<QueueEvent> history = timedHistory();
    store.append(branch, 0, history.subList(0, 2));
    store.append(branch, 0, history.subList(2, history.size()));

    for (QueueEvent e : history) {
      assertThat(store.loadSince(branch, e.at())).as("from the time of event %d", e.seq())
          .contains(e).containsExactlyElementsOf(since(history, e.at()));
      assertThat(store.loadSince(branch, e.at().plusNanos(1))).as("from 1 ns after event %d", e.seq())
          .doesNotContain(e).containsExactlyElementsOf(since(history, e.at().plusNanos(1)));
      assertThat(store.loadSince(branch, e.at().minusNanos(1))).as("from 1 ns before event %d", e.seq())
          .containsExactlyElementsOf(since(history, e.at().minusNanos(1)));
    }
    assertThat(store.loadSince(branch, history.get(2).at())).extracting(QueueEvent::seq)
        .as("not event 2, in the same microsecond 300 ns earlier").containsExactly(3L, 4L, 5L, 6L);
    assertThat(store.loadSince(branch, Instant.EPOCH)).containsExactlyElementsOf(history);
    assertThat(store.loadSince(branch, Instant.MIN)).containsExactlyElementsOf(history);
    assertThat(store.loadSince(branch, Instant.MAX)).isEmpty();
  }

  @Test
  void loadSince_unknownBranch_isEmpty() {
    store.append(branch, 0, timedHistory());

    assertThat(store.loadSince(newBranchId(), Instant.EPOCH)).isEmpty();
  }

  // ---------------------------------------------------------------- the engine on this store

  private static final ZoneId ALMATY = ZoneId.of("Asia/Almaty");

  private Branch openEngine(ManualClock clock, List<QueueEvent> seen) {
    return Talon.newBranch(branch)
        .zone(ALMATY)
        .openingHours(OpeningHours.daily(LocalTime.of(9, 0), LocalTime.of(18, 0)))
        .service("a", "A", "ID documents")
        .service("b", "B", "Passports")
        .desk("1", "a", "b")
        .desk("2", "b")
        .slots(dev.talon.queue.SlotCalendar.defaults().withCooldown(java.time.Duration.ofMinutes(1)))
        .capacity("a", 2)
        .capacity("b", 1)
        .policy(Policy.bookedFirst())
        .limits(dev.talon.queue.Limits.defaults().withHeadsUp(1, java.time.Duration.ZERO))
        .serviceLevel("b", new dev.talon.queue.ServiceLevel(java.time.Duration.ofMinutes(45), null, 0))
        .store(store)
        .clock(clock)
        .listener((id, events) -> seen.addAll(events))
        .build();
  }

  private static LocalDateTime at(String localTime) {
    return LocalDateTime.parse("2026-03-02T" + localTime);
  }

  private static Instant instant(String localDateTime) {
    return LocalDateTime.parse(localDateTime).atZone(ALMATY).toInstant();
  }

  @Test
  void engine_reopenedAfterMixedWorkload_replaysIntoTheSameState() {
    ManualClock clock = QueueClock.manual(instant("2026-03-02T09:00"));
    List<QueueEvent> seen = new CopyOnWriteArrayList<>();
    Branch live = openEngine(clock, seen);

    Ticket a1 = live.issue(IssueRequest.walkIn("a").withCategories("elderly").withPerson("p-1").withRequestId("k-1"));
    Ticket b1 = live.issue(IssueRequest.walkIn("b"));
    Ticket a2 = live.issue(IssueRequest.remote("a"));
    Booking first = live.book(BookRequest.of("a", at("09:15")));
    Booking second = live.book(BookRequest.of("a", at("09:15")).withPerson("p-2").withRequestId("web-2"));
    assertThatThrownBy(() -> live.book(BookRequest.of("a", at("09:15")))).isInstanceOf(CapacityExceededException.class);
    Booking lateOne = live.book(BookRequest.of("b", at("09:30")));
    live.book(BookRequest.of("a", at("10:00"))); // never checked in: expires at 10:30
    live.cancelBooking(first.code()); // nobody waits: the place cools down for a minute
    assertThatThrownBy(() -> live.book(BookRequest.of("a", at("09:15")))).isInstanceOf(CapacityExceededException.class);
    clock.set(instant("2026-03-02T09:01"));
    live.book(BookRequest.of("a", at("09:15"))); // the released place; never checked in either
    Ticket booked = live.checkIn(second.code());
    live.setAdmissionMode(AdmissionMode.WALK_IN_ONLY);
    assertThatThrownBy(() -> live.book(BookRequest.of("b", at("11:00")))).isInstanceOf(AdmissionRefusedException.class);
    live.setAdmissionMode(AdmissionMode.MIXED);

    assertThat(live.callNext("1")).get().extracting(Ticket::id).isEqualTo(booked.id()); // booked first
    live.startService(booked.id());
    live.finish(booked.id());
    assertThat(live.callNext("2")).get().extracting(Ticket::id).isEqualTo(b1.id());
    live.recall(b1.id());
    live.returnCall(b1.id());
    assertThat(live.callNext("2")).get().extracting(Ticket::id).isEqualTo(b1.id());
    live.noShow(b1.id());
    assertThat(live.callNext("1")).get().extracting(Ticket::id).isEqualTo(a1.id());
    live.finish(a1.id());
    live.cancel(a2.id());

    // the service-centre operations: postpone and resume, desk states, walk-direct, transfer, auto-call
    Ticket b2 = live.issue(IssueRequest.walkIn("b"));
    Ticket b3 = live.issue(IssueRequest.walkIn("b"));
    live.postpone(b2.id(), java.time.Duration.ofMinutes(5));
    live.postponeIndefinitely(b3.id());
    live.resume(b3.id());
    live.pauseDesk("2", "lunch");
    live.openDesk("2");
    Ticket direct = live.callTicket("2", b3.id());
    live.startService(direct.id());
    Ticket moved = live.transfer(direct.id(), dev.talon.queue.TransferRequest.to("a"));
    live.cancel(moved.id());
    live.setAutoCall("2", true); // nothing of b waits (b2 is postponed), so nothing is called
    live.setAutoCall("2", false);
    live.setPolicy(Policy.bookedFirst()); // a runtime switch (to the same rule, with a fresh state)
    clock.set(instant("2026-03-02T09:35"));
    live.rotate(); // b2's postponement ends; at 10:35 it has waited past its 45-minute target

    clock.set(instant("2026-03-02T09:41"));
    Ticket late = live.checkIn(lateOne.code()); // 11 minutes into its window: late, joins the walk-in line
    clock.set(instant("2026-03-02T10:35"));
    live.issue(IssueRequest.walkIn("a")); // catches up first: rotation and the two expiries
    clock.set(instant("2026-03-03T09:05"));
    Ticket nextDay = live.issue(IssueRequest.walkIn("a").withRequestId("k-2"));
    assertThat(nextDay.display()).isEqualTo("A-001");
    assertThat(live.ticket(late.id())).get().extracting(Ticket::line).isEqualTo(Policy.WALK_IN);

    // the booking calendar: hold and confirm, release, reschedule, waiting list, runtime changes
    LocalDate tomorrow = LocalDate.parse("2026-03-03");
    dev.talon.queue.Hold held = live.hold(BookRequest.of("b", tomorrow.atTime(11, 0)));
    live.confirm(held.id());
    live.releaseHold(live.hold(BookRequest.of("b", tomorrow.atTime(11, 15))).id());
    live.reschedule(live.book(BookRequest.of("a", tomorrow.atTime(11, 0))).code(), tomorrow.atTime(11, 30));
    live.joinWaitlist(BookRequest.of("b", tomorrow.atTime(11, 0)));
    live.leaveWaitlist(live.joinWaitlist(BookRequest.of("b", tomorrow.atTime(11, 0))).id());
    live.changeCapacity(dev.talon.queue.CapacityRule.dated("b", tomorrow, dev.talon.queue.TimeRange.of("11:00", "11:15"),
        2), dev.talon.queue.AffectedBookings.REFUSE); // a place more: offered to the one waiting
    live.changeHours(tomorrow, List.of(dev.talon.queue.TimeRange.of("09:00", "17:00")),
        dev.talon.queue.AffectedBookings.CANCEL);

    List<QueueEvent> stored = store.load(branch, 0);
    assertThat(stored).as("what the store gives back is what the engine wrote").containsExactlyElementsOf(seen);
    assertThat(stored.stream().map(Object::getClass).collect(Collectors.toSet()))
        .as("the workload produced every event type")
        .containsExactlyInAnyOrder(QueueEvent.class.getPermittedSubclasses());

    Branch replayed = openEngine(clock, new ArrayList<>());
    assertThat(replayed.lastSeq()).isEqualTo(live.lastSeq()).isEqualTo(stored.size());
    assertThat(Inspection.tickets(replayed)).containsExactlyElementsOf(Inspection.tickets(live));
    assertThat(Inspection.bookings(replayed)).containsExactlyElementsOf(Inspection.bookings(live));
    assertThat(replayed.admissionMode()).isEqualTo(live.admissionMode());
    assertThat(Inspection.policyState(replayed)).isEqualTo(Inspection.policyState(live));
    for (String service : List.of("a", "b")) {
      assertThat(replayed.waiting(service)).isEqualTo(live.waiting(service));
    }
    assertThat(replayed.position(late.id())).isEqualTo(live.position(late.id()));
    // the second day forgot what ended on the first (its events stay in the store); what still waits is kept
    assertThat(Inspection.bookings(live)).as("every booking of the first day ended")
        .allMatch(b -> b.windowStart().toLocalDate().equals(tomorrow));
    assertThat(Inspection.tickets(live)).extracting(Ticket::state).contains(TicketState.WAITING)
        .doesNotContain(TicketState.DONE, TicketState.NO_SHOW, TicketState.CANCELLED);

    // the replayed engine carries on where the live one stopped
    live.close();
    assertThat(replayed.issue(IssueRequest.walkIn("b")).display()).isEqualTo("B-001");
    assertThat(replayed.issue(IssueRequest.walkIn("a").withRequestId("k-2")).id())
        .as("a retried request id, remembered across the reopen").isEqualTo(nextDay.id());
  }
}
