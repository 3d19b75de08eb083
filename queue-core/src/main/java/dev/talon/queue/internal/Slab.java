package dev.talon.queue.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/*
 * Immutable records (tickets, bookings) by their branch-wide id, written by the single writer and
 * read by any thread without waiting.
 *
 * Ids are handed out in increasing order from 1, so the records live in pages of PAGE slots
 * indexed by (id - base): slot i is pages[i / PAGE][i % PAGE]. The directory of pages and the base
 * travel together in one immutable Table, published through a volatile field: a reader takes the
 * table once, reads a page reference and then an element with acquire semantics; the writer
 * stores a new page into the directory, and elements into pages, with release semantics. A record
 * is immutable and fully built before it is stored, so a reader that sees the reference sees the
 * whole record (the release store orders the record's field writes before it), and a reader that
 * sees a page sees it zeroed at least. Growing publishes a new table whose directory is a copy of
 * the old one's references plus room: the pages themselves are shared, so a store after the
 * growth is seen through the old table as well as the new one, and nothing is copied but the
 * directory. A reader that takes the table after a write completed (in real time) sees that
 * write, which is what makes single-ticket reads linearizable; a reader holding an older table
 * sees the state as of when it took it or later, a state the branch was in.
 *
 * Why pages (since 0.2): a single array doubled on growth copied every slot again and again, about
 * 8 bytes per record over a branch's life, on the issue path; pages cost 4 bytes per record and
 * copy nothing but the small directory. A page is 256 slots (about 1 KB), allocated when its first
 * record arrives, so an idle branch's slabs stay small.
 *
 * Forgetting ended records of past days sets their slots to null; once whole pages at the front
 * are dead, compact() moves the base forward past them in a new table and their memory goes.
 */
final class Slab<T> {
  private static final VarHandle ELEMENT = MethodHandles.arrayElementVarHandle(Object[].class);
  private static final VarHandle PAGE_REF = MethodHandles.arrayElementVarHandle(Object[][].class);
  private static final int PAGE_BITS = 8;
  static final int PAGE = 1 << PAGE_BITS;
  /** How far below the lowest kept id a record may be placed (restoring out of order). */
  static final long MAX_BELOW = 1L << 24;

  /** The pages (a null page has no record yet) and the id of slot 0 of page 0; immutable. */
  private record Table(Object[][] pages, long base) {}

  private volatile Table table = new Table(new Object[1][], 1);
  /** Records present; written and read by the writer only. */
  private int size;

  /** The record with this id, or null; any thread. */
  @SuppressWarnings("unchecked")
  T get(long id) {
    Table t = table;
    long i = id - t.base;
    if (i < 0 || (i >>> PAGE_BITS) >= t.pages.length) {
      return null;
    }
    Object[] page = (Object[]) PAGE_REF.getAcquire(t.pages, (int) (i >>> PAGE_BITS));
    return page == null ? null : (T) ELEMENT.getAcquire(page, (int) (i & (PAGE - 1)));
  }

  /** Stores the record under its id; the writer only. */
  void put(long id, T value) {
    if (id < 1) {
      throw new IllegalArgumentException("record ids start at 1, was " + id);
    }
    Table t = table;
    long i = id - t.base;
    if (i < 0) {
      t = rebase(id);
      i = id - t.base;
    } else if ((i >>> PAGE_BITS) >= t.pages.length) {
      t = grow(i >>> PAGE_BITS);
    }
    int p = (int) (i >>> PAGE_BITS);
    // plain read: only this writer stores page references
    Object[] page = t.pages[p];
    if (page == null) {
      page = new Object[PAGE];
      PAGE_REF.setRelease(t.pages, p, page);
    }
    int slot = (int) (i & (PAGE - 1));
    // plain read: only this writer stores elements
    if (page[slot] == null) {
      size++;
    }
    ELEMENT.setRelease(page, slot, value);
  }

  /** Starts an empty slab at this id, so that restoring records from id {@code base} on needs no page below it. */
  void startAt(long base) {
    if (size != 0 || base < 1) {
      throw new IllegalStateException("a slab starts at an id >= 1 while empty; size " + size + ", base " + base);
    }
    table = new Table(new Object[1][], base);
  }

  /** Removes the record with this id, if present; the writer only. */
  void remove(long id) {
    Table t = table;
    long i = id - t.base;
    if (i < 0 || (i >>> PAGE_BITS) >= t.pages.length) {
      return;
    }
    Object[] page = t.pages[(int) (i >>> PAGE_BITS)]; // plain read: the writer's own store
    int slot = (int) (i & (PAGE - 1));
    if (page != null && page[slot] != null) {
      ELEMENT.setRelease(page, slot, null);
      size--;
    }
  }

  int size() {
    return size;
  }

  /** Every record in id order; any thread (a reader sees each record as of when it reaches it). */
  @SuppressWarnings("unchecked")
  void forEach(Consumer<T> action) {
    Table t = table;
    for (int p = 0; p < t.pages.length; p++) {
      Object[] page = (Object[]) PAGE_REF.getAcquire(t.pages, p);
      if (page == null) {
        continue;
      }
      for (int i = 0; i < PAGE; i++) {
        Object o = ELEMENT.getAcquire(page, i);
        if (o != null) {
          action.accept((T) o);
        }
      }
    }
  }

  /** Moves the base past the dead pages at the front, so that memory follows the live records; the writer only. */
  void compact() {
    Table t = table;
    int dead = 0;
    while (dead < t.pages.length - 1 && isEmpty(t.pages[dead])) {
      dead++;
    }
    if (dead > 0) {
      Object[][] next = new Object[Math.max(1, t.pages.length - dead)][];
      System.arraycopy(t.pages, dead, next, 0, t.pages.length - dead);
      table = new Table(next, t.base + ((long) dead << PAGE_BITS));
    }
  }

  private static boolean isEmpty(Object[] page) {
    if (page != null) {
      for (Object o : page) {
        if (o != null) {
          return false;
        }
      }
    }
    return true;
  }

  private Table grow(long pageIndex) {
    Table t = table;
    long length = t.pages.length;
    while (length <= pageIndex) {
      length *= 2;
    }
    if (length > (Integer.MAX_VALUE >>> PAGE_BITS)) {
      throw new IllegalStateException("more than " + (Integer.MAX_VALUE - PAGE) + " live records");
    }
    Object[][] next = new Object[(int) length][];
    System.arraycopy(t.pages, 0, next, 0, t.pages.length);
    Table grown = new Table(next, t.base);
    table = grown;
    return grown;
  }

  /** A record older than the base (only when restoring out of order); moves the base back by whole pages. */
  private Table rebase(long id) {
    Table t = table;
    if (t.base - id > MAX_BELOW) {
      // only a damaged snapshot asks for this: live records of one branch span far fewer ids
      throw new IllegalArgumentException("record " + id + " lies " + (t.base - id) + " ids below the lowest kept ("
          + t.base + "); at most " + MAX_BELOW + " can be placed below it");
    }
    int shift = (int) ((t.base - id + PAGE - 1) >>> PAGE_BITS);
    Object[][] next = new Object[t.pages.length + shift][];
    System.arraycopy(t.pages, 0, next, shift, t.pages.length);
    Table moved = new Table(next, t.base - ((long) shift << PAGE_BITS));
    table = moved;
    return moved;
  }
}
