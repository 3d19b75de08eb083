package dev.talon.queue;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.talon.queue.QueueEvent.CallReturned;
import dev.talon.queue.QueueEvent.ServiceFinished;
import dev.talon.queue.QueueEvent.ServiceStarted;
import dev.talon.queue.QueueEvent.TicketCalled;
import dev.talon.queue.QueueEvent.TicketCancelled;
import dev.talon.queue.QueueEvent.TicketIssued;
import dev.talon.queue.QueueEvent.TicketNoShow;
import dev.talon.queue.QueueEvent.TicketPostponed;
import dev.talon.queue.QueueEvent.TicketRecalled;
import dev.talon.queue.QueueEvent.TicketResumed;
import dev.talon.queue.QueueEvent.TicketTransferred;
import dev.talon.queue.spi.QueueListener;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.UnaryOperator;

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
   * their own threads, so they may arrive out of order (and priming overlaps live events). Every
   * part of an entry is therefore taken from the newest event that sets that part, whatever the
   * order of arrival: the state (any status event), the desk (the events that name or clear it;
   * a cancellation or transfer keeps it), the place in a line (issue, resume), and the recall
   * count, which only grows, is the largest one seen. The facts of the issue (number, service) are
   * filled in whenever TicketIssued arrives. Applying the same events in any order, any number of
   * times, gives the same entries.
   *
   * "ahead" is the number of waiting tickets before this one in its line; the engine keeps each
   * line in join order (a handed-back or resumed ticket rejoins at its join sequence number). Each
   * line keeps a skip list of its waiting tickets by join order; the index changes only inside
   * the owning ticket's compute(), so it always agrees with the entries, and counting the keys
   * before a ticket is a read of a concurrent skip list.
   */
  private final Cache<Key, Entry> tickets;
  private final ConcurrentMap<LineKey, ConcurrentSkipListMap<Order, Long>> lines = new ConcurrentHashMap<>();

  private record Key(String branchId, long ticketId) {}

  private record LineKey(String branchId, String service, String line) {}

  private record Order(long joinSeq, long ticketId) {}

  private static final Comparator<Order> ORDER =
      Comparator.comparingLong(Order::joinSeq).thenComparingLong(Order::ticketId);

  /** Each part with the sequence number of the event that set it; 0 when no event has yet. */
  private record Entry(
      String display, String service,
      String line, long joinSeq, long placeSeq,
      TicketState state, long stateSeq,
      String desk, long deskSeq,
      int recalls) {

    static final Entry EMPTY = new Entry(null, null, null, 0, 0, null, 0, null, 0, 0);

    boolean indexed() {
      return display != null && line != null && state == TicketState.WAITING;
    }

    Order order(long ticketId) {
      return new Order(joinSeq, ticketId);
    }

    Entry issued(String display, String service) {
      return new Entry(display, service, line, joinSeq, placeSeq, state, stateSeq, desk, deskSeq, recalls);
    }

    Entry placed(String line, long joinSeq, long seq) {
      return seq <= placeSeq ? this
          : new Entry(display, service, line, joinSeq, seq, state, stateSeq, desk, deskSeq, recalls);
    }

    Entry state(TicketState state, long seq) {
      return seq <= stateSeq ? this
          : new Entry(display, service, line, joinSeq, placeSeq, state, seq, desk, deskSeq, recalls);
    }

    Entry desk(String desk, long seq) {
      return seq <= deskSeq ? this
          : new Entry(display, service, line, joinSeq, placeSeq, state, stateSeq, desk, seq, recalls);
    }

    Entry recalls(int count) {
      return count <= recalls ? this
          : new Entry(display, service, line, joinSeq, placeSeq, state, stateSeq, desk, deskSeq, count);
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
    if (e == null || e.display == null || e.state == null) {
      return Optional.empty();
    }
    int ahead = -1;
    if (e.indexed()) {
      ConcurrentSkipListMap<Order, Long> line = lines.get(new LineKey(branchId, e.service, e.line));
      ahead = line == null ? 0 : line.headMap(e.order(ticketId), false).size();
    }
    return Optional.of(new TicketStatus(branchId, ticketId, e.display, e.service, e.line, e.state, e.desk, e.recalls,
        ahead, Math.max(e.stateSeq, Math.max(e.placeSeq, e.deskSeq))));
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
      update(branchId, i.ticketId(), e -> e.issued(i.display(), i.service()).placed(i.line(), i.joinSeq(), i.seq())
          .state(TicketState.WAITING, i.seq()));
    } else if (event instanceof TicketCalled c) {
      update(branchId, c.ticketId(), e -> e.state(TicketState.CALLED, c.seq()).desk(c.desk(), c.seq()));
    } else if (event instanceof TicketRecalled r) {
      update(branchId, r.ticketId(), e -> e.state(TicketState.CALLED, r.seq()).desk(r.desk(), r.seq())
          .recalls(r.recalls()));
    } else if (event instanceof CallReturned r) {
      update(branchId, r.ticketId(), e -> e.state(TicketState.WAITING, r.seq()).desk(null, r.seq()));
    } else if (event instanceof ServiceStarted s) {
      update(branchId, s.ticketId(), e -> e.state(TicketState.SERVING, s.seq()).desk(s.desk(), s.seq()));
    } else if (event instanceof ServiceFinished f) {
      update(branchId, f.ticketId(), e -> e.state(TicketState.DONE, f.seq()).desk(f.desk(), f.seq()));
    } else if (event instanceof TicketNoShow n) {
      update(branchId, n.ticketId(), e -> e.state(TicketState.NO_SHOW, n.seq()).desk(n.desk(), n.seq()));
    } else if (event instanceof TicketCancelled c) {
      update(branchId, c.ticketId(), e -> e.state(TicketState.CANCELLED, c.seq()));
    } else if (event instanceof TicketPostponed p) {
      update(branchId, p.ticketId(), e -> e.state(TicketState.POSTPONED, p.seq()).desk(null, p.seq()));
    } else if (event instanceof TicketResumed r) {
      update(branchId, r.ticketId(), e -> e.state(TicketState.WAITING, r.seq()).desk(null, r.seq())
          .placed(r.line(), r.joinSeq(), r.seq()));
    } else if (event instanceof TicketTransferred x) {
      update(branchId, x.ticketId(), e -> e.state(TicketState.TRANSFERRED, x.seq()));
    }
    // other events (days, windows, bookings, desks, notices) do not change a ticket's status
  }

  private void update(String branchId, long ticketId, UnaryOperator<Entry> change) {
    Key key = new Key(branchId, ticketId);
    tickets.asMap().compute(key, (k, old) -> {
      Entry before = old == null ? Entry.EMPTY : old;
      Entry next = change.apply(before);
      boolean moved = !before.order(ticketId).equals(next.order(ticketId)) || !Objects.equals(before.line, next.line);
      if (before.indexed() && (!next.indexed() || moved)) {
        unindex(k, before);
      }
      if (next.indexed() && (!before.indexed() || moved)) {
        lines.computeIfAbsent(new LineKey(k.branchId, next.service, next.line),
            l -> new ConcurrentSkipListMap<>(ORDER)).put(next.order(ticketId), ticketId);
      }
      return next;
    });
  }

  private void unindex(Key k, Entry e) {
    ConcurrentSkipListMap<Order, Long> line = lines.get(new LineKey(k.branchId, e.service, e.line));
    if (line != null) {
      line.remove(e.order(k.ticketId), k.ticketId);
    }
  }

  @Override
  public String toString() {
    return "TicketStatusCache[" + tickets.estimatedSize() + " tickets]";
  }
}
