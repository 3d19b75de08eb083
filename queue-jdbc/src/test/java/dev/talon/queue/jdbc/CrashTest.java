package dev.talon.queue.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.zaxxer.hikari.HikariDataSource;
import dev.talon.queue.Inspection;
import dev.talon.queue.Branch;
import dev.talon.queue.Durability;
import dev.talon.queue.spi.QueueClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a JVM running a mixed load on a branch with SIGKILL at random moments, and checks after
 * every restart that each operation it acknowledged is in the store exactly once, that the
 * reopened branch agrees with it, that it is the branch a full replay gives (the worker saves a
 * snapshot every 40 events, so restarts recover from a snapshot and a tail), and that the
 * invariants hold. The same branch lives through all
 * the kills of one database, so later runs replay histories cut short by earlier kills.
 */
class CrashTest {
  static final int KILLS_PER_DATABASE = 11;

  @Test
  void killedJvm_onH2File_restartsIntoExactlyTheAcknowledgedOperations(@TempDir Path dir) throws Exception {
    crashRepeatedly(TestDatabases.h2FileUrl(dir), KILLS_PER_DATABASE, 101);
  }

  @Test
  void killedJvm_onPostgres_restartsIntoExactlyTheAcknowledgedOperations() throws Exception {
    crashRepeatedly(TestDatabases.postgresUrl(), KILLS_PER_DATABASE, 202);
  }

  private void crashRepeatedly(String url, int kills, long seed) throws Exception {
    Random random = new Random(seed);
    List<String> acknowledged = new ArrayList<>();
    int snapshotsUsed = 0;
    for (int kill = 1; kill <= kills; kill++) {
      Durability mode = kill % 3 == 0 ? Durability.GROUP : Durability.SYNC;
      Run run = runAndKill(url, mode, random.nextLong() & Long.MAX_VALUE, 20 + random.nextInt(500));
      assertThat(run.errors).as("storage errors in the worker").isEmpty();
      acknowledged.addAll(run.acks);
      try (HikariDataSource ds = TestDatabases.pool(url, 2)) {
        awaitKilledSessionsGone(ds);
        JdbcEventStore store = JdbcEventStore.builder(ds).build();
        snapshotsUsed += store.loadSnapshot("crash").isPresent() ? 1 : 0;
        try (Branch b = Workload.open("crash", store, QueueClock.system(), mode)) {
          int checked = AckCheck.verify(b, store.load("crash", 0), acknowledged);
          assertThat(checked).isEqualTo(acknowledged.size());
          AckCheck.assertSameAsFullReplay(b, store);
        }
      }
    }
    assertThat(acknowledged).as("acknowledged operations over %d kills", kills).hasSizeGreaterThan(kills * 5);
    assertThat(snapshotsUsed).as("restarts that found a snapshot").isGreaterThan(kills / 2);
  }

  /*
   * On PostgreSQL the server may still be finishing a commit the killed JVM had sent: reopening the
   * branch before that lands replays one event less than the store then holds. (Several nodes do
   * not meet this race: a takeover raises the branch's fence row, which waits for such a commit.)
   */
  private static void awaitKilledSessionsGone(HikariDataSource ds) throws Exception {
    if (!ds.getJdbcUrl().startsWith("jdbc:postgresql:")) {
      return;
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    try (java.sql.Connection c = ds.getConnection(); java.sql.PreparedStatement ps = c.prepareStatement(
        "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
            + "AND backend_start < (SELECT backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid())")) {
      while (true) {
        try (java.sql.ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (rs.getInt(1) == 0 || System.nanoTime() > deadline) {
            return;
          }
        }
        Thread.sleep(10);
      }
    }
  }

  record Run(List<String> acks, List<String> errors) {}

  /** Starts a worker, waits for its first acknowledgement, lets it run {@code millis} more, kills it. */
  private static Run runAndKill(String url, Durability mode, long seed, int millis) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Path stderr = Files.createTempFile("crash-worker", ".err");
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "-Xmx256m",
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", CrashWorker.class.getName(), url, "crash",
        mode.name(), String.valueOf(seed), "3", "60")
        .redirectError(stderr.toFile())
        .start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread reader = new Thread(() -> copy(p.getInputStream(), out));
    reader.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!text(out).contains("\nACK ") && !text(out).startsWith("ACK ")) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          fail("the crash worker did not acknowledge anything; its output:\n" + text(out) + "\nstderr:\n"
              + Files.readString(stderr));
        }
        Thread.sleep(5);
      }
      Thread.sleep(millis);
    } finally {
      p.destroyForcibly(); // SIGKILL: no shutdown hooks, no flushing, no closing of connections
      p.waitFor(30, TimeUnit.SECONDS);
      reader.join(30_000);
      Files.deleteIfExists(stderr);
    }
    String all = text(out);
    int end = all.lastIndexOf('\n');
    List<String> acks = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (String line : (end < 0 ? "" : all.substring(0, end)).split("\n")) {
      if (line.startsWith("ACK ")) {
        acks.add(line.substring(4));
      } else if (line.startsWith("ERR ")) {
        errors.add(line);
      }
    }
    return new Run(acks, errors);
  }

  private static String text(ByteArrayOutputStream out) {
    synchronized (out) {
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    byte[] buf = new byte[8192];
    try {
      int n;
      while ((n = in.read(buf)) > 0) {
        synchronized (out) {
          out.write(buf, 0, n);
        }
      }
    } catch (IOException closed) {
      // the process was killed
    }
  }
}
