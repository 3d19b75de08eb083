package dev.talon.queue.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.talon.queue.Branch;
import dev.talon.queue.BranchLostException;
import dev.talon.queue.EngineClosedException;
import dev.talon.queue.StorageException;
import dev.talon.queue.spi.QueueClock;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The child JVM of {@link MultiNodeTest}: one {@link BranchNode} on the shared database that runs
 * a throttled {@link Workload} on every branch it gains, until the branch is lost or the JVM ends.
 * It prints, one flushed line each, with this machine's wall clock in milliseconds:
 * {@code READY <node> <ms>}, {@code GAINED <branch> <epoch> <ms>}, {@code SERVED <branch> <epoch> <ms>}
 * (the first acknowledged operation under an epoch), {@code ACK <branch> <workload line>},
 * {@code REFUSED <branch> <epoch> <exception> <ms>}, {@code LOST <branch> <epoch> <ms>},
 * {@code ERR <branch> <message>}. SIGTERM closes the node (graceful hand-over).
 * Arguments: JDBC URL, node id, TTL ms, heartbeat ms, max branches, branch ids (comma-separated),
 * pause between operations in ms, seed.
 */
public final class NodeWorker {
  private NodeWorker() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    String nodeId = args[1];
    long ttl = Long.parseLong(args[2]);
    long beat = Long.parseLong(args[3]);
    int max = Integer.parseInt(args[4]);
    String[] branchIds = args[5].split(",");
    long pause = Long.parseLong(args[6]);
    long seed = Long.parseLong(args[7]);

    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(branchIds.length + 3);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(10_000);
    // a node frozen inside an append must not hold the branch's fence row past the lease TTL
    config.setConnectionInitSql("SET idle_in_transaction_session_timeout = " + Math.max(200, ttl / 2));
    HikariDataSource ds = new HikariDataSource(config);
    JdbcEventStore store = JdbcEventStore.builder(ds).build();
    Map<String, AtomicBoolean> running = new ConcurrentHashMap<>();
    BranchNode.Builder builder = BranchNode.builder(store).nodeId(nodeId).leaseTtl(Duration.ofMillis(ttl))
        .heartbeat(Duration.ofMillis(beat)).maxBranches(max)
        .listener(new OwnershipListener() {
          @Override
          public void gained(String branchId, long epoch, Branch branch) {
            System.out.println("GAINED " + branchId + " " + epoch + " " + System.currentTimeMillis());
            AtomicBoolean flag = new AtomicBoolean(true);
            running.put(branchId, flag);
            Thread t = new Thread(() -> load(nodeId, branchId, epoch, branch, pause, new Random(seed ^ epoch)),
                "load-" + branchId);
            t.setDaemon(true);
            t.start();
          }

          @Override
          public void lost(String branchId, long epoch, String reason) {
            System.out.println("LOST " + branchId + " " + epoch + " " + System.currentTimeMillis() + " " + reason);
          }
        });
    for (String id : branchIds) {
      builder.branch(id, Workload::configure);
    }
    BranchNode node = builder.build();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      node.close();
      System.out.println("CLOSED " + nodeId);
      ds.close();
    }));
    System.out.println("READY " + nodeId + " " + System.currentTimeMillis());
    Thread.sleep(Long.MAX_VALUE); // until killed or terminated
  }

  /**
   * Runs operations until one is refused because the branch was lost; it never looks at the
   * listener, so a node that was paused through a takeover does attempt writes after it resumes.
   */
  private static void load(String nodeId, String branchId, long epoch, Branch branch, long pause, Random r) {
    Workload load = new Workload(branch, QueueClock.system(), nodeId + "e" + epoch);
    boolean first = true;
    while (true) {
      try {
        String ack = r.nextInt(12) == 0 ? load.cancelOne(r) : load.step(r);
        if (ack != null) {
          if (first) {
            System.out.println("SERVED " + branchId + " " + epoch + " " + System.currentTimeMillis());
            first = false;
          }
          System.out.println("ACK " + branchId + " " + ack);
        }
      } catch (BranchLostException | EngineClosedException refused) {
        System.out.println("REFUSED " + branchId + " " + epoch + " " + refused.getClass().getSimpleName() + " "
            + System.currentTimeMillis());
        return;
      } catch (StorageException e) {
        System.out.println("ERR " + branchId + " " + e.getMessage());
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        return;
      }
    }
  }
}
