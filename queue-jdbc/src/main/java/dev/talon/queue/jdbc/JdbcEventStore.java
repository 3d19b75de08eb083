package dev.talon.queue.jdbc;

import dev.talon.queue.InvalidConfigurationException;
import dev.talon.queue.QueueEvent;
import dev.talon.queue.StorageException;
import dev.talon.queue.spi.BranchSnapshot;
import dev.talon.queue.spi.EventStore;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link EventStore} on a relational database reached through any {@link DataSource}:
 * PostgreSQL for production, H2 (in a file) as the embedded default. It is durable: an append
 * returns only after the database committed it, so a branch on this store acknowledges an
 * operation only once it survives a crash of the application.
 *
 * <pre>{@code
 * EventStore store = JdbcEventStore.builder(dataSource)   // e.g. a HikariDataSource
 *     .tablePrefix("talon_")                             // the default
 *     .createSchema(true)                                // create or upgrade the tables at start
 *     .build();                                          // detects PostgreSQL or H2, checks the schema
 * Branch branch = Talon.newBranch("almaty-1").store(store)...build();
 * }</pre>
 *
 * <p>The tables and their indexes are in numbered schema files shipped in this jar, named as Flyway
 * names migrations: {@code db/talon/postgresql/V1__talon_schema.sql}, {@code V2__...}, and the same
 * under {@code db/talon/h2}. The table {@code talon_schema_history} records which have run. With
 * {@link Builder#createSchema(boolean) createSchema(true)} {@link Builder#build()} applies the
 * missing ones in order (one node at a time when several start at once). {@link Builder#build()}
 * refuses to start, with an exception that says what to do, when the database holds a schema from
 * a newer release, when it holds an older one and schema creation is off (a
 * {@link SchemaVersionException} naming the files to run), or when an H2 file database delays its
 * commits ({@code WRITE_DELAY}).
 *
 * <p>Failures of the database surface as {@link StorageException}s naming the statement that failed
 * and its SQLState, never the values bound to it. A failed append has written nothing; the store
 * keeps no connection of its own, so once the database is back the next append succeeds.
 *
 * <p>{@linkplain #saveSnapshot Snapshots} go to their own table, which keeps the newest two of each
 * branch. A snapshot follows the events it includes, so the store refuses one for a branch that
 * has no events in it (a foreign key on the branch row) with a {@link StorageException}.
 *
 * <p>{@linkplain #removeHistoryBefore Retention} deletes a branch's events before a time that its
 * newest snapshot covers, in one statement; nothing else ever deletes an event.
 */
public final class JdbcEventStore implements EventStore {
  /*
   * One append is one transaction on one connection from the DataSource:
   *
   *   1. UPDATE branches SET fence = :token WHERE branch_id = :b AND fence <= :token
   *      One row: the token is current (or newer, and now raised), and the branch row is locked
   *      until commit, so appends of one branch run one at a time in the database. No row: either
   *      the branch is new (INSERT its row, which also locks it; if a concurrent first append
   *      inserted it first, roll back and start over) or its fence is newer than our token
   *      (StaleFenceException).
   *   2. INSERT the events (a JDBC batch). The primary key (branch_id, seq) is the conditional
   *      append: a taken sequence number fails with SQLState 23505, mapped to
   *      SequenceConflictException after rolling back, so nothing of the batch is written.
   *   3. COMMIT.
   *
   * A commit that fails is ambiguous: the database may have committed and only the answer was
   * lost. The store then reads the batch's sequence range on a new connection; if exactly these
   * events are there, the append succeeded and returns normally; if not, nothing was written and
   * the failure is reported. Only when that check cannot run either does the caller get an
   * exception that says the outcome is unknown. This keeps the engine's rule "a failed append
   * changed nothing" true even when a connection dies during commit.
   *
   * Retention (removeHistoryBefore) is one DELETE of the branch's events before a time whose seq
   * the newest snapshot covers (no snapshot: the subquery is NULL and nothing matches), through the
   * (branch_id, occurred_at) index. It deletes only below the seqs appends write, so it takes no
   * lock an append waits for.
   *
   * A snapshot save is one transaction as well: INSERT the snapshot unless one with the same or a
   * higher seq is stored, then DELETE the branch's snapshots below the newest two. It takes no lock
   * on the branch row that an append would wait for, and it needs no fence (EventStore says why).
   *
   * Events are JSON written by EventCodec; the type and ticket id are copied into columns for
   * queries. The store holds no state between calls besides prepared SQL text, so it is
   * thread-safe and survives database restarts without reconfiguration.
   */
  private static final Logger log = LoggerFactory.getLogger(JdbcEventStore.class);
  private static final Map<Class<?>, Method> TICKET_IDS = ticketIdAccessors();

  private final DataSource dataSource;
  private final SqlDialect dialect;
  private final Schema schema;
  private final EventCodec codec = new EventCodec();
  private final int queryTimeoutSeconds;

  /** The dialect's one-statement append, or null (then every append takes the step-by-step path). */
  private final String appendAll;
  private final String raiseFence;
  private final String readFence;
  private final String insertBranch;
  private final String insertEvent;
  private final String loadEvents;
  private final String loadRange;
  private final String loadSince;
  private final String insertSnapshot;
  private final String trimSnapshots;
  private final String loadSnapshot;
  private final String removeHistory;

  private JdbcEventStore(DataSource dataSource, SqlDialect dialect, Schema schema, int queryTimeoutSeconds) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.schema = schema;
    this.queryTimeoutSeconds = queryTimeoutSeconds;
    this.appendAll = dialect.appendInOneStatement(schema);
    this.raiseFence = "UPDATE " + schema.branches + " SET fence = ? WHERE branch_id = ? AND fence <= ?";
    this.readFence = "SELECT fence FROM " + schema.branches + " WHERE branch_id = ?";
    this.insertBranch = "INSERT INTO " + schema.branches + " (branch_id, fence) VALUES (?, ?)";
    this.insertEvent = "INSERT INTO " + schema.events + " (branch_id, seq, type, occurred_at, ticket_id, payload) "
        + "VALUES (?, ?, ?, ?, ?, " + dialect.jsonParameter() + ")";
    this.loadEvents = "SELECT seq, payload FROM " + schema.events + " WHERE branch_id = ? AND seq > ? ORDER BY seq";
    this.loadRange = "SELECT seq, payload FROM " + schema.events
        + " WHERE branch_id = ? AND seq >= ? AND seq <= ? ORDER BY seq";
    this.loadSince = "SELECT seq, payload FROM " + schema.events
        + " WHERE branch_id = ? AND occurred_at >= ? ORDER BY seq";
    this.insertSnapshot = "INSERT INTO " + schema.snapshots + " (branch_id, seq, state) SELECT ?, ?, ? "
        + "WHERE NOT EXISTS (SELECT 1 FROM " + schema.snapshots + " WHERE branch_id = ? AND seq >= ?)";
    this.trimSnapshots = "DELETE FROM " + schema.snapshots + " WHERE branch_id = ? AND seq < (SELECT MIN(seq) FROM "
        + "(SELECT seq FROM " + schema.snapshots + " WHERE branch_id = ? ORDER BY seq DESC FETCH FIRST ? ROWS ONLY) "
        + "newest)";
    this.loadSnapshot = "SELECT seq, state FROM " + schema.snapshots
        + " WHERE branch_id = ? ORDER BY seq DESC FETCH FIRST 1 ROWS ONLY";
    this.removeHistory = "DELETE FROM " + schema.events + " WHERE branch_id = ? AND occurred_at < ? AND seq <= "
        + "(SELECT MAX(seq) FROM " + schema.snapshots + " WHERE branch_id = ?)";
  }

  /** Starts configuring a store on the data source (a pool, such as HikariCP, is recommended). */
  public static Builder builder(DataSource dataSource) {
    if (dataSource == null) {
      throw new InvalidConfigurationException("data source must not be null");
    }
    return new Builder(dataSource);
  }

  /** The dialect in use, detected or set. */
  public Dialect dialect() {
    return dialect;
  }

  /** The prefix of the store's table names. */
  public String tablePrefix() {
    return schema.prefix;
  }

  /** Always true: an append returns after the database committed it. */
  @Override
  public boolean isDurable() {
    return true;
  }

  // ---------------------------------------------------------------- append

  @Override
  public void append(String branchId, long fencingToken, List<QueueEvent> events) {
    requireBranchId(branchId);
    if (events == null) {
      throw new IllegalArgumentException("events must not be null");
    }
    if (events.isEmpty()) {
      return;
    }
    long expected = events.get(0).seq();
    for (QueueEvent e : events) {
      if (e == null) {
        throw new IllegalArgumentException("a batch must not contain null events");
      }
      if (e.seq() != expected++) {
        throw new IllegalArgumentException("a batch must have consecutive sequence numbers, found " + e.seq()
            + " where " + (expected - 1) + " was expected");
      }
    }
    String[] payloads = new String[events.size()];
    for (int i = 0; i < payloads.length; i++) {
      payloads[i] = codec.write(events.get(i));
    }
    for (int attempt = 1; ; attempt++) {
      int quick = appendAll == null ? FALL_BACK : tryAppendAll(branchId, fencingToken, events, payloads);
      if (quick == DONE) {
        return;
      }
      if (quick == FALL_BACK && tryAppend(branchId, fencingToken, events, payloads)) {
        return;
      }
      if (attempt == MAX_ATTEMPTS) {
        throw new StorageException("append to branch " + branchId + " failed: it collided with concurrent appends of"
            + " the same branch " + MAX_ATTEMPTS + " times in a row (the database rolled each attempt back)");
      }
      java.util.concurrent.locks.LockSupport.parkNanos(100_000L * attempt); // let the other writer commit
    }
  }

  private static final int DONE = 1;
  private static final int RETRY = 0;
  private static final int FALL_BACK = -1;

  /**
   * One attempt in the dialect's single statement: DONE, RETRY (a concurrent append made the
   * database roll it back), or FALL_BACK when the fence row did not match (a branch's first append,
   * or a stale token), which the step-by-step path tells apart. Only a broken connection leaves the
   * outcome open: then the store looks, as after a failed commit.
   */
  private int tryAppendAll(String branchId, long token, List<QueueEvent> events, String[] payloads) {
    String what = describe(branchId, events);
    Connection c = connect(what);
    try {
      if (!c.getAutoCommit()) {
        c.setAutoCommit(true); // the statement is its own transaction
      }
      int n = events.size();
      Long[] seqs = new Long[n];
      String[] types = new String[n];
      String[] times = new String[n];
      Long[] tickets = new Long[n];
      for (int i = 0; i < n; i++) {
        QueueEvent e = events.get(i);
        seqs[i] = e.seq();
        types[i] = EventCodec.typeName(e);
        times[i] = e.at().toString();
        long ticket = ticketIdOf(e);
        tickets[i] = ticket > 0 ? ticket : null;
      }
      int inserted;
      try (PreparedStatement ps = prepare(c, appendAll)) {
        ps.setLong(1, token);
        ps.setString(2, branchId);
        ps.setLong(3, token);
        ps.setArray(4, c.createArrayOf("int8", seqs));
        ps.setArray(5, c.createArrayOf("varchar", types));
        ps.setArray(6, c.createArrayOf("text", times));
        ps.setArray(7, c.createArrayOf("int8", tickets));
        ps.setArray(8, c.createArrayOf("text", payloads));
        inserted = ps.executeUpdate();
      } catch (SQLException e) {
        if (dialect.isUniqueViolation(e)) {
          throw new SequenceConflictException("branch " + branchId + " already has one of the events "
              + events.get(0).seq() + ".." + events.get(n - 1).seq() + "; nothing of the batch was written");
        }
        if (rolledBackByAConcurrentAppend("append", e)) {
          return RETRY;
        }
        if (e.getSQLState() == null || e.getSQLState().startsWith("08")) {
          return afterFailedCommit(branchId, events, what, e) ? DONE : RETRY; // the connection broke mid-way
        }
        throw SqlFailure.of(what, "append", e);
      }
      if (inserted == 0) {
        return FALL_BACK;
      }
      if (inserted != n) {
        throw new StorageException(what + " inserted " + inserted + " of " + n + " events in one statement");
      }
      return DONE;
    } catch (SQLException e) {
      throw SqlFailure.of(what, "append", e);
    } finally {
      release(c);
    }
  }

  /** Attempts of one append that the database rolled back because a concurrent append won the branch row. */
  private static final int MAX_ATTEMPTS = 20;

  /*
   * Concurrent appends of one branch (several threads of one engine in SYNC mode) meet at the
   * branch row, whose fence every append raises. PostgreSQL makes the later one wait; H2 may
   * instead roll it back, as a serialization failure (SQLState class 40) or, at the fence update,
   * as a duplicate key. Either way nothing of the attempt was written, so it is tried again; the
   * retry then meets the winner's events as an ordinary SequenceConflictException.
   */
  private boolean rolledBackByAConcurrentAppend(String step, SQLException e) {
    String state = e.getSQLState();
    return (state != null && state.startsWith("40")) || ("raise-fence".equals(step) && dialect.isUniqueViolation(e));
  }

  /**
   * One attempt; false when a concurrent append of the branch made the database roll it back (or
   * created the branch row first) and the append must start over.
   */
  private boolean tryAppend(String branchId, long token, List<QueueEvent> events, String[] payloads) {
    String what = describe(branchId, events);
    Connection c = connect(what);
    String step = "begin";
    try {
      c.setAutoCommit(false);
      step = "raise-fence";
      if (raiseFence(c, branchId, token) == 0) {
        step = "read-fence";
        Long stored = readFence(c, branchId);
        if (stored != null && stored <= token) {
          rollbackQuietly(c); // the row appeared after our UPDATE looked: a concurrent first append
          return false;
        }
        if (stored != null) {
          rollbackQuietly(c);
          throw new StaleFenceException("branch " + branchId + " is owned under fencing token " + stored
              + "; an append with the older token " + token + " was refused");
        }
        step = "insert-branch";
        try {
          insertBranch(c, branchId, token);
        } catch (SQLException e) {
          if (dialect.isUniqueViolation(e)) {
            rollbackQuietly(c);
            return false;
          }
          throw e;
        }
      }
      step = "insert-events";
      try {
        insertEvents(c, branchId, events, payloads);
      } catch (SQLException e) {
        if (dialect.isUniqueViolation(e)) {
          rollbackQuietly(c);
          throw new SequenceConflictException("branch " + branchId + " already has one of the events "
              + events.get(0).seq() + ".." + events.get(events.size() - 1).seq() + "; nothing of the batch was written");
        }
        throw e;
      }
      step = "commit";
      try {
        c.commit();
      } catch (SQLException e) {
        rollbackQuietly(c);
        return afterFailedCommit(branchId, events, what, e);
      }
      return true;
    } catch (SQLException e) {
      rollbackQuietly(c);
      if (rolledBackByAConcurrentAppend(step, e)) {
        return false;
      }
      throw SqlFailure.of(what, step, e);
    } finally {
      release(c);
    }
  }

  private int raiseFence(Connection c, String branchId, long token) throws SQLException {
    try (PreparedStatement ps = prepare(c, raiseFence)) {
      ps.setLong(1, token);
      ps.setString(2, branchId);
      ps.setLong(3, token);
      return ps.executeUpdate();
    }
  }

  private Long readFence(Connection c, String branchId) throws SQLException {
    try (PreparedStatement ps = prepare(c, readFence)) {
      ps.setString(1, branchId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : null;
      }
    }
  }

  private void insertBranch(Connection c, String branchId, long token) throws SQLException {
    try (PreparedStatement ps = prepare(c, insertBranch)) {
      ps.setString(1, branchId);
      ps.setLong(2, token);
      ps.executeUpdate();
    }
  }

  private void insertEvents(Connection c, String branchId, List<QueueEvent> events, String[] payloads)
      throws SQLException {
    try (PreparedStatement ps = prepare(c, insertEvent)) {
      for (int i = 0; i < payloads.length; i++) {
        QueueEvent e = events.get(i);
        ps.setString(1, branchId);
        ps.setLong(2, e.seq());
        ps.setString(3, EventCodec.typeName(e));
        ps.setObject(4, OffsetDateTime.ofInstant(e.at(), ZoneOffset.UTC));
        long ticket = ticketIdOf(e);
        if (ticket > 0) {
          ps.setLong(5, ticket);
        } else {
          ps.setNull(5, Types.BIGINT);
        }
        ps.setString(6, payloads[i]);
        if (payloads.length == 1) {
          ps.executeUpdate();
        } else {
          ps.addBatch();
        }
      }
      if (payloads.length > 1) {
        ps.executeBatch();
      }
    }
  }

  /** Decides what a failed commit did, by looking on a fresh connection. */
  private boolean afterFailedCommit(String branchId, List<QueueEvent> events, String what, SQLException failure) {
    long first = events.get(0).seq();
    long last = events.get(events.size() - 1).seq();
    List<QueueEvent> stored;
    try {
      stored = read(branchId, first, last, "verify-commit");
    } catch (StorageException checkFailed) {
      throw new StorageException(SqlFailure.of(what, "commit", failure).getMessage() + "; whether the commit took "
          + "effect could not be checked (" + checkFailed.getMessage() + "). Reopen the branch from its store once "
          + "the database is back");
    }
    if (stored.equals(events)) {
      log.debug("commit of events {}..{} of branch {} reported a failure but took effect", first, last, branchId);
      return true;
    }
    throw SqlFailure.of(what, "commit", failure);
  }

  // ---------------------------------------------------------------- load

  @Override
  public List<QueueEvent> load(String branchId, long afterSeq) {
    if (branchId == null) {
      throw new IllegalArgumentException("branch id must not be null");
    }
    return read(branchId, afterSeq, Long.MAX_VALUE, "load-events");
  }

  /** Events with afterSeq < seq (for load) or first <= seq <= last (for the commit check). */
  private List<QueueEvent> read(String branchId, long from, long to, String statement) {
    boolean range = to != Long.MAX_VALUE;
    String what = range ? "reading events " + from + ".." + to + " of branch " + branchId
        : "loading branch " + branchId + " after event " + from;
    return query(branchId, what, statement, range ? loadRange : loadEvents, ps -> {
      ps.setLong(2, from);
      if (range) {
        ps.setLong(3, to);
      }
    });
  }

  /** The earliest and latest times loadSince binds; both databases and OffsetDateTime hold every time between. */
  private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

  /**
   * Reads through the index on {@code (branch_id, occurred_at)}. The databases keep
   * {@code occurred_at} in microseconds, rounded to the nearest one, while an event's time may have
   * nanoseconds (they are exact in its JSON payload). So the query asks from the start of
   * {@code from}'s microsecond, which every event at or after {@code from} is stored at or after, and
   * the events of that microsecond that lie before {@code from} are dropped here by their exact time.
   */
  @Override
  public List<QueueEvent> loadSince(String branchId, Instant from) {
    requireBranchId(branchId);
    if (from == null) {
      throw new IllegalArgumentException("the time to load events of branch " + branchId + " from must not be null");
    }
    Instant bound = from.isAfter(LATEST) ? LATEST : from.truncatedTo(ChronoUnit.MICROS);
    List<QueueEvent> events = from.isBefore(EARLIEST) ? load(branchId, 0) // before EARLIEST: the whole history
        : query(branchId, "loading branch " + branchId + " from " + from, "load-since", loadSince,
            ps -> ps.setObject(2, OffsetDateTime.ofInstant(bound, ZoneOffset.UTC)));
    events.removeIf(e -> e.at().isBefore(from));
    return events;
  }

  /** Binds the parameters after the branch id (parameter 1) of an event query. */
  private interface Parameters {
    void bind(PreparedStatement ps) throws SQLException;
  }

  /** Runs a query of {@code seq, payload} rows of the branch and decodes them, in the order it returns them. */
  private List<QueueEvent> query(String branchId, String what, String statement, String sql, Parameters parameters) {
    Connection c = connect(what);
    try {
      c.setAutoCommit(false); // lets PostgreSQL stream the rows with a cursor
      List<QueueEvent> out = new ArrayList<>();
      try (PreparedStatement ps = prepare(c, sql)) {
        ps.setFetchSize(1_000);
        ps.setString(1, branchId);
        parameters.bind(ps);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(decode(branchId, rs.getLong(1), rs.getString(2)));
          }
        }
      }
      c.commit();
      return out;
    } catch (SQLException e) {
      rollbackQuietly(c);
      throw SqlFailure.of(what, statement, e);
    } finally {
      release(c);
    }
  }

  private QueueEvent decode(String branchId, long seq, String json) {
    QueueEvent e;
    try {
      e = codec.read(json);
    } catch (StorageException bad) {
      throw new StorageException("stored event " + seq + " of branch " + branchId + " in table " + schema.events
          + " cannot be read: " + bad.getMessage());
    }
    if (e.seq() != seq) {
      throw new StorageException("stored event " + seq + " of branch " + branchId + " in table " + schema.events
          + " carries sequence number " + e.seq() + " in its payload; the table was changed outside Talon");
    }
    return e;
  }

  // ---------------------------------------------------------------- snapshots

  /** How many snapshots of a branch the store keeps; {@link #loadSnapshot} reads the newest. */
  static final int KEPT_SNAPSHOTS = 2;

  /**
   * Keeps the snapshot and deletes the branch's older ones beyond the newest {@value #KEPT_SNAPSHOTS},
   * in one transaction. A snapshot whose seq is not higher than the newest stored is not written.
   *
   * @throws StorageException if the database failed (nothing changed, unless the commit itself
   *     failed: then the snapshot may or may not be kept, which is harmless either way), or if the
   *     branch has no events in the store: a snapshot follows the events it includes
   */
  @Override
  public void saveSnapshot(String branchId, BranchSnapshot snapshot) {
    requireBranchId(branchId);
    if (snapshot == null) {
      throw new IllegalArgumentException("snapshot of branch " + branchId + " must not be null");
    }
    String what = "saving the snapshot at event " + snapshot.seq() + " of branch " + branchId;
    Connection c = connect(what);
    String step = "begin";
    try {
      c.setAutoCommit(false);
      step = "insert-snapshot";
      int inserted;
      try (PreparedStatement ps = prepare(c, insertSnapshot)) {
        ps.setString(1, branchId);
        ps.setLong(2, snapshot.seq());
        ps.setBytes(3, snapshot.state());
        ps.setString(4, branchId);
        ps.setLong(5, snapshot.seq());
        inserted = ps.executeUpdate();
      }
      if (inserted == 0) {
        c.rollback(); // one as new or newer is stored already
        return;
      }
      step = "trim-snapshots";
      try (PreparedStatement ps = prepare(c, trimSnapshots)) {
        ps.setString(1, branchId);
        ps.setString(2, branchId);
        ps.setInt(3, KEPT_SNAPSHOTS);
        ps.executeUpdate();
      }
      step = "commit";
      c.commit();
    } catch (SQLException e) {
      rollbackQuietly(c);
      if (step.equals("insert-snapshot") && dialect.isUniqueViolation(e)) {
        return; // a concurrent save of the same seq committed first: as if it had committed before, not written
      }
      if (step.equals("insert-snapshot") && dialect.isMissingParent(e)) {
        throw new StorageException(SqlFailure.of(what, step, e).getMessage() + "; the store has no events of branch "
            + branchId + ", and a snapshot can only follow the events it includes");
      }
      throw SqlFailure.of(what, step, e);
    } finally {
      release(c);
    }
  }

  @Override
  public Optional<BranchSnapshot> loadSnapshot(String branchId) {
    requireBranchId(branchId);
    String what = "loading the newest snapshot of branch " + branchId;
    Connection c = connect(what);
    try (PreparedStatement ps = prepare(c, loadSnapshot)) {
      ps.setString(1, branchId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        long seq = rs.getLong(1);
        byte[] state = rs.getBytes(2);
        if (state == null || state.length == 0) {
          throw new StorageException("stored snapshot " + seq + " of branch " + branchId + " in table "
              + schema.snapshots + " has an empty state; the table was changed outside Talon");
        }
        return Optional.of(new BranchSnapshot(seq, state));
      }
    } catch (SQLException e) {
      throw SqlFailure.of(what, "load-snapshot", e);
    } finally {
      release(c);
    }
  }

  // ---------------------------------------------------------------- retention

  /**
   * Deletes the branch's events before {@code before} that its newest snapshot covers, in one
   * statement. occurred_at holds the event time rounded to the microsecond, so the cut is made at
   * the start of {@code before}'s microsecond: no event at or after {@code before} is removed, and
   * one within the same microsecond before it may stay (keeping slightly more is harmless).
   */
  @Override
  public long removeHistoryBefore(String branchId, Instant before) {
    requireBranchId(branchId);
    if (before == null) {
      throw new IllegalArgumentException("the time to remove the history of branch " + branchId + " before must not be null");
    }
    if (!before.isAfter(EARLIEST)) {
      return 0; // nothing is stored before the earliest time the columns hold
    }
    Instant bound = before.isAfter(LATEST) ? LATEST : before.truncatedTo(ChronoUnit.MICROS);
    String what = "removing the history of branch " + branchId + " before " + before;
    Connection c = connect(what);
    try (PreparedStatement ps = prepare(c, removeHistory)) {
      c.setAutoCommit(true); // one statement, one transaction
      ps.setString(1, branchId);
      ps.setObject(2, OffsetDateTime.ofInstant(bound, ZoneOffset.UTC));
      ps.setString(3, branchId);
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw SqlFailure.of(what, "remove-history", e);
    } finally {
      release(c);
    }
  }

  // ---------------------------------------------------------------- connections

  private Connection connect(String what) {
    try {
      Connection c = dataSource.getConnection();
      if (c == null) {
        throw new StorageException(what + " failed: the data source returned no connection");
      }
      return c;
    } catch (SQLException e) {
      throw SqlFailure.of(what, "connect", e);
    }
  }

  private PreparedStatement prepare(Connection c, String sql) throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    if (queryTimeoutSeconds > 0) {
      ps.setQueryTimeout(queryTimeoutSeconds);
    }
    return ps;
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the connection is broken; the database discards the open transaction with it
    }
  }

  /** Returns the connection with auto-commit restored, as a pool expects it. */
  private static void release(Connection c) {
    try {
      if (!c.isClosed() && !c.getAutoCommit()) {
        c.setAutoCommit(true);
      }
    } catch (SQLException ignored) {
      // a broken connection; closing it below is all that is left to do
    }
    try {
      c.close();
    } catch (SQLException ignored) {
      // nothing was left open on it that matters: the transaction ended before
    }
  }

  private static void requireBranchId(String branchId) {
    if (branchId == null || branchId.isBlank()) {
      throw new IllegalArgumentException("branch id must not be null or blank, was " + branchId);
    }
  }

  private static String describe(String branchId, List<QueueEvent> events) {
    return "append of events " + events.get(0).seq() + ".." + events.get(events.size() - 1).seq() + " to branch "
        + branchId;
  }

  /** The ticket an event is about (its {@code ticketId} component), or 0. */
  static long ticketIdOf(QueueEvent e) {
    Method m = TICKET_IDS.get(e.getClass());
    if (m == null) {
      return 0;
    }
    try {
      return (long) m.invoke(e);
    } catch (ReflectiveOperationException x) {
      throw new IllegalStateException("cannot read ticketId of " + e.getClass().getSimpleName(), x);
    }
  }

  private static Map<Class<?>, Method> ticketIdAccessors() {
    Map<Class<?>, Method> out = new HashMap<>();
    for (Class<?> type : QueueEvent.class.getPermittedSubclasses()) {
      for (RecordComponent rc : type.getRecordComponents()) {
        if (rc.getName().equals("ticketId") && rc.getType() == long.class) {
          out.put(type, rc.getAccessor());
        }
      }
    }
    return Map.copyOf(out);
  }

  // ---------------------------------------------------------------- for BranchNode's leases

  DataSource dataSource() {
    return dataSource;
  }

  SqlDialect sqlDialect() {
    return dialect;
  }

  Schema schema() {
    return schema;
  }

  @Override
  public String toString() {
    return "JdbcEventStore[" + dialect.name() + ", prefix " + schema.prefix + "]";
  }

  // ---------------------------------------------------------------- builder

  /** Configures and starts a {@link JdbcEventStore}. */
  public static final class Builder {
    private final DataSource dataSource;
    private String tablePrefix = Schema.DEFAULT_PREFIX;
    private boolean createSchema;
    private SqlDialect dialect;
    private Duration queryTimeout = Duration.ofSeconds(30);

    private Builder(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    /**
     * The prefix of every table name; default {@code talon_}. A lower-case letter followed by up to
     * 29 lower-case letters, digits or underscores; anything else is refused here, so a prefix can
     * never carry SQL.
     */
    public Builder tablePrefix(String prefix) {
      this.tablePrefix = Schema.validPrefix(prefix);
      return this;
    }

    /**
     * Whether {@link #build()} creates the schema, or upgrades an older one, by running the
     * missing numbered schema files in order; default false, so that a production schema stays
     * under its administrator's migrations (the store then refuses a schema that is not current
     * with a {@link SchemaVersionException} naming the files to run).
     */
    public Builder createSchema(boolean create) {
      this.createSchema = create;
      return this;
    }

    /** Overrides the dialect detected from the connection metadata. */
    public Builder dialect(Dialect dialect) {
      if (dialect == null) {
        throw new InvalidConfigurationException("dialect must not be null");
      }
      this.dialect = (SqlDialect) dialect;
      return this;
    }

    /** How long one statement may run before the driver cancels it; default 30 seconds, zero for no limit. */
    public Builder queryTimeout(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.toSeconds() > Integer.MAX_VALUE
          || (!timeout.isZero() && timeout.toMillis() % 1_000 != 0)) {
        throw new InvalidConfigurationException("query timeout must be zero or a whole number of seconds, was "
            + timeout);
      }
      this.queryTimeout = timeout;
      return this;
    }

    /**
     * Connects once, detects the dialect, checks that commits are kept, and checks (or creates) the
     * schema.
     *
     * @throws InvalidConfigurationException if the database is not supported, delays its commits,
     *     holds a schema from a newer release, or an older one while schema creation is off
     *     ({@link SchemaVersionException})
     * @throws StorageException if the database cannot be reached or fails during the checks
     */
    public JdbcEventStore build() {
      Schema schema = new Schema(tablePrefix);
      String step = "connect";
      try (Connection c = dataSource.getConnection()) {
        if (c == null) {
          throw new StorageException("starting the JDBC event store failed: the data source returned no connection");
        }
        if (!c.getAutoCommit()) {
          c.setAutoCommit(true);
        }
        step = "read-metadata";
        String product = c.getMetaData().getDatabaseProductName();
        SqlDialect detected = dialect;
        if (detected == null) {
          detected = (SqlDialect) Dialect.forProductName(product);
        }
        step = "check-durability";
        detected.checkDurability(c, log);
        schema.prepare(c, detected, createSchema, log);
        log.info("JDBC event store on {} ({} dialect, table prefix {})", product, detected.name(), tablePrefix);
        return new JdbcEventStore(dataSource, detected, schema, (int) queryTimeout.toSeconds());
      } catch (SQLException e) {
        throw SqlFailure.of("starting the JDBC event store", step, e);
      }
    }
  }
}
