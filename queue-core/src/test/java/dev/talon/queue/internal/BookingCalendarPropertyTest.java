package dev.talon.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.talon.queue.AffectedBookings;
import dev.talon.queue.BookRequest;
import dev.talon.queue.Booking;
import dev.talon.queue.BookingState;
import dev.talon.queue.Branch;
import dev.talon.queue.CapacityRule;
import dev.talon.queue.Hold;
import dev.talon.queue.QueueEvent;
import dev.talon.queue.QueueEvent.HoldConfirmed;
import dev.talon.queue.QueueEvent.HoldReleased;
import dev.talon.queue.QueueEvent.PlaceHeld;
import dev.talon.queue.QueueException;
import dev.talon.queue.SlotCalendar;
import dev.talon.queue.Talon;
import dev.talon.queue.TimeRange;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.ManualClock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/*
 * Generated histories of book, hold, confirm, release, reschedule, cancel, check-in, runtime
 * changes of capacity and hours, and the clock moving (across Berlin's 23-hour day), on a branch
 * with a capacity schedule. After every step the state must agree with a small model counted from
 * the records themselves:
 *   - per window still running and service: places taken = bookings booked or checked in + live
 *     holds, and never more than the window's capacity (schedule + runtime rules);
 *   - no booked booking or live hold lies in a window outside the (changed) opening hours;
 *   - each hold ends at most once (confirmed or released), an expired one no earlier than its
 *     expiry, and none past its expiry is still live after an operation;
 *   - waiting lists are served in the order visitors joined, and nobody waits for a window that
 *     has a free place (offers are holds, so an unaccepted offer returns its place to the list).
 * At the end, a second engine replaying the store has byte for byte the same state, and so has a
 * snapshot taken half-way plus the events after it.
 */
class BookingCalendarPropertyTest {
  private static final ZoneId BERLIN = CalendarHistories.BERLIN;
  private static final Instant START = CalendarHistories.START;
  private static final String[] SERVICES = {"cars", "docs"};
  private static final AffectedBookings[] RULES = AffectedBookings.values();

  private static Talon builder(ManualClock clock, EventStore store) {
    SlotCalendar slots = SlotCalendar.defaults().withCapacity("docs", 2).withCapacity("cars", 1)
        .withBookingHorizonDays(2).withHoldTime(Duration.ofMinutes(30))
        .withSchedule(CapacityRule.weekly("cars", EnumSet.of(DayOfWeek.SUNDAY), TimeRange.of("00:00", "06:00"), 3));
    return CalendarHistories.twoServices("prop", clock, store, slots);
  }

  @Test
  void histories_ofCalendarOperations_keepCapacityHoldsAndReplay() {
    qt().withExamples(60).withFixedSeed(1616L).withShrinkCycles(50)
        .forAll(lists().of(integers().between(0, Integer.MAX_VALUE)).ofSizeBetween(10, 70))
        .checkAssert(BookingCalendarPropertyTest::run);
  }

  private static void run(List<Integer> steps) {
    CalendarHistories.run("prop", START, BookingCalendarPropertyTest::builder, steps, BookingCalendarPropertyTest::step,
        BookingCalendarPropertyTest::check);
  }

  /** One generated operation; refusals are part of the history (they must change nothing). */
  private static void step(Branch b, ManualClock clock, int x) {
    int kind = x % 12;
    int a = (x / 10) % 97;
    int c = (x / 1000) % 7;
    String service = SERVICES[c % 2];
    LocalDateTime now = LocalDateTime.ofInstant(clock.now(), BERLIN);
    LocalDateTime window = now.withSecond(0).withNano(0).withMinute(now.getMinute() / 15 * 15).plusMinutes(15L * a);
    try {
      switch (kind) {
        case 0 -> b.book(BookRequest.of(service, window));
        case 1 -> b.hold(BookRequest.of(service, window));
        case 2 -> b.confirm(1 + a % 12);
        case 3 -> b.releaseHold(1 + a % 12);
        case 4 -> b.reschedule(BookingCodes.encode(1 + c % 6), window);
        case 5 -> b.cancelBooking(BookingCodes.encode(1 + a % 8));
        case 6 -> b.changeCapacity(CapacityRule.daily(service, TimeRange.of(window.toLocalTime(),
            window.toLocalTime().plusMinutes(59).isBefore(window.toLocalTime()) ? java.time.LocalTime.MAX
                : window.toLocalTime().plusMinutes(59)), c % 3), RULES[a % 3]);
        case 7 -> b.changeHours(now.toLocalDate().plusDays(a % 2), c % 2 == 0 ? List.of()
            : List.of(TimeRange.of("00:00", "12:00")), RULES[(a / 3) % 3]);
        case 8 -> b.checkIn(BookingCodes.encode(1 + a % 8));
        case 10 -> b.joinWaitlist(BookRequest.of(service, window));
        case 11 -> b.leaveWaitlist(1 + a % 6);
        default -> {
          clock.advance(Duration.ofMinutes(1 + a % 45));
          b.rotate();
        }
      }
    } catch (QueueException expected) {
      // a refusal; the checks after the step show that it changed nothing that matters
    }
  }

  private static void check(BranchEngine engine, EventStore store, Instant now) {
    Core d = engine.current();
    Map<Long, Hold> holds = d.cal.holds;
    for (var e : d.windows.entrySet()) {
      long w = e.getKey();
      LocalDateTime start = d.calendar.windowStart(w);
      if (!d.calendar.endOf(w).isAfter(now) || start.toLocalDate().isBefore(d.day)) {
        continue; // an ended window keeps its count for expiry only; yesterday's check-ins are forgotten
      }
      for (int s = 0; s < SERVICES.length; s++) {
        String service = d.config.services().get(s).code();
        long booked = engine.allBookings().stream().filter(bk -> bk.service().equals(service)
            && bk.windowStart().equals(start)
            && (bk.state() == BookingState.BOOKED || bk.state() == BookingState.CHECKED_IN)).count();
        long held = holds.values().stream().filter(h -> h.service().equals(service) && h.windowStart().equals(start))
            .count();
        int taken = e.getValue().taken(s);
        assertThat(taken).as("taken in %s of %s", start, service).isEqualTo((int) (booked + held));
        assertThat(taken).as("capacity of %s of %s", start, service)
            .isLessThanOrEqualTo(d.cal.capacityAt(d.config, service, start));
      }
    }
    for (Booking bk : engine.allBookings()) {
      if (bk.state() == BookingState.BOOKED && bk.endsAt().isAfter(now)) {
        assertThat(d.cal.covers(bk.windowStart(), bk.windowStart().plusMinutes(15))).as("%s within hours", bk)
            .isTrue();
      }
    }
    Map<Long, Instant> expiry = new HashMap<>();
    Map<Long, Integer> ends = new HashMap<>();
    for (QueueEvent e : store.load("prop", 0)) {
      if (e instanceof PlaceHeld p) {
        expiry.put(p.holdId(), p.expiresAt());
      } else if (e instanceof HoldConfirmed h) {
        ends.merge(h.holdId(), 1, Integer::sum);
      } else if (e instanceof HoldReleased r) {
        ends.merge(r.holdId(), 1, Integer::sum);
        if (r.expired()) {
          assertThat(r.at()).as("hold %s released at its expiry", r.holdId()).isAfterOrEqualTo(expiry.get(r.holdId()));
        }
      }
    }
    assertThat(ends.values()).as("each hold ends once").allMatch(n -> n == 1);
    Map<LocalDateTime, Long> lastOffered = new HashMap<>();
    for (QueueEvent e : store.load("prop", 0)) {
      if (e instanceof QueueEvent.PlaceOffered o) {
        Long before = lastOffered.put(o.windowStart(), o.entryId());
        assertThat(before == null || before < o.entryId()).as("waiting list of %s served in order", o.windowStart())
            .isTrue();
      }
    }
    for (dev.talon.queue.WaitlistEntry w : d.cal.waiting.values()) {
      long win = d.calendar.windowIndex(w.windowStart());
      int taken = d.windows.containsKey(win) ? d.windows.get(win).taken(d.config.indexOf(w.service())) : 0;
      assertThat(taken).as("%s waits only for a full window", w)
          .isGreaterThanOrEqualTo(d.cal.capacityAt(d.config, w.service(), w.windowStart()));
      assertThat(lastOffered.getOrDefault(w.windowStart(), 0L)).as("nobody after %s was offered first", w)
          .isLessThan(w.id());
    }
    for (Hold h : holds.values()) {
      assertThat(h.expiresAt()).as("live hold %s is not past its expiry", h.id()).isAfter(d.lastAt);
      assertThat(ends).doesNotContainKey(h.id());
    }
  }
}
