// Test-scope oracle: the engine before issue 12, kept only for DifferentialTest.
package dev.talon.queue.internal;

import java.util.Iterator;
import java.util.NoSuchElementException;

/*
 * Design
 * ------
 * An immutable map from non-negative long keys to non-null values. The engine keeps every
 * ticket, booking and booking window of a branch in one immutable state object and publishes a
 * new state with a single compare-and-set, so each update must return a new map that shares
 * almost everything with the old one, and the old one must stay valid forever.
 *
 * Why a radix trie. The keys are ids the engine hands out itself: mostly dense small numbers
 * (1..100,000), sometimes sparse (window indexes such as 2,000,000, or anything up to
 * Long.MAX_VALUE). A bitmapped 32-way radix trie on the key's own bits (a hash array mapped
 * trie whose "hash" is the key) needs no hashing, no collision handling, no rebalancing and no
 * boxing of keys, and because the key bits are consumed from the most significant level down,
 * an in-order walk of the trie visits the keys in ascending order for free. Each level consumes
 * 5 bits; a node has an int bitmap of the children present and a compact Object[] holding only
 * those children, so child i of a node lives at Integer.bitCount(bitmap & ((1 << i) - 1)).
 * Sparse keys therefore cost only the nodes on their own path; dense keys fill nodes of 32.
 *
 * Depth. Like Clojure's PersistentVector the root covers keys below 2^(shift + 5) and grows a
 * level (the old root becomes child 0 of a new root) when a larger key arrives; removing the
 * larger keys lets it shrink back. 100,000 ids need 4 levels; the full 63-bit range needs 13.
 * Leaves (shift 0) hold the values themselves in their slots.
 *
 * Cost. get is a loop of at most 13 (typically 4) steps with no allocation. put and remove copy
 * exactly the path from the root to the leaf: one small node per level (at most 32 slots each),
 * plus the map header, so O(log32 n) time and allocation; every untouched subtree is shared.
 * size is stored, so it is O(1). forEach and values() walk the trie with an explicit stack, in
 * ascending key order; firstKey and lastKey follow the leftmost or rightmost path.
 *
 * Thread safety. All fields are final and no array is written after the node that owns it has
 * been built, so any version can be read by any number of threads without locks.
 */

/**
 * An immutable (persistent) map from non-negative {@code long} keys to non-null values, kept in
 * ascending key order; every update returns a new map sharing structure with this one.
 *
 * @param <V> the value type
 */
public final class LegacyPersistentLongMap<V> {

  /** Receives one entry of a {@link #forEach} walk. */
  @FunctionalInterface
  public interface Entry<V> {
    void accept(long key, V value);
  }

  private static final int BITS = 5;
  private static final int MASK = (1 << BITS) - 1;

  private static final LegacyPersistentLongMap<Object> EMPTY = new LegacyPersistentLongMap<>(null, 0, 0);

  /** The root node, or null when the map is empty. */
  private final Node root;
  /** The shift of the root level: the root covers keys below 2^(shift + 5). */
  private final int shift;
  private final int size;

  private LegacyPersistentLongMap(Node root, int shift, int size) {
    this.root = root;
    this.shift = shift;
    this.size = size;
  }

  /** Returns the empty map (a shared instance). */
  @SuppressWarnings("unchecked")
  public static <V> LegacyPersistentLongMap<V> empty() {
    return (LegacyPersistentLongMap<V>) EMPTY;
  }

  /** Returns the value mapped to {@code key}, or null when there is none. */
  @SuppressWarnings("unchecked")
  public V get(long key) {
    checkKey(key);
    Node node = root;
    if (node == null || !fits(key, shift)) {
      return null;
    }
    for (int s = shift; ; s -= BITS) {
      int bit = 1 << ((int) (key >>> s) & MASK);
      int bitmap = node.bitmap;
      if ((bitmap & bit) == 0) {
        return null;
      }
      Object child = node.slots[Integer.bitCount(bitmap & (bit - 1))];
      if (s == 0) {
        return (V) child;
      }
      node = (Node) child;
    }
  }

  /** Returns true when {@code key} is mapped. */
  public boolean containsKey(long key) {
    return get(key) != null;
  }

  /**
   * Returns a map with {@code key} mapped to {@code value}; returns this map when that very
   * value instance is already mapped to the key.
   */
  public LegacyPersistentLongMap<V> put(long key, V value) {
    checkKey(key);
    if (value == null) {
      throw new NullPointerException("value");
    }
    Node r = root;
    if (r == null) {
      int s = shiftFor(key);
      return new LegacyPersistentLongMap<>((Node) chain(key, s, value), s, 1);
    }
    int rootShift = shift;
    while (!fits(key, rootShift)) {
      // Grow a level: the old root becomes child 0 (all its keys have zero bits up here).
      r = new Node(1, new Object[] {r});
      rootShift += BITS;
    }

    Node[] path = new Node[rootShift / BITS + 1];
    Node node = r;
    int depth = 0;
    int s = rootShift;
    Node replacement;
    int newSize = size;
    while (true) {
      path[depth] = node;
      int bit = 1 << ((int) (key >>> s) & MASK);
      int idx = Integer.bitCount(node.bitmap & (bit - 1));
      if ((node.bitmap & bit) == 0) {
        replacement = node.insert(bit, idx, chain(key, s - BITS, value));
        newSize++;
        break;
      }
      Object child = node.slots[idx];
      if (s == 0) {
        if (child == value) {
          return this;
        }
        replacement = node.replace(idx, value);
        break;
      }
      node = (Node) child;
      s -= BITS;
      depth++;
    }
    // Copy the path upwards, each parent pointing at the fresh child.
    for (int d = depth - 1; d >= 0; d--) {
      s += BITS;
      Node parent = path[d];
      int bit = 1 << ((int) (key >>> s) & MASK);
      replacement = parent.replace(Integer.bitCount(parent.bitmap & (bit - 1)), replacement);
    }
    return new LegacyPersistentLongMap<>(replacement, rootShift, newSize);
  }

  /** Returns a map without {@code key}; returns this map when the key is not mapped. */
  public LegacyPersistentLongMap<V> remove(long key) {
    checkKey(key);
    Node r = root;
    if (r == null || !fits(key, shift)) {
      return this;
    }
    Node[] path = new Node[shift / BITS + 1];
    Node node = r;
    int depth = 0;
    int s = shift;
    while (true) {
      path[depth] = node;
      int bit = 1 << ((int) (key >>> s) & MASK);
      if ((node.bitmap & bit) == 0) {
        return this;
      }
      if (s == 0) {
        break;
      }
      node = (Node) node.slots[Integer.bitCount(node.bitmap & (bit - 1))];
      s -= BITS;
      depth++;
    }
    if (size == 1) {
      return empty();
    }
    // Copy the path upwards; a node left without children disappears from its parent.
    Node replacement = null;
    for (int d = depth; d >= 0; d--) {
      Node n = path[d];
      int bit = 1 << ((int) (key >>> s) & MASK);
      int idx = Integer.bitCount(n.bitmap & (bit - 1));
      if (replacement == null) {
        replacement = n.bitmap == bit ? null : n.delete(bit, idx);
      } else {
        replacement = n.replace(idx, replacement);
      }
      s += BITS;
    }
    // The map is not empty, so the root survived. Drop levels that only hold child 0.
    int rootShift = shift;
    while (rootShift > 0 && replacement.bitmap == 1) {
      replacement = (Node) replacement.slots[0];
      rootShift -= BITS;
    }
    return new LegacyPersistentLongMap<>(replacement, rootShift, size - 1);
  }

  /** Returns the number of entries (O(1)). */
  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  /** Returns the smallest key, or -1 when the map is empty. */
  public long firstKey() {
    Node node = root;
    if (node == null) {
      return -1;
    }
    long key = 0;
    for (int s = shift; ; s -= BITS) {
      key |= ((long) Integer.numberOfTrailingZeros(node.bitmap)) << s;
      if (s == 0) {
        return key;
      }
      node = (Node) node.slots[0];
    }
  }

  /** Returns the largest key, or -1 when the map is empty. */
  public long lastKey() {
    Node node = root;
    if (node == null) {
      return -1;
    }
    long key = 0;
    for (int s = shift; ; s -= BITS) {
      key |= ((long) (31 - Integer.numberOfLeadingZeros(node.bitmap))) << s;
      if (s == 0) {
        return key;
      }
      node = (Node) node.slots[node.slots.length - 1];
    }
  }

  /** Calls {@code action} for every entry, in ascending key order. */
  @SuppressWarnings("unchecked")
  public void forEach(Entry<V> action) {
    if (root == null) {
      return;
    }
    if (shift == 0) {
      // A single leaf: the common case for small maps, no stack needed.
      int bits = root.bitmap;
      Object[] slots = root.slots;
      for (int i = 0; bits != 0; i++, bits &= bits - 1) {
        action.accept(Integer.numberOfTrailingZeros(bits), (V) slots[i]);
      }
      return;
    }
    Walker w = new Walker(root, shift);
    while (w.hasNext()) {
      action.accept(w.key(), (V) w.value());
      w.advance();
    }
  }

  /** Returns an iterator over the values in ascending key order. */
  public Iterator<V> values() {
    return new Iterator<V>() {
      private final Walker walker = root == null ? null : new Walker(root, shift);

      @Override
      public boolean hasNext() {
        return walker != null && walker.hasNext();
      }

      @Override
      @SuppressWarnings("unchecked")
      public V next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        V value = (V) walker.value();
        walker.advance();
        return value;
      }
    };
  }

  private static boolean fits(long key, int shift) {
    // Two shifts: Java masks a long shift distance to 6 bits, and shift + 5 may reach 65.
    return ((key >>> shift) >>> BITS) == 0;
  }

  /** The smallest root shift whose level covers {@code key}. */
  private static int shiftFor(long key) {
    int bits = 64 - Long.numberOfLeadingZeros(key);
    return bits <= BITS ? 0 : ((bits - 1) / BITS) * BITS;
  }

  /** Builds the single-entry subtree for {@code key} whose top level has shift {@code top}. */
  private static Object chain(long key, int top, Object value) {
    Object sub = value;
    for (int s = 0; s <= top; s += BITS) {
      sub = new Node(1 << ((int) (key >>> s) & MASK), new Object[] {sub});
    }
    return sub;
  }

  private static void checkKey(long key) {
    if (key < 0) {
      throw new IllegalArgumentException("key must be >= 0, was " + key);
    }
  }

  /** One trie node: the bitmap of present children and those children, in index order. */
  private static final class Node {
    final int bitmap;
    final Object[] slots;

    Node(int bitmap, Object[] slots) {
      this.bitmap = bitmap;
      this.slots = slots;
    }

    Node replace(int idx, Object child) {
      Object[] copy = slots.clone();
      copy[idx] = child;
      return new Node(bitmap, copy);
    }

    Node insert(int bit, int idx, Object child) {
      Object[] copy = new Object[slots.length + 1];
      System.arraycopy(slots, 0, copy, 0, idx);
      copy[idx] = child;
      System.arraycopy(slots, idx, copy, idx + 1, slots.length - idx);
      return new Node(bitmap | bit, copy);
    }

    Node delete(int bit, int idx) {
      Object[] copy = new Object[slots.length - 1];
      System.arraycopy(slots, 0, copy, 0, idx);
      System.arraycopy(slots, idx + 1, copy, idx, copy.length - idx);
      return new Node(bitmap & ~bit, copy);
    }
  }

  /**
   * An in-order cursor over the leaves: per level the node, the slot position and the bits of
   * the children not yet visited (whose lowest set bit is the current child's index).
   */
  private static final class Walker {
    private final Node[] nodes;
    private final int[] pos;
    private final int[] remaining;
    private final long[] prefix;
    private final int leaf;
    private boolean done;

    Walker(Node root, int shift) {
      int levels = shift / BITS + 1;
      nodes = new Node[levels];
      pos = new int[levels];
      remaining = new int[levels];
      prefix = new long[levels];
      leaf = levels - 1;
      nodes[0] = root;
      remaining[0] = root.bitmap;
      descend(1);
    }

    /** Fills levels {@code from..leaf} with the leftmost path below level {@code from - 1}. */
    private void descend(int from) {
      for (int d = from; d <= leaf; d++) {
        int up = d - 1;
        int s = (leaf - up) * BITS;
        prefix[d] = prefix[up] | ((long) Integer.numberOfTrailingZeros(remaining[up])) << s;
        Node child = (Node) nodes[up].slots[pos[up]];
        nodes[d] = child;
        pos[d] = 0;
        remaining[d] = child.bitmap;
      }
    }

    boolean hasNext() {
      return !done;
    }

    long key() {
      return prefix[leaf] | Integer.numberOfTrailingZeros(remaining[leaf]);
    }

    Object value() {
      return nodes[leaf].slots[pos[leaf]];
    }

    void advance() {
      int d = leaf;
      while (true) {
        remaining[d] &= remaining[d] - 1;
        pos[d]++;
        if (remaining[d] != 0) {
          break;
        }
        if (d == 0) {
          done = true;
          return;
        }
        d--;
      }
      descend(d + 1);
    }
  }
}
