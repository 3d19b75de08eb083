package dev.talon.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talon.queue.spi.AdmissionCheck;
import dev.talon.queue.spi.AdmissionDecision;
import dev.talon.queue.spi.AdmissionRequest;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.Policy;
import dev.talon.queue.spi.QueueClock;
import dev.talon.queue.testkit.Scenario;
import dev.talon.queue.testkit.Snapshot;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bad input gets its specific exception, a message that names the rule and the offending
 * value, and changes nothing: neither the engine's tickets, bookings, waiting lists, positions,
 * last seq and mode, nor the events in its store. Each case runs on a fresh branch with history
 * (see {@link Fixture}); invalid configurations are refused at build time.
 */
class BadInputTest {

  /**
   * An Almaty branch (UTC+5) open 09:00-18:00, on Monday 2026-01-05: services {@code docs} (A, one
   * place per 15-minute window) and {@code cars} (B, closed for booking); desk 1 serves both, desk
   * 2 serves cars; booking 1 day ahead; late check-ins refused. At 09:30 booking b0 (09:45) was
   * made and A-001 issued, called and finished. At 10:05 A-002 and A-003 (request id req-1) were
   * issued and A-002 called; b1 (10:30) booked the last place of its window; b2 (10:15) checked in
   * as A-004; b3 (11:00) and b4 (11:15, a person the health check refuses at check-in) are booked.
   */
  static final class Fixture {
    final ManualClock clock = QueueClock.manual(LocalDateTime.parse("2026-01-05T09:30").atZone(ALMATY).toInstant());
    final EventStore store = EventStore.inMemory();
    final Branch branch = Talon.newBranch("almaty-1").zone(ALMATY)
        .openingHours(OpeningHours.daily(LocalTime.of(9, 0), LocalTime.of(18, 0)))
        .service("docs", "A", "ID documents").service("cars", "B", "Vehicles")
        .desk("1", "docs", "cars").desk("2", "cars")
        .slots(SlotCalendar.defaults().withBookingHorizonDays(1).withCapacity("docs", 1).withCapacity("cars", 0))
        .limits(Limits.defaults().withLateArrival(LateArrival.REFUSE))
        .policy(Policy.bookedFirst())
        .admissionCheck(Scenario.banCheck("p-banned"))
        .admissionCheck(AdmissionCheck.named("health", r -> r.kind() == AdmissionRequest.Kind.CHECK_IN
            && "p-sick".equals(r.personId()) ? AdmissionDecision.refuse("status red for " + r.personId())
            : AdmissionDecision.admit()))
        .store(store).clock(clock).build();
    final Booking b0;
    final Ticket done;
    final Ticket called;
    final Ticket waiting;
    final Booking b1;
    final Booking b2;
    final Ticket checkedIn;
    final Booking b3;
    final Booking b4;

    Fixture() {
      b0 = branch.book(BookRequest.of("docs", at("09:45")).withPerson("p1"));
      done = branch.issue(IssueRequest.walkIn("docs"));
      branch.callNext("1");
      branch.finish(done.id());
      setTime("10:05");
      called = branch.issue(IssueRequest.walkIn("docs"));
      waiting = branch.issue(IssueRequest.walkIn("docs").withRequestId("req-1").withPerson("p2"));
      branch.callNext("1");
      b1 = branch.book(BookRequest.of("docs", at("10:30")));
      b2 = branch.book(BookRequest.of("docs", at("10:15")));
      checkedIn = branch.checkIn(b2.code());
      b3 = branch.book(BookRequest.of("docs", at("11:00")));
      b4 = branch.book(BookRequest.of("docs", at("11:15")).withPerson("p-sick"));
    }

    void setTime(String localTime) {
      clock.set(at(localTime).atZone(ALMATY).toInstant());
    }

    List<QueueEvent> events() {
      return store.load(branch.id(), 0);
    }
  }

  static final ZoneId ALMATY = ZoneId.of("Asia/Almaty");

  static LocalDateTime at(String localTime) {
    return LocalDateTime.parse("2026-01-05T" + localTime);
  }

  /** A well-formed code of a booking id this fixture never issued (its sixth booking). */
  static String unissuedCode() {
    Branch other = Talon.newBranch("other").service("docs", "A", "ID documents").capacity("docs", 6)
        .clock(QueueClock.manual(LocalDateTime.parse("2026-01-05T09:00").atZone(ZoneId.of("UTC")).toInstant())).build();
    String code = null;
    for (int i = 0; i < 6; i++) {
      code = other.book(BookRequest.of("docs", LocalDateTime.parse("2026-01-05T10:00"))).code();
    }
    return code;
  }

  static String mistyped(String code) {
    return code.substring(0, 8) + (code.endsWith("A") ? "B" : "A");
  }

  static Arguments bad(String name, Consumer<Fixture> prepare, Function<Fixture, Object> act,
      Class<? extends QueueException> expected, String... fragments) {
    return Arguments.of(name, prepare, act, expected, fragments);
  }

  static Arguments bad(String name, Function<Fixture, Object> act, Class<? extends QueueException> expected,
      String... fragments) {
    return bad(name, f -> { }, act, expected, fragments);
  }

  static Stream<Arguments> badInputs() {
    return Stream.of(
        // unknown names
        bad("issue for an unknown service", f -> f.branch.issue(IssueRequest.walkIn("nosuch")),
            UnknownServiceException.class, "unknown service nosuch", "[cars, docs]"),
        bad("book an unknown service", f -> f.branch.book(BookRequest.of("nosuch", at("12:00"))),
            UnknownServiceException.class, "unknown service nosuch"),
        bad("waiting list of an unknown service", f -> f.branch.waiting("nosuch"),
            UnknownServiceException.class, "unknown service nosuch", "[cars, docs]"),
        bad("call next at an unknown desk", f -> f.branch.callNext("9"),
            UnknownDeskException.class, "unknown desk 9", "[1, 2]"),
        bad("finish an unknown ticket", f -> f.branch.finish(999),
            UnknownTicketException.class, "no ticket has id 999", "almaty-1"),
        bad("recall ticket id 0", f -> f.branch.recall(0), UnknownTicketException.class, "no ticket has id 0"),
        bad("cancel a negative ticket id", f -> f.branch.cancel(-5), UnknownTicketException.class, "id -5"),
        bad("position of an unknown ticket", f -> f.branch.position(999), UnknownTicketException.class, "id 999"),
        bad("check in a well-formed code nobody was given", f -> f.branch.checkIn(unissuedCode()),
            UnknownBookingException.class, "no booking has code", "almaty-1"),
        bad("check in a malformed code", f -> f.branch.checkIn("HELLO"),
            UnknownBookingException.class, "HELLO", "malformed or mistyped"),
        bad("cancel a booking with a mistyped code", f -> f.branch.cancelBooking(mistyped(f.b1.code())),
            UnknownBookingException.class, "malformed or mistyped"),
        // capacity, calendar and hours
        bad("book a full window", f -> f.branch.book(BookRequest.of("docs", at("10:30"))),
            CapacityExceededException.class, "2026-01-05T10:30", "docs", "full", "1 of 1"),
        bad("book a service closed for booking", f -> f.branch.book(BookRequest.of("cars", at("12:00"))),
            CapacityExceededException.class, "cars", "takes no bookings", "capacity per window is 0"),
        bad("book a misaligned window start", f -> f.branch.book(BookRequest.of("docs", at("12:05"))),
            InvalidRequestException.class, "15-minute boundary", "2026-01-05T12:05"),
        bad("book a window start with seconds", f -> f.branch.book(BookRequest.of("docs", at("12:00:30"))),
            InvalidRequestException.class, "15-minute boundary", "12:00:30"),
        bad("book a window that has ended", f -> f.branch.book(BookRequest.of("docs", at("09:45"))),
            OutOfHoursException.class, "2026-01-05T09:45", "already ended", "10:05"),
        bad("book beyond the horizon", f -> f.branch.book(BookRequest.of("docs", LocalDateTime.parse("2026-01-07T10:00"))),
            OutOfHoursException.class, "2026-01-07T10:00", "booking horizon of 1 days", "2026-01-06"),
        bad("book the window at closing time", f -> f.branch.book(BookRequest.of("docs", at("18:00"))),
            OutOfHoursException.class, "2026-01-05T18:00", "outside opening hours", "09:00", "18:00"),
        bad("book a window before opening", f -> f.branch.book(BookRequest.of("docs", LocalDateTime.parse("2026-01-06T08:45"))),
            OutOfHoursException.class, "2026-01-06T08:45", "outside opening hours"),
        bad("issue after closing time", f -> f.setTime("18:30"), f -> f.branch.issue(IssueRequest.walkIn("docs")),
            OutOfHoursException.class, "closed at 2026-01-05T18:30", "09:00", "18:00"),
        // check-in rules
        bad("check in too early", f -> f.branch.checkIn(f.b3.code()),
            CheckInRefusedException.class, "too early", "2026-01-05T10:30", "30 minutes", "2026-01-05T11:00"),
        bad("check in too late when late arrivals are refused", f -> f.branch.checkIn(f.b0.code()),
            CheckInRefusedException.class, "too late", "2026-01-05T09:55", "10 minutes"),
        bad("check in a booking that expires in this very operation", f -> f.setTime("10:20"),
            f -> f.branch.checkIn(f.b0.code()), IllegalTransitionException.class, "cannot check in", "EXPIRED"),
        // illegal transitions
        bad("finish a waiting ticket", f -> f.branch.finish(f.waiting.id()),
            IllegalTransitionException.class, "A-003", "cannot be finished", "WAITING", "[CALLED, SERVING]"),
        bad("cancel a called ticket", f -> f.branch.cancel(f.called.id()),
            IllegalTransitionException.class, "A-002", "cannot be cancelled", "CALLED", "[WAITING, POSTPONED]"),
        bad("start a waiting ticket", f -> f.branch.startService(f.waiting.id()),
            IllegalTransitionException.class, "cannot be started", "WAITING"),
        bad("recall a finished ticket", f -> f.branch.recall(f.done.id()),
            IllegalTransitionException.class, "A-001", "cannot be recalled", "DONE"),
        bad("hand back a waiting ticket", f -> f.branch.returnCall(f.waiting.id()),
            IllegalTransitionException.class, "cannot be handed back", "WAITING"),
        bad("mark a finished ticket a no-show", f -> f.branch.noShow(f.done.id()),
            IllegalTransitionException.class, "cannot be marked a no-show", "DONE"),
        bad("check in twice", f -> f.branch.checkIn(f.b2.code()),
            IllegalTransitionException.class, "cannot check in", "CHECKED_IN", "A-004"),
        bad("cancel a checked-in booking", f -> f.branch.cancelBooking(f.b2.code()),
            IllegalTransitionException.class, "cannot be cancelled", "CHECKED_IN", "only BOOKED"),
        // request ids and the clock
        bad("reuse a request id for another service", f -> f.branch.issue(IssueRequest.walkIn("cars").withRequestId("req-1")),
            DuplicateRequestException.class, "request id req-1", "different request", "cars"),
        bad("reuse an issue's request id for a booking", f -> f.branch.book(BookRequest.of("docs", at("12:00")).withRequestId("req-1")),
            DuplicateRequestException.class, "request id req-1", "different request"),
        bad("issue with the clock 5 s behind", f -> f.clock.set(f.clock.now().minusSeconds(5)),
            f -> f.branch.issue(IssueRequest.walkIn("docs")), ClockWentBackwardsException.class,
            "clock went backwards", "2026-01-05T05:04:55Z", "2026-01-05T05:05:00Z"),
        bad("call next with the clock an hour behind", f -> f.clock.set(f.clock.now().minus(Duration.ofHours(1))),
            f -> f.branch.callNext("1"), ClockWentBackwardsException.class, "clock went backwards", "04:05"),
        // admission
        bad("issue a walk-in ticket in booking-only mode", f -> f.branch.setAdmissionMode(AdmissionMode.BOOKING_ONLY),
            f -> f.branch.issue(IssueRequest.walkIn("docs")), AdmissionRefusedException.class,
            "admission-mode", "BOOKING_ONLY"),
        bad("book in walk-in-only mode", f -> f.branch.setAdmissionMode(AdmissionMode.WALK_IN_ONLY),
            f -> f.branch.book(BookRequest.of("docs", at("12:00"))), AdmissionRefusedException.class,
            "admission-mode", "WALK_IN_ONLY"),
        bad("issue to a banned person", f -> f.branch.issue(IssueRequest.walkIn("docs").withPerson("p-banned")),
            AdmissionRefusedException.class, "ban-list", "p-banned"),
        bad("book for a banned person", f -> f.branch.book(BookRequest.of("docs", at("12:00")).withPerson("p-banned")),
            AdmissionRefusedException.class, "ban-list", "p-banned"),
        bad("check in a person the health check refuses", f -> f.branch.checkIn(f.b4.code()),
            AdmissionRefusedException.class, "health", "status red for p-sick"),
        // null and blank values
        bad("issue a null request", f -> f.branch.issue(null), InvalidRequestException.class, "issue request must not be null"),
        bad("book a null request", f -> f.branch.book(null), InvalidRequestException.class, "book request must not be null"),
        bad("issue request with a null service", f -> new IssueRequest(null, Origin.WALK_IN, Set.of(), null, null),
            InvalidRequestException.class, "service code must not be null or blank, was null"),
        bad("issue request with a blank service", f -> IssueRequest.walkIn(" "),
            InvalidRequestException.class, "service code must not be null or blank, was \" \""),
        bad("issue request with a null origin", f -> new IssueRequest("docs", null, Set.of(), null, null),
            InvalidRequestException.class, "origin must not be null"),
        bad("issue request with origin BOOKED", f -> new IssueRequest("docs", Origin.BOOKED, Set.of(), null, null),
            InvalidRequestException.class, "WALK_IN or REMOTE", "was BOOKED"),
        bad("issue request with a blank category", f -> IssueRequest.walkIn("docs").withCategories("elderly", ""),
            InvalidRequestException.class, "category must not be null or blank, was \"\""),
        bad("issue request with a null category", f -> new IssueRequest("docs", Origin.WALK_IN,
            new HashSet<>(Arrays.asList("elderly", null)), null, null),
            InvalidRequestException.class, "category must not be null or blank, was null"),
        bad("issue request with a blank person id", f -> IssueRequest.walkIn("docs").withPerson(" "),
            InvalidRequestException.class, "person id must be null or non-blank"),
        bad("issue request with a blank request id", f -> IssueRequest.walkIn("docs").withRequestId(""),
            InvalidRequestException.class, "request id must be null or non-blank, was \"\""),
        bad("book request with a null service", f -> BookRequest.of(null, at("12:00")),
            InvalidRequestException.class, "service code must not be null or blank, was null"),
        bad("book request with a null window start", f -> BookRequest.of("docs", null),
            InvalidRequestException.class, "window start must not be null"),
        bad("book request with a blank person id", f -> BookRequest.of("docs", at("12:00")).withPerson("\t"),
            InvalidRequestException.class, "person id must be null or non-blank"),
        bad("book request with a blank request id", f -> BookRequest.of("docs", at("12:00")).withRequestId(" "),
            InvalidRequestException.class, "request id must be null or non-blank"),
        bad("check in a null code", f -> f.branch.checkIn(null),
            InvalidRequestException.class, "booking code must not be null or blank, was null"),
        bad("cancel a blank booking code", f -> f.branch.cancelBooking(" "),
            InvalidRequestException.class, "booking code must not be null or blank, was \" \""),
        bad("call next at a null desk", f -> f.branch.callNext(null),
            InvalidRequestException.class, "desk id must not be null or blank, was null"),
        bad("call next at a blank desk", f -> f.branch.callNext(""),
            InvalidRequestException.class, "desk id must not be null or blank, was \"\""),
        bad("waiting list of a null service", f -> f.branch.waiting(null),
            InvalidRequestException.class, "service code must not be null or blank, was null"),
        bad("switch to a null admission mode", f -> {
          f.branch.setAdmissionMode(null);
          return null;
        }, InvalidRequestException.class, "admission mode must not be null"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInputs")
  void operation_badInput_throwsSpecificExceptionAndChangesNothing(String name, Consumer<Fixture> prepare,
      Function<Fixture, Object> act, Class<? extends QueueException> expected, String[] fragments) {
    Fixture f = new Fixture();
    prepare.accept(f);
    List<QueueEvent> events = f.events();
    Snapshot before = Snapshot.of(f.branch, events);

    assertThatThrownBy(() -> act.apply(f)).isExactlyInstanceOf(expected)
        .satisfies(e -> assertThat(e.getMessage()).contains(fragments));

    assertThat(f.events()).as("events in the store").isEqualTo(events);
    assertThat(Snapshot.of(f.branch, events).diff(before)).as("engine state").isNull();
  }

  @Test
  void admissionRefusal_byCheck_carriesCheckNameAndReason() {
    Fixture f = new Fixture();
    assertThatThrownBy(() -> f.branch.checkIn(f.b4.code())).isInstanceOfSatisfying(AdmissionRefusedException.class, e -> {
      assertThat(e.check()).isEqualTo("health");
      assertThat(e.reason()).isEqualTo("status red for p-sick");
    });
  }

  @Test
  void branch_afterRefusedOperations_stillAcceptsValidOnes() {
    Fixture f = new Fixture();
    f.setTime("10:20"); // b0 expires at 10:15; the refused check-in must not publish that expiry
    assertThatThrownBy(() -> f.branch.checkIn(f.b0.code())).isInstanceOf(IllegalTransitionException.class);
    assertThat(f.events()).noneMatch(e -> e instanceof QueueEvent.BookingExpired);

    Ticket next = f.branch.issue(IssueRequest.walkIn("docs"));

    assertThat(next.display()).isEqualTo("A-005");
    assertThat(f.events()).filteredOn(e -> e instanceof QueueEvent.BookingExpired).hasSize(1);
    assertThat(f.branch.booking(f.b0.code()).orElseThrow().state()).isEqualTo(BookingState.EXPIRED);
  }

  // ---------------------------------------------------------------- configuration

  static Talon valid() {
    return Talon.newBranch("b1").service("docs", "A", "ID documents").desk("1", "docs");
  }

  static Arguments config(String name, Supplier<Object> build, String... fragments) {
    return Arguments.of(name, build, fragments);
  }

  static Stream<Arguments> badConfigurations() {
    return Stream.of(
        config("duplicate service code", () -> valid().service("docs", "B", "Again").build(),
            "service code must be unique", "docs was given twice"),
        config("duplicate ticket prefix", () -> valid().service("cars", "A", "Vehicles").build(),
            "ticket prefix must be unique", "A was given twice"),
        config("duplicate desk id", () -> valid().desk("1", "docs").build(), "desk id must be unique", "1 was given twice"),
        config("desk serving an unknown service", () -> valid().desk("2", "nosuch").build(),
            "desk 2 serves unknown service nosuch", "[docs]"),
        config("desk listing a service twice", () -> valid().service("cars", "B", "Vehicles").desk("2", "cars", "cars").build(),
            "desk 2", "cars", "twice"),
        config("desk listing a null service", () -> valid().desk("2", "docs", null).build(), "desk 2", "null"),
        config("desk serving nothing", () -> new Desk("3", Set.of()), "desk 3 must serve at least one service"),
        config("capacity for an unknown service", () -> valid().capacity("nosuch", 2).build(),
            "slot capacity names unknown service nosuch"),
        config("no services", () -> Talon.newBranch("b1").build(), "branch b1 must have at least one service"),
        config("window length not dividing a day", () -> SlotCalendar.defaults().withWindowLength(Duration.ofMinutes(7)),
            "slot window length must be whole minutes that divide 24 hours, was PT7M"),
        config("window length of 90 seconds", () -> SlotCalendar.defaults().withWindowLength(Duration.ofSeconds(90)),
            "whole minutes", "PT1M30S"),
        config("window length zero", () -> SlotCalendar.defaults().withWindowLength(Duration.ZERO), "was PT0S"),
        config("negative capacity", () -> valid().capacity("docs", -1), "capacity of service docs must be >= 0, was -1"),
        config("negative booking horizon", () -> SlotCalendar.defaults().withBookingHorizonDays(-1),
            "booking horizon must be between 0 and 366 days, was -1"),
        config("booking horizon over a year", () -> SlotCalendar.defaults().withBookingHorizonDays(400), "was 400"),
        config("negative early check-in", () -> Limits.defaults().withEarlyCheckIn(Duration.ofMinutes(-1)),
            "early check-in must be a duration >= 0, was PT-1M"),
        config("negative grace", () -> Limits.defaults().withBookingGrace(Duration.ofSeconds(-1)),
            "booking grace must be a duration >= 0, was PT-1S"),
        config("negative recall limit", () -> Limits.defaults().withRecallLimit(-1),
            "recall limit must be between 0 and 100, was -1"),
        config("recall limit over 100", () -> Limits.defaults().withRecallLimit(101), "was 101"),
        config("null late arrival rule", () -> Limits.defaults().withLateArrival(null), "late arrival rule must not be null"),
        config("late check-in beyond a day past grace", () -> Limits.defaults().withLateCheckIn(Duration.ofDays(2)),
            "late check-in must not exceed a day beyond the grace period, was PT48H"),
        config("opening hours closing before opening", () -> OpeningHours.daily(LocalTime.of(18, 0), LocalTime.of(9, 0)),
            "opening hours must open before they close", "18:00", "09:00"),
        config("malformed branch id", () -> Talon.newBranch("almaty 1"), "branch id must match", "\"almaty 1\""),
        config("malformed service code", () -> valid().service("id docs", "B", "x"), "service code must match", "\"id docs\""),
        config("lower-case ticket prefix", () -> valid().service("cars", "b", "x"), "ticket prefix of service cars", "\"b\""),
        config("negative clock tolerance", () -> valid().clockTolerance(Duration.ofSeconds(-1)).build(),
            "clock tolerance must be >= 0", "PT-1S"),
        config("capacity for a null service", () -> {
          java.util.Map<String, Integer> capacity = new java.util.HashMap<>();
          capacity.put(null, 2);
          return new SlotCalendar(Duration.ofMinutes(15), capacity, 1);
        }, "slot capacity must name a service"),
        config("a null closed day", () -> OpeningHours.daily(LocalTime.of(9, 0), LocalTime.of(18, 0))
            .closedOn(java.time.DayOfWeek.SUNDAY, null), "closed days must be days of the week", "null"),
        config("null zone", () -> valid().zone(null), "zone must not be null"),
        config("null policy", () -> valid().policy(null), "policy must not be null"),
        config("zero rotation interval", () -> {
          ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
          try {
            return valid().rotateEvery(Duration.ZERO, scheduler).build();
          } finally {
            scheduler.shutdownNow();
          }
        }, "rotation interval must be > 0", "PT0S"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badConfigurations")
  void build_invalidConfiguration_throwsInvalidConfigurationNamingTheRule(String name, Supplier<Object> build,
      String[] fragments) {
    assertThatThrownBy(build::get).isExactlyInstanceOf(InvalidConfigurationException.class)
        .satisfies(e -> assertThat(e.getMessage()).contains(fragments));
  }

  @Test
  void build_validConfiguration_buildsAndServes() {
    Branch b = valid().capacity("docs", 2).build();
    assertThat(b.issue(IssueRequest.walkIn("docs")).display()).isEqualTo("A-001");
    assertThat(b.callNext("1")).isPresent();
  }
}
