package dev.talon.queue.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/*
 * Immutable records (tickets, bookings) by their branch-wide id, written by the single writer and
 * read by any thread without waiting.
 *
 * Ids are handed out in increasing order from 1, so the records live in an array indexed by
 * (id - base). The array and its base travel together in one immutable Table, published through a
 * volatile field: a reader takes the table once and reads an element with acquire semantics, the
 * writer stores elements with release semantics. A record is immutable and fully built before it
 * is stored, so a reader that sees the reference sees the whole record (the release store orders
 * the record's field writes before it). Growing copies the array into a new table and publishes
 * it; a store after that goes to the new array, so a reader that takes the table after a write
 * completed (in real time) sees that write, which is what makes single-ticket reads linearizable.
 * A reader holding an older table sees the state as of when it took it, which is a state the
 * branch was in.
 *
 * Forgetting ended records of past days sets their slots to null and, when the dead prefix is
 * long, moves the base forward in a new table.
 */
final class Slab<T> {
  private static final VarHandle ELEMENT = MethodHandles.arrayElementVarHandle(Object[].class);

  private record Table(Object[] items, long base) {}

  private volatile Table table = new Table(new Object[64], 1);
  /** Records present; written and read by the writer only. */
  private int size;

  /** The record with this id, or null; any thread. */
  @SuppressWarnings("unchecked")
  T get(long id) {
    Table t = table;
    long i = id - t.base;
    if (i < 0 || i >= t.items.length) {
      return null;
    }
    return (T) ELEMENT.getAcquire(t.items, (int) i);
  }

  /** Stores the record under its id; the writer only. */
  void put(long id, T value) {
    Table t = table;
    long i = id - t.base;
    if (i < 0) {
      t = rebase(id);
      i = id - t.base;
    } else if (i >= t.items.length) {
      t = grow(i);
    }
    if (ELEMENT.get(t.items, (int) i) == null) {
      size++;
    }
    ELEMENT.setRelease(t.items, (int) i, value);
  }

  /** Starts an empty slab at this id, so that restoring records from id {@code base} on needs no array below it. */
  void startAt(long base) {
    if (size != 0 || base < 1) {
      throw new IllegalStateException("a slab starts at an id >= 1 while empty; size " + size + ", base " + base);
    }
    table = new Table(new Object[64], base);
  }

  /** Removes the record with this id, if present; the writer only. */
  void remove(long id) {
    Table t = table;
    long i = id - t.base;
    if (i >= 0 && i < t.items.length && ELEMENT.get(t.items, (int) i) != null) {
      ELEMENT.setRelease(t.items, (int) i, null);
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
    for (int i = 0; i < t.items.length; i++) {
      Object o = ELEMENT.getAcquire(t.items, i);
      if (o != null) {
        action.accept((T) o);
      }
    }
  }

  /** Moves the base past a long dead prefix, so that memory follows the live records; the writer only. */
  void compact() {
    Table t = table;
    int first = 0;
    while (first < t.items.length && t.items[first] == null) {
      first++;
    }
    if (first >= 64 && first >= t.items.length / 2) {
      int keep = t.items.length - first;
      Object[] next = new Object[Math.max(64, Integer.highestOneBit(Math.max(keep, 1)) << 1)];
      System.arraycopy(t.items, first, next, 0, keep);
      table = new Table(next, t.base + first);
    }
  }

  private Table grow(long index) {
    Table t = table;
    long length = t.items.length;
    while (length <= index) {
      length *= 2;
    }
    if (length > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("more than " + (Integer.MAX_VALUE - 8) + " live records");
    }
    Object[] next = new Object[(int) length];
    System.arraycopy(t.items, 0, next, 0, t.items.length);
    Table grown = new Table(next, t.base);
    table = grown;
    return grown;
  }

  /** A record older than the base (only when restoring out of order); moves the base back. */
  private Table rebase(long id) {
    Table t = table;
    int shift = (int) (t.base - id);
    Object[] next = new Object[t.items.length + shift];
    System.arraycopy(t.items, 0, next, shift, t.items.length);
    Table moved = new Table(next, id);
    table = moved;
    return moved;
  }
}
