package dev.talon.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.talon.queue.BookRequest;
import dev.talon.queue.IssueRequest;
import dev.talon.queue.Talon;
import dev.talon.queue.Ticket;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.Policy;
import dev.talon.queue.spi.QueueClock;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes {@link SnapshotCodec#decode}, which reads the newest snapshot of a branch from its store
 * when the branch opens: any bytes either decode into a state that encodes and decodes again into
 * the same bytes, or fail with {@link SnapshotCodec.Unusable} (the engine then replays the
 * history); any other exception or error (an OutOfMemoryError from a forged count or id
 * included) is a finding.
 *
 * <p>The fuzzer's bytes follow a valid header (magic, format, the fingerprint of {@link #CONFIG}'s
 * configuration): a random fingerprint would stop every input at the first check. The corpus in
 * {@code SnapshotDecodeFuzzTestInputs/} holds the bodies of real snapshots (a new branch, a busy
 * one with bookings and postponements, one whose ended tickets were summarised, one under a
 * policy switched at run time); a plain build replays it, {@code -Pfuzz} mutates it for 20 s.
 */
class SnapshotDecodeFuzzTest {
  private static final BranchEngine ENGINE = engine(QueueClock.manual(Instant.parse("2026-03-02T04:00:00Z")));
  private static final BranchConfig CONFIG = ENGINE.config();
  private static final byte[] HEADER = header();

  private static BranchEngine engine(ManualClock clock) {
    return (BranchEngine) Talon.newBranch("fuzz").zone(ZoneId.of("Asia/Almaty")).clock(clock)
        .store(EventStore.inMemory()).service("docs", "A", "Docs").service("cars", "B", "Cars")
        .desk("1", "docs", "cars").desk("2", "cars").capacity("docs", 2).capacity("cars", 2)
        .policy(Policy.bookedFirst()).policyResolver(json -> Policy.builtIn(json).orElse(null)).snapshotEvery(0).build();
  }

  private static byte[] header() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(SnapshotCodec.MAGIC);
      out.writeInt(SnapshotCodec.FORMAT);
      out.write(SnapshotCodec.fingerprint(CONFIG));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  @FuzzTest(maxDuration = "20s")
  void decode_anyBytesAfterAValidHeader_isAStateOrUnusable(byte[] body) throws Exception {
    byte[] bytes = Arrays.copyOf(HEADER, HEADER.length + body.length);
    System.arraycopy(body, 0, bytes, HEADER.length, body.length);
    SnapshotCodec.Decoded decoded;
    try {
      decoded = SnapshotCodec.decode(CONFIG, bytes);
    } catch (SnapshotCodec.Unusable e) {
      assertThat(e.getMessage()).isNotBlank();
      return;
    }
    byte[] again = SnapshotCodec.encode(CONFIG, decoded.state(), decoded.requests());
    SnapshotCodec.Decoded back = SnapshotCodec.decode(CONFIG, again);
    assertThat(SnapshotCodec.encode(CONFIG, back.state(), back.requests())).isEqualTo(again);
  }

  /** The seed states of the corpus, each decoded as the fuzz target decodes it. */
  @Test
  void decode_seedStates_areStates() throws Exception {
    for (byte[] body : seeds()) {
      byte[] bytes = Arrays.copyOf(HEADER, HEADER.length + body.length);
      System.arraycopy(body, 0, bytes, HEADER.length, body.length);
      assertThat(SnapshotCodec.encode(CONFIG, SnapshotCodec.decode(CONFIG, bytes).state(), List.of())).isEqualTo(bytes);
    }
  }

  /** The bodies (after the header) of the seed snapshots. */
  static List<byte[]> seeds() throws Exception {
    ManualClock clock = QueueClock.manual(Instant.parse("2026-03-02T04:00:00Z"));
    BranchEngine fresh = engine(clock);
    fresh.issue(IssueRequest.walkIn("docs"));
    byte[] first = body(fresh);
    BranchEngine busy = engine(clock);
    busy.book(BookRequest.of("docs", LocalDateTime.of(2026, 3, 2, 9, 30)).withPerson("p-1"));
    for (int i = 0; i < 12; i++) {
      Ticket t = busy.issue(IssueRequest.walkIn(i % 2 == 0 ? "docs" : "cars").withPerson("p-" + i).withCategories("elderly"));
      clock.advance(Duration.ofSeconds(40));
      if (i % 3 == 0) {
        busy.postpone(t.id(), Duration.ofMinutes(5));
      } else if (i % 3 == 1) {
        busy.callNext("1").ifPresent(c -> busy.finish(c.id()));
      }
    }
    busy.pauseDesk("2", "lunch");
    byte[] second = body(busy);
    BranchEngine summarised = engine(clock);
    for (int i = 0; i < 2 * Core.ENDED_KEPT + 3; i++) {
      Ticket t = summarised.issue(IssueRequest.walkIn("cars"));
      clock.advance(Duration.ofSeconds(30));
      summarised.cancel(t.id());
    }
    byte[] third = body(summarised);
    busy.setPolicy(Policy.fifo());
    byte[] fourth = body(busy);
    return List.of(first, second, third, fourth);
  }

  private static byte[] body(BranchEngine b) throws SnapshotCodec.Unusable {
    byte[] all = SnapshotCodec.encode(b.config(), b.current(), List.of());
    return Arrays.copyOfRange(all, HEADER.length, all.length);
  }

  /** Writes the seeds into the corpus directory: {@code -Dtalon.writeSeeds=true}. */
  @Test
  void writeSeeds_whenAsked() throws Exception {
    if (!Boolean.getBoolean("talon.writeSeeds")) {
      return;
    }
    Path dir = Path.of("src/test/resources/dev/talon/queue/internal/SnapshotDecodeFuzzTestInputs/"
        + "decode_anyBytesAfterAValidHeader_isAStateOrUnusable");
    Files.createDirectories(dir);
    String[] names = {"new-branch", "busy-with-bookings", "ended-tickets-summarised", "policy-switched"};
    List<byte[]> seeds = seeds();
    for (int i = 0; i < seeds.size(); i++) {
      Files.write(dir.resolve(names[i]), seeds.get(i));
    }
    assertThat(Files.list(dir)).hasSizeGreaterThanOrEqualTo(seeds.size());
  }
}
