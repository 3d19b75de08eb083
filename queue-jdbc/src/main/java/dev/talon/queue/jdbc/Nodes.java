package dev.talon.queue.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/*
 * The SQL of the node registry (talon_nodes) and of the one read a node makes per heartbeat to
 * balance: the live nodes and the live leases, on one connection. Liveness, like a lease's, is by
 * the DATABASE clock. On PostgreSQL, every change another node should react to at once (a node
 * joined or left, a lease was released) is followed by pg_notify on the channel <prefix>nodes;
 * the payload is informative only, a woken node reads the tables again.
 */
final class Nodes {
  /** A live node as its last heartbeat recorded it. */
  record Live(String nodeId, String address, int held, int maxBranches) {}

  /** What a node reads per heartbeat: the live nodes (by id) and the live lease of each branch. */
  record View(List<Live> nodes, Map<String, Lease> leases) {}

  private final DataSource dataSource;
  private final SqlDialect dialect;
  private final int timeoutSeconds;
  private final String channel;
  private final String update;
  private final String insert;
  private final String delete;
  private final String purge;
  private final String readNodes;
  private final String readLeases;

  Nodes(JdbcEventStore store, int timeoutSeconds) {
    this.dataSource = store.dataSource();
    this.dialect = store.sqlDialect();
    this.timeoutSeconds = timeoutSeconds;
    Schema s = store.schema();
    this.channel = s.nodes;
    this.update = "UPDATE " + s.nodes + " SET address = ?, held = ?, max_branches = ?, expires_at = "
        + dialect.nowPlusMillis() + " WHERE node_id = ? AND expires_at > CURRENT_TIMESTAMP";
    this.insert = "INSERT INTO " + s.nodes + " (address, held, max_branches, expires_at, node_id) VALUES (?, ?, ?, "
        + dialect.nowPlusMillis() + ", ?)";
    this.delete = "DELETE FROM " + s.nodes + " WHERE node_id = ?";
    this.purge = "DELETE FROM " + s.nodes + " WHERE expires_at < " + dialect.nowPlusMillis();
    this.readNodes = "SELECT node_id, address, held, max_branches FROM " + s.nodes
        + " WHERE expires_at > CURRENT_TIMESTAMP ORDER BY node_id";
    this.readLeases = "SELECT branch_id, owner, epoch, expires_at FROM " + s.leases
        + " WHERE owner IS NOT NULL AND expires_at > CURRENT_TIMESTAMP";
  }

  /** The channel name nodes LISTEN on (PostgreSQL); a validated prefix plus "nodes", so an identifier. */
  String channel() {
    return channel;
  }

  boolean notifies() {
    return dialect instanceof PostgresDialect;
  }

  /** Records (or renews) this node as live until now + ttl, with what it holds; purges long-dead rows first if asked. */
  void register(String nodeId, String address, int held, int maxBranches, long ttlMillis, boolean purgeDead) {
    String step = "connect";
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      if (purgeDead) {
        step = "purge-dead-nodes";
        try (PreparedStatement ps = prepare(c, purge)) {
          ps.setLong(1, -Math.max(60_000, 10 * ttlMillis));
          ps.executeUpdate();
        }
      }
      step = "renew-node";
      if (write(c, update, nodeId, address, held, maxBranches, ttlMillis) == 0) {
        // first start, or back from a pause past the TTL (its row expired): join anew, and tell the others
        step = "delete-expired-node";
        try (PreparedStatement ps = prepare(c, delete)) {
          ps.setString(1, nodeId);
          ps.executeUpdate();
        }
        step = "insert-node";
        try {
          write(c, insert, nodeId, address, held, maxBranches, ttlMillis);
        } catch (SQLException e) {
          if (!dialect.isUniqueViolation(e)) {
            throw e;
          }
          return; // a twin with the same node id registered at the same moment: its row stands
        }
        notifyPeers(c, "joined " + nodeId);
      }
    } catch (SQLException e) {
      throw SqlFailure.of("registering node " + nodeId, step, e);
    }
  }

  /** Removes this node's row, so the others rebalance without it at once. */
  void deregister(String nodeId) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      try (PreparedStatement ps = prepare(c, delete)) {
        ps.setString(1, nodeId);
        ps.executeUpdate();
      }
      notifyPeers(c, "left " + nodeId);
    } catch (SQLException e) {
      throw SqlFailure.of("deregistering node " + nodeId, "delete-node", e);
    }
  }

  /** Tells the listening peers (PostgreSQL) that something changed; nothing on H2. */
  void notifyPeers(String what) {
    if (!notifies()) {
      return;
    }
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      notifyPeers(c, what);
    } catch (SQLException e) {
      throw SqlFailure.of("notifying the peers", "notify", e);
    }
  }

  private void notifyPeers(Connection c, String what) throws SQLException {
    if (notifies()) {
      try (PreparedStatement ps = prepare(c, "SELECT pg_notify(?, ?)")) {
        ps.setString(1, channel);
        ps.setString(2, what);
        ps.execute();
      }
    }
  }

  /** The live nodes and live leases, read on one connection. */
  View read() {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      List<Live> nodes = new ArrayList<>();
      try (PreparedStatement ps = prepare(c, readNodes); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          nodes.add(new Live(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getInt(4)));
        }
      }
      Map<String, Lease> leases = new HashMap<>();
      try (PreparedStatement ps = prepare(c, readLeases); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          leases.put(rs.getString(1), new Lease(rs.getString(1), rs.getString(2), rs.getLong(3),
              rs.getObject(4, java.time.OffsetDateTime.class).toInstant()));
        }
      }
      return new View(List.copyOf(nodes), Map.copyOf(leases));
    } catch (SQLException e) {
      throw SqlFailure.of("reading the live nodes and leases", "read-nodes", e);
    }
  }

  private int write(Connection c, String sql, String nodeId, String address, int held, int max, long ttlMillis)
      throws SQLException {
    try (PreparedStatement ps = prepare(c, sql)) {
      ps.setString(1, address);
      ps.setInt(2, held);
      ps.setInt(3, max);
      ps.setLong(4, ttlMillis);
      ps.setString(5, nodeId);
      return ps.executeUpdate();
    }
  }

  private PreparedStatement prepare(Connection c, String sql) throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    ps.setQueryTimeout(timeoutSeconds);
    return ps;
  }
}
