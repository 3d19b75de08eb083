package dev.talon.queue.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/*
 * A set of immutable records by increasing id (live holds, waiting visitors) that the writer
 * changes and any thread reads whole without waiting for the writer.
 *
 * The records live in a Slab (release stores, acquire loads). A Slab's forEach alone would let a
 * reader that races a change see a mix that never existed (hold 1 not yet added, hold 2 already
 * added), so changes are bracketed by a version, as in a sequence lock: the writer makes it odd
 * before a change and even after it, with release stores; a reader takes an even version, copies
 * the records, and takes the version again: if it is unchanged, no change overlapped the copy and
 * the copy is a state the set was in. Else it tries again. A reader takes no lock and never waits
 * for the writer's queue of operations: it can only be held up by a change in progress, a few
 * stores long (a writer descheduled in the middle of one is waited out with Thread.yield), or by a
 * writer that changes the set again before every copy ends, which the engine's writer, with an
 * operation's other work between changes, does not do for long.
 */
final class PublishedSet<T> {
  private static final VarHandle VERSION;
  private static final int SPINS = 64;

  static {
    try {
      VERSION = MethodHandles.lookup().findVarHandle(PublishedSet.class, "version", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Slab<T> records = new Slab<>();
  @SuppressWarnings("unused") // through VERSION
  private volatile long version;

  /** The writer only. */
  void put(long id, T value) {
    long v = version;
    VERSION.setRelease(this, v + 1);
    VarHandle.storeStoreFence(); // the odd version is visible before the record's store
    records.put(id, value);
    VERSION.setRelease(this, v + 2); // the record's store happens before the even version
  }

  /** The writer only. */
  void remove(long id) {
    long v = version;
    VERSION.setRelease(this, v + 1);
    VarHandle.storeStoreFence();
    records.remove(id);
    records.compact();
    VERSION.setRelease(this, v + 2);
  }

  /** The record with this id, or null; any thread. */
  T get(long id) {
    return records.get(id);
  }

  /** The records in id order, as of one moment between changes (see the design note); any thread. */
  List<T> read() {
    List<T> out = new ArrayList<>();
    for (int tries = 0; ; tries++) {
      long before = (long) VERSION.getAcquire(this);
      out.clear();
      records.forEach(out::add);
      VarHandle.loadLoadFence(); // the record loads above happen before the second look at the version
      if ((before & 1) == 0 && (long) VERSION.getAcquire(this) == before) {
        return List.copyOf(out);
      }
      if (tries < SPINS) {
        Thread.onSpinWait();
      } else {
        Thread.yield();
      }
    }
  }
}
