package dev.talon.queue.bench.sim;

import dev.talon.queue.QueueEvent;
import dev.talon.queue.QueueEvent.CallReturned;
import dev.talon.queue.QueueEvent.TicketCalled;
import dev.talon.queue.QueueEvent.TicketCancelled;
import dev.talon.queue.QueueEvent.TicketIssued;
import dev.talon.queue.spi.QueueListener;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/*
 * Watches the engine's event stream of one run: how many tickets wait in each line class, and
 * how far each ticket was bypassed.
 *
 * Bypass, as the Bypass javadoc defines it, per turn: a turn of a waiting ticket T at a desk D
 * that serves T's service runs from T joining (or D's last call of T's line class, if later) to
 * D's next call of T's line class; its bypass is the number of tickets that joined after T that D
 * calls in it (the call ending it included). A ticket's bypass is the largest over its turns at
 * every desk. A call costs O(tickets waiting for the desk's services), fine for surge mornings and
 * for the validation runs, whose queues stay short.
 */
final class RunObserver implements QueueListener {
  private final Map<String, Integer> serviceIndex;
  private final Map<String, Integer> deskIndex;
  private final boolean[][] deskServes;
  private final Map<String, Integer> waitingByClass = new TreeMap<>();
  private final Set<Integer> waitingNow = new LinkedHashSet<>();

  private int[] service = new int[0];
  private long[] joinSeq = new long[0];
  private String[] lineClass = new String[0];
  private int[][] turns = new int[0][];
  private long[] bypass = new long[0];
  private boolean[] waiting = new boolean[0];

  RunObserver(Scenario scenario, int expectedTickets) {
    serviceIndex = new TreeMap<>();
    for (int i = 0; i < scenario.services().size(); i++) {
      serviceIndex.put(scenario.services().get(i).code(), i);
    }
    deskIndex = new TreeMap<>();
    deskServes = new boolean[scenario.desks().size()][serviceIndex.size()];
    for (Scenario.DeskSpec d : scenario.desks()) {
      int di = deskIndex.size();
      deskIndex.put(d.id(), di);
      d.services().forEach(s -> deskServes[di][serviceIndex.get(s)] = true);
    }
    grow(Math.max(1, expectedTickets));
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
        called(deskIndex.get(c.desk()), id);
      } else if (e instanceof TicketCancelled c) {
        stopWaiting((int) c.ticketId());
      } else if (e instanceof CallReturned r) {
        startWaiting((int) r.ticketId());
      }
    }
  }

  private void called(int desk, int x) {
    for (int t : waitingNow) {
      if (!deskServes[desk][service[t]]) {
        continue;
      }
      int n = turns[t][desk];
      if (joinSeq[x] > joinSeq[t]) {
        n++;
        bypass[t] = Math.max(bypass[t], n);
      }
      turns[t][desk] = lineClass[x].equals(lineClass[t]) ? 0 : n; // a call of its class starts a new turn
    }
  }

  private void startWaiting(int id) {
    turns[id] = new int[deskIndex.size()];
    waiting[id] = true;
    waitingNow.add(id);
    waitingByClass.merge(lineClass[id], 1, Integer::sum);
  }

  private void stopWaiting(int id) {
    if (!waiting[id]) {
      return;
    }
    waiting[id] = false;
    waitingNow.remove(id);
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
    turns = Arrays.copyOf(turns, n);
    bypass = Arrays.copyOf(bypass, n);
    waiting = Arrays.copyOf(waiting, n);
  }

  /** The most later tickets called before this one in one of its turns (so far). */
  long bypassOf(long ticketId) {
    return bypass[(int) ticketId];
  }

  /** Tickets waiting now, per line class (classes seen so far, also when 0). */
  Map<String, Integer> waitingByClass() {
    return waitingByClass;
  }
}
