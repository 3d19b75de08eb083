package dev.talon.queue;

import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.QueueClock;
import dev.talon.queue.testkit.InvariantChecker;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;

/** Shared set-up of the example tests: zones, local times and a two-service branch. */
final class Fixtures {
  private Fixtures() {}

  /** UTC+5 all year (since 2024-03-01). */
  static final ZoneId ALMATY = ZoneId.of("Asia/Almaty");

  /** UTC-8 in winter. */
  static final ZoneId LOS_ANGELES = ZoneId.of("America/Los_Angeles");

  /** The instant of a local date-time in the zone. */
  static Instant local(ZoneId zone, String localDateTime) {
    return LocalDateTime.parse(localDateTime).atZone(zone).toInstant();
  }

  /**
   * A branch open around the clock with services docs (A) and cars (B), desk 1 serving both and
   * desk 2 serving cars, one place per 15-minute window for docs and two for cars.
   */
  static Talon branch(String id, ZoneId zone, QueueClock clock, EventStore store) {
    return Talon.newBranch(id).zone(zone).clock(clock).store(store)
        .service("docs", "A", "ID documents").service("cars", "B", "Vehicles")
        .desk("1", "docs", "cars").desk("2", "cars")
        .capacity("docs", 1).capacity("cars", 2);
  }

  static List<QueueEvent> events(EventStore store, Branch b) {
    return store.load(b.id(), 0);
  }

  static <T extends QueueEvent> List<T> eventsOf(EventStore store, Branch b, Class<T> type) {
    return events(store, b).stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** Runs the invariant checker of the test kit on the branch built by {@link #branch} with default limits. */
  static void checkInvariants(EventStore store, Branch b) {
    new InvariantChecker(SlotCalendar.defaults().withCapacity("docs", 1).withCapacity("cars", 2), Limits.defaults())
        .check(b, events(store, b));
  }
}
