package dev.talon.queue;

import static dev.talon.queue.Fixtures.ALMATY;
import static dev.talon.queue.Fixtures.local;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talon.queue.QueueEvent.BookingMade;
import dev.talon.queue.QueueEvent.TicketIssued;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.QueueClock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A request id makes issue and book idempotent: a retry returns the same ticket or booking. */
class IdempotencyTest {
  private final EventStore store = EventStore.inMemory();
  private final ManualClock clock = QueueClock.manual(local(ALMATY, "2026-01-05T09:00"));

  private Talon builder() {
    return Fixtures.branch("almaty-1", ALMATY, clock, store);
  }

  @Test
  void issue_retriedWithTheSameRequestId_returnsTheSameTicketAsItIsNow() {
    Branch b = builder().build();
    IssueRequest request = IssueRequest.walkIn("docs").withRequestId("kiosk-7-0001").withPerson("p1");
    Ticket first = b.issue(request);
    b.callNext("1");
    long seq = b.lastSeq();
    clock.advance(Duration.ofMinutes(5));

    Ticket retry = b.issue(request);

    assertThat(retry.id()).isEqualTo(first.id());
    assertThat(retry.display()).isEqualTo("A-001");
    assertThat(retry.state()).isEqualTo(TicketState.CALLED);
    assertThat(b.lastSeq()).isEqualTo(seq);
    assertThat(Fixtures.eventsOf(store, b, TicketIssued.class)).hasSize(1);
  }

  @Test
  void book_retriedWithTheSameRequestId_returnsTheSameBookingWithoutTakingASecondPlace() {
    Branch b = builder().build();
    BookRequest request = BookRequest.of("cars", LocalDateTime.parse("2026-01-05T11:00")).withRequestId("web-42");
    Booking first = b.book(request);

    Booking retry = b.book(request);
    Booking other = b.book(BookRequest.of("cars", LocalDateTime.parse("2026-01-05T11:00")));

    assertThat(retry).isEqualTo(first);
    assertThat(other.id()).isNotEqualTo(first.id()); // cars has two places: the retry took none
    assertThat(Fixtures.eventsOf(store, b, BookingMade.class)).hasSize(2);
  }

  @Test
  void requestIds_afterRecovery_stillReturnTheSameTicketAndBooking() {
    Branch live = builder().build();
    IssueRequest issue = IssueRequest.walkIn("docs").withRequestId("kiosk-1");
    BookRequest book = BookRequest.of("docs", LocalDateTime.parse("2026-01-05T12:00")).withRequestId("web-1");
    Ticket ticket = live.issue(issue);
    Booking booking = live.book(book);
    live.close();

    Branch recovered = builder().build();

    assertThat(recovered.issue(issue)).isEqualTo(ticket);
    assertThat(recovered.book(book)).isEqualTo(booking);
    assertThatThrownBy(() -> recovered.issue(IssueRequest.walkIn("cars").withRequestId("kiosk-1")))
        .isInstanceOf(DuplicateRequestException.class);
    assertThat(Fixtures.eventsOf(store, recovered, TicketIssued.class)).hasSize(1);
  }

  @Test
  void issue_whoseFirstAttemptWasRefused_succeedsOnRetryWithTheSameId() {
    Branch b = builder().openingHours(OpeningHours.daily(LocalTime.of(9, 30), LocalTime.of(18, 0))).build();
    IssueRequest request = IssueRequest.walkIn("docs").withRequestId("kiosk-early");
    assertThatThrownBy(() -> b.issue(request)).isInstanceOf(OutOfHoursException.class);

    clock.set(local(ALMATY, "2026-01-05T09:30"));
    Ticket ticket = b.issue(request);

    assertThat(ticket.display()).isEqualTo("A-001");
    assertThat(b.issue(request).id()).isEqualTo(ticket.id());
  }

  @Test
  void requestId_whoseTicketWasForgotten_retryRefused_stillBelongsToTheFirstRequest() {
    Branch b = builder().openingHours(OpeningHours.daily(LocalTime.of(9, 0), LocalTime.of(18, 0))).build();
    IssueRequest request = IssueRequest.walkIn("docs").withRequestId("kiosk-9");
    Ticket first = b.issue(request);
    b.callNext("1");
    b.startService(first.id());
    b.finish(first.id());
    clock.set(local(ALMATY, "2026-01-06T06:00")); // the next day, before opening
    b.setAdmissionMode(b.admissionMode()); // any operation catches up with the day: the ended ticket is forgotten
    assertThat(b.ticket(first.id())).isEmpty();

    assertThatThrownBy(() -> b.issue(request)).as("runs afresh, and the branch is closed")
        .isInstanceOf(OutOfHoursException.class);

    assertThatThrownBy(() -> b.book(BookRequest.of("docs", LocalDateTime.parse("2026-01-06T12:00")).withRequestId("kiosk-9")))
        .as("the id still names the issue request").isInstanceOf(DuplicateRequestException.class);
    clock.set(local(ALMATY, "2026-01-06T09:30"));
    Ticket again = b.issue(request);
    assertThat(again.id()).isNotEqualTo(first.id());
    assertThat(b.issue(request)).isEqualTo(again);
  }

  @Test
  void requestId_afterItsWindow_isForgottenAndIssuesANewTicket() {
    Branch b = builder().limits(Limits.defaults().withRequestIdWindow(Duration.ofHours(1))).build();
    IssueRequest request = IssueRequest.walkIn("docs").withRequestId("kiosk-1");
    Ticket first = b.issue(request);

    clock.advance(Duration.ofMinutes(59));
    Ticket withinWindow = b.issue(request);
    clock.advance(Duration.ofMinutes(2));
    Ticket afterWindow = b.issue(request);

    assertThat(withinWindow.id()).isEqualTo(first.id());
    assertThat(afterWindow.id()).isNotEqualTo(first.id());
    assertThat(afterWindow.display()).isEqualTo("A-002");
  }

  @Test
  void concurrentDuplicates_ofOneIssueRequest_createOneTicket() throws Exception {
    Branch b = builder().build();
    List<Set<Long>> perRequest = race(8, 200, round -> b.issue(IssueRequest.walkIn("docs").withRequestId("r-" + round)).id());

    assertThat(perRequest).allSatisfy(ids -> assertThat(ids).hasSize(1));
    List<TicketIssued> issued = Fixtures.eventsOf(store, b, TicketIssued.class);
    assertThat(issued).hasSize(200);
    assertThat(issued.stream().collect(Collectors.groupingBy(TicketIssued::requestId, Collectors.counting())))
        .hasSize(200).allSatisfy((id, count) -> assertThat(count).isEqualTo(1L));
    Fixtures.checkInvariants(store, b);
  }

  @Test
  void concurrentDuplicates_ofOneBookRequest_takeOnePlace() throws Exception {
    Branch b = Talon.newBranch("almaty-1").zone(ALMATY).clock(clock).store(store)
        .service("docs", "A", "ID documents").capacity("docs", 500).build();
    List<Set<Long>> perRequest = race(8, 200,
        round -> b.book(BookRequest.of("docs", LocalDateTime.parse("2026-01-05T10:00")).withRequestId("w-" + round)).id());

    assertThat(perRequest).allSatisfy(ids -> assertThat(ids).hasSize(1));
    assertThat(Fixtures.eventsOf(store, b, BookingMade.class)).hasSize(200);
  }

  /** Runs {@code rounds} rounds in which {@code threads} threads call {@code call(round)} at once; the ids each round saw. */
  private static List<Set<Long>> race(int threads, int rounds, Function<Integer, Long> call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Set<Long>> out = new ArrayList<>();
      for (int round = 0; round < rounds; round++) {
        CyclicBarrier start = new CyclicBarrier(threads);
        int r = round;
        List<Future<Long>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          results.add(pool.submit(() -> {
            start.await();
            return call.apply(r);
          }));
        }
        Set<Long> ids = new HashSet<>();
        for (Future<Long> f : results) {
          ids.add(f.get());
        }
        out.add(ids);
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void requestIds_ofTicketsAndBookings_shareOneNamespace() {
    Branch b = builder().build();
    b.issue(IssueRequest.walkIn("docs").withRequestId("shared"));

    assertThatThrownBy(() -> b.book(BookRequest.of("docs", LocalDateTime.parse("2026-01-05T12:00")).withRequestId("shared")))
        .isInstanceOf(DuplicateRequestException.class).hasMessageContaining("shared");
    assertThat(Fixtures.eventsOf(store, b, BookingMade.class)).isEmpty();
  }
}
