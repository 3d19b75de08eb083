package dev.talon.queue.spi;

import dev.talon.queue.QueueEvent;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/*
 * One branch's events in the in-memory store: an append-only log in pages of PAGE slots, slot i
 * holding the event with seq base + i. Lock-free; every writer is one engine (the branch's owner),
 * so contention is the exception (a stale owner racing the new one, or a test doing it on purpose).
 *
 * Writing. An append raises `last` (the highest seq written or being written, for readers and
 * for paging) and then claims each of its slots by CAS from empty to its event; if one is taken,
 * it takes its own events back out of the slots it had claimed (CAS from its event to empty) and
 * the batch is refused (SequenceConflictException), so a batch is written whole or not at all and
 * two writers of one seq never both succeed. The engine appends in seq order (one writer per
 * branch), so it always writes past `last`; a batch below `last` (one that overtook another, a
 * retry) is still taken if its slots are free. A batch may start after a gap of up to MAX_GAP seqs
 * (the missing ones stay empty slots). Seqs below what retention dropped are refused: a snapshot
 * covers them. The CAS per event also gives the release ordering: a reader that sees an event sees
 * it whole.
 *
 * Pages. The table (pages array, page count, base) is immutable once published, except that the
 * slot just past the page count may be filled: to add a page, a writer CASes a fresh page into
 * that slot, then CASes the table to one counting it; anyone finding the slot filled helps with
 * the second step. When the array is full, a writer publishes a copy twice as long. Only a
 * published page is ever written into (a writer looks its page up in a table that counts it), so a
 * page that lost a race is garbage nobody wrote into. Pages are shared by all tables, so a write
 * through one table is seen through every later one.
 *
 * Retention. removeBefore nulls the slots of removed events (writers never go back to them) and,
 * once whole pages at the front are empty, publishes by CAS a table without them and with a base
 * moved past them, so their memory goes. It is called from the snapshot thread while the engine
 * appends; both move the table only by CAS from the one they read, so neither undoes the other.
 *
 * Reading. A reader takes the table, reads `last`, then walks the slots with acquire loads,
 * skipping empty ones (removed, in a gap, or claimed by an append still writing: a load that races
 * an append may miss part of it, which the engine never does, as it loads only when opening). It
 * re-reads the table when a page it needs is beyond the count it has.
 *
 * Why not a ConcurrentSkipListMap<Long, QueueEvent> (until 0.2): a boxed Long, a node and part of
 * an index level per event (about 60 bytes kept per event) and a log-time insert on the in-memory
 * engine's issue and call paths; here an event costs its slot (4 bytes) and an append is a CAS per
 * event and one on `last`.
 */
final class EventLog {
  static final int PAGE_BITS = 9;
  static final int PAGE = 1 << PAGE_BITS;
  /** The longest run of missing seqs a batch may leave before it (the engine leaves none). */
  static final long MAX_GAP = 1L << 20;

  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(QueueEvent[].class);
  private static final VarHandle PAGE_REF = MethodHandles.arrayElementVarHandle(QueueEvent[][].class);
  private static final VarHandle TABLE;
  private static final VarHandle LAST;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      TABLE = l.findVarHandle(EventLog.class, "table", Table.class);
      LAST = l.findVarHandle(EventLog.class, "last", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** pages[0..count) are published; pages[count] may hold a page being added; slot 0 of page 0 is seq base. */
  private record Table(QueueEvent[][] pages, int count, long base) {}

  /** Null until the first append, which fixes the base at the page holding its first seq. */
  private volatile Table table;
  /** The highest seq ever claimed; NONE while none. */
  private volatile long last = NONE;
  private static final long NONE = Long.MIN_VALUE;
  /** Set once retention has dropped pages at the front: seqs below the base are gone for good. */
  private volatile boolean trimmed;

  /** What append returns when the whole batch was written. */
  static final long WRITTEN = Long.MIN_VALUE;

  /**
   * Writes a batch of consecutive events starting at {@code first}, whole or not at all: returns
   * WRITTEN, or the seq of the first of its events whose slot is taken (nothing written then).
   */
  long append(List<QueueEvent> events, long first) {
    long end = first + events.size() - 1;
    while (true) {
      long l = last;
      if (l != NONE && first - l - 1 > MAX_GAP) {
        throw new IllegalArgumentException("an in-memory store takes a branch's events with gaps of at most "
            + MAX_GAP + " sequence numbers; the last is " + l + ", the batch starts at " + first);
      }
      if (end <= l || LAST.compareAndSet(this, l, end)) {
        break;
      }
    }
    for (int i = 0; i < events.size(); i++) {
      long seq = first + i;
      QueueEvent[] page = pageFor(seq);
      if (page == null || !SLOT.compareAndSet(page, slot(seq), null, events.get(i))) {
        for (int j = 0; j < i; j++) { // undo this batch's own writes, which nobody else can have replaced
          SLOT.compareAndSet(pageFor(first + j), slot(first + j), events.get(j), null);
        }
        return seq;
      }
    }
    return WRITTEN;
  }

  /**
   * The slot of {@code seq} in its page. Every base is congruent to 1 modulo PAGE (the first is
   * chosen so, and bases move by whole pages), so the slot does not depend on the table.
   */
  private static int slot(long seq) {
    return (int) ((seq - 1) & (PAGE - 1));
  }

  /** The published page that holds {@code seq}, adding pages as needed; null if retention dropped it. */
  private QueueEvent[] pageFor(long seq) {
    while (true) {
      Table t = table;
      if (t == null) {
        Table first = new Table(new QueueEvent[4][], 0, seq - ((seq - 1) & (PAGE - 1)));
        TABLE.compareAndSet(this, null, first);
        continue;
      }
      if (seq < t.base()) {
        if (trimmed) {
          return null; // below what retention dropped: that seq was taken and covered by a snapshot
        }
        if (t.base() - seq > MAX_GAP) {
          throw new IllegalArgumentException("an in-memory store takes a branch's events with gaps of at most "
              + MAX_GAP + " sequence numbers; its first is " + t.base() + ", the batch starts at " + seq);
        }
        addPagesBefore(t, seq); // an earlier batch came after a later one had made the table
        continue;
      }
      long p = (seq - t.base()) >>> PAGE_BITS;
      if (p < t.count()) {
        // a counted page is in the array before the table counting it is published (CAS), so the
        // acquire load finds it; published pages are never replaced
        QueueEvent[] page = (QueueEvent[]) PAGE_REF.getAcquire(t.pages(), (int) p);
        if (page != null) {
          return page;
        }
        continue; // cannot happen (counted pages are non-null); re-read rather than trust it
      }
      addPage(t);
    }
  }

  /** Publishes a table with empty pages in front of t's, reaching down to {@code seq}. */
  private void addPagesBefore(Table t, long seq) {
    int k = (int) ((t.base() - seq + PAGE - 1) >>> PAGE_BITS);
    QueueEvent[][] pages = new QueueEvent[k + t.pages().length][];
    for (int i = 0; i < k; i++) {
      pages[i] = new QueueEvent[PAGE];
    }
    System.arraycopy(t.pages(), 0, pages, k, t.count());
    TABLE.compareAndSet(this, t, new Table(pages, t.count() + k, t.base() - ((long) k << PAGE_BITS)));
  }

  /** Adds one page after t's last, or helps whoever is adding it. */
  private void addPage(Table t) {
    if (t.count() == t.pages().length) {
      QueueEvent[][] longer = new QueueEvent[t.pages().length * 2][];
      System.arraycopy(t.pages(), 0, longer, 0, t.count());
      TABLE.compareAndSet(this, t, new Table(longer, t.count(), t.base()));
      return;
    }
    PAGE_REF.compareAndSet(t.pages(), t.count(), null, new QueueEvent[PAGE]);
    TABLE.compareAndSet(this, t, new Table(t.pages(), t.count() + 1, t.base()));
  }

  /** The highest seq ever claimed, or Long.MIN_VALUE while none. */
  long last() {
    return last;
  }

  /** The events after {@code afterSeq}, in seq order. */
  List<QueueEvent> load(long afterSeq) {
    List<QueueEvent> out = new ArrayList<>();
    forEachAfter(afterSeq, out::add);
    return out;
  }

  /** The event with this seq, or null. */
  QueueEvent get(long seq) {
    Table t = table;
    if (t == null || seq < t.base()) {
      return null;
    }
    long p = (seq - t.base()) >>> PAGE_BITS;
    if (p >= t.count()) {
      return null;
    }
    QueueEvent[] page = (QueueEvent[]) PAGE_REF.getAcquire(t.pages(), (int) p);
    return page == null ? null : (QueueEvent) SLOT.getAcquire(page, slot(seq));
  }

  private void forEachAfter(long afterSeq, java.util.function.Consumer<QueueEvent> action) {
    long end = last;
    Table t = table;
    if (t == null) {
      return;
    }
    for (long seq = Math.max(afterSeq + 1, t.base()); seq <= end; seq++) {
      long p = (seq - t.base()) >>> PAGE_BITS;
      if (p >= t.count()) {
        t = table; // pages were added (or dropped at the front) after we took the table
        if (seq < t.base()) {
          continue;
        }
        p = (seq - t.base()) >>> PAGE_BITS;
        if (p >= t.count()) {
          break; // not published yet: an append still writing
        }
      }
      QueueEvent e = (QueueEvent) SLOT.getAcquire((QueueEvent[]) PAGE_REF.getAcquire(t.pages(), (int) p), slot(seq));
      if (e != null) {
        action.accept(e);
      }
    }
  }

  /**
   * Removes, from the oldest on, the events up to {@code upToSeq} that happened before
   * {@code before}, stopping at the first that did not; returns how many it removed.
   */
  long removeBefore(long upToSeq, java.time.Instant before) {
    Table t = table;
    if (t == null) {
      return 0;
    }
    long removed = 0;
    long end = Math.min(upToSeq, last);
    for (long seq = t.base(); seq <= end; seq++) {
      long p = (seq - t.base()) >>> PAGE_BITS;
      if (p >= t.count()) {
        break;
      }
      QueueEvent[] page = (QueueEvent[]) PAGE_REF.getAcquire(t.pages(), (int) p);
      QueueEvent e = (QueueEvent) SLOT.getAcquire(page, slot(seq));
      if (e == null) {
        continue;
      }
      if (!e.at().isBefore(before)) {
        break;
      }
      SLOT.setRelease(page, slot(seq), null);
      removed++;
    }
    dropEmptyPages(upToSeq);
    return removed;
  }

  /**
   * Publishes a table without the empty pages at the front that lie wholly at or below
   * {@code upToSeq} (what a snapshot covers: no append is still writing there), never the last
   * published page.
   */
  private void dropEmptyPages(long upToSeq) {
    while (true) {
      Table t = table;
      int dead = 0;
      while (dead < t.count() - 1 && t.base() + ((long) (dead + 1) << PAGE_BITS) - 1 <= upToSeq
          && empty((QueueEvent[]) PAGE_REF.getAcquire(t.pages(), dead))) {
        dead++;
      }
      if (dead == 0) {
        return;
      }
      QueueEvent[][] rest = new QueueEvent[Math.max(4, t.pages().length - dead)][];
      System.arraycopy(t.pages(), dead, rest, 0, t.count() - dead);
      trimmed = true; // before the table without them is published, so a writer that sees that table sees it
      if (TABLE.compareAndSet(this, t, new Table(rest, t.count() - dead, t.base() + ((long) dead << PAGE_BITS)))) {
        return;
      }
    }
  }

  private static boolean empty(QueueEvent[] page) {
    for (int i = 0; i < page.length; i++) {
      if (SLOT.getAcquire(page, i) != null) {
        return false;
      }
    }
    return true;
  }
}
