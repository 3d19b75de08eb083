package dev.talon.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.talon.queue.AffectedBookings;
import dev.talon.queue.BookRequest;
import dev.talon.queue.Booking;
import dev.talon.queue.BookingLimit;
import dev.talon.queue.BookingState;
import dev.talon.queue.Branch;
import dev.talon.queue.CapacityRule;
import dev.talon.queue.Channel;
import dev.talon.queue.ChannelQuota;
import dev.talon.queue.Hold;
import dev.talon.queue.QueueEvent;
import dev.talon.queue.QueueException;
import dev.talon.queue.SlotCalendar;
import dev.talon.queue.Talon;
import dev.talon.queue.TimeRange;
import dev.talon.queue.WaitlistEntry;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/*
 * Generated histories of the calendar's later features on a branch across Berlin's 23-hour day:
 * bookings and holds of one to three windows through random channels and persons, confirm,
 * release, reschedule and cancel (with request ids, some retried), waiting lists, check-in, rare
 * capacity changes and the clock moving. The branch has channel quotas released 30 minutes before
 * a window, a 10-minute cool-down and a limit of one place per person within two days. After every
 * step a model counted from the records must agree with the engine:
 *   - per window still running and service: places taken = bookings (booked or checked in) covering
 *     it + live holds covering it + cool-downs in it (so a multi-window place counts in all its
 *     windows or, after a refusal, in none), the same per channel, and never above the capacity;
 *   - while no runtime capacity rule exists and a window's reservations have not lapsed, the
 *     places taken beyond the channels' reserved shares fit into the shared part;
 *   - no person has two places (bookings not cancelled, holds, waiting entries) within two days;
 *   - a request id appears on at most one event of its kind within its one-day window;
 *   - the published reads (liveHolds, waitlist) equal the writer's state.
 * At the end a full replay and a snapshot taken half-way plus the events after it equal the live
 * state byte for byte.
 */
class BookingExtrasPropertyTest {
  private static final ZoneId BERLIN = CalendarHistories.BERLIN;
  private static final Instant START = CalendarHistories.START;
  private static final String[] SERVICES = {"cars", "docs"};
  private static final Channel[] CHANNELS = {null, Channel.WEB, Channel.CALL_CENTRE, Channel.COUNTER};
  private static final String[] PERSONS = {null, "p-1", "p-2", "p-3"};
  private static final Duration RELEASE = Duration.ofMinutes(30);

  private static Talon builder(ManualClock clock, EventStore store) {
    SlotCalendar slots = SlotCalendar.defaults().withCapacity("docs", 3).withCapacity("cars", 2)
        .withBookingHorizonDays(2).withHoldTime(Duration.ofMinutes(30)).withCooldown(Duration.ofMinutes(10))
        .withPersonLimit(new BookingLimit(1, 2))
        .withQuotas(new ChannelQuota("docs", Map.of(Channel.WEB, 34, Channel.CALL_CENTRE, 34), RELEASE),
            new ChannelQuota("cars", Map.of(Channel.COUNTER, 50), RELEASE));
    return CalendarHistories.twoServices("extras", clock, store, slots);
  }

  @Test
  void histories_ofMultiWindowQuotaCooldownAndLimitOperations_keepTheInvariantsAndReplay() {
    qt().withExamples(100).withFixedSeed(1617L).withShrinkCycles(30)
        .forAll(lists().of(integers().between(0, Integer.MAX_VALUE)).ofSizeBetween(10, 70))
        .checkAssert(BookingExtrasPropertyTest::run);
  }

  private static void run(List<Integer> steps) {
    CalendarHistories.run("extras", START, BookingExtrasPropertyTest::builder, steps, BookingExtrasPropertyTest::step,
        BookingExtrasPropertyTest::check);
  }

  /** One generated operation; refusals are part of the history (they must change nothing). */
  private static void step(Branch b, ManualClock clock, int x) {
    int kind = x % 13;
    int a = (x / 13) % 97;
    int c = (x / 1300) % 16;
    String service = SERVICES[c % 2];
    LocalDateTime now = LocalDateTime.ofInstant(clock.now(), BERLIN);
    LocalDateTime window = now.withSecond(0).withNano(0).withMinute(now.getMinute() / 15 * 15).plusMinutes(15L * (a % 16));
    BookRequest r = BookRequest.of(service, window).withWindows(1 + c % 3).withChannel(CHANNELS[(c / 2) % 4])
        .withPerson(PERSONS[(a + c) % 4]);
    String requestId = (c / 4) % 2 == 0 ? null : "r-" + (a % 5);
    try {
      switch (kind) {
        case 0 -> b.book(r.withRequestId(requestId == null ? null : "b" + requestId));
        case 1, 2 -> b.hold(r.withRequestId(requestId == null ? null : "h" + requestId));
        case 3 -> b.confirm(1 + a % 6, requestId == null ? null : "c" + requestId);
        case 4 -> b.releaseHold(1 + a % 6);
        case 5 -> b.reschedule(BookingCodes.encode(1 + c % 6), window, requestId == null ? null : "m" + requestId);
        case 6 -> b.cancelBooking(BookingCodes.encode(1 + a % 8));
        case 7 -> {
          if (a % 8 == 0) {
            b.changeCapacity(CapacityRule.daily(service, TimeRange.of(window.toLocalTime(),
                window.toLocalTime().plusMinutes(44).isBefore(window.toLocalTime()) ? java.time.LocalTime.MAX
                    : window.toLocalTime().plusMinutes(44)), c % 3), AffectedBookings.values()[a % 3]);
          } else {
            b.checkIn(BookingCodes.encode(1 + a % 8));
          }
        }
        case 8 -> b.joinWaitlist(r.withWindows(1));
        case 9 -> b.leaveWaitlist(1 + a % 6);
        default -> {
          clock.advance(Duration.ofMinutes(1 + a % 25));
          b.rotate();
        }
      }
    } catch (QueueException expected) {
      // a refusal; the checks after the step show that it changed nothing that matters
    }
  }

  private static boolean covers(Core d, LocalDateTime first, int windows, long w) {
    long f = d.calendar.windowIndex(first);
    return f <= w && w < f + windows;
  }

  private static void check(BranchEngine engine, EventStore store, Instant now) {
    Core d = engine.current();
    List<Booking> bookings = engine.allBookings();
    for (var e : d.windows.entrySet()) {
      long w = e.getKey();
      LocalDateTime start = d.calendar.windowStart(w);
      if (!d.calendar.endOf(w).isAfter(now) || start.toLocalDate().isBefore(d.day)) {
        continue; // an ended window keeps its count for expiry only; yesterday's check-ins are forgotten
      }
      for (int s = 0; s < SERVICES.length; s++) {
        String service = d.config.services().get(s).code();
        int capacity = d.cal.capacityAt(d.config, service, start);
        int[] byChannel = new int[Channel.values().length];
        int total = 0;
        for (Booking bk : bookings) {
          if (bk.service().equals(service) && covers(d, bk.windowStart(), bk.windows(), w)
              && (bk.state() == BookingState.BOOKED || bk.state() == BookingState.CHECKED_IN)) {
            total++;
            count(byChannel, bk.channel());
          }
        }
        for (Hold h : d.cal.holds.values()) {
          if (h.service().equals(service) && covers(d, h.windowStart(), h.windows(), w)) {
            total++;
            count(byChannel, h.channel());
          }
        }
        for (CalendarState.Cooling c : d.cal.cooling.values()) {
          if (c.service().equals(service) && c.windowStart().equals(start)) {
            total++;
            count(byChannel, c.channel());
          }
        }
        WindowBookings wb = e.getValue();
        assertThat(wb.taken(s)).as("taken in %s of %s", start, service).isEqualTo(total);
        assertThat(total).as("capacity of %s of %s", start, service).isLessThanOrEqualTo(capacity);
        int withinShares = 0;
        ChannelQuota q = d.config.slots().quotaOf(service);
        for (Channel ch : Channel.values()) {
          assertThat(wb.taken(s, ch)).as("taken through %s in %s of %s", ch, start, service)
              .isEqualTo(byChannel[ch.ordinal()]);
          withinShares += Math.min(byChannel[ch.ordinal()], q.reserved(ch, capacity));
        }
        if (d.cal.rules.isEmpty() && now.isBefore(d.calendar.startOf(w).minus(RELEASE))) {
          assertThat(total - withinShares).as("places beyond the reserved shares in %s of %s", start, service)
              .isLessThanOrEqualTo(capacity - q.reservedTotal(capacity));
        }
      }
    }
    Map<String, List<LocalDate>> places = new HashMap<>();
    for (Booking bk : bookings) {
      if (bk.personId() != null && bk.state() != BookingState.CANCELLED) {
        places.computeIfAbsent(bk.personId(), k -> new ArrayList<>()).add(bk.windowStart().toLocalDate());
      }
    }
    for (Hold h : d.cal.holds.values()) {
      if (h.personId() != null) {
        places.computeIfAbsent(h.personId(), k -> new ArrayList<>()).add(h.windowStart().toLocalDate());
      }
    }
    for (WaitlistEntry w : d.cal.waiting.values()) {
      if (w.personId() != null) {
        places.computeIfAbsent(w.personId(), k -> new ArrayList<>()).add(w.windowStart().toLocalDate());
      }
    }
    places.forEach((person, dates) -> {
      for (int i = 0; i < dates.size(); i++) {
        for (int j = i + 1; j < dates.size(); j++) {
          assertThat(Math.abs(dates.get(i).toEpochDay() - dates.get(j).toEpochDay())).as("%s's places %s", person,
              dates).isGreaterThanOrEqualTo(2);
        }
      }
    });
    Map<String, Instant> used = new HashMap<>();
    for (QueueEvent e : store.load("extras", 0)) {
      String id = e instanceof QueueEvent.PlaceHeld h ? h.requestId()
          : e instanceof QueueEvent.HoldConfirmed c ? c.requestId()
          : e instanceof QueueEvent.BookingRescheduled m ? m.requestId()
          : e instanceof QueueEvent.BookingMade m ? m.requestId() : null;
      if (id != null) {
        Instant before = used.put(e.getClass().getSimpleName() + id, e.at());
        assertThat(before == null || !e.at().isBefore(before.plus(Duration.ofDays(1))))
            .as("request id %s acted on twice (%s)", id, e).isTrue();
      }
    }
    assertThat(engine.liveHolds()).containsExactlyElementsOf(d.cal.holds.values());
    assertThat(engine.waitlist()).containsExactlyElementsOf(d.cal.waiting.values());
  }

  private static void count(int[] byChannel, Channel c) {
    if (c != null) {
      byChannel[c.ordinal()]++;
    }
  }
}
