package dev.talon.queue.policies;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talon.queue.Branch;
import dev.talon.queue.IssueRequest;
import dev.talon.queue.Talon;
import dev.talon.queue.Ticket;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.Policy;
import dev.talon.queue.spi.QueueClock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The core's two built-in policies and the library's are one: one FIFO, one booked-first, both
 * with a JSON type that {@link Policies#fromJson} reads; and a class with a setting that nothing
 * produces is accepted with a note.
 */
class BuiltInEntryPointsTest {
  private final ManualClock clock = QueueClock.manual(Instant.parse("2026-03-02T05:00:00Z"));

  @Test
  void fifo_coreAndLibraryFactories_areTheSameInstance() {
    assertThat(Policies.fifo()).isSameAs(Policy.fifo());
    assertThat(Policies.fromJson("{\"type\":\"fifo\"}")).isSameAs(Policy.fifo());
    assertThat(Policies.bookedFirst()).isSameAs(Policy.bookedFirst());
  }

  @Test
  void fromJson_bookedFirstConfiguration_roundTripsToTheCorePolicy() {
    String json = Policy.bookedFirst().configuration().orElseThrow();

    assertThat(Policies.fromJson(json)).isSameAs(Policy.bookedFirst());
    assertThat(Policies.parse(json)).isEqualTo(new PolicyConfig.BookedFirst());
    assertThat(Policies.toJson(Policy.bookedFirst())).isEqualTo(json);
    assertThat(Policies.types()).contains("booked-first");
  }

  @Test
  void fromJson_bookedFirstInsideATree_buildsAndWritesBack() {
    String json = "{\"type\":\"max-wait\",\"limit\":\"PT45M\",\"inner\":{\"type\":\"booked-first\"}}";

    assertThat(Policies.toJson(Policies.fromJson(json))).isEqualTo(json);
  }

  @Test
  void setPolicy_bookedFirstWithTheLibraryResolver_switchesAndReplays() {
    EventStore store = EventStore.inMemory();
    Branch b = open(store);
    b.issue(IssueRequest.walkIn("a"));

    b.setPolicy(Policy.bookedFirst());

    assertThat(b.policyName()).isEqualTo("booked-first");
    Branch reopened = open(store);
    assertThat(reopened.policyName()).isEqualTo("booked-first");
    assertThat(reopened.callNext("1")).get().extracting(Ticket::display).isEqualTo("A-001");
  }

  @Test
  void unusedClasses_aRankNothingProduces_isAcceptedAndNamedWithItsPath() {
    Policy<?> p = Policies.fromJson("{\"type\":\"priority\",\"order\":[\"vip\",\"booked\",\"walk-in\"]}");

    assertThat(Policies.unusedClasses(p)).containsExactly(
        "$.order: line class vip has a rank but no classification rule produces it; the classes produced are"
            + " [booked, walk-in]");
  }

  @Test
  void unusedClasses_everyClassProduced_isEmpty() {
    Policy<?> p = Policies.fromJson("{\"type\":\"ratio\",\"weights\":{\"vip\":1,\"booked\":3,\"walk-in\":1},"
        + "\"classify\":{\"rules\":[{\"categories\":[\"vip\"],\"line\":\"vip\"}]}}");

    assertThat(Policies.unusedClasses(p)).isEmpty();
    assertThat(Policies.unusedClasses(Policies.ratio(Map.of("booked", 3, "walk-in", 1)))).isEmpty();
    assertThat(Policies.unusedClasses(Policies.deadline(Map.of("remote", java.time.Duration.ofMinutes(5),
        "booked", java.time.Duration.ofMinutes(5), "walk-in", java.time.Duration.ofMinutes(5)))))
        .containsExactly("$.targets: line class remote has a target but no classification rule produces it;"
            + " the classes produced are [booked, walk-in]");
    assertThat(Policies.unusedClasses(Policy.fifo())).isEqualTo(List.of());
  }

  private Branch open(EventStore store) {
    return Talon.newBranch("entry").clock(clock).store(store).policyResolver(Policies::fromJson)
        .service("a", "A", "a").desk("1", "a").build();
  }
}
