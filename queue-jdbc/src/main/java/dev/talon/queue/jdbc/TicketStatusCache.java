package dev.talon.queue.jdbc;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.talon.queue.InvalidConfigurationException;
import dev.talon.queue.QueueEvent;
import dev.talon.queue.QueueEvent.CallReturned;
import dev.talon.queue.QueueEvent.ServiceFinished;
import dev.talon.queue.QueueEvent.ServiceStarted;
import dev.talon.queue.QueueEvent.TicketCalled;
import dev.talon.queue.QueueEvent.TicketCancelled;
import dev.talon.queue.QueueEvent.TicketIssued;
import dev.talon.queue.QueueEvent.TicketNoShow;
import dev.talon.queue.QueueEvent.TicketRecalled;
import dev.talon.queue.TicketState;
import dev.talon.queue.spi.QueueListener;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Answers ticket status look-ups ("where am I?", polled by visitors' phones and the board) from
 * memory, kept current by the engine's events instead of by reading the database.
 *
 * <pre>{@code
 * TicketStatusCache statuses = TicketStatusCache.create();
 * Branch branch = Talon.newBranch("almaty-1").store(store).listener(statuses)...build();
 * statuses.onEvents("almaty-1", store.load("almaty-1", 0));   // once, if the branch has history
 * Optional<TicketStatus> s = statuses.status("almaty-1", ticketId);
 * }</pre>
 *
 * <p>Register it as a {@link QueueListener} of each branch it should follow (one cache can follow
 * many). The engine replays a branch's history without telling listeners, so a cache that starts
 * with a branch that already has history is primed once with that history, as above; priming and
 * live events may overlap in any order. The cache is bounded: tickets in a terminal state are kept
 * for {@code keepFinished} after their last change, and at most {@code maximumSize} tickets are kept
 * in all; a ticket the cache does not know gives an empty answer, and the caller asks the engine.
 * Thread-safe; look-ups take no locks.
 */
public final class TicketStatusCache implements QueueListener {
  /*
   * Design. Each ticket is one immutable Entry in a Caffeine cache, replaced by compute() so that
   * changes to one ticket are atomic. The engine delivers the events of concurrent operations on
   * their own threads, so they may arrive out of order (and priming overlaps live events); every
   * entry therefore remembers the sequence number of the event that set its state and ignores
   * older ones, while the facts of the issue (number, service, line) are filled in whenever the
   * TicketIssued event arrives, and the recall count, which only grows, is the largest one seen.
   * Applying the same events in any order, any number of times, gives the same entries.
   *
   * "ahead" is the number of waiting tickets before this one in its line. The engine's lines are
   * FIFO by join order, except that a ticket whose call was handed back goes to the very front
   * (the latest one first). Each line keeps a skip list of its waiting tickets under that order:
   * band 0 holds handed-back tickets by descending return seq, band 1 the others by join seq. The
   * index changes only inside the owning ticket's compute(), so it always agrees with the entries;
   * counting the keys before a ticket is a read of a concurrent skip list.
   */
  private final Cache<Key, Entry> tickets;
  private final ConcurrentMap<LineKey, ConcurrentSkipListMap<Order, Long>> lines = new ConcurrentHashMap<>();

  private record Key(String branchId, long ticketId) {}

  private record LineKey(String branchId, String service, String line) {}

  private record Order(int band, long value) {}

  private static final Comparator<Order> ORDER = Comparator.comparingInt(Order::band).thenComparingLong(Order::value);

  /** Issue facts (null until TicketIssued arrives) plus the state last set, and the seq that set it. */
  private record Entry(
      String display, String service, String line, long joinSeq,
      TicketState state, String desk, int recalls, long stateSeq, long returnSeq) {

    boolean indexed() {
      return display != null && state == TicketState.WAITING;
    }

    Order order() {
      return returnSeq > 0 ? new Order(0, -returnSeq) : new Order(1, joinSeq);
    }
  }

  private TicketStatusCache(long maximumSize, Duration keepFinished, Ticker ticker) {
    long keepNanos = keepFinished.toNanos();
    this.tickets = Caffeine.newBuilder()
        .maximumSize(maximumSize)
        .ticker(ticker)
        .executor(Runnable::run) // evict on the writing thread: the index must not outlive its entries
        .expireAfter(new Expiry<Key, Entry>() {
          @Override
          public long expireAfterCreate(Key key, Entry e, long now) {
            return e.state != null && e.state.isTerminal() ? keepNanos : Long.MAX_VALUE;
          }

          @Override
          public long expireAfterUpdate(Key key, Entry e, long now, long current) {
            return expireAfterCreate(key, e, now);
          }

          @Override
          public long expireAfterRead(Key key, Entry e, long now, long current) {
            return current;
          }
        })
        .evictionListener((Key key, Entry e, RemovalCause cause) -> {
          if (key != null && e != null && e.indexed()) {
            unindex(key, e);
          }
        })
        .build();
  }

  /** A cache of at most 100,000 tickets that keeps finished tickets for two hours. */
  public static TicketStatusCache create() {
    return create(100_000, Duration.ofHours(2));
  }

  /**
   * A cache of at most {@code maximumSize} tickets that keeps a ticket in a terminal state for
   * {@code keepFinished} after its last change.
   */
  public static TicketStatusCache create(long maximumSize, Duration keepFinished) {
    return create(maximumSize, keepFinished, Ticker.systemTicker());
  }

  static TicketStatusCache create(long maximumSize, Duration keepFinished, Ticker ticker) {
    if (maximumSize < 1) {
      throw new InvalidConfigurationException("status cache size must be >= 1, was " + maximumSize);
    }
    if (keepFinished == null || keepFinished.isNegative() || keepFinished.isZero()) {
      throw new InvalidConfigurationException("keep-finished period must be > 0, was " + keepFinished);
    }
    return new TicketStatusCache(maximumSize, keepFinished, ticker);
  }

  /** The ticket's status as of the last event the cache heard; empty if the cache does not know it. */
  public Optional<TicketStatus> status(String branchId, long ticketId) {
    if (branchId == null) {
      return Optional.empty();
    }
    Entry e = tickets.getIfPresent(new Key(branchId, ticketId));
    if (e == null || e.display == null) {
      return Optional.empty();
    }
    int ahead = -1;
    if (e.indexed()) {
      ConcurrentSkipListMap<Order, Long> line = lines.get(new LineKey(branchId, e.service, e.line));
      ahead = line == null ? 0 : line.headMap(e.order(), false).size();
    }
    return Optional.of(new TicketStatus(branchId, ticketId, e.display, e.service, e.line, e.state, e.desk, e.recalls,
        ahead, e.stateSeq));
  }

  /** The number of tickets held, approximately. */
  public long size() {
    tickets.cleanUp();
    return tickets.estimatedSize();
  }

  @Override
  public void onEvents(String branchId, List<QueueEvent> events) {
    for (QueueEvent e : events) {
      apply(branchId, e);
    }
  }

  private void apply(String branchId, QueueEvent event) {
    if (event instanceof TicketIssued i) {
      update(branchId, i.ticketId(), old -> {
        boolean newer = old == null || old.stateSeq < i.seq();
        return new Entry(i.display(), i.service(), i.line(), i.joinSeq(),
            newer ? TicketState.WAITING : old.state, newer ? null : old.desk, newer ? 0 : old.recalls,
            newer ? i.seq() : old.stateSeq, newer ? 0 : old.returnSeq);
      });
    } else if (event instanceof TicketCalled c) {
      state(branchId, c.ticketId(), c.seq(), TicketState.CALLED, c.desk(), -1, false);
    } else if (event instanceof TicketRecalled r) {
      state(branchId, r.ticketId(), r.seq(), TicketState.CALLED, r.desk(), r.recalls(), false);
    } else if (event instanceof CallReturned r) {
      state(branchId, r.ticketId(), r.seq(), TicketState.WAITING, null, -1, true);
    } else if (event instanceof ServiceStarted s) {
      state(branchId, s.ticketId(), s.seq(), TicketState.SERVING, s.desk(), -1, false);
    } else if (event instanceof ServiceFinished f) {
      state(branchId, f.ticketId(), f.seq(), TicketState.DONE, f.desk(), -1, false);
    } else if (event instanceof TicketNoShow n) {
      state(branchId, n.ticketId(), n.seq(), TicketState.NO_SHOW, n.desk(), -1, false);
    } else if (event instanceof TicketCancelled c) {
      state(branchId, c.ticketId(), c.seq(), TicketState.CANCELLED, null, -1, false);
    }
    // other events (days, windows, bookings, modes) do not change a ticket's status
  }

  /** Sets the state if the event is newer than the one that set the current state. */
  private void state(String branchId, long ticketId, long seq, TicketState state, String desk, int recalls,
      boolean returned) {
    update(branchId, ticketId, old -> {
      if (old == null) {
        return new Entry(null, null, null, 0, state, desk, Math.max(recalls, 0), seq, returned ? seq : 0);
      }
      int count = Math.max(old.recalls, recalls); // recalls only grow, so the count commutes
      if (old.stateSeq >= seq) {
        return count == old.recalls ? old : new Entry(old.display, old.service, old.line, old.joinSeq, old.state,
            old.desk, count, old.stateSeq, old.returnSeq);
      }
      return new Entry(old.display, old.service, old.line, old.joinSeq, state, desk, count, seq,
          returned ? seq : old.returnSeq);
    });
  }

  private interface Change {
    Entry apply(Entry old);
  }

  private void update(String branchId, long ticketId, Change change) {
    Key key = new Key(branchId, ticketId);
    tickets.asMap().compute(key, (k, old) -> {
      Entry next = change.apply(old);
      if (old != null && old.indexed() && (!next.indexed() || !old.order().equals(next.order()))) {
        unindex(k, old);
      }
      if (next.indexed() && (old == null || !old.indexed() || !old.order().equals(next.order()))) {
        lines.computeIfAbsent(new LineKey(k.branchId, next.service, next.line),
            l -> new ConcurrentSkipListMap<>(ORDER)).put(next.order(), k.ticketId);
      }
      return next;
    });
  }

  private void unindex(Key k, Entry e) {
    ConcurrentSkipListMap<Order, Long> line = lines.get(new LineKey(k.branchId, e.service, e.line));
    if (line != null) {
      line.remove(e.order(), k.ticketId);
    }
  }

  @Override
  public String toString() {
    return "TicketStatusCache[" + tickets.estimatedSize() + " tickets]";
  }
}
