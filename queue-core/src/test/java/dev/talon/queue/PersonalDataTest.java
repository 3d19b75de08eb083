package dev.talon.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talon.queue.spi.BanList;
import dev.talon.queue.spi.AdmissionChecks;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.QueueClock;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Person ids are national ids in practice: no refusal, nor any other exception message of the
 * built-in admission checks, may carry one. A refusal names the rule and a short reference that
 * cannot be turned back into the id (the first 8 hex digits of the id's SHA-256).
 */
class PersonalDataTest {
  private static final String IIN = "KZ-IIN-870412300123";
  private static final ZoneId ALMATY = ZoneId.of("Asia/Almaty");

  private final ManualClock clock = QueueClock.manual(Instant.parse("2026-11-24T04:00:00Z")); // 09:00 local

  private Talon base() {
    return Talon.newBranch("almaty-1").zone(ALMATY).clock(clock).store(EventStore.inMemory())
        .service("docs", "A", "ID documents").desk("1", "docs").capacity("docs", 5);
  }

  static String reference(String id) throws Exception {
    byte[] hash = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(hash).substring(0, 8);
  }

  @Test
  void issue_overThePerPersonDailyLimit_refusalNamesTheRuleAndAReferenceNotTheId() throws Exception {
    Branch b = base().admissionCheck(AdmissionChecks.ticketsPerPersonPerDay(1, ALMATY)).build();
    b.issue(IssueRequest.walkIn("docs").withPerson(IIN));

    assertThatThrownBy(() -> b.issue(IssueRequest.walkIn("docs").withPerson(IIN)))
        .isInstanceOf(AdmissionRefusedException.class)
        .hasMessageContaining("tickets-per-person-per-day")
        .hasMessageContaining("person ref " + reference(IIN) + " already has 1 ticket(s) on 2026-11-24; the limit is 1 a day")
        .hasMessageNotContaining(IIN)
        .hasMessageNotContaining("870412300123");
  }

  @Test
  void book_overThePerPersonBookingLimit_refusalNamesTheRuleAndAReferenceNotTheId() throws Exception {
    Branch b = base().admissionCheck(AdmissionChecks.bookingsPerPerson(1, Duration.ofDays(10))).build();
    b.book(BookRequest.of("docs", LocalDateTime.of(2026, 11, 25, 10, 0)).withPerson(IIN));

    assertThatThrownBy(() -> b.book(BookRequest.of("docs", LocalDateTime.of(2026, 11, 26, 10, 0)).withPerson(IIN)))
        .isInstanceOf(AdmissionRefusedException.class)
        .hasMessageContaining("bookings-per-person")
        .hasMessageContaining("person ref " + reference(IIN) + " already has 1 booking(s) within 10 days; the limit is 1")
        .hasMessageNotContaining("870412300123");
  }

  @Test
  void issue_bannedByHandOrForNoShows_refusalCarriesNoId() throws Exception {
    BanList bans = AdmissionChecks.banList(1, Duration.ofDays(30), Duration.ofDays(7));
    Branch b = base().admissionCheck(bans).limits(Limits.defaults().withRecallLimit(0)).build();
    bans.ban(IIN, clock.now().plus(Duration.ofDays(1)), "abusive behaviour");
    assertThatThrownBy(() -> b.issue(IssueRequest.walkIn("docs").withPerson(IIN)))
        .isInstanceOf(AdmissionRefusedException.class)
        .hasMessageContaining("ban-list")
        .hasMessageContaining("person ref " + reference(IIN) + " is banned until")
        .hasMessageContaining("abusive behaviour")
        .hasMessageNotContaining("870412300123");

    String other = "KZ-IIN-900101400456";
    Ticket t = b.issue(IssueRequest.walkIn("docs").withPerson(other));
    b.callNext("1");
    b.noShow(t.id());
    assertThatThrownBy(() -> b.issue(IssueRequest.walkIn("docs").withPerson(other)))
        .isInstanceOf(AdmissionRefusedException.class)
        .hasMessageContaining("person ref " + reference(other))
        .hasMessageContaining("1 no-shows")
        .hasMessageNotContaining("900101400456");
  }

  @Test
  void ban_withoutAReason_failsWithoutTheId() {
    BanList bans = AdmissionChecks.banList(0, null, null);

    assertThatThrownBy(() -> bans.ban(IIN, clock.now(), " "))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("a ban needs a person id, an end and a reason; the reason was blank")
        .hasMessageNotContaining("870412300123");
  }
}
