package dev.talon.queue.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.talon.queue.Inspection;
import dev.talon.queue.Branch;
import dev.talon.queue.Durability;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.QueueClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A branch on the JDBC store, in every durability mode: a reopened branch is the branch that was closed. */
class DurableBranchTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("h2-memory", Durability.SYNC), Arguments.of("h2-memory", Durability.GROUP),
        Arguments.of("h2-memory", Durability.ASYNC), Arguments.of("postgresql", Durability.SYNC),
        Arguments.of("postgresql", Durability.GROUP), Arguments.of("postgresql", Durability.ASYNC));
  }

  static HikariDataSource database(String name) {
    return name.equals("postgresql") ? TestDatabases.postgres() : TestDatabases.h2Memory();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void reopen_afterMixedLoad_replaysIntoTheSameBranch(String db, Durability mode) {
    try (HikariDataSource ds = database(db)) {
      ManualClock clock = QueueClock.manual(Instant.parse("2026-11-24T05:00:00Z"));
      JdbcEventStore store = JdbcEventStore.builder(ds).createSchema(true).build();
      Branch before = Workload.open("almaty-1", store, clock, mode);
      Workload load = new Workload(before, clock, "r");
      Random r = new Random(7);
      List<String> acks = new ArrayList<>();
      for (int i = 0; i < 150; i++) {
        String ack = i % 10 == 9 ? load.cancelOne(r) : load.step(r);
        if (ack != null) {
          acks.add(ack);
        }
        clock.advance(Duration.ofSeconds(15 + r.nextInt(30)));
      }
      before.close(); // ASYNC: waits for the writer to drain

      JdbcEventStore reopenedStore = JdbcEventStore.builder(ds).build();
      try (Branch b = Workload.open("almaty-1", reopenedStore, clock, mode)) {
        Branch after = b;
        assertThat(after.lastSeq()).isEqualTo(before.lastSeq()).isGreaterThan(100);
        assertThat(Inspection.tickets(after)).isEqualTo(Inspection.tickets(before));
        assertThat(Inspection.bookings(after)).isEqualTo(Inspection.bookings(before));
        assertThat(after.admissionMode()).isEqualTo(before.admissionMode());
        int checked = AckCheck.verify(after, reopenedStore.load("almaty-1", 0), acks);
        assertThat(checked).isEqualTo(acks.size()).isGreaterThan(60);
      }
    }
  }
}
