package dev.talon.queue.bench;

import java.util.Comparator;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The JDK queues the engine is measured against, doing the equivalent of issue + call: offer a
 * new waiting entry (a small object with its line's priority and a sequence number from a shared
 * counter, as a ticket gets an id) and poll the one to call next, highest priority first and FIFO
 * within a priority. {@link ConcurrentLinkedQueue} ignores priority: it is the FIFO floor.
 */
final class BaselineQueues {
  /** The names used in {@link BaselineQueueBenchmark#queue}. */
  static final String PBQ = "PriorityBlockingQueue";
  static final String CSLM = "ConcurrentSkipListMap";
  static final String SYNC_PQ = "SynchronizedPriorityQueue";
  static final String CLQ = "ConcurrentLinkedQueue";

  private BaselineQueues() {}

  /** A waiting entry: its line's priority (0 is called first) and its place in issue order. */
  record Waiting(int priority, long seq) {}

  private static final Comparator<Waiting> ORDER =
      Comparator.comparingInt(Waiting::priority).thenComparingLong(Waiting::seq);

  /** One baseline queue. Thread-safe. */
  abstract static class Queue {
    private final AtomicLong seq = new AtomicLong();

    /** Adds an entry of the line with this priority. */
    final void offer(int priority) {
      add(new Waiting(priority, seq.getAndIncrement()));
    }

    abstract void add(Waiting w);

    /** Removes and returns the entry to call next, or null when none waits. */
    abstract Waiting poll();
  }

  /** The baseline queue with this benchmark name. */
  static Queue named(String name) {
    return switch (name) {
      case PBQ -> new Concurrent(new PriorityBlockingQueue<>(2 * EngineFixture.WAITING, ORDER));
      case CSLM -> new SkipList();
      case SYNC_PQ -> new Synchronized();
      case CLQ -> new Concurrent(new ConcurrentLinkedQueue<>());
      default -> throw new IllegalArgumentException("unknown baseline queue \"" + name + "\"; known: "
          + String.join(", ", PBQ, CSLM, SYNC_PQ, CLQ));
    };
  }

  /** A thread-safe JDK queue used as it is: the priority queue or the FIFO floor. */
  private static final class Concurrent extends Queue {
    private final java.util.Queue<Waiting> queue;

    Concurrent(java.util.Queue<Waiting> queue) {
      this.queue = queue;
    }

    @Override
    void add(Waiting w) {
      queue.offer(w);
    }

    @Override
    Waiting poll() {
      return queue.poll();
    }
  }

  /** Keyed by priority and sequence; the entry is its own key. */
  private static final class SkipList extends Queue {
    private final ConcurrentSkipListMap<Waiting, Boolean> map = new ConcurrentSkipListMap<>(ORDER);

    @Override
    void add(Waiting w) {
      map.put(w, Boolean.TRUE);
    }

    @Override
    Waiting poll() {
      Map.Entry<Waiting, Boolean> first = map.pollFirstEntry();
      return first == null ? null : first.getKey();
    }
  }

  private static final class Synchronized extends Queue {
    private final PriorityQueue<Waiting> queue = new PriorityQueue<>(2 * EngineFixture.WAITING, ORDER);

    @Override
    void add(Waiting w) {
      synchronized (queue) {
        queue.offer(w);
      }
    }

    @Override
    Waiting poll() {
      synchronized (queue) {
        return queue.poll();
      }
    }
  }
}
