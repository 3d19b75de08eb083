package dev.talon.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talon.queue.QueueEvent.BookingCancelled;
import dev.talon.queue.QueueEvent.BookingRescheduled;
import dev.talon.queue.QueueEvent.HoldReleased;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.QueueClock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The booking calendar of issue 16 by example: weekday hours with a lunch closure and a short
 * Saturday, a holiday, a moved working Saturday, a shortened day, a closure announced for tomorrow,
 * capacity schedules, hold then confirm, and reschedule.
 */
class BookingCalendarTest {
  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  /** Monday 2026-03-02, 08:00 in Berlin. */
  static final LocalDateTime MONDAY_8 = LocalDateTime.parse("2026-03-02T08:00");
  static final LocalDate HOLIDAY = LocalDate.parse("2026-03-04");
  static final LocalDate MOVED_SATURDAY = LocalDate.parse("2026-03-14");
  static final LocalDate SHORT_DAY = LocalDate.parse("2026-03-05");

  /** 09:00–13:00 and 14:00–20:00 on weekdays, 09:00–13:00 on Saturday; the exceptions above. */
  static final OpeningCalendar CALENDAR = OpeningCalendar.closed()
      .weekdays(TimeRange.of("09:00", "13:00"), TimeRange.of("14:00", "20:00"))
      .on(DayOfWeek.SATURDAY, TimeRange.of("09:00", "13:00"))
      .closedOn(HOLIDAY)
      .onDate(MOVED_SATURDAY, TimeRange.of("09:00", "16:00"))
      .onDate(SHORT_DAY, TimeRange.of("09:00", "12:00"));

  private final ManualClock clock = QueueClock.manual(MONDAY_8.atZone(BERLIN).toInstant());
  private final EventStore store = EventStore.inMemory();

  private Talon builder() {
    return Talon.newBranch("cal").zone(BERLIN).clock(clock).store(store).calendar(CALENDAR)
        .service("docs", "A", "ID documents").desk("1", "docs")
        .slots(SlotCalendar.defaults().withCapacity("docs", 2).withHoldTime(Duration.ofMinutes(20)));
  }

  private void at(String local) {
    clock.set(LocalDateTime.parse(local).atZone(BERLIN).toInstant());
  }

  private static LocalDateTime t(String local) {
    return LocalDateTime.parse(local);
  }

  private <T extends QueueEvent> List<T> events(Branch b, Class<T> type) {
    return store.load(b.id(), 0).stream().filter(type::isInstance).map(type::cast).toList();
  }

  @Test
  void issue_duringLunchClosureAndOnHoliday_isRefusedAndOpenAfterwards() {
    try (Branch b = builder().build()) {
      at("2026-03-02T13:30");
      assertThatThrownBy(() -> b.issue(IssueRequest.walkIn("docs"))).isInstanceOf(OutOfHoursException.class)
          .hasMessageContaining("09:00–13:00, 14:00–20:00 on 2026-03-02");
      at("2026-03-02T14:00");
      assertThat(b.issue(IssueRequest.walkIn("docs")).display()).isEqualTo("A-001");
      at("2026-03-04T10:00");
      assertThatThrownBy(() -> b.issue(IssueRequest.walkIn("docs"))).isInstanceOf(OutOfHoursException.class)
          .hasMessageContaining("closed all day on 2026-03-04");
    }
  }

  @Test
  void book_movedWorkingSaturdayShortenedDayAndSunday_followTheExceptions() {
    try (Branch b = builder().build()) {
      assertThat(b.book(BookRequest.of("docs", t("2026-03-14T15:00"))).state()).isEqualTo(BookingState.BOOKED);
      assertThatThrownBy(() -> b.book(BookRequest.of("docs", t("2026-03-07T15:00"))))
          .isInstanceOf(OutOfHoursException.class); // an ordinary Saturday closes at 13:00
      assertThatThrownBy(() -> b.book(BookRequest.of("docs", t("2026-03-05T12:00"))))
          .isInstanceOf(OutOfHoursException.class).hasMessageContaining("09:00–12:00 on 2026-03-05");
      assertThatThrownBy(() -> b.book(BookRequest.of("docs", t("2026-03-08T10:00"))))
          .isInstanceOf(OutOfHoursException.class).hasMessageContaining("closed all day");
      assertThat(b.book(BookRequest.of("docs", t("2026-03-05T11:45"))).state()).isEqualTo(BookingState.BOOKED);
    }
  }

  @Test
  void changeHours_closureAnnouncedForTomorrowWithCancel_cancelsEachAffectedBookingWithAnEvent() {
    try (Branch b = builder().build()) {
      Booking morning = b.book(BookRequest.of("docs", t("2026-03-03T09:00")));
      Booking afternoon = b.book(BookRequest.of("docs", t("2026-03-03T15:00")));
      Booking kept = b.book(BookRequest.of("docs", t("2026-03-03T10:00")));
      List<Booking> affected = b.changeHours(LocalDate.parse("2026-03-03"), List.of(TimeRange.of("10:00", "13:00")),
          AffectedBookings.CANCEL);
      assertThat(affected).extracting(Booking::code).containsExactly(morning.code(), afternoon.code());
      assertThat(affected).extracting(Booking::state).containsOnly(BookingState.CANCELLED);
      assertThat(events(b, BookingCancelled.class)).extracting(BookingCancelled::bookingId)
          .containsExactly(morning.id(), afternoon.id());
      assertThat(b.booking(kept.code()).orElseThrow().state()).isEqualTo(BookingState.BOOKED);
      assertThatThrownBy(() -> b.book(BookRequest.of("docs", t("2026-03-03T15:00"))))
          .isInstanceOf(OutOfHoursException.class);
    }
  }

  @Test
  void changeHours_closureWithMove_movesBookingsToTheNextFreeWindowKeepingTheirCodes() {
    try (Branch b = builder().build()) {
      Booking first = b.book(BookRequest.of("docs", t("2026-03-03T09:00")));
      Booking second = b.book(BookRequest.of("docs", t("2026-03-03T09:00")));
      b.book(BookRequest.of("docs", t("2026-03-03T09:15"))); // one place left at 09:15
      List<Booking> moved = b.changeHours(LocalDate.parse("2026-03-03"), List.of(TimeRange.of("09:15", "20:00")),
          AffectedBookings.MOVE);
      assertThat(moved).extracting(Booking::code).containsExactly(first.code(), second.code());
      assertThat(moved).extracting(Booking::windowStart).containsExactly(t("2026-03-03T09:15"), t("2026-03-03T09:30"));
      assertThat(moved).extracting(Booking::state).containsOnly(BookingState.BOOKED);
      assertThat(events(b, BookingRescheduled.class)).hasSize(2);
    }
  }

  @Test
  void changeHours_withRefuseWhileBookingsAreAffected_isRefusedAndChangesNothing() {
    try (Branch b = builder().build()) {
      b.book(BookRequest.of("docs", t("2026-03-03T09:00")));
      long seq = b.lastSeq();
      assertThatThrownBy(() -> b.changeHours(LocalDate.parse("2026-03-03"), List.of(), AffectedBookings.REFUSE))
          .isInstanceOf(IllegalTransitionException.class).hasMessageContaining("1 bookings and 0 holds");
      assertThat(b.lastSeq()).isEqualTo(seq);
      assertThat(b.book(BookRequest.of("docs", t("2026-03-03T09:00"))).state()).isEqualTo(BookingState.BOOKED);
    }
  }

  @Test
  void capacitySchedule_quietAfternoonAndDatedRule_takeMorePlacesWhereTheyMatch() {
    SlotCalendar slots = SlotCalendar.defaults().withCapacity("docs", 1)
        .withSchedule(CapacityRule.weekly("docs", EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY),
            TimeRange.of("14:00", "20:00"), 3), CapacityRule.dated("docs", LocalDate.parse("2026-03-03"),
            TimeRange.of("14:00", "15:00"), 0));
    try (Branch b = builder().slots(slots).build()) {
      for (int i = 0; i < 3; i++) {
        b.book(BookRequest.of("docs", t("2026-03-02T14:00")));
      }
      assertThatThrownBy(() -> b.book(BookRequest.of("docs", t("2026-03-02T14:00"))))
          .isInstanceOf(CapacityExceededException.class).hasMessageContaining("3 of 3");
      b.book(BookRequest.of("docs", t("2026-03-02T09:00")));
      assertThatThrownBy(() -> b.book(BookRequest.of("docs", t("2026-03-02T09:00"))))
          .isInstanceOf(CapacityExceededException.class).hasMessageContaining("1 of 1");
      assertThatThrownBy(() -> b.book(BookRequest.of("docs", t("2026-03-03T14:30"))))
          .isInstanceOf(CapacityExceededException.class).hasMessageContaining("capacity there is 0");
    }
  }

  @Test
  void capacitySchedule_ofAnUnknownService_isRefusedAtBuild() {
    SlotCalendar slots = SlotCalendar.defaults().withCapacity("docs", 1)
        .withSchedule(CapacityRule.daily("cars", TimeRange.of("14:00", "20:00"), 3));
    assertThatThrownBy(() -> builder().slots(slots).build()).isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("unknown service cars");
  }

  @Test
  void changeCapacity_belowBookedWithRefuse_isRefusedAndWithCancel_cancelsTheNewestBooking() {
    try (Branch b = builder().build()) {
      Booking older = b.book(BookRequest.of("docs", t("2026-03-02T10:00")));
      Booking newer = b.book(BookRequest.of("docs", t("2026-03-02T10:00")));
      CapacityRule one = CapacityRule.dated("docs", LocalDate.parse("2026-03-02"), TimeRange.of("10:00", "11:00"), 1);
      long seq = b.lastSeq();
      assertThatThrownBy(() -> b.changeCapacity(one, AffectedBookings.REFUSE))
          .isInstanceOf(CapacityExceededException.class).hasMessageContaining("1 places booked or held would be over");
      assertThat(b.lastSeq()).isEqualTo(seq);
      assertThat(b.changeCapacity(one, AffectedBookings.CANCEL)).extracting(Booking::id).containsExactly(newer.id());
      assertThat(b.booking(older.code()).orElseThrow().state()).isEqualTo(BookingState.BOOKED);
      assertThat(b.booking(newer.code()).orElseThrow().state()).isEqualTo(BookingState.CANCELLED);
      b.book(BookRequest.of("docs", t("2026-03-02T10:15")));
      assertThatThrownBy(() -> b.book(BookRequest.of("docs", t("2026-03-02T10:15"))))
          .isInstanceOf(CapacityExceededException.class).hasMessageContaining("1 of 1"); // the rule covers 10:15 too
    }
  }

  @Test
  void hold_countsAgainstCapacityAndConfirmTurnsItIntoABooking() {
    try (Branch b = builder().build()) {
      Hold h1 = b.hold(BookRequest.of("docs", t("2026-03-02T10:00")));
      b.hold(BookRequest.of("docs", t("2026-03-02T10:00")));
      assertThat(h1.expiresAt()).isEqualTo(clock.now().plus(Duration.ofMinutes(20)));
      assertThatThrownBy(() -> b.book(BookRequest.of("docs", t("2026-03-02T10:00"))))
          .isInstanceOf(CapacityExceededException.class).hasMessageContaining("2 of 2 places booked or held");
      Booking booked = b.confirm(h1.id());
      assertThat(booked.state()).isEqualTo(BookingState.BOOKED);
      assertThat(booked.windowStart()).isEqualTo(t("2026-03-02T10:00"));
      assertThat(b.liveHolds()).hasSize(1);
      assertThatThrownBy(() -> b.confirm(h1.id())).isInstanceOf(UnknownBookingException.class)
          .hasMessageContaining("confirmed, released or expired");
      assertThatThrownBy(() -> b.book(BookRequest.of("docs", t("2026-03-02T10:00"))))
          .isInstanceOf(CapacityExceededException.class);
    }
  }

  @Test
  void hold_unconfirmedAtItsExpiry_isReleasedExactlyOnceByTheClock() {
    try (Branch b = builder().build()) {
      Hold h = b.hold(BookRequest.of("docs", t("2026-03-02T10:00")));
      b.hold(BookRequest.of("docs", t("2026-03-02T10:00")));
      clock.advance(Duration.ofMinutes(20).minusSeconds(1));
      b.rotate();
      assertThat(events(b, HoldReleased.class)).isEmpty();
      clock.advance(Duration.ofSeconds(1));
      b.rotate();
      b.rotate();
      clock.advance(Duration.ofMinutes(5));
      b.rotate();
      assertThat(events(b, HoldReleased.class)).extracting(HoldReleased::holdId, HoldReleased::expired)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(h.id(), true),
              org.assertj.core.groups.Tuple.tuple(h.id() + 1, true));
      assertThatThrownBy(() -> b.confirm(h.id())).isInstanceOf(UnknownBookingException.class);
      b.book(BookRequest.of("docs", t("2026-03-02T10:00")));
      b.book(BookRequest.of("docs", t("2026-03-02T10:00")));
    }
  }

  @Test
  void reschedule_toAFreeWindow_movesThePlaceAndKeepsTheCode() {
    try (Branch b = builder().slots(SlotCalendar.defaults().withCapacity("docs", 1)).build()) {
      Booking booked = b.book(BookRequest.of("docs", t("2026-03-02T10:00")));
      Booking moved = b.reschedule(booked.code(), t("2026-03-03T11:00"));
      assertThat(moved.code()).isEqualTo(booked.code());
      assertThat(moved.windowStart()).isEqualTo(t("2026-03-03T11:00"));
      assertThat(moved.startsAt()).isEqualTo(t("2026-03-03T11:00").atZone(BERLIN).toInstant());
      assertThat(b.book(BookRequest.of("docs", t("2026-03-02T10:00"))).state()).isEqualTo(BookingState.BOOKED);
      assertThatThrownBy(() -> b.book(BookRequest.of("docs", t("2026-03-03T11:00"))))
          .isInstanceOf(CapacityExceededException.class);
    }
  }

  @Test
  void reschedule_toAFullOrClosedWindow_isRefusedAndTheBookingStays() {
    try (Branch b = builder().slots(SlotCalendar.defaults().withCapacity("docs", 1)).build()) {
      Booking booked = b.book(BookRequest.of("docs", t("2026-03-02T10:00")));
      b.book(BookRequest.of("docs", t("2026-03-02T11:00")));
      long seq = b.lastSeq();
      assertThatThrownBy(() -> b.reschedule(booked.code(), t("2026-03-02T11:00")))
          .isInstanceOf(CapacityExceededException.class);
      assertThatThrownBy(() -> b.reschedule(booked.code(), t("2026-03-04T11:00")))
          .isInstanceOf(OutOfHoursException.class);
      assertThat(b.lastSeq()).isEqualTo(seq);
      assertThat(b.booking(booked.code()).orElseThrow().windowStart()).isEqualTo(t("2026-03-02T10:00"));
    }
  }

  @Test
  void reopen_afterHoldsReschedulesAndChanges_replaysTheSameCalendarState() {
    Set<String> codes;
    try (Branch b = builder().build()) {
      Booking x = b.book(BookRequest.of("docs", t("2026-03-03T09:00")));
      b.hold(BookRequest.of("docs", t("2026-03-03T10:00")));
      b.reschedule(x.code(), t("2026-03-03T15:00"));
      b.changeHours(LocalDate.parse("2026-03-03"), List.of(TimeRange.of("09:00", "12:00")), AffectedBookings.MOVE);
      b.changeCapacity(CapacityRule.daily("docs", TimeRange.of("09:00", "10:00"), 1), AffectedBookings.CANCEL);
      codes = Set.of(x.code());
    }
    try (Branch again = builder().build()) {
      assertThat(again.liveHolds()).hasSize(1);
      Booking x = again.booking(codes.iterator().next()).orElseThrow();
      assertThat(x.state()).isEqualTo(BookingState.BOOKED);
      // moved past the closed afternoon, the holiday on the 4th, to the first window of the short 5th
      assertThat(x.windowStart()).isEqualTo(t("2026-03-05T09:00"));
      assertThatThrownBy(() -> again.book(BookRequest.of("docs", t("2026-03-03T15:00"))))
          .isInstanceOf(OutOfHoursException.class);
      assertThatThrownBy(() -> again.book(BookRequest.of("docs", t("2026-03-05T09:00"))))
          .isInstanceOf(CapacityExceededException.class).hasMessageContaining("1 of 1");
    }
  }

  @Test
  void readme_calendarSnippet_runs() {
    QueueClock clock = this.clock;
    // ---- the README's snippet, as written there
    OpeningCalendar hours = OpeningCalendar.closed()
        .weekdays(TimeRange.of("09:00", "13:00"), TimeRange.of("14:00", "20:00"))
        .on(DayOfWeek.SATURDAY, TimeRange.of("09:00", "13:00"))
        .closedOn(LocalDate.parse("2026-03-04"))                            // a holiday
        .onDate(LocalDate.parse("2026-03-14"), TimeRange.of("09:00", "16:00")); // a moved working Saturday
    SlotCalendar slots = SlotCalendar.defaults().withCapacity("docs", 2)
        .withSchedule(CapacityRule.weekly("docs", EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY),
            TimeRange.of("14:00", "20:00"), 4))                             // the quiet afternoon takes more
        .withHoldTime(Duration.ofMinutes(20));
    Branch branch = Talon.newBranch("berlin-mitte").zone(ZoneId.of("Europe/Berlin")).calendar(hours)
        .service("docs", "A", "ID documents").desk("1", "docs").slots(slots).clock(clock).build();

    Hold hold = branch.hold(BookRequest.of("docs", LocalDateTime.parse("2026-03-03T15:00")));
    Booking booking = branch.confirm(hold.id());                  // or released once, 20 minutes on
    branch.reschedule(booking.code(), LocalDateTime.parse("2026-03-05T10:00"));
    branch.changeHours(LocalDate.parse("2026-03-05"), List.of(), AffectedBookings.MOVE); // closed tomorrow
    // ----
    assertThat(branch.booking(booking.code()).orElseThrow().windowStart()).isEqualTo(t("2026-03-06T09:00"));
    branch.close();
  }

  @Test
  void waitlist_placeFreedByACancellation_isOfferedToTheFirstWaitingWhoAcceptsByConfirm() {
    try (Branch b = builder().slots(SlotCalendar.defaults().withCapacity("docs", 1)
        .withOfferTime(Duration.ofMinutes(30))).build()) {
      Booking taken = b.book(BookRequest.of("docs", t("2026-03-02T10:00")));
      WaitlistEntry first = b.joinWaitlist(BookRequest.of("docs", t("2026-03-02T10:00")).withPerson("p1"));
      WaitlistEntry second = b.joinWaitlist(BookRequest.of("docs", t("2026-03-02T10:00")).withPerson("p2"));
      assertThat(events(b, QueueEvent.PlaceOffered.class)).isEmpty();
      b.cancelBooking(taken.code());
      List<QueueEvent.PlaceOffered> offers = events(b, QueueEvent.PlaceOffered.class);
      assertThat(offers).extracting(QueueEvent.PlaceOffered::entryId).containsExactly(first.id());
      assertThat(offers.get(0).expiresAt()).isEqualTo(clock.now().plus(Duration.ofMinutes(30)));
      assertThat(b.waitlist()).extracting(WaitlistEntry::id).containsExactly(second.id());
      assertThatThrownBy(() -> b.book(BookRequest.of("docs", t("2026-03-02T10:00"))))
          .isInstanceOf(CapacityExceededException.class); // the offered place is held for p1
      Booking accepted = b.confirm(offers.get(0).holdId());
      assertThat(accepted.personId()).isEqualTo("p1");
      assertThat(accepted.windowStart()).isEqualTo(t("2026-03-02T10:00"));
    }
  }

  @Test
  void waitlist_offerNotAcceptedByItsDeadline_goesToTheNextInLine() {
    try (Branch b = builder().slots(SlotCalendar.defaults().withCapacity("docs", 1)
        .withOfferTime(Duration.ofMinutes(30))).build()) {
      Booking taken = b.book(BookRequest.of("docs", t("2026-03-02T11:00")));
      WaitlistEntry first = b.joinWaitlist(BookRequest.of("docs", t("2026-03-02T11:00")));
      WaitlistEntry second = b.joinWaitlist(BookRequest.of("docs", t("2026-03-02T11:00")));
      b.cancelBooking(taken.code());
      clock.advance(Duration.ofMinutes(30));
      b.rotate();
      assertThat(events(b, QueueEvent.PlaceOffered.class)).extracting(QueueEvent.PlaceOffered::entryId)
          .containsExactly(first.id(), second.id());
      assertThat(events(b, HoldReleased.class)).extracting(HoldReleased::expired).containsExactly(true);
      assertThat(b.waitlist()).isEmpty();
    }
  }

  @Test
  void joinWaitlist_ofAWindowWithAFreePlace_isRefusedAndWindowEndDropsTheRest() {
    try (Branch b = builder().slots(SlotCalendar.defaults().withCapacity("docs", 1)).build()) {
      assertThatThrownBy(() -> b.joinWaitlist(BookRequest.of("docs", t("2026-03-02T09:00"))))
          .isInstanceOf(InvalidRequestException.class).hasMessageContaining("book it instead");
      b.book(BookRequest.of("docs", t("2026-03-02T09:00")));
      WaitlistEntry e = b.joinWaitlist(BookRequest.of("docs", t("2026-03-02T09:00")));
      at("2026-03-02T09:15");
      b.rotate();
      assertThat(events(b, QueueEvent.WaitlistLeft.class)).extracting(QueueEvent.WaitlistLeft::entryId,
          QueueEvent.WaitlistLeft::expired).containsExactly(org.assertj.core.groups.Tuple.tuple(e.id(), true));
      assertThat(b.waitlist()).isEmpty();
    }
  }

  @Test
  void book_withinTheMinimumLeadTime_isRefusedAndAfterItTaken() {
    try (Branch b = builder().slots(SlotCalendar.defaults().withCapacity("docs", 1)
        .withMinLeadTime(Duration.ofHours(2))).build()) {
      assertThatThrownBy(() -> b.book(BookRequest.of("docs", t("2026-03-02T09:45"))))
          .isInstanceOf(OutOfHoursException.class).hasMessageContaining("too soon: bookings close 120 minutes");
      assertThatThrownBy(() -> b.hold(BookRequest.of("docs", t("2026-03-02T09:45"))))
          .isInstanceOf(OutOfHoursException.class);
      assertThat(b.book(BookRequest.of("docs", t("2026-03-02T10:00"))).state()).isEqualTo(BookingState.BOOKED);
    }
  }

  @Test
  void hold_ofAPersonAtTheirBookingLimit_isRefusedByTheAdmissionCheckAsBookIs() {
    try (Branch b = builder().admissionCheck(dev.talon.queue.spi.AdmissionChecks.bookingsPerPerson(1,
        Duration.ofDays(10))).build()) {
      b.book(BookRequest.of("docs", t("2026-03-02T10:00")).withPerson("p1"));
      assertThatThrownBy(() -> b.hold(BookRequest.of("docs", t("2026-03-03T10:00")).withPerson("p1")))
          .isInstanceOf(AdmissionRefusedException.class);
      assertThatThrownBy(() -> b.joinWaitlist(BookRequest.of("docs", t("2026-03-03T10:00")).withPerson("p1")))
          .isInstanceOf(AdmissionRefusedException.class);
      assertThat(b.hold(BookRequest.of("docs", t("2026-03-03T10:00")).withPerson("p2")).personId()).isEqualTo("p2");
    }
  }
}
