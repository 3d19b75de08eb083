package dev.talon.queue.bench.sim;

import dev.talon.queue.QueueEvent;
import dev.talon.queue.QueueEvent.CallReturned;
import dev.talon.queue.QueueEvent.TicketCalled;
import dev.talon.queue.QueueEvent.TicketCancelled;
import dev.talon.queue.QueueEvent.TicketIssued;
import dev.talon.queue.spi.QueueListener;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/*
 * Watches the engine's event stream of one run: how many tickets wait in each line class, and
 * how often each ticket was bypassed.
 *
 * Bypass, as the Bypass javadoc defines it: while a ticket waits, count the tickets that joined
 * later (higher joinSeq) and were called before it by desks that serve its service. A call by a
 * desk serving services S bypasses every waiting ticket of a service in S with a lower joinSeq.
 * Counting that directly costs O(waiting) per call, which is too slow for surge mornings and
 * 100,000-visitor validation runs, so each service keeps a Fenwick tree over joinSeq of the calls
 * made by desks serving it: the number of such calls with joinSeq > j is total - prefix(j). A
 * ticket's bypass is that number when it stops waiting minus the same number when it started
 * (again, after a call handed back), both O(log n).
 */
final class RunObserver implements QueueListener {
  private final Map<String, Integer> serviceIndex;
  private final Map<String, int[]> deskServices;
  private final Fenwick[] calledLater;
  private final Map<String, Integer> waitingByClass = new TreeMap<>();

  private int[] service = new int[0];
  private long[] joinSeq = new long[0];
  private String[] lineClass = new String[0];
  private long[] baseline = new long[0];
  private long[] bypass = new long[0];
  private boolean[] waiting = new boolean[0];

  RunObserver(Scenario scenario, int expectedTickets) {
    serviceIndex = new TreeMap<>();
    for (int i = 0; i < scenario.services().size(); i++) {
      serviceIndex.put(scenario.services().get(i).code(), i);
    }
    deskServices = new TreeMap<>();
    for (Scenario.DeskSpec d : scenario.desks()) {
      deskServices.put(d.id(), d.services().stream().mapToInt(serviceIndex::get).toArray());
    }
    calledLater = new Fenwick[serviceIndex.size()];
    for (int i = 0; i < calledLater.length; i++) {
      calledLater[i] = new Fenwick(expectedTickets + 1);
    }
  }

  @Override
  public void onEvents(String branchId, List<QueueEvent> events) {
    for (QueueEvent e : events) {
      if (e instanceof TicketIssued i) {
        int id = (int) i.ticketId();
        grow(id);
        service[id] = serviceIndex.get(i.service());
        joinSeq[id] = i.joinSeq();
        lineClass[id] = i.line();
        startWaiting(id);
      } else if (e instanceof TicketCalled c) {
        int id = (int) c.ticketId();
        stopWaiting(id);
        for (int s : deskServices.get(c.desk())) {
          calledLater[s].add(joinSeq[id]);
        }
      } else if (e instanceof TicketCancelled c) {
        stopWaiting((int) c.ticketId());
      } else if (e instanceof CallReturned r) {
        startWaiting((int) r.ticketId());
      }
    }
  }

  private void startWaiting(int id) {
    baseline[id] = calledLater[service[id]].countAbove(joinSeq[id]);
    waiting[id] = true;
    waitingByClass.merge(lineClass[id], 1, Integer::sum);
  }

  private void stopWaiting(int id) {
    if (!waiting[id]) {
      return;
    }
    bypass[id] += calledLater[service[id]].countAbove(joinSeq[id]) - baseline[id];
    waiting[id] = false;
    waitingByClass.merge(lineClass[id], -1, Integer::sum);
  }

  private void grow(int id) {
    if (id < service.length) {
      return;
    }
    int n = Math.max(id + 1, service.length * 2);
    service = Arrays.copyOf(service, n);
    joinSeq = Arrays.copyOf(joinSeq, n);
    lineClass = Arrays.copyOf(lineClass, n);
    baseline = Arrays.copyOf(baseline, n);
    bypass = Arrays.copyOf(bypass, n);
    waiting = Arrays.copyOf(waiting, n);
  }

  /** How many later tickets were called before this one while it waited (so far). */
  long bypassOf(long ticketId) {
    int id = (int) ticketId;
    return bypass[id] + (waiting[id] ? calledLater[service[id]].countAbove(joinSeq[id]) - baseline[id] : 0);
  }

  /** Tickets waiting now, per line class (classes seen so far, also when 0). */
  Map<String, Integer> waitingByClass() {
    return waitingByClass;
  }

  /** A Fenwick (binary indexed) tree counting points 1..n; grows when a larger point arrives. */
  static final class Fenwick {
    private long[] tree;
    private long total;

    Fenwick(int n) {
      tree = new long[Math.max(2, n + 1)];
    }

    void add(long point) {
      if (point >= tree.length) {
        long[] old = tree;
        tree = new long[(int) Math.max(point + 1, old.length * 2L)];
        // rebuild: recover each point count from the old tree, then re-add
        for (int i = 1; i < old.length; i++) {
          long count = prefix(old, i) - prefix(old, i - 1);
          for (int j = i; j < tree.length && count != 0; j += j & -j) {
            tree[j] += count;
          }
        }
      }
      for (int i = (int) point; i < tree.length; i += i & -i) {
        tree[i]++;
      }
      total++;
    }

    /** How many points are greater than {@code point}. */
    long countAbove(long point) {
      return total - prefix(tree, (int) Math.min(point, tree.length - 1));
    }

    private static long prefix(long[] t, int i) {
      long sum = 0;
      for (; i > 0; i -= i & -i) {
        sum += t[i];
      }
      return sum;
    }
  }
}
