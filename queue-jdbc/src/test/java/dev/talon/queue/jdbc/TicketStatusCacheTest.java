package dev.talon.queue.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import com.zaxxer.hikari.HikariDataSource;
import dev.talon.queue.Inspection;
import dev.talon.queue.Branch;
import dev.talon.queue.Durability;
import dev.talon.queue.InvalidConfigurationException;
import dev.talon.queue.IssueRequest;
import dev.talon.queue.QueueEvent;
import dev.talon.queue.QueueException;
import dev.talon.queue.Talon;
import dev.talon.queue.Ticket;
import dev.talon.queue.TicketState;
import dev.talon.queue.TicketStatus;
import dev.talon.queue.TicketStatusCache;
import dev.talon.queue.TransferRequest;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.QueueClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TicketStatusCacheTest {
  private final ManualClock clock = QueueClock.manual(Instant.parse("2026-11-24T05:00:00Z"));

  /** Mixed load plus recalls and handed-back calls, which reorder lines. */
  private static void randomOperation(Branch b, Workload load, Random r, List<Long> called) {
    try {
      int dice = r.nextInt(10);
      if (dice < 7) {
        String ack = load.step(r);
        if (ack != null && ack.startsWith("call ")) {
          called.add(Long.parseLong(ack.split(" ")[1]));
        }
      } else if (dice < 8) {
        load.cancelOne(r);
      } else if (!called.isEmpty()) {
        long id = called.get(r.nextInt(called.size()));
        switch (r.nextInt(6)) {
          case 0 -> b.returnCall(id);
          case 1 -> b.recall(id);
          case 2 -> b.postpone(id);
          case 3 -> b.resume(id);
          case 4 -> b.callTicket(Workload.DESKS[r.nextInt(Workload.DESKS.length)], id);
          default -> {
            Ticket t = b.ticket(id).orElseThrow();
            if (t.state() == TicketState.CALLED) {
              b.startService(id);
            }
            String other = t.service().equals("docs") ? "pay" : "docs";
            called.add(b.transfer(id, TransferRequest.to(other)).id());
          }
        }
      }
    } catch (QueueException refusedByARule) {
      // e.g. handing back a ticket that is already being served
    }
  }

  private static void assertAgrees(TicketStatusCache cache, Branch b) {
    for (Ticket t : Inspection.tickets(b)) {
      TicketStatus s = cache.status(b.id(), t.id()).orElseThrow(() -> new AssertionError("no status of " + t));
      assertThat(s.state()).as("state of %s", t.display()).isEqualTo(t.state());
      assertThat(s.display()).isEqualTo(t.display());
      assertThat(s.service()).isEqualTo(t.service());
      assertThat(s.line()).isEqualTo(t.line());
      assertThat(s.recalls()).as("recalls of %s", t.display()).isEqualTo(t.recalls());
      assertThat(s.desk()).as("desk of %s", t.display()).isEqualTo(t.desk());
      assertThat(s.ahead()).as("ahead of %s", t.display()).isEqualTo(b.position(t.id()).ahead());
    }
  }

  @Test
  void status_followsTheEngineOnEveryOperation_withoutReadingTheDatabase() {
    try (HikariDataSource ds = TestDatabases.h2Memory()) {
      JdbcSpy spy = new JdbcSpy(ds);
      JdbcEventStore store = JdbcEventStore.builder(spy).createSchema(true).build();
      TicketStatusCache cache = TicketStatusCache.create();
      Branch b = Talon.newBranch("b1").service("docs", "A", "Docs").service("pay", "B", "Pay")
          .desk("1", "docs", "pay").desk("2", "docs").desk("3", "pay").capacity("docs", 2).capacity("pay", 2)
          .clock(clock).store(store).listener(cache).build();
      Workload load = new Workload(b, clock, "r");
      Random r = new Random(11);
      List<Long> called = new ArrayList<>();
      int maxAhead = 0;
      for (int i = 0; i < 300; i++) {
        randomOperation(b, load, r, called);
        clock.advance(Duration.ofSeconds(10));
        int statements = spy.executed.get();
        assertAgrees(cache, b);
        assertThat(spy.executed.get()).as("statements run by status look-ups").isEqualTo(statements);
        for (Ticket t : Inspection.tickets(b)) {
          maxAhead = Math.max(maxAhead, cache.status("b1", t.id()).orElseThrow().ahead());
        }
      }
      assertThat(Inspection.tickets(b)).hasSizeGreaterThan(50);
      assertThat(Inspection.tickets(b)).extracting(Ticket::state).contains(TicketState.WAITING, TicketState.DONE,
          TicketState.CANCELLED, TicketState.POSTPONED, TicketState.TRANSFERRED);
      assertThat(maxAhead).as("lines got long enough to test positions").isGreaterThan(3);
    }
  }

  @Test
  void onEvents_deliveredShuffledAndRepeated_givesTheSameStatusesAsTheEngine() {
    AtomicInteger cases = new AtomicInteger();
    qt().withExamples(60).forAll(longs().all()).checkAssert(seed -> {
      Random r = new Random(seed);
      List<List<QueueEvent>> delivered = new CopyOnWriteArrayList<>();
      ManualClock c = QueueClock.manual(Instant.parse("2026-11-24T05:00:00Z"));
      Branch b = Workload.open("b1", EventStore.inMemory(), c, Durability.SYNC);
      Branch recorded = Talon.newBranch("b1").service("docs", "A", "Docs")
          .service("pay", "B", "Pay").desk("1", "docs", "pay").desk("2", "docs").desk("3", "pay")
          .capacity("docs", 2).capacity("pay", 2).clock(c).listener((id, events) -> delivered.add(List.copyOf(events)))
          .build();
      b.close();
      Workload load = new Workload(recorded, c, "r");
      List<Long> called = new ArrayList<>();
      int ops = 20 + r.nextInt(80);
      for (int i = 0; i < ops; i++) {
        randomOperation(recorded, load, r, called);
        c.advance(Duration.ofSeconds(r.nextInt(60)));
      }
      List<List<QueueEvent>> order = new ArrayList<>(delivered);
      for (int i = 0; i < order.size() / 4; i++) {
        order.add(order.get(r.nextInt(order.size()))); // duplicates, as priming overlapping live events gives
      }
      Collections.shuffle(order, r);
      TicketStatusCache cache = TicketStatusCache.create();
      order.forEach(events -> cache.onEvents("b1", events));
      assertAgrees(cache, recorded);
      cases.incrementAndGet();
    });
    assertThat(cases.get()).isEqualTo(60);
  }

  @Test
  void onEvents_primedFromTheStoreAfterARestart_knowsTheOldTickets() {
    try (HikariDataSource ds = TestDatabases.h2Memory()) {
      JdbcEventStore store = JdbcEventStore.builder(ds).createSchema(true).build();
      try (Branch first = Workload.open("b1", store, clock, Durability.SYNC)) {
        for (int i = 0; i < 5; i++) {
          first.issue(IssueRequest.walkIn("docs"));
        }
        first.callNext("2");
      }
      TicketStatusCache cache = TicketStatusCache.create();
      Branch b = Talon.newBranch("b1").service("docs", "A", "Docs").service("pay", "B", "Pay")
          .desk("1", "docs", "pay").desk("2", "docs").desk("3", "pay").capacity("docs", 2).capacity("pay", 2)
          .clock(clock).store(store).listener(cache).build();
      assertThat(cache.status("b1", 1)).as("replay does not reach listeners").isEmpty();
      Ticket sixth = b.issue(IssueRequest.walkIn("docs")); // a live event before priming
      cache.onEvents("b1", store.load("b1", 0));
      assertAgrees(cache, b);
      assertThat(cache.status("b1", 1)).get().extracting(TicketStatus::state).isEqualTo(TicketState.CALLED);
      assertThat(cache.status("b1", sixth.id())).get().extracting(TicketStatus::ahead).isEqualTo(4);
    }
  }
}
