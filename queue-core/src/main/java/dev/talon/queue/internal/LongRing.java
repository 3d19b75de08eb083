package dev.talon.queue.internal;

import java.util.Arrays;

/**
 * A growable ring buffer of longs, used by the single writer for line FIFOs and the pending
 * bookings of a slot window. Not thread-safe: only the thread holding the writer role touches
 * one. Appending and taking the head are O(1) and allocate nothing once the ring has grown to
 * the line's size; removing from the middle or inserting by join order is O(n), which is fine
 * for the rare operations that do it (cancel, postpone, a rejoin that keeps its place).
 */
final class LongRing {
  private long[] buf;
  private int head;
  private int size;

  LongRing() {
    this(8);
  }

  LongRing(int capacity) {
    buf = new long[Math.max(4, Integer.highestOneBit(Math.max(capacity, 1) - 1) << 1)];
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** The i-th element from the head. */
  long get(int i) {
    return buf[(head + i) & (buf.length - 1)];
  }

  long peekFirst() {
    return buf[head];
  }

  void addLast(long x) {
    if (size == buf.length) {
      grow();
    }
    buf[(head + size) & (buf.length - 1)] = x;
    size++;
  }

  void clear() {
    head = 0;
    size = 0;
  }

  long removeFirst() {
    long x = buf[head];
    head = (head + 1) & (buf.length - 1);
    size--;
    return x;
  }

  /** Inserts {@code x} so that it becomes the i-th element (0 ≤ i ≤ size). */
  void insert(int i, long x) {
    if (size == buf.length) {
      grow();
    }
    int mask = buf.length - 1;
    for (int k = size; k > i; k--) {
      buf[(head + k) & mask] = buf[(head + k - 1) & mask];
    }
    buf[(head + i) & mask] = x;
    size++;
  }

  /** Removes the first element equal to {@code x}; false if there is none. */
  boolean removeFirstOccurrence(long x) {
    int mask = buf.length - 1;
    for (int i = 0; i < size; i++) {
      if (buf[(head + i) & mask] == x) {
        if (i == 0) {
          removeFirst();
          return true;
        }
        for (int k = i; k < size - 1; k++) {
          buf[(head + k) & mask] = buf[(head + k + 1) & mask];
        }
        size--;
        return true;
      }
    }
    return false;
  }

  long[] toArray() {
    long[] out = new long[size];
    for (int i = 0; i < size; i++) {
      out[i] = get(i);
    }
    return out;
  }

  private void grow() {
    long[] next = new long[buf.length * 2];
    for (int i = 0; i < size; i++) {
      next[i] = get(i);
    }
    buf = next;
    head = 0;
  }

  @Override
  public String toString() {
    return Arrays.toString(toArray());
  }
}
