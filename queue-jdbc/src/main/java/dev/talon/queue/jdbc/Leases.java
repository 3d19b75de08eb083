package dev.talon.queue.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Optional;
import javax.sql.DataSource;

/*
 * The SQL of branch leases. Every expiry is computed and compared by the DATABASE clock
 * (CURRENT_TIMESTAMP), so the nodes' clocks never matter; nodes only measure their own heartbeat
 * intervals, with a monotonic clock.
 *
 * Acquire is one transaction:
 *   1. UPDATE leases SET owner, epoch = max(epoch, branch fence) + 1, expires_at = now + ttl
 *      WHERE branch_id = ? AND expires_at <= now            -- only an expired or released lease
 *      No row: either someone holds it (give up) or there is no lease row yet (INSERT one with epoch
 *      = fence + 1; a unique violation means a peer inserted it first: give up).
 *   2. Raise the branch's fence to the new epoch (UPDATE ... WHERE fence <= epoch, or INSERT the
 *      branch row). The fence row is what every append locks and checks, so from this commit on an
 *      append of the previous owner is refused, even before the new owner appends anything; and an
 *      append of the previous owner that is in flight holds the row, so the acquisition waits for
 *      it and the new owner's replay, which starts after the commit, sees it.
 *   3. COMMIT.
 * Renew and release are single conditional UPDATEs matching (branch, owner, epoch): once a peer
 * has taken the lease over (a new epoch), they match nothing, and the node knows it lost the branch.
 * Renewing a lease that expired but was not taken yet succeeds: nobody else holds a newer epoch.
 */
final class Leases {
  private final DataSource dataSource;
  private final SqlDialect dialect;
  private final int timeoutSeconds;
  private final String takeExpired;
  private final String insertLease;
  private final String raiseFence;
  private final String insertBranch;
  private final String readLease;
  private final String renew;
  private final String release;

  Leases(JdbcEventStore store, int timeoutSeconds) {
    this.dataSource = store.dataSource();
    this.dialect = store.sqlDialect();
    this.timeoutSeconds = timeoutSeconds;
    Schema s = store.schema();
    String fenceOf = "COALESCE((SELECT b.fence FROM " + s.branches + " b WHERE b.branch_id = ?), 0)";
    this.takeExpired = "UPDATE " + s.leases + " SET owner = ?, epoch = GREATEST(epoch, " + fenceOf + ") + 1, "
        + "expires_at = " + dialect.nowPlusMillis() + ", acquired_at = CURRENT_TIMESTAMP "
        + "WHERE branch_id = ? AND expires_at <= CURRENT_TIMESTAMP";
    this.insertLease = "INSERT INTO " + s.leases + " (branch_id, owner, epoch, expires_at, acquired_at) "
        + "SELECT ?, ?, " + fenceOf + " + 1, " + dialect.nowPlusMillis() + ", CURRENT_TIMESTAMP";
    this.raiseFence = "UPDATE " + s.branches + " SET fence = ? WHERE branch_id = ? AND fence <= ?";
    this.insertBranch = "INSERT INTO " + s.branches + " (branch_id, fence) VALUES (?, ?)";
    this.readLease = "SELECT owner, epoch, expires_at, CASE WHEN expires_at > CURRENT_TIMESTAMP THEN 1 ELSE 0 END "
        + "FROM " + s.leases + " WHERE branch_id = ?";
    this.renew = "UPDATE " + s.leases + " SET expires_at = " + dialect.nowPlusMillis()
        + " WHERE branch_id = ? AND owner = ? AND epoch = ?";
    this.release = "UPDATE " + s.leases + " SET owner = NULL, expires_at = CURRENT_TIMESTAMP"
        + " WHERE branch_id = ? AND owner = ? AND epoch = ?";
  }

  /** Takes the branch's lease if it is free or expired; empty when a live peer holds it. */
  Optional<Lease> acquire(String branchId, String nodeId, long ttlMillis) {
    String step = "connect";
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        step = "take-expired-lease";
        int taken;
        try (PreparedStatement ps = prepare(c, takeExpired)) {
          ps.setString(1, nodeId);
          ps.setString(2, branchId);
          ps.setLong(3, ttlMillis);
          ps.setString(4, branchId);
          taken = ps.executeUpdate();
        }
        if (taken == 0) {
          step = "read-lease";
          if (read(c, branchId) != null) {
            c.rollback();
            return Optional.empty(); // a live peer holds it
          }
          step = "insert-lease";
          try (PreparedStatement ps = prepare(c, insertLease)) {
            ps.setString(1, branchId);
            ps.setString(2, nodeId);
            ps.setString(3, branchId);
            ps.setLong(4, ttlMillis);
            ps.executeUpdate();
          }
        }
        step = "read-lease";
        Row row = read(c, branchId);
        step = "raise-fence";
        int raised;
        try (PreparedStatement ps = prepare(c, raiseFence)) {
          ps.setLong(1, row.epoch);
          ps.setString(2, branchId);
          ps.setLong(3, row.epoch);
          raised = ps.executeUpdate();
        }
        if (raised == 0) {
          step = "insert-branch";
          try (PreparedStatement ps = prepare(c, insertBranch)) {
            ps.setString(1, branchId);
            ps.setLong(2, row.epoch);
            ps.executeUpdate();
          }
        }
        step = "commit";
        c.commit();
        return Optional.of(new Lease(branchId, nodeId, row.epoch, row.expiresAt.toInstant()));
      } catch (SQLException e) {
        c.rollback();
        if (dialect.isUniqueViolation(e)) {
          return Optional.empty(); // a peer created the lease or branch row at the same moment
        }
        throw e;
      }
    } catch (SQLException e) {
      throw SqlFailure.of("acquiring the lease of branch " + branchId, step, e);
    }
  }

  /** Extends the lease; false when a peer has taken it over (the epoch moved on) or it was released. */
  boolean renew(Lease lease, long ttlMillis) {
    return update(renew, "renew-lease", lease, ttlMillis);
  }

  /** Gives the lease up at once so that a peer can take the branch; false if it was no longer ours. */
  boolean release(Lease lease) {
    return update(release, "release-lease", lease, -1);
  }

  /** The live lease of the branch, if any. */
  Optional<Lease> owner(String branchId) {
    try (Connection c = dataSource.getConnection()) {
      Row row = read(c, branchId);
      return row == null || row.owner == null ? Optional.empty()
          : Optional.of(new Lease(branchId, row.owner, row.epoch, row.expiresAt.toInstant()));
    } catch (SQLException e) {
      throw SqlFailure.of("reading the lease of branch " + branchId, "read-lease", e);
    }
  }

  private boolean update(String sql, String step, Lease lease, long ttlMillis) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      try (PreparedStatement ps = prepare(c, sql)) {
        int i = 1;
        if (ttlMillis >= 0) {
          ps.setLong(i++, ttlMillis);
        }
        ps.setString(i++, lease.branchId());
        ps.setString(i++, lease.nodeId());
        ps.setLong(i, lease.epoch());
        return ps.executeUpdate() == 1;
      }
    } catch (SQLException e) {
      throw SqlFailure.of("updating the lease of branch " + lease.branchId(), step, e);
    }
  }

  private record Row(String owner, long epoch, OffsetDateTime expiresAt) {}

  /** The lease row if it is live (not expired by the database clock), else null. */
  private Row read(Connection c, String branchId) throws SQLException {
    try (PreparedStatement ps = prepare(c, readLease)) {
      ps.setString(1, branchId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next() || rs.getInt(4) == 0) {
          return null;
        }
        return new Row(rs.getString(1), rs.getLong(2), rs.getObject(3, OffsetDateTime.class));
      }
    }
  }

  private PreparedStatement prepare(Connection c, String sql) throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    ps.setQueryTimeout(timeoutSeconds);
    return ps;
  }
}
