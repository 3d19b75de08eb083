package dev.talon.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talon.queue.TalonMetrics;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.QueueClock;
import dev.talon.queue.spi.QueueListener;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's snippets for an embedder (lifecycle, what a kiosk shows, a desk that waits, a board
 * fed by events, metrics), verbatim between the markers, so that they cannot rot.
 */
class ReadmeSnippetsTest {
  private final ManualClock clock = QueueClock.manual(Instant.parse("2026-11-24T05:00:00Z"));
  private final EventStore store = EventStore.inMemory();

  /** The README's board: what it shows by display number. */
  static final class Board {
    final Map<String, String> shown = new ConcurrentHashMap<>();

    void show(String display, String desk) {
      shown.put(display, desk);
    }

    void remove(String display) {
      shown.remove(display);
    }
  }

  private final Board board = new Board();

  @Test
  void lifecycle_asInReadme_buildsServesAndCloses() {
    // --- lifecycle begins
    ScheduledExecutorService rotation = Executors.newSingleThreadScheduledExecutor();
    Branch branch = Talon.newBranch("almaty-1")
        .service("id-docs", "A", "ID documents")
        .desk("4", "id-docs")
        .store(store)                                   // JdbcEventStore for durability
        .rotateEvery(Duration.ofMinutes(1), rotation)   // rotates slot windows on time
        .build();
    // ... serve the day ...
    branch.close();                                     // at shutdown, before the pool closes
    rotation.shutdown();
    // --- lifecycle ends
    assertThat(rotation.isShutdown()).isTrue();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> branch.issue(IssueRequest.walkIn("id-docs")))
        .isInstanceOf(EngineClosedException.class);
  }

  @Test
  void kiosk_positionAndEstimate_asInReadme() {
    Branch branch = Talon.newBranch("k").clock(clock).service("id-docs", "A", "ID documents").desk("4", "id-docs")
        .build();
    branch.issue(IssueRequest.walkIn("id-docs"));
    long id = branch.issue(IssueRequest.walkIn("id-docs")).id();

    int inLine = branch.position(id).ahead();
    WaitEstimate estimate = branch.estimate(id);

    assertThat(inLine).isEqualTo(1);
    assertThat(estimate.ahead()).isEqualTo(1);
    assertThat(estimate.optimistic()).isLessThanOrEqualTo(estimate.expected());
  }

  @Test
  void awaitNext_asInReadme_showsTheCallOnTheBoard() throws Exception {
    Branch branch = Talon.newBranch("w").clock(clock).service("id-docs", "A", "ID documents").desk("4", "id-docs")
        .build();
    var done =
        // --- desk waits begins
        branch.awaitNext("4", Duration.ofMinutes(5))       // the desk's next visitor, or TimeoutException
            .thenAcceptAsync(ticket -> board.show(ticket.display(), "4"));
        // --- desk waits ends
    branch.issue(IssueRequest.walkIn("id-docs"));

    done.get(30, TimeUnit.SECONDS);
    assertThat(board.shown).containsEntry("A-001", "4");
  }

  @Test
  void boardFeed_asInReadme_showsCallsAndTakesReturnedOnesDown() {
    // --- board feed begins
    QueueListener boardFeed = (branchId, events) -> events.forEach(e -> {
      if (e instanceof QueueEvent.TicketCalled c) {
        board.show(c.display(), c.desk());             // "A-017 -> desk 4"
      } else if (e instanceof QueueEvent.CallReturned r) {
        board.remove(r.display());
      }
    });
    // --- board feed ends
    Branch branch = Talon.newBranch("b").clock(clock).service("id-docs", "A", "ID documents").desk("4", "id-docs")
        .listener(boardFeed).build();
    Ticket a1 = branch.issue(IssueRequest.walkIn("id-docs"));
    branch.issue(IssueRequest.walkIn("id-docs"));
    branch.callNext("4");
    assertThat(board.shown).containsExactly(Map.entry("A-001", "4"));
    branch.returnCall(a1.id());
    assertThat(board.shown).isEmpty();
  }

  @Test
  void metrics_asInReadme_bindsTheBranch() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Branch branch = Talon.newBranch("m").clock(clock).service("id-docs", "A", "ID documents").desk("4", "id-docs")
        .build();
    // --- metrics begins
    TalonMetrics.bind(branch, registry);
    // --- metrics ends
    branch.issue(IssueRequest.walkIn("id-docs"));
    assertThat(registry.get("talon.tickets.waiting").tags("service", "id-docs").gauge().value()).isEqualTo(1);
    assertThat(List.of(registry.get("talon.tickets").tag("outcome", "issued").counter().count())).containsExactly(1.0);
  }
}
