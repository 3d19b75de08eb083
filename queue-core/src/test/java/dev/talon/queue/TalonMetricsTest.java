package dev.talon.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talon.queue.Branch;
import dev.talon.queue.InvalidRequestException;
import dev.talon.queue.IssueRequest;
import dev.talon.queue.Talon;
import dev.talon.queue.Ticket;
import dev.talon.queue.spi.AdmissionCheck;
import dev.talon.queue.spi.AdmissionDecision;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.QueueClock;
import dev.talon.queue.testkit.RecordingStore;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TalonMetricsTest {
  private final ManualClock clock = QueueClock.manual(Instant.parse("2026-11-24T05:00:00Z"));

  private Branch open(EventStore store) {
    return Talon.newBranch("m").clock(clock).store(store).snapshotEvery(4).service("a", "A", "a").service("b", "B", "b")
        .desk("1", "a", "b").build();
  }

  /** Three tickets in a, one in b; one served after 5 minutes' wait and 7 minutes' service; one cancelled. */
  private void morning(Branch b) {
    Ticket a1 = b.issue(IssueRequest.walkIn("a"));
    b.issue(IssueRequest.walkIn("a"));
    Ticket a3 = b.issue(IssueRequest.walkIn("a"));
    b.issue(IssueRequest.walkIn("b"));
    clock.advance(Duration.ofMinutes(5));
    b.callNext("1");
    b.startService(a1.id());
    clock.advance(Duration.ofMinutes(7));
    b.finish(a1.id());
    b.cancel(a3.id());
  }

  @Test
  void bind_aMorning_countsByServiceAndClassAndTimesWaitsAndServices() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Branch b = open(new RecordingStore(EventStore.inMemory(), true));
    TalonMetrics.bind(b, registry);

    morning(b);

    assertThat(registry.get("talon.tickets").tags("service", "a", "class", "walk-in", "outcome", "issued").counter()
        .count()).isEqualTo(3);
    assertThat(registry.get("talon.tickets").tags("service", "a", "outcome", "served").counter().count()).isEqualTo(1);
    assertThat(registry.get("talon.tickets").tags("service", "a", "outcome", "cancelled").counter().count()).isEqualTo(1);
    assertThat(registry.get("talon.tickets").tags("service", "b", "outcome", "issued").counter().count()).isEqualTo(1);
    assertThat(registry.get("talon.tickets.waiting").tags("service", "a", "class", "walk-in").gauge().value())
        .isEqualTo(1);
    assertThat(registry.get("talon.wait").tags("service", "a").timer().max(TimeUnit.SECONDS)).isEqualTo(300);
    assertThat(registry.get("talon.service").tags("service", "a").timer().totalTime(TimeUnit.SECONDS)).isEqualTo(420);
    FunctionTimer commits = registry.get("talon.store.commits").functionTimer();
    assertThat(commits.count()).isGreaterThanOrEqualTo(1);
    assertThat(registry.get("talon.store.commit.events").functionCounter().count()).isEqualTo(b.lastSeq());
    assertThat(registry.get("talon.store.commit.failures").functionCounter().count()).isZero();
  }

  @Test
  void bind_snapshotSaved_countsItAndItsAgeByTheBranchClock() throws InterruptedException {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Branch b = open(new RecordingStore(EventStore.inMemory(), true));
    TalonMetrics.bind(b, registry);
    assertThat(registry.get("talon.snapshot.age").gauge().value()).isEqualTo(-1);

    morning(b);
    awaitSnapshot(registry);
    clock.advance(Duration.ofMinutes(2));

    assertThat(registry.get("talon.snapshot.age").gauge().value()).isGreaterThanOrEqualTo(120);
  }

  @Test
  void bind_refusals_areCountedByServiceOperationAndReason() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Branch b = Talon.newBranch("m").clock(clock).service("a", "A", "a").service("b", "B", "b").desk("1", "a", "b")
        .capacity("a", 1).capacity("b", 1)
        .admissionCheck(AdmissionCheck.named("health", r -> "ill".equals(r.personId())
            ? AdmissionDecision.refuse("not admitted today") : AdmissionDecision.admit()))
        .build();
    TalonMetrics.bind(b, registry);

    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> b.issue(IssueRequest.walkIn("a").withPerson("ill")))
          .isInstanceOf(AdmissionRefusedException.class);
    }
    b.issue(IssueRequest.walkIn("a").withPerson("well"));
    b.setAdmissionMode(AdmissionMode.BOOKING_ONLY);
    assertThatThrownBy(() -> b.issue(IssueRequest.walkIn("b"))).isInstanceOf(AdmissionRefusedException.class);
    LocalDateTime now = LocalDateTime.ofInstant(clock.now(), b.zone());
    LocalDateTime window = now.truncatedTo(ChronoUnit.HOURS).plusHours(3);
    Booking booked = b.book(BookRequest.of("b", window));
    b.setAdmissionMode(AdmissionMode.WALK_IN_ONLY);
    assertThatThrownBy(() -> b.book(BookRequest.of("a", window))).isInstanceOf(AdmissionRefusedException.class);
    assertThatThrownBy(() -> b.checkIn(booked.code())).isInstanceOf(CheckInRefusedException.class);

    assertThat(refused(registry, "a", "issue", "health")).isEqualTo(2);
    assertThat(refused(registry, "b", "issue", "admission-mode")).isEqualTo(1);
    assertThat(refused(registry, "a", "book", "admission-mode")).isEqualTo(1);
    assertThat(refused(registry, "b", "check-in", "check-in-too-early")).isEqualTo(1);
    assertThat(registry.find("talon.refused").counters()).hasSize(4);
    assertThat(registry.get("talon.tickets").tags("outcome", "issued").counter().count()).isEqualTo(1);
  }

  private static double refused(SimpleMeterRegistry registry, String service, String operation, String reason) {
    return registry.get("talon.refused").tags("branch", "m", "service", service, "operation", operation, "reason", reason)
        .counter().count();
  }

  @Test
  void bind_badArguments_areRefused() {
    Branch b = open(EventStore.inMemory());
    assertThatThrownBy(() -> TalonMetrics.bind(b, null)).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> TalonMetrics.bind(null, new SimpleMeterRegistry()))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("was null");
  }

  @Test
  void jfr_commitsAndSnapshots_areRecordedAsTalonEvents(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("talon.jfr");
    try (Recording recording = new Recording()) {
      recording.enable("dev.talon.Commit");
      recording.enable("dev.talon.Snapshot");
      recording.start();
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      Branch b = open(new RecordingStore(EventStore.inMemory(), true));
      TalonMetrics.bind(b, registry);
      morning(b);
      awaitSnapshot(registry);
      recording.stop();
      recording.dump(file);
    }
    List<RecordedEvent> events = RecordingFile.readAllEvents(file);

    assertThat(events).filteredOn(e -> e.getEventType().getName().equals("dev.talon.Commit")).isNotEmpty()
        .allSatisfy(e -> {
          assertThat(e.getString("branch")).isEqualTo("m");
          assertThat(e.getBoolean("succeeded")).isTrue();
          assertThat(e.getInt("events")).isPositive();
        });
    assertThat(events).filteredOn(e -> e.getEventType().getName().equals("dev.talon.Snapshot"))
        .anySatisfy(e -> assertThat(e.getLong("seq")).isPositive());
  }

  private static void awaitSnapshot(SimpleMeterRegistry registry) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (registry.get("talon.snapshots").functionCounter().count() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(5); // the snapshot thread saves in the background
    }
    assertThat(registry.get("talon.snapshots").functionCounter().count()).isPositive();
  }
}
