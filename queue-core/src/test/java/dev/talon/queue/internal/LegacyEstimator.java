// Test-scope oracle: the engine before issue 12, kept only for DifferentialTest.
package dev.talon.queue.internal;

import dev.talon.queue.Desk;
import dev.talon.queue.DeskState;
import dev.talon.queue.Ticket;
import dev.talon.queue.TicketState;
import dev.talon.queue.spi.LineView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/*
 * Wait estimates.
 *
 * "Ahead" is what the current policy would do, not a count of the ticket's own line: the
 * estimator replays the policy on a copy of the lines (pure: select and afterCall on immutable
 * state) for a virtual desk that serves every service the open desks of the ticket's service
 * serve, until the ticket itself is chosen. No new arrivals are assumed.
 *
 * With k tickets ahead, c open desks serving the service and f of them free, the ticket is
 * called at the (k + 1 - f)-th completion among c busy desks. Service times per service are an
 * exponentially weighted mean m and variance v of measured services; completions of c desks come
 * c times as fast, so the expected wait is n·m/c with n = max(0, k + 1 - f), and its standard
 * deviation √(n·v)/c (a sum of n independent services shared by c desks). The optimistic and
 * pessimistic ends are the expectation minus and plus `spread` standard deviations, clipped at 0.
 */
final class LegacyEstimator {
  private LegacyEstimator() {}

  /** A desk standing for all open desks that serve the service (all its desks when none is open). */
  static Desk virtualDesk(LegacyDraft d, String service) {
    Set<String> services = new HashSet<>();
    for (Desk desk : d.config.desks()) {
      if (desk.serves(service) && d.desk(desk.id()).state() == DeskState.OPEN) {
        services.addAll(desk.services());
      }
    }
    if (services.isEmpty()) {
      services.add(service);
    }
    return new Desk("estimate", services);
  }

  /**
   * The tickets in the order the policy would call them at the virtual desk, up to {@code limit}
   * tickets or up to and including {@code stopAt}.
   */
  static List<Ticket> callOrder(LegacyDraft d, Desk desk, Instant now, int limit, long stopAt) {
    List<LegacyLine> eligible = new ArrayList<>();
    List<List<Ticket>> waiting = new ArrayList<>();
    for (LegacyLine l : d.lines) {
      if (l.waiting() > 0 && desk.serves(l.service())) {
        List<Ticket> ts = new ArrayList<>(l.waiting());
        l.ids().forEach(id -> {
          Ticket t = d.tickets.get(id);
          if (t.state() == TicketState.WAITING) {
            ts.add(t);
          }
        });
        eligible.add(l);
        waiting.add(ts);
      }
    }
    int[] cursor = new int[eligible.size()];
    Object state = d.policyState;
    List<Ticket> order = new ArrayList<>();
    while (order.size() < limit) {
      List<LineView> views = new ArrayList<>(eligible.size());
      for (int i = 0; i < eligible.size(); i++) {
        List<Ticket> ts = waiting.get(i);
        if (cursor[i] < ts.size()) {
          LegacyLine l = eligible.get(i);
          views.add(LineView.of(l.service(), l.lineClass(), ts.size() - cursor[i], ts.get(cursor[i])));
        }
      }
      if (views.isEmpty()) {
        break;
      }
      LegacyDraft.View view = new LegacyDraft.View(now, desk, views, state);
      LineView chosen = d.policy.select(view);
      state = d.policy.afterCall(view, chosen);
      Ticket next = chosen.head();
      order.add(next);
      for (int i = 0; i < eligible.size(); i++) {
        LegacyLine l = eligible.get(i);
        if (l.service().equals(chosen.service()) && l.lineClass().equals(chosen.lineClass())) {
          cursor[i]++;
        }
      }
      if (next.id() == stopAt) {
        break;
      }
    }
    return order;
  }

  /** Open desks serving the service, and how many of them are free. */
  static int[] desks(LegacyDraft d, String service) {
    int open = 0;
    int free = 0;
    for (Desk desk : d.config.desks()) {
      LegacyFloor.Desk status = d.desk(desk.id());
      if (desk.serves(service) && status.state() == DeskState.OPEN) {
        open++;
        if (status.current() == 0) {
          free++;
        }
      }
    }
    return new int[] {open, free};
  }

  /** Expected, optimistic and pessimistic waits in seconds for a ticket with {@code ahead} before it. */
  static double[] waitSeconds(LegacyDraft d, String service, List<Ticket> ahead, int open, int free) {
    int c = Math.max(1, open);
    int n = Math.max(0, ahead.size() + 1 - (open == 0 ? 0 : free));
    double mean;
    double var;
    if (ahead.isEmpty()) {
      int s = d.config.indexOf(service);
      mean = d.serviceMean[s];
      var = d.serviceVar[s];
    } else {
      mean = 0;
      var = 0;
      for (Ticket t : ahead) {
        int s = d.config.indexOf(t.service());
        mean += d.serviceMean[s];
        var += d.serviceVar[s];
      }
      mean /= ahead.size();
      var /= ahead.size();
    }
    double expected = n * mean / c;
    double sd = Math.sqrt(n * var) / c;
    double z = d.config.estimation().spread();
    return new double[] {expected, Math.max(0, expected - z * sd), expected + z * sd};
  }

  static Duration seconds(double s) {
    return Duration.ofMillis(Math.round(s * 1000));
  }
}
