package dev.talon.queue.jdbc;

import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * LISTEN on the nodes' channel on one dedicated connection and wake the node's heartbeat whenever
 * a peer notifies (joined, left, released a lease), so a released branch is taken over within
 * milliseconds instead of at the next heartbeat. The heartbeat stays the fallback: a lost
 * connection or a missed notification only delays a hand-over to the next beat.
 *
 * pgjdbc is reached by reflection (Connection.unwrap(org.postgresql.PGConnection) and its
 * getNotifications(int timeoutMillis)), so queue-jdbc needs no compile-time dependency on the
 * driver, which H2 users do not have. The loop polls with a timeout no longer than the heartbeat so
 * that it notices close() soon, and it closes its connection itself (never from another thread).
 */
final class PgWakeups implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(PgWakeups.class);

  private final DataSource dataSource;
  private final String channel;
  private final int pollMillis;
  private final Runnable wake;
  private final String nodeId;
  private volatile boolean stopped;

  PgWakeups(DataSource dataSource, String channel, int pollMillis, Runnable wake, String nodeId) {
    this.dataSource = dataSource;
    this.channel = channel;
    this.pollMillis = pollMillis;
    this.wake = wake;
    this.nodeId = nodeId;
  }

  /** Starts listening on a daemon thread; null if the driver is not pgjdbc. */
  static Thread start(PgWakeups w) {
    try {
      Class.forName("org.postgresql.PGConnection");
    } catch (ClassNotFoundException e) {
      log.info("node {}: pgjdbc not found, hand-overs wait for the heartbeat", w.nodeId);
      return null;
    }
    Thread t = new Thread(w, "talon-node-" + w.nodeId + "-listen");
    t.setDaemon(true);
    t.start();
    return t;
  }

  void stop() {
    stopped = true;
  }

  @Override
  public void run() {
    boolean warned = false;
    while (!stopped) {
      try (Connection c = dataSource.getConnection()) {
        Class<?> pg = Class.forName("org.postgresql.PGConnection");
        Object pgc = c.unwrap(pg);
        Method poll = pg.getMethod("getNotifications", int.class);
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN " + channel); // channel: validated prefix + "nodes", never a value
        }
        warned = false;
        wake.run(); // anything missed while not listening
        while (!stopped) {
          Object got = poll.invoke(pgc, pollMillis);
          if (got != null && Array.getLength(got) > 0) {
            wake.run();
          }
        }
      } catch (ReflectiveOperationException | SQLException | RuntimeException e) {
        if (stopped) {
          return;
        }
        if (!warned) {
          log.warn("node {}: listening for peers failed, hand-overs wait for the heartbeat until it works again: {}",
              nodeId, e.toString());
          warned = true;
        }
        try {
          Thread.sleep(pollMillis);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }
}
