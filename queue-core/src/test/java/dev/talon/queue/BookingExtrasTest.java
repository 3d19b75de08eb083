package dev.talon.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talon.queue.QueueEvent.CoolingEnded;
import dev.talon.queue.QueueEvent.PlaceCooling;
import dev.talon.queue.QueueEvent.PlaceHeld;
import dev.talon.queue.QueueEvent.PlaceOffered;
import dev.talon.queue.spi.Bypass;
import dev.talon.queue.spi.DispatchView;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.LineView;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.Policy;
import dev.talon.queue.spi.QueueClock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The rest of the booking calendar of issue 16 by example: bookings of several consecutive
 * windows, channel quotas, the cool-down after a cancellation, the per-person booking limit,
 * request ids on hold, confirm and reschedule, and reads of holds and waiting lists that never
 * wait for the writer.
 */
class BookingExtrasTest {
  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  static final OpeningCalendar CALENDAR = OpeningCalendar.closed()
      .weekdays(TimeRange.of("09:00", "13:00"), TimeRange.of("14:00", "20:00"));

  private final ManualClock clock = QueueClock.manual(LocalDateTime.parse("2026-03-02T08:00").atZone(BERLIN).toInstant());
  private final EventStore store = EventStore.inMemory(null);

  private Talon builder(SlotCalendar slots) {
    return Talon.newBranch("extra").zone(BERLIN).clock(clock).store(store).calendar(CALENDAR)
        .service("docs", "A", "ID documents").desk("1", "docs").slots(slots);
  }

  private static SlotCalendar places(int n) {
    return SlotCalendar.defaults().withCapacity("docs", n);
  }

  private void at(String local) {
    clock.set(LocalDateTime.parse(local).atZone(BERLIN).toInstant());
  }

  private static LocalDateTime t(String local) {
    return LocalDateTime.parse(local);
  }

  private <T extends QueueEvent> List<T> events(Class<T> type) {
    return store.load("extra", 0).stream().filter(type::isInstance).map(type::cast).toList();
  }

  // ---------------------------------------------------------------- multi-window bookings

  @Test
  void book_twoWindows_takesBothOrNone() {
    try (Branch b = builder(places(1)).build()) {
      b.book(BookRequest.of("docs", t("2026-03-02T10:15")));
      assertThatThrownBy(() -> b.book(BookRequest.of("docs", t("2026-03-02T10:00")).withWindows(2)))
          .isInstanceOf(CapacityExceededException.class).hasMessageContaining("window 2026-03-02T10:15");
      assertThat(b.book(BookRequest.of("docs", t("2026-03-02T10:00")))).isNotNull(); // the refusal took nothing
      Booking two = b.book(BookRequest.of("docs", t("2026-03-02T10:30")).withWindows(2));
      assertThat(two.windows()).isEqualTo(2);
      assertThat(two.endsAt()).isEqualTo(t("2026-03-02T10:45").atZone(BERLIN).toInstant()); // its first window's
      assertThatThrownBy(() -> b.book(BookRequest.of("docs", t("2026-03-02T10:45"))))
          .isInstanceOf(CapacityExceededException.class);
      assertThatThrownBy(() -> b.book(BookRequest.of("docs", t("2026-03-02T12:45")).withWindows(2)))
          .isInstanceOf(OutOfHoursException.class).hasMessageContaining("window 2 of 2"); // 13:00 is lunch
    }
  }

  @Test
  void cancelBooking_twoWindows_freesBoth() {
    try (Branch b = builder(places(1)).build()) {
      Booking two = b.book(BookRequest.of("docs", t("2026-03-02T10:00")).withWindows(2));
      b.cancelBooking(two.code());
      b.book(BookRequest.of("docs", t("2026-03-02T10:00")));
      b.book(BookRequest.of("docs", t("2026-03-02T10:15")));
    }
  }

  @Test
  void checkIn_twoWindows_followsTheFirstWindowAndExpiryFreesBoth() {
    try (Branch b = builder(places(1)).build()) {
      Booking two = b.book(BookRequest.of("docs", t("2026-03-02T10:00")).withWindows(2));
      at("2026-03-02T09:25");
      assertThatThrownBy(() -> b.checkIn(two.code())).isInstanceOf(CheckInRefusedException.class)
          .hasMessageContaining("opens at 2026-03-02T09:30");
      at("2026-03-02T10:14");
      assertThatThrownBy(() -> b.book(BookRequest.of("docs", t("2026-03-02T10:15"))))
          .isInstanceOf(CapacityExceededException.class);
      at("2026-03-02T10:30"); // the first window's end plus 15 minutes' grace
      b.rotate();
      assertThat(b.booking(two.code())).get().extracting(Booking::state).isEqualTo(BookingState.EXPIRED);
      assertThat(b.book(BookRequest.of("docs", t("2026-03-02T10:45")))).isNotNull();
    }
  }

  @Test
  void reschedule_twoWindowsByOneWindow_movesBothAndDoesNotCompeteWithItself() {
    try (Branch b = builder(places(1)).build()) {
      Booking two = b.book(BookRequest.of("docs", t("2026-03-02T10:00")).withWindows(2));
      Booking moved = b.reschedule(two.code(), t("2026-03-02T10:15"));
      assertThat(moved.code()).isEqualTo(two.code());
      assertThat(moved.windows()).isEqualTo(2);
      b.book(BookRequest.of("docs", t("2026-03-02T10:00"))); // freed
      assertThatThrownBy(() -> b.book(BookRequest.of("docs", t("2026-03-02T10:30"))))
          .isInstanceOf(CapacityExceededException.class); // taken by the move
    }
  }

  @Test
  void hold_twoWindows_confirmsIntoATwoWindowBookingAndReleaseFreesBoth() {
    try (Branch b = builder(places(1)).build()) {
      Hold h = b.hold(BookRequest.of("docs", t("2026-03-02T10:00")).withWindows(2));
      assertThat(h.windows()).isEqualTo(2);
      assertThatThrownBy(() -> b.hold(BookRequest.of("docs", t("2026-03-02T10:15"))))
          .isInstanceOf(CapacityExceededException.class);
      assertThat(b.confirm(h.id()).windows()).isEqualTo(2);
      Hold other = b.hold(BookRequest.of("docs", t("2026-03-02T11:00")).withWindows(3));
      b.releaseHold(other.id());
      b.book(BookRequest.of("docs", t("2026-03-02T11:30")));
    }
  }

  @Test
  void joinWaitlist_twoWindows_isRefused() {
    try (Branch b = builder(places(1)).build()) {
      assertThatThrownBy(() -> b.joinWaitlist(BookRequest.of("docs", t("2026-03-02T10:00")).withWindows(2)))
          .isInstanceOf(InvalidRequestException.class).hasMessageContaining("one window");
    }
  }

  // ---------------------------------------------------------------- channel quotas

  private static SlotCalendar quota(Duration release) {
    return places(10).withQuotas(new ChannelQuota("docs", Map.of(Channel.WEB, 60, Channel.CALL_CENTRE, 20,
        Channel.COUNTER, 10), release));
  }

  @Test
  void book_webBeyondItsShare_usesTheSharedPlaceThenIsRefused() {
    try (Branch b = builder(quota(Duration.ZERO)).build()) {
      BookRequest web = BookRequest.of("docs", t("2026-03-02T10:00")).withChannel(Channel.WEB);
      for (int i = 0; i < 7; i++) { // 6 reserved + the 1 place nobody reserves
        b.book(web);
      }
      assertThatThrownBy(() -> b.book(web)).isInstanceOf(CapacityExceededException.class)
          .hasMessageContaining("channel WEB: it has used its 6 reserved places (7 taken through it) and all 1 shared");
      assertThatThrownBy(() -> b.book(web.withChannel(null))).isInstanceOf(CapacityExceededException.class)
          .hasMessageContaining("requests without a channel");
      b.book(web.withChannel(Channel.CALL_CENTRE));
      b.book(web.withChannel(Channel.CALL_CENTRE));
      b.book(web.withChannel(Channel.COUNTER));
      assertThatThrownBy(() -> b.book(web.withChannel(Channel.COUNTER))).isInstanceOf(CapacityExceededException.class)
          .hasMessageContaining("is full: 10 of 10");
    }
  }

  @Test
  void book_withinTheReleaseLeadTime_takesAnotherChannelsUnusedShare() {
    try (Branch b = builder(quota(Duration.ofHours(1))).build()) {
      BookRequest web = BookRequest.of("docs", t("2026-03-02T10:00")).withChannel(Channel.WEB);
      for (int i = 0; i < 7; i++) {
        b.book(web);
      }
      assertThatThrownBy(() -> b.hold(web)).isInstanceOf(CapacityExceededException.class)
          .hasMessageContaining("open to every channel 60 minutes before");
      at("2026-03-02T09:00");
      b.hold(web);
      b.hold(web.withChannel(null));
      b.hold(web);
      assertThatThrownBy(() -> b.hold(web.withChannel(Channel.COUNTER))).isInstanceOf(CapacityExceededException.class)
          .hasMessageContaining("is full: 10 of 10 places booked or held");
    }
  }

  @Test
  void channelQuota_overOneHundredPercent_isRefused() {
    assertThatThrownBy(() -> new ChannelQuota("docs", Map.of(Channel.WEB, 80, Channel.COUNTER, 30), Duration.ZERO))
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("add up to 110 percent");
    assertThatThrownBy(() -> places(1).withQuotas(new ChannelQuota("docs", Map.of(), Duration.ZERO),
        new ChannelQuota("docs", Map.of(), Duration.ZERO))).isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("each service once");
  }

  // ---------------------------------------------------------------- cool-down

  @Test
  void cancelBooking_withCooldownAndNobodyWaiting_closesThePlaceUntilItEnds() {
    try (Branch b = builder(places(1).withCooldown(Duration.ofMinutes(10))).build()) {
      Booking first = b.book(BookRequest.of("docs", t("2026-03-02T10:00")).withChannel(Channel.WEB));
      b.cancelBooking(first.code());
      assertThat(events(PlaceCooling.class)).singleElement().extracting(PlaceCooling::channel).isEqualTo(Channel.WEB);
      assertThatThrownBy(() -> b.book(BookRequest.of("docs", t("2026-03-02T10:00"))))
          .isInstanceOf(CapacityExceededException.class).hasMessageContaining("cooling down");
      at("2026-03-02T08:09");
      assertThatThrownBy(() -> b.hold(BookRequest.of("docs", t("2026-03-02T10:00"))))
          .isInstanceOf(CapacityExceededException.class);
      at("2026-03-02T08:10");
      assertThat(b.book(BookRequest.of("docs", t("2026-03-02T10:00")))).isNotNull();
      assertThat(events(CoolingEnded.class)).hasSize(1);
    }
  }

  @Test
  void cancelBooking_withCooldownAndAVisitorWaiting_offersThePlaceAtOnce() {
    try (Branch b = builder(places(1).withCooldown(Duration.ofMinutes(10))).build()) {
      Booking first = b.book(BookRequest.of("docs", t("2026-03-02T10:00")));
      WaitlistEntry waiting = b.joinWaitlist(BookRequest.of("docs", t("2026-03-02T10:00")));
      b.cancelBooking(first.code());
      assertThat(events(PlaceOffered.class)).singleElement().extracting(PlaceOffered::entryId).isEqualTo(waiting.id());
      assertThat(events(PlaceCooling.class)).isEmpty();
    }
  }

  @Test
  void coolingEnds_afterAVisitorJoinedMeanwhile_offersThemThePlace() {
    try (Branch b = builder(places(1).withCooldown(Duration.ofMinutes(10))).build()) {
      b.cancelBooking(b.book(BookRequest.of("docs", t("2026-03-02T10:00"))).code());
      WaitlistEntry waiting = b.joinWaitlist(BookRequest.of("docs", t("2026-03-02T10:00"))); // it looks full
      at("2026-03-02T08:10");
      b.rotate();
      PlaceOffered offer = events(PlaceOffered.class).get(0);
      assertThat(offer.entryId()).isEqualTo(waiting.id());
      assertThat(b.confirm(offer.holdId()).windowStart()).isEqualTo(t("2026-03-02T10:00"));
    }
  }

  // ---------------------------------------------------------------- per-person limit

  @Test
  void book_secondWithinTenDays_isRefusedAndACancellationAllowsIt() {
    SlotCalendar slots = places(5).withBookingHorizonDays(30).withPersonLimit(new BookingLimit(1, 10));
    try (Branch b = builder(slots).pseudonymizePersonIds(new byte[] {
        12, -7, 33, 91, -45, 8, 120, -99, 64, 3, -18, 77, 25, -60, 101, 14, -3, 58, 90, -111, 42, 6, -80, 19, 71, -25,
        36, 115, -9, 50, -66, 88}).build()) {
      Booking first = b.book(BookRequest.of("docs", t("2026-03-02T10:00")).withPerson("900101300123"));
      assertThatThrownBy(() -> b.hold(BookRequest.of("docs", t("2026-03-11T10:00")).withPerson("900101300123")))
          .isInstanceOf(AdmissionRefusedException.class).hasMessageContaining("within 10 days")
          .hasMessageNotContaining("900101300123");
      assertThatThrownBy(() -> b.joinWaitlist(BookRequest.of("docs", t("2026-03-03T10:00"))
          .withPerson("900101300123"))).isInstanceOf(AdmissionRefusedException.class);
      assertThat(b.book(BookRequest.of("docs", t("2026-03-12T10:00")).withPerson("900101300123"))).isNotNull();
      assertThat(b.book(BookRequest.of("docs", t("2026-03-03T10:00")).withPerson("other"))).isNotNull();
      assertThatThrownBy(() -> b.reschedule(first.code(), t("2026-03-05T10:00")))
          .isInstanceOf(AdmissionRefusedException.class); // within 10 days of the 12th
      b.cancelBooking(first.code());
      assertThat(b.hold(BookRequest.of("docs", t("2026-03-02T11:00")).withPerson("900101300123"))).isNotNull();
    }
  }

  // ---------------------------------------------------------------- request ids

  @Test
  void hold_retriedWithTheSameRequestId_returnsTheFirstHoldOnce() {
    try (Branch b = builder(places(3)).build()) {
      BookRequest r = BookRequest.of("docs", t("2026-03-02T10:00")).withRequestId("web-1");
      Hold first = b.hold(r);
      assertThat(b.hold(r)).isEqualTo(first);
      Booking booked = b.confirm(first.id(), "web-2");
      assertThat(b.hold(r)).as("the first outcome, though confirmed since").extracting(Hold::id).isEqualTo(first.id());
      assertThat(b.confirm(first.id(), "web-2")).isEqualTo(booked);
      assertThat(events(PlaceHeld.class)).hasSize(1);
      assertThatThrownBy(() -> b.hold(r.withWindows(2))).isInstanceOf(DuplicateRequestException.class);
    }
  }

  @Test
  void reschedule_retriedWithTheSameRequestId_movesOnceAlsoAfterReopening() {
    Booking booked;
    try (Branch b = builder(places(1)).build()) {
      booked = b.book(BookRequest.of("docs", t("2026-03-02T10:00")));
      b.reschedule(booked.code(), t("2026-03-02T11:00"), "move-1");
      b.reschedule(booked.code(), t("2026-03-02T11:00"), "move-1");
    }
    try (Branch again = builder(places(1)).build()) {
      Booking retried = again.reschedule(booked.code(), t("2026-03-02T11:00"), "move-1");
      assertThat(retried.windowStart()).isEqualTo(t("2026-03-02T11:00"));
      assertThat(events(QueueEvent.BookingRescheduled.class)).hasSize(1);
    }
  }

  @Test
  void readme_extrasSnippet_runs() {
    QueueClock clock = this.clock;
    OpeningCalendar hours = CALENDAR;
    // ---- the README's snippet, as written there
    SlotCalendar slots = SlotCalendar.defaults().withCapacity("docs", 10)
        .withQuotas(new ChannelQuota("docs", Map.of(Channel.WEB, 60, Channel.CALL_CENTRE, 20, Channel.COUNTER, 10),
            Duration.ofHours(24)))                                  // unused shares open to all a day ahead
        .withCooldown(Duration.ofMinutes(10))                       // a cancelled place rests 10 minutes
        .withPersonLimit(new BookingLimit(1, 10));                  // one place per person per 10 days
    Branch branch = Talon.newBranch("berlin-mitte").zone(ZoneId.of("Europe/Berlin")).calendar(hours)
        .service("docs", "A", "ID documents").desk("1", "docs").slots(slots).clock(clock).build();

    BookRequest request = BookRequest.of("docs", LocalDateTime.parse("2026-03-03T10:00"))
        .withWindows(2)                                             // a 30-minute matter in 15-minute windows
        .withChannel(Channel.WEB).withPerson("900101300123").withRequestId("web-7f3a");
    Hold hold = branch.hold(request);                               // a retry with "web-7f3a" returns this hold
    Booking booking = branch.confirm(hold.id(), "web-7f3b");
    branch.reschedule(booking.code(), LocalDateTime.parse("2026-03-05T10:00"), "web-7f3c");
    List<Hold> holds = branch.liveHolds();                          // never waits for the writer
    // ----
    assertThat(holds).isEmpty();
    assertThat(branch.hold(request)).extracting(Hold::id).isEqualTo(hold.id());
    assertThat(branch.booking(booking.code()).orElseThrow().windowStart()).isEqualTo(t("2026-03-05T10:00"));
    branch.close();
  }

  // ---------------------------------------------------------------- reads

  /** First-in-first-out, except that its select waits for a latch: the writer is stuck inside it. */
  private record Stuck(CountDownLatch entered, CountDownLatch go) implements Policy<Void> {
    @Override
    public String name() {
      return "stuck";
    }

    @Override
    public LineView select(DispatchView<Void> view) {
      entered.countDown();
      try {
        go.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Policy.fifo().select(view);
    }

    @Override
    public Bypass bypass() {
      return Policy.fifo().bypass();
    }
  }

  @Test
  void liveHoldsAndWaitlist_whileTheWriterIsBlocked_returnWithoutWaiting() throws Exception {
    Stuck stuck = new Stuck(new CountDownLatch(1), new CountDownLatch(1));
    try (Branch b = builder(places(1)).policy(stuck).build()) {
      at("2026-03-02T09:00");
      Hold h = b.hold(BookRequest.of("docs", t("2026-03-02T10:00")));
      WaitlistEntry w = b.joinWaitlist(BookRequest.of("docs", t("2026-03-02T10:00")));
      b.issue(IssueRequest.walkIn("docs"));
      CompletableFuture<java.util.Optional<Ticket>> call = CompletableFuture.supplyAsync(() -> b.callNext("1"));
      assertThat(stuck.entered().await(10, TimeUnit.SECONDS)).as("the writer is inside select").isTrue();
      assertThat(b.liveHolds()).containsExactly(h);
      assertThat(b.waitlist()).containsExactly(w);
      assertThat(call).isNotDone();
      stuck.go().countDown();
      assertThat(call.get(10, TimeUnit.SECONDS)).isPresent();
    }
  }
}
