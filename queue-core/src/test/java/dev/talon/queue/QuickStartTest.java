package dev.talon.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.Policy;
import dev.talon.queue.spi.QueueClock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** The README's quick start, verbatim between the markers, so that it cannot rot. */
class QuickStartTest {

  @Test
  void quickStart_asInReadme_booksIssuesCallsAndFinishes() {
    // --- quick start begins
    ManualClock clock = QueueClock.manual(Instant.parse("2026-11-24T04:00:00Z")); // 09:00 in Almaty, at any hour
    Branch branch = Talon.newBranch("almaty-1")
        .zone(ZoneId.of("Asia/Almaty"))
        .openingHours(OpeningHours.daily(LocalTime.of(9, 0), LocalTime.of(18, 0)))
        .service("id-docs", "A", "ID documents")
        .desk("4", "id-docs")
        .capacity("id-docs", 4)                  // places per 15-minute window
        .policy(Policy.bookedFirst())            // booked visitors first
        .clock(clock)                            // omit for the system clock
        .build();

    Booking booking = branch.book(BookRequest.of("id-docs", LocalDateTime.parse("2026-11-24T09:15")));
    Ticket walkIn = branch.issue(IssueRequest.walkIn("id-docs"));
    Ticket booked = branch.checkIn(booking.code());                 // A-002, booked line

    Ticket called = branch.callNext("4").orElseThrow();             // booked first: A-002
    branch.startService(called.id());
    branch.finish(called.id());
    // --- quick start ends

    assertThat(walkIn.display()).isEqualTo("A-001");
    assertThat(booked.display()).isEqualTo("A-002");
    assertThat(called.id()).isEqualTo(booked.id());
    assertThat(branch.ticket(booked.id()).orElseThrow().state()).isEqualTo(TicketState.DONE);
    assertThat(branch.position(walkIn.id()).ahead()).isZero();
    assertThat(branch.callNext("4")).get().extracting(Ticket::id).isEqualTo(walkIn.id());
    assertThat(branch.callNext("4")).isEmpty();
  }
}
