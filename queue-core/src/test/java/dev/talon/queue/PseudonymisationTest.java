package dev.talon.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talon.queue.spi.BanList;
import dev.talon.queue.spi.AdmissionChecks;
import dev.talon.queue.spi.BranchSnapshot;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.QueueClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Talon.pseudonymizePersonIds: with a key, no raw person id reaches the events, the store, the
 * snapshots or the listeners, while per-person limits and bans keep counting the same person.
 */
class PseudonymisationTest {
  private static final String IIN = "KZ-IIN-870412300123";
  private static final String DIGITS = "870412300123";
  private static final ZoneId ALMATY = ZoneId.of("Asia/Almaty");
  static final byte[] KEY = "a 32-byte secret: 7f3a9c21e5d84b06".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] OTHER_KEY = "another 32-byte secret, 0b1d2e3f".getBytes(StandardCharsets.US_ASCII);

  private final ManualClock clock = QueueClock.manual(Instant.parse("2026-11-24T04:00:00Z")); // 09:00 local
  private final EventStore store = EventStore.inMemory();
  private final List<QueueEvent> heard = new CopyOnWriteArrayList<>();

  private Talon base(byte[] key) {
    return Talon.newBranch("almaty-1").zone(ALMATY).clock(clock).store(store)
        .service("docs", "A", "ID documents").desk("1", "docs").capacity("docs", 5)
        .listener((branch, events) -> heard.addAll(events)).pseudonymizePersonIds(key);
  }

  @Test
  void holdAndJoinWaitlist_withKey_eventsAndListenersNeverHoldTheRawId() {
    Branch b = base(KEY).capacity("docs", 1).build();
    LocalDateTime window = LocalDateTime.of(2026, 11, 24, 10, 0);
    b.hold(BookRequest.of("docs", window).withPerson(IIN));
    b.joinWaitlist(BookRequest.of("docs", window).withPerson("KZ-IIN-870412300999"));
    List<QueueEvent> stored = store.load("almaty-1", 0);
    assertThat(stored).anyMatch(e -> e instanceof QueueEvent.PlaceHeld)
        .anyMatch(e -> e instanceof QueueEvent.WaitlistJoined)
        .allSatisfy(e -> assertThat(e.toString()).doesNotContain(DIGITS, "870412300999"));
    assertThat(heard).allSatisfy(e -> assertThat(e.toString()).doesNotContain(DIGITS, "870412300999"));
    b.close();
  }

  @Test
  void issueBookAndCheckIn_withKey_eventsStoreSnapshotAndListenersNeverHoldTheRawId() {
    Branch b = base(KEY).snapshotEvery(1).build();
    Ticket walkIn = b.issue(IssueRequest.walkIn("docs").withPerson(IIN).withRequestId("r-1"));
    Booking booking = b.book(BookRequest.of("docs", LocalDateTime.of(2026, 11, 24, 10, 0)).withPerson(IIN));
    clock.advance(Duration.ofMinutes(60));
    Ticket booked = b.checkIn(booking.code());
    b.close();

    assertThat(walkIn.personId()).startsWith("ps:").hasSize(25).isEqualTo(booked.personId())
        .isEqualTo(booking.personId());
    List<QueueEvent> stored = store.load("almaty-1", 0);
    assertThat(stored).hasSizeGreaterThan(3).allSatisfy(e -> assertThat(e.toString()).doesNotContain(DIGITS));
    assertThat(heard).hasSameSizeAs(stored).allSatisfy(e -> assertThat(e.toString()).doesNotContain(DIGITS));
    assertThat(stored.stream().filter(e -> e instanceof QueueEvent.TicketIssued).map(Object::toString).toList())
        .allSatisfy(s -> assertThat(s).contains(walkIn.personId()));
    BranchSnapshot snapshot = store.loadSnapshot("almaty-1").orElseThrow();
    assertThat(indexOf(snapshot.state(), DIGITS.getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
    assertThat(indexOf(snapshot.state(), walkIn.personId().getBytes(StandardCharsets.UTF_8))).isNotEqualTo(-1);
    // a retry of the request finds its ticket: the request's fingerprint holds the same pseudonym
    Branch again = base(KEY).build();
    assertThat(again.issue(IssueRequest.walkIn("docs").withPerson(IIN).withRequestId("r-1")).id()).isEqualTo(walkIn.id());
  }

  @Test
  void limits_withKey_stillCountThePersonAndNoOneElse() {
    Branch b = base(KEY).admissionCheck(AdmissionChecks.ticketsPerPersonPerDay(1, ALMATY)).build();
    b.issue(IssueRequest.walkIn("docs").withPerson(IIN));

    assertThatThrownBy(() -> b.issue(IssueRequest.walkIn("docs").withPerson(IIN)))
        .isInstanceOf(AdmissionRefusedException.class).hasMessageContaining("tickets-per-person-per-day")
        .hasMessageNotContaining(DIGITS);
    assertThat(b.issue(IssueRequest.walkIn("docs").withPerson("KZ-IIN-900101400456")).personId()).startsWith("ps:");
  }

  @Test
  void banList_withKey_bansByHandAndForNoShowsUnderTheRawId() {
    BanList bans = AdmissionChecks.banList(1, Duration.ofDays(30), Duration.ofDays(7));
    bans.ban("KZ-IIN-111111111111", clock.now().plus(Duration.ofDays(1)), "banned before the branch was built");
    Branch b = base(KEY).admissionCheck(bans).limits(Limits.defaults().withRecallLimit(0)).build();
    bans.ban(IIN, clock.now().plus(Duration.ofDays(1)), "abusive behaviour");

    assertThatThrownBy(() -> b.issue(IssueRequest.walkIn("docs").withPerson(IIN)))
        .isInstanceOf(AdmissionRefusedException.class).hasMessageContaining("abusive behaviour")
        .hasMessageNotContaining(DIGITS);
    assertThatThrownBy(() -> b.issue(IssueRequest.walkIn("docs").withPerson("KZ-IIN-111111111111")))
        .isInstanceOf(AdmissionRefusedException.class).hasMessageContaining("before the branch was built");
    assertThat(bans.isBanned(IIN, clock.now())).isTrue();
    bans.unban(IIN);
    assertThat(bans.isBanned(IIN, clock.now())).isFalse();

    String other = "KZ-IIN-900101400456";
    Ticket t = b.issue(IssueRequest.walkIn("docs").withPerson(other));
    assertThat(b.callNext("1")).get().extracting(Ticket::id).isEqualTo(t.id());
    b.noShow(t.id());
    assertThatThrownBy(() -> b.issue(IssueRequest.walkIn("docs").withPerson(other)))
        .isInstanceOf(AdmissionRefusedException.class).hasMessageContaining("1 no-shows");
    assertThat(bans.isBanned(other, clock.now())).isTrue();
  }

  @Test
  void pseudonym_sameKeySameId_isEqualAndAnotherKeyGivesAnother() {
    Ticket one = base(KEY).build().issue(IssueRequest.walkIn("docs").withPerson(IIN));
    Ticket same = Talon.newBranch("astana-1").service("docs", "A", "Docs").desk("1", "docs").pseudonymizePersonIds(KEY)
        .build().issue(IssueRequest.walkIn("docs").withPerson(IIN));
    Ticket other = Talon.newBranch("astana-2").service("docs", "A", "Docs").desk("1", "docs")
        .pseudonymizePersonIds(OTHER_KEY).build().issue(IssueRequest.walkIn("docs").withPerson(IIN));

    assertThat(same.personId()).isEqualTo(one.personId());
    assertThat(other.personId()).isNotEqualTo(one.personId()).startsWith("ps:");
  }

  @Test
  void pseudonymizePersonIds_badKey_isRefusedClearlyWithoutTheKey() {
    assertThatThrownBy(() -> base(null)).isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("must not be null");
    byte[] shortKey = Arrays.copyOf(KEY, 31);
    assertThatThrownBy(() -> base(shortKey)).isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("at least 32 bytes").hasMessageContaining("was 31 bytes")
        .hasMessageNotContaining(new String(shortKey, StandardCharsets.US_ASCII).substring(0, 8));
    assertThatThrownBy(() -> base(new byte[32])).isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("repeats one byte value");
  }

  @Test
  void banList_sharedByBranchesOfDifferentKeys_isRefusedAtBuild() {
    BanList bans = AdmissionChecks.banList(0, null, null);
    Talon.newBranch("b1").service("docs", "A", "Docs").desk("1", "docs").pseudonymizePersonIds(KEY)
        .admissionCheck(bans).build();
    Talon.newBranch("b2").service("docs", "A", "Docs").desk("1", "docs").pseudonymizePersonIds(KEY)
        .admissionCheck(bans).build(); // the same key: fine

    assertThatThrownBy(() -> Talon.newBranch("b3").service("docs", "A", "Docs").desk("1", "docs")
        .pseudonymizePersonIds(OTHER_KEY).admissionCheck(bans).build())
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("another pseudonymisation key");
    assertThatThrownBy(() -> Talon.newBranch("b4").service("docs", "A", "Docs").desk("1", "docs")
        .admissionCheck(bans).build())
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("another pseudonymisation key");
  }

  /** Stands for the integrator's secret store in the README's snippet. */
  private static final class Secrets {
    byte[] personIdKey() {
      return KEY.clone();
    }
  }

  @Test
  void personalData_asInReadme_pseudonymisesAndStillLimits() {
    Secrets secrets = new Secrets();
    // --- personal data begins
    byte[] key = secrets.personIdKey();      // at least 32 random bytes, from your secret store
    Branch branch = Talon.newBranch("almaty-1")
        .service("id-docs", "A", "ID documents").desk("4", "id-docs")
        .pseudonymizePersonIds(key)
        .admissionCheck(AdmissionChecks.ticketsPerPersonPerDay(2, ZoneId.of("Asia/Almaty")))
        .build();
    Ticket t = branch.issue(IssueRequest.walkIn("id-docs").withPerson("KZ-IIN-870412300123"));
    // t.personId() is "ps:…"; the limit counts this person whatever the key's pseudonym looks like
    // --- personal data ends
    assertThat(t.personId()).startsWith("ps:").doesNotContain(DIGITS);
    branch.issue(IssueRequest.walkIn("id-docs").withPerson(IIN));
    assertThatThrownBy(() -> branch.issue(IssueRequest.walkIn("id-docs").withPerson(IIN)))
        .isInstanceOf(AdmissionRefusedException.class);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
