// Test-scope oracle: the engine before issue 12, kept only for DifferentialTest.
package dev.talon.queue.internal;

import java.util.NoSuchElementException;
import java.util.function.LongConsumer;

/*
 * Design
 * ------
 * An immutable deque of primitive longs: the ticket ids of one line, first in line first. The
 * engine swaps whole immutable states with one compare-and-set, so every update returns a new
 * deque, shares what it can with the old one and leaves the old one untouched forever.
 *
 * It is a banker's deque in three parts, read in this order:
 *
 *   head   a singly linked list of nodes, in order; addFirst conses onto it (O(1));
 *   front  a slice front[frontPos..] of a long[] that is never written after it is built;
 *          removeFirst just moves frontPos on (one small header object, no copying);
 *   back   a singly linked list of nodes in REVERSE order; addLast conses onto it (O(1)).
 *
 * When removeFirst empties head and front while back still holds elements, the back list is
 * reversed into one fresh long[] that becomes the new front (one allocation for n elements
 * instead of n nodes). This is done eagerly, so whenever the deque is not empty its first
 * element is in head or front, and peekFirst is O(1). Each element is moved from back to front
 * at most once, so a sequence of operations applied to successive versions costs amortised O(1)
 * per operation. removeFirstOccurrence is O(n): it flattens the deque into one array.
 *
 * The amortisation caveat. Amortised bounds of a banker's deque assume linear use: every version
 * is updated at most once. A persistent deque may be updated many times from the same version:
 * calling removeFirst repeatedly on one old version whose front is about to run out repeats the
 * O(n) reversal every time, because the result cannot be memoised in an immutable object without
 * laziness (Okasaki's real-time deques pay for that guarantee with suspensions and scheduling).
 * The engine uses versions almost linearly (one committed successor per state; a lost CAS throws
 * its attempt away and retries on the newer state), so the rare repeated reversal is accepted.
 *
 * Thread safety. All fields are final and no array or node is written after construction.
 */

/** An immutable (persistent) deque of primitive {@code long}s; every update returns a new deque. */
public final class LegacyLongDeque {

  private static final long[] NO_LONGS = new long[0];
  private static final LegacyLongDeque EMPTY = new LegacyLongDeque(null, NO_LONGS, 0, null, 0, 0);

  /** Elements added by addFirst, in order; null when none. */
  private final Node head;
  /** The middle part: front[frontPos..front.length), in order. Never written. */
  private final long[] front;
  private final int frontPos;
  /** Elements added by addLast, newest first; null when none. */
  private final Node back;
  private final int backSize;
  private final int size;

  private LegacyLongDeque(Node head, long[] front, int frontPos, Node back, int backSize, int size) {
    this.head = head;
    this.front = front;
    this.frontPos = frontPos;
    this.back = back;
    this.backSize = backSize;
    this.size = size;
  }

  /** Returns the empty deque (a shared instance). */
  public static LegacyLongDeque empty() {
    return EMPTY;
  }

  /** Returns a deque with {@code v} added after the last element. */
  public LegacyLongDeque addLast(long v) {
    if (size == 0) {
      return new LegacyLongDeque(new Node(v, null), NO_LONGS, 0, null, 0, 1);
    }
    return new LegacyLongDeque(head, front, frontPos, new Node(v, back), backSize + 1, size + 1);
  }

  /** Returns a deque with {@code v} added before the first element. */
  public LegacyLongDeque addFirst(long v) {
    return new LegacyLongDeque(new Node(v, head), front, frontPos, back, backSize, size + 1);
  }

  /** Returns the first element; throws NoSuchElementException when the deque is empty. */
  public long peekFirst() {
    if (head != null) {
      return head.value;
    }
    if (frontPos < front.length) {
      return front[frontPos];
    }
    throw emptyDeque();
  }

  /** Returns a deque without its first element; throws NoSuchElementException when empty. */
  public LegacyLongDeque removeFirst() {
    if (size == 0) {
      throw emptyDeque();
    }
    if (size == 1) {
      return EMPTY;
    }
    Node newHead = head;
    int newPos = frontPos;
    if (newHead != null) {
      newHead = newHead.next;
    } else {
      newPos++;
    }
    if (newHead == null && newPos == front.length && back != null) {
      // Head and front are used up: reverse the back list into the new front.
      return new LegacyLongDeque(null, reversed(back, backSize), 0, null, 0, size - 1);
    }
    return new LegacyLongDeque(newHead, front, newPos, back, backSize, size - 1);
  }

  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  /** Calls {@code action} for every element, first to last. */
  public void forEach(LongConsumer action) {
    for (Node n = head; n != null; n = n.next) {
      action.accept(n.value);
    }
    for (int i = frontPos; i < front.length; i++) {
      action.accept(front[i]);
    }
    if (back != null) {
      for (long v : reversed(back, backSize)) {
        action.accept(v);
      }
    }
  }

  /** Returns a deque without the first occurrence of {@code v}; returns this when absent. */
  public LegacyLongDeque removeFirstOccurrence(long v) {
    if (size > 0 && peekFirst() == v) {
      return removeFirst(); // the common case (a call takes the head) stays amortised O(1)
    }
    long[] all = toArray();
    int at = -1;
    for (int i = 0; i < all.length; i++) {
      if (all[i] == v) {
        at = i;
        break;
      }
    }
    if (at < 0) {
      return this;
    }
    if (size == 1) {
      return EMPTY;
    }
    if (at == 0) {
      return removeFirst();
    }
    long[] rest = new long[all.length - 1];
    System.arraycopy(all, 0, rest, 0, at);
    System.arraycopy(all, at + 1, rest, at, rest.length - at);
    return new LegacyLongDeque(null, rest, 0, null, 0, rest.length);
  }

  /** Returns the elements, first to last, in a new array. */
  public long[] toArray() {
    long[] out = new long[size];
    int i = 0;
    for (Node n = head; n != null; n = n.next) {
      out[i++] = n.value;
    }
    int middle = front.length - frontPos;
    System.arraycopy(front, frontPos, out, i, middle);
    i += middle;
    int j = size;
    for (Node n = back; n != null; n = n.next) {
      out[--j] = n.value;
    }
    return out;
  }

  private static long[] reversed(Node back, int count) {
    long[] out = new long[count];
    int j = count;
    for (Node n = back; n != null; n = n.next) {
      out[--j] = n.value;
    }
    return out;
  }

  private static NoSuchElementException emptyDeque() {
    return new NoSuchElementException("deque is empty");
  }

  /** A cons cell of an immutable singly linked list. */
  private static final class Node {
    final long value;
    final Node next;

    Node(long value, Node next) {
      this.value = value;
      this.next = next;
    }
  }
}
