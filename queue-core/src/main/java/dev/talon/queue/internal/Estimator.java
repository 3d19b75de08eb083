package dev.talon.queue.internal;

import dev.talon.queue.Booking;
import dev.talon.queue.BookingState;
import dev.talon.queue.Desk;
import dev.talon.queue.DeskState;
import dev.talon.queue.Origin;
import dev.talon.queue.Ticket;
import dev.talon.queue.TicketState;
import dev.talon.queue.WaitEstimate;
import dev.talon.queue.spi.LineView;
import dev.talon.queue.spi.TicketFacts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import dev.talon.queue.spi.Policy;

/*
 * Wait estimates.
 *
 * Branch.estimate (estimate below): a replay of the desks. The estimate follows the open desks
 * themselves, not a desk count: every open desk (closed and paused desks call nobody) takes, when
 * it becomes free, the ticket the policy would give it (select and afterCall on the published
 * policy state, for that desk's own services), from copies of the lines, until the ticket itself
 * is taken; no new arrivals are assumed. So a desk shared by several services serves the work
 * ahead of the ticket in the policy's order, and the desks that serve only other services take
 * their share of it (issue 13, defect A: the old estimate counted every queue a shared desk
 * serves but divided by the desks of the ticket's own service).
 *
 * Time in the replay. A desk's call lasts m(s), the mean desk time per served call of the
 * ticket's service s, from call to release (walk and service): today's served calls, read from
 * the ticket records, blended with the engine's moving mean of service times (which starts at the
 * configured default) as PRIOR_CALLS calls, so that it follows the configured mean while few calls
 * are measured. Completions are taken as memoryless: once the free desks have taken their first
 * tickets at time 0, the c busy desks of the ticket's pool (those that serve its service) finish
 * at m/c, 2m/c, ..., m in order of how long each has held its ticket (the expected order
 * statistics of c exponential residuals), the other busy desks likewise among themselves, and
 * each call after that lasts its full m. For one pool of identical desks this is exactly the
 * Erlang mean (n + 1 - f)·m/c of the ticket called at the (n + 1 - f)-th completion.
 *
 * Leaving. A ticket ahead that has waited w and that the replay reaches t later is still there
 * with probability p = exp(-(H(w + t) - H(w))), H the cumulative leaving rate of today: a
 * piecewise-constant rate per ten minutes waited, the tickets that left in the bin (cancelled
 * uncalled, or found gone when called: a no-show, counted at its call) over the ticket-seconds
 * waited in it (with half an hour per bin of prior waiting in which nobody left). A rate per time
 * waited, not one rate: people who have waited long leave sooner. The ticket costs its desk
 * p·m + (1 - p)·g, g what today's leavers cost a desk on average (a cancellation nothing, a
 * no-show its recalls, measured from call to no-show).
 *
 * Bookings still to come. A ticket's wait also holds the booked visitors who check in while it
 * waits and whom the policy calls first (booked-first, a ratio, strict priority). The bookings of
 * today still to check in (BOOKED, not yet past the late check-in limit) become expected tickets:
 * each arrives at its window's start plus today's mean check-in offset (blended with "at the
 * start" as PRIOR_CHECK_INS check-ins), in the line the policy classifies a booked ticket into,
 * after every real ticket in join order, and costs its desk its call time times today's show-up
 * rate (checked in over checked in and expired, blended with "all come" as PRIOR_BOOKINGS
 * bookings). A desk with nothing to call waits for the next expected ticket it serves. The policy
 * decides whether they go first: under FIFO they never do. Only those arriving within the wait
 * replayed without them are added, and the replay runs once more: iterating to a fixed point
 * (tried with two passes) put too many ahead on the bundled morning (MAE 8.2 -> 9.5, coverage 92%
 * -> 82% under booked-first), because the replay has no gaps (a desk is never idle while a booked
 * visitor is there) and so lets bookings starve a walk-in that in fact slips into the gaps. The
 * expected tickets are not counted in {@code ahead}, which stays "tickets waiting now".
 *
 * Range. The wait is the time of the k-th completion on the c desks serving the ticket's service
 * (k counted in the replay). The first c completions are as variable as exponential ones (the
 * residual times of busy desks), each later one as a service time (a renewal process: relative
 * variance cv²/k, cv² of today's served calls blended with the engine's moving variance), so the
 * wait's squared coefficient of variation is v = (min(k, c) + max(0, k - c)·cv²) / k². To that
 * come two model errors: the expected bookings called ahead, b of them (each counted by the
 * show-up rate), whose number is as uncertain as it is large (relative error EXPECTED_ERROR·b/k),
 * and α = MODEL_ERROR for what the replay leaves out (walk-ins a policy puts ahead, a desk back
 * from a break, leaving rates from few observations). The range is that of a Gamma distribution
 * with the replay's mean and shape 1 / (v + (b/k)² + α²) at the quantiles Φ(∓spread)
 * (Wilson–Hilferty): the stated coverage is 2Φ(spread) - 1, 90% with the default spread of 1.64.
 * Calibrated on the simulator's scenarios (estimate at issue against the wait until the call):
 * with one α for everything, 0.2 covered 98% under FIFO on the bundled morning and 0.14 left
 * booked-first at 87% (its walk-ins' errors come from bookings still to come); with the bookings'
 * own term, α = 0.1 holds 91–95% on every bundled policy of the morning, 93% on the booking-only
 * day and 89–91% on the steady repros and mmc-validation (README, "How the engine's estimate
 * compares").
 *
 * Mean, not median. The expected value is the replay's mean. The MAE is smallest at the
 * median; the Gamma median (the range's z = 0 point) measured 2–13% lower MAE (booking-only day
 * 4.0 -> 3.5, mmc-validation 1.16 -> 1.13, the morning 3–5% lower), but it would change what
 * expected() means (a ten-minute call would read 7 minutes) and is left to a decision. On steady
 * M/M/c FIFO no estimator can do much better than the baseline: there (n+1)/(cμ) is the
 * conditional mean, the conditional median is the best any estimator can do, and over the
 * geometric queue an arriving ticket meets its MAE is 0.972 of the mean's at ρ = 0.6 and 0.986
 * at ρ = 0.83 (exact, Erlang(n+1) per queue length). Tried and not kept: the residual time of
 * each busy desk from how long its call has lasted (the mean excess of today's longer calls,
 * blended with the memoryless order statistics by cv²): it cut the booking-only day's MAE from
 * 4.0 to 3.7 (lognormal and triangular service) but raised the morning's by 2–18% and the
 * steady repros' by 2–3%.
 *
 * Cost. The estimate is read on every kiosk print, on any thread, without the writer role. It
 * scans the ticket records once (O(tickets held: today's and the unfinished)) and replays
 * O((tickets ahead + desks) × desks) steps in a per-thread scratch, so it allocates the returned
 * record, one line view per replayed call (the policy SPI takes immutable LineViews), a clock
 * instant per replayed call after time 0, and whatever the policy's afterCall builds. With
 * bookings still to come it scans today's bookings too, replays twice, and allocates an expected
 * ticket and its facts per booking that arrives within the wait.
 *
 * The heads-up (Tx.headsUp, on the writer) still uses the older virtual-desk estimate below.
 */
final class Estimator {
  private Estimator() {}

  /** Weight, in calls, of the engine's moving mean of service times in the desk time per call. */
  static final double PRIOR_CALLS = 3;
  /** Bins of time waited in which the leaving rate is estimated: ten minutes each, up to four hours. */
  static final int BINS = 24;
  static final double BIN_SECONDS = 600;
  /** Waiting time (seconds) per bin with nobody leaving assumed before today's, in the leaving rates. */
  static final double PRIOR_BIN_WAITED = 1800;
  /** Weight, in bookings, of the prior show-up rate (all booked visitors come) in today's measured one. */
  static final double PRIOR_BOOKINGS = 2;
  /** Weight, in check-ins, of the prior check-in time (at the window's start) in today's measured one. */
  static final double PRIOR_CHECK_INS = 3;
  /** Relative error the replay's assumptions add to the Erlang spread of the wait. */
  static final double MODEL_ERROR = 0.1;
  /** Relative error of the expected booked visitors called ahead (their count is as uncertain as it is large). */
  static final double EXPECTED_ERROR = 1;

  /** Join order of expected booked tickets: after every real ticket's (join orders count from 1), then by arrival. */
  static final long EXPECTED_JOIN = 1L << 60;

  private static final ThreadLocal<Replay> SCRATCH = ThreadLocal.withInitial(Replay::new);

  /** Any thread: the estimate of a waiting ticket at {@code now} (see the design notes above). */
  static WaitEstimate estimate(Core c, Ticket t, Instant now) {
    return SCRATCH.get().run(c, t, now);
  }

  /** The lower and upper quantile of a Gamma distribution with this mean and shape, {@code z} standard normal deviations out (Wilson–Hilferty). */
  static double gammaQuantile(double mean, double shape, double z) {
    double h = 1 / (9 * shape);
    double r = 1 - h + z * Math.sqrt(h);
    return r <= 0 ? 0 : mean * r * r * r;
  }

  /**
   * One thread's replay: scratch arrays reused from one estimate to the next (grown when a day
   * has more tickets, lines or desks than before), so that an estimate allocates almost nothing.
   */
  private static final class Replay implements java.util.function.Consumer<Ticket> {
    private Core core;
    private Ticket target;
    private long nowMillis;
    // the scan
    private Ticket[] waiting = new Ticket[64];
    private int count;
    private double[] deskSeconds = new double[4];
    private double[] deskSquares = new double[4];
    private double[] calls = new double[4];
    private double[] cv2 = new double[4];
    private double leavers;
    private double noShowSeconds;
    // bookings: today's still to check in, how many came or expired, how early or late they came
    private Booking[] due = new Booking[16];
    private int dueCount;
    private int checkedIn;
    private int expired;
    private double checkInOffset;
    private int checkIns;
    private final java.util.function.Consumer<Booking> bookingScan = this::acceptBooking;
    /** The mean wait of the last replay, in milliseconds (the horizon of the expected bookings of the next). */
    private long replayedMillis;
    /** Expected booked tickets the last replay called before the ticket at its desks, each counted by its show-up rate. */
    private double expectedAhead;
    /** Share of the expected booked check-ins that come (today's, blended with all coming). */
    private double showUp;
    /** Leaving, per bin of time waited: ticket-seconds waited in the bin, tickets that left in it. */
    private final double[] exposure = new double[BINS];
    private final double[] events = new double[BINS];
    private final double[] cumulative = new double[BINS + 1];
    // lines: service, class, the range of their tickets in `sorted`, and the replay's cursor
    private String[] lineService = new String[8];
    private String[] lineClass = new String[8];
    private int[] lineOf = new int[64];
    private int[] lineStart = new int[8];
    private int[] lineSize = new int[8];
    private int[] cursor = new int[8];
    private int[] order = new int[8];
    private LineView[] views = new LineView[8];
    private int[] viewSize = new int[8];
    private int lines;
    private Ticket[] sorted = new Ticket[64];
    // desks
    private double[] free = new double[8];
    private double[] elapsed = new double[8];
    private double[] scale = new double[8];
    /** Desks with nothing to call, waiting for an expected booked visitor (free holds when one comes). */
    private boolean[] idle = new boolean[8];
    private double[] mean = new double[4];
    private final Core.ReusableView view = new Core.ReusableView();
    /** The policy's state after the last pick. */
    private Object nextState;

    WaitEstimate run(Core c, Ticket t, Instant now) {
      try {
        core = c;
        target = t;
        nowMillis = now.toEpochMilli();
        scan(c);
        group();
        WaitEstimate estimate = replay(c, t, now);
        if (dueCount == 0 || estimate.expected().isZero() || expectBookings(c, now, replayedMillis) == 0) {
          return estimate;
        }
        java.util.Arrays.fill(views, 0, lines, null);
        group();
        return replay(c, t, now);
      } finally {
        core = null;
        target = null;
        java.util.Arrays.fill(waiting, 0, count, null);
        java.util.Arrays.fill(sorted, 0, count, null);
        java.util.Arrays.fill(views, 0, lines, null);
        java.util.Arrays.fill(due, 0, dueCount, null);
        view.clear(0);
        view.state = null; // nothing of this branch stays reachable from the thread's scratch
        view.desk = null;
        nextState = null;
      }
    }

    // ---------------------------------------------------------------- what today shows

    private void scan(Core c) {
      int services = c.config.services().size();
      if (deskSeconds.length < services) {
        deskSeconds = new double[services];
        deskSquares = new double[services];
        calls = new double[services];
        cv2 = new double[services];
        mean = new double[services];
      }
      java.util.Arrays.fill(deskSeconds, 0);
      java.util.Arrays.fill(deskSquares, 0);
      java.util.Arrays.fill(calls, 0);
      count = 0;
      leavers = 0;
      noShowSeconds = 0;
      java.util.Arrays.fill(exposure, 0);
      java.util.Arrays.fill(events, 0);
      dueCount = 0;
      checkedIn = 0;
      expired = 0;
      checkInOffset = 0;
      checkIns = 0;
      c.tickets.forEach(this);
      c.bookings.forEach(bookingScan);
      double[] prior = c.serviceMean; // each array immutable once published; the two may be one finish apart
      double[] priorVar = c.serviceVar;
      for (int s = 0; s < services; s++) {
        double m = (deskSeconds[s] + PRIOR_CALLS * prior[s]) / (calls[s] + PRIOR_CALLS);
        double second = (deskSquares[s] + PRIOR_CALLS * (priorVar[s] + prior[s] * prior[s])) / (calls[s] + PRIOR_CALLS);
        mean[s] = m;
        cv2[s] = m > 0 ? Math.max(0, second / (m * m) - 1) : 1;
      }
    }

    /** One ticket record of the scan: waiting ones go to the lines, today's ones to the measurements. */
    @Override
    public void accept(Ticket t) {
      TicketState state = t.state();
      if (state == TicketState.WAITING) {
        if (count == waiting.length) {
          waiting = java.util.Arrays.copyOf(waiting, count * 2);
        }
        waiting[count++] = t;
      }
      if (!t.day().equals(target.day())) {
        return;
      }
      Instant called = t.calledAt();
      Instant ended = t.endedAt();
      if (t.bookedFor() != null && t.bookingId() != 0 && t.issuedAt() != null) {
        checkInOffset += (t.issuedAt().toEpochMilli() - t.bookedFor().toEpochMilli()) / 1000.0;
        checkIns++;
      }
      if (called != null && ended != null) {
        if (state == TicketState.DONE || state == TicketState.TRANSFERRED) {
          int s = core.config.indexOf(t.service());
          double x = (ended.toEpochMilli() - called.toEpochMilli()) / 1000.0;
          deskSeconds[s] += x;
          deskSquares[s] += x * x;
          calls[s]++;
        } else if (state == TicketState.NO_SHOW) {
          noShowSeconds += (ended.toEpochMilli() - called.toEpochMilli()) / 1000.0;
        }
      }
      Instant issued = t.issuedAt();
      if (issued == null || state == TicketState.POSTPONED) {
        return;
      }
      long end;
      boolean left;
      if (called != null) {
        end = called.toEpochMilli();
        left = state == TicketState.NO_SHOW; // gone by the call: the branch learns it then
      } else if (state == TicketState.CANCELLED && ended != null) {
        end = ended.toEpochMilli();
        left = true;
      } else if (state == TicketState.WAITING) {
        end = nowMillis;
        left = false;
      } else {
        return;
      }
      double waited = Math.max(0, end - issued.toEpochMilli()) / 1000.0;
      int last = Math.min(BINS - 1, (int) (waited / BIN_SECONDS));
      for (int b = 0; b < last; b++) {
        exposure[b] += BIN_SECONDS;
      }
      exposure[last] += waited - last * BIN_SECONDS;
      if (left) {
        events[last]++;
        leavers++;
      }
    }

    /** One booking record of the scan: today's that came or expired are counted, those still to come kept. */
    private void acceptBooking(Booking b) {
      if (!b.windowStart().toLocalDate().equals(target.day())) {
        return;
      }
      if (b.state() == BookingState.CHECKED_IN) {
        checkedIn++;
      } else if (b.state() == BookingState.EXPIRED) {
        expired++;
      } else if (b.state() == BookingState.BOOKED
          && b.startsAt().plus(core.config.limits().lateCheckIn()).toEpochMilli() > nowMillis) {
        if (dueCount == due.length) {
          due = java.util.Arrays.copyOf(due, dueCount * 2);
        }
        due[dueCount++] = b;
      }
    }

    /**
     * The bookings still to check in today that arrive within {@code horizonMillis} (the wait
     * replayed without them) join the waiting tickets as expected tickets: each arrives at its
     * window's start plus today's mean check-in offset (or now, if that has passed), in the line
     * the policy classifies a booked ticket of its service into, and costs its desk time times
     * today's show-up rate. Their ids are the booking's negated, their join order after every
     * real ticket's, in arrival order. Returns how many joined.
     */
    private int expectBookings(Core c, Instant now, long horizonMillis) {
      int before = count;
      showUp = (checkedIn + PRIOR_BOOKINGS) / (checkedIn + expired + PRIOR_BOOKINGS);
      double offset = checkInOffset / (checkIns + PRIOR_CHECK_INS);
      for (int i = 0; i < dueCount; i++) {
        Booking b = due[i];
        long arrives = Math.max(nowMillis, b.startsAt().toEpochMilli() + Math.round(offset * 1000));
        if (arrives - nowMillis > horizonMillis) {
          continue;
        }
        Instant at = Instant.ofEpochMilli(arrives);
        String lineClass = c.policy.classify(TicketFacts.of(b.service(), Origin.BOOKED, java.util.Set.of(), null,
            false, b.startsAt(), at));
        if (lineClass == null || lineClass.isBlank()) {
          continue; // a policy that refuses to classify here: the writer will report it at check-in
        }
        Ticket expected = new Ticket(-b.id(), target.day(), b.service(), 0, "", Origin.BOOKED, lineClass,
            java.util.Set.of(), null, b.id(), b.startsAt(), EXPECTED_JOIN + (arrives - nowMillis), TicketState.WAITING,
            at, null, null, 0, null, null, null, 0, null);
        if (count == waiting.length) {
          waiting = java.util.Arrays.copyOf(waiting, count * 2);
        }
        waiting[count++] = expected;
      }
      return count - before;
    }

    /** Seconds from now until the ticket is in its line: 0 for a waiting ticket, later for an expected one. */
    private double arrival(Ticket t) {
      return t.id() < 0 ? (t.issuedAt().toEpochMilli() - nowMillis) / 1000.0 : 0;
    }

    /** The first time after {@code at} at which an expected ticket the desk serves arrives, or infinity. */
    private double nextArrival(Desk desk, double at) {
      double next = Double.POSITIVE_INFINITY;
      for (int l = 0; l < lines; l++) {
        if (desk.serves(lineService[l])) {
          for (int i = lineStart[l] + cursor[l]; i < lineStart[l] + lineSize[l]; i++) {
            double a = arrival(sorted[i]);
            if (a > at) {
              next = Math.min(next, a);
              break;
            }
          }
        }
      }
      return next;
    }

    /** The cumulative leaving hazard at each bin boundary, from the piecewise-constant rates of the scan. */
    private void hazard() {
      cumulative[0] = 0;
      for (int b = 0; b < BINS; b++) {
        double rate = events[b] / (exposure[b] + PRIOR_BIN_WAITED);
        cumulative[b + 1] = cumulative[b] + rate * BIN_SECONDS;
      }
    }

    /** The cumulative leaving hazard after {@code seconds} of waiting (the last bin's rate goes on). */
    private double cumulativeAt(double seconds) {
      double x = seconds / BIN_SECONDS;
      if (x >= BINS) {
        return cumulative[BINS] + (x - BINS) * (cumulative[BINS] - cumulative[BINS - 1]);
      }
      int b = (int) x;
      return cumulative[b] + (x - b) * (cumulative[b + 1] - cumulative[b]);
    }

    /** Groups the waiting tickets into lines ordered by service and class, each in join order. */
    private void group() {
      lines = 0;
      if (lineOf.length < count) {
        lineOf = new int[waiting.length];
        sorted = new Ticket[waiting.length];
      }
      for (int i = 0; i < count; i++) {
        Ticket t = waiting[i];
        int l = 0;
        while (l < lines && !(lineService[l].equals(t.service()) && lineClass[l].equals(t.line()))) {
          l++;
        }
        if (l == lines) {
          if (lines == lineService.length) {
            int n = lines * 2;
            lineService = java.util.Arrays.copyOf(lineService, n);
            lineClass = java.util.Arrays.copyOf(lineClass, n);
            lineStart = new int[n];
            lineSize = new int[n];
            cursor = new int[n];
            order = new int[n];
            views = new LineView[n];
            viewSize = new int[n];
          }
          lineService[l] = t.service();
          lineClass[l] = t.line();
          lineSize[l] = 0;
          lines++;
        }
        lineOf[i] = l;
        lineSize[l]++;
      }
      // the lines in (service, class) order, as a dispatch view lists them
      for (int l = 0; l < lines; l++) {
        int k = l;
        while (k > 0 && compareLines(order[k - 1], l) > 0) {
          order[k] = order[k - 1];
          k--;
        }
        order[k] = l;
      }
      int start = 0;
      for (int r = 0; r < lines; r++) { // counting sort of the tickets by line
        int l = order[r];
        lineStart[l] = start;
        start += lineSize[l];
      }
      for (int i = 0; i < count; i++) {
        sorted[lineStart[lineOf[i]]++] = waiting[i];
      }
      for (int l = 0; l < lines; l++) {
        lineStart[l] -= lineSize[l];
        sortByJoin(lineStart[l], lineStart[l] + lineSize[l]);
        cursor[l] = 0;
      }
    }

    private int compareLines(int a, int b) {
      int c = lineService[a].compareTo(lineService[b]);
      return c != 0 ? c : lineClass[a].compareTo(lineClass[b]);
    }

    /** Insertion sort by join order: the scan meets a line's tickets in id order, nearly their join order. */
    private void sortByJoin(int from, int to) {
      for (int i = from + 1; i < to; i++) {
        Ticket t = sorted[i];
        int k = i;
        while (k > from && JOIN_ORDER.compare(sorted[k - 1], t) > 0) {
          sorted[k] = sorted[k - 1];
          k--;
        }
        sorted[k] = t;
      }
    }

    // ---------------------------------------------------------------- the replay

    private WaitEstimate replay(Core c, Ticket t, Instant now) {
      List<Desk> desks = c.config.desks();
      int n = desks.size();
      if (free.length < n) {
        free = new double[n];
        elapsed = new double[n];
        scale = new double[n];
        idle = new boolean[n];
      }
      String service = t.service();
      boolean anyOpen = false;
      int open = 0;
      for (int i = 0; i < n; i++) {
        if (c.desk(i).state() == DeskState.OPEN && desks.get(i).serves(service)) {
          anyOpen = true;
          open++;
        }
      }
      // leaving: cancelled uncalled, or gone when called (a no-show, which costs its desk the recalls)
      hazard();
      double goneCost = leavers == 0 ? 0 : noShowSeconds / leavers; // per leaver: silent ones cost their recalls
      Policy<Object> policy = c.policy;
      Object state = c.policyState; // published with release after it was built
      int ahead = 0;
      // Free desks take their first tickets now; busy ones hold theirs. Without an open desk that
      // serves the ticket's service, every desk stands in as open (they open when the branch does).
      for (int i = 0; i < n; i++) {
        free[i] = Double.POSITIVE_INFINITY;
        idle[i] = false;
        if (anyOpen && c.desk(i).state() != DeskState.OPEN) {
          continue;
        }
        long held = anyOpen ? c.current(i) : 0;
        Ticket h = held == 0 ? null : c.ticket(held);
        if (h != null && h.calledAt() != null) {
          elapsed[i] = nowMillis - h.calledAt().toEpochMilli();
          free[i] = mean[c.config.indexOf(h.service())];
          continue;
        }
        Ticket next = pick(policy, state, desks.get(i), now, 0);
        state = nextState;
        if (next == null) {
          // nothing it serves waits: it stays free until an expected booked visitor it serves comes
          free[i] = nextArrival(desks.get(i), 0);
          idle[i] = true;
          continue;
        }
        if (next == t) {
          return result(t, 0, open, 0, 0);
        }
        ahead += desks.get(i).serves(service) && next.id() > 0 ? 1 : 0;
        elapsed[i] = -1; // took its ticket now: finishes after every desk that was busy before
        free[i] = (next.id() > 0 ? 1 : showUp) * mean[c.config.indexOf(next.service())];
      }
      // memoryless completions: the busy desks of the ticket's pool (those that serve its service)
      // finish at m/c, 2m/c, ..., m, longest-held first; the other busy desks likewise among themselves
      for (int i = 0; i < n; i++) {
        if (free[i] != Double.POSITIVE_INFINITY && !idle[i]) {
          boolean pool = desks.get(i).serves(service);
          int rank = 1;
          int of = 0;
          for (int j = 0; j < n; j++) {
            if (free[j] != Double.POSITIVE_INFINITY && !idle[j] && desks.get(j).serves(service) == pool) {
              of++;
              if (j != i && (elapsed[j] > elapsed[i] || (elapsed[j] == elapsed[i] && j < i))) {
                rank++;
              }
            }
          }
          scale[i] = (double) rank / of;
        }
      }
      for (int i = 0; i < n; i++) {
        if (free[i] != Double.POSITIVE_INFINITY && !idle[i]) {
          free[i] *= scale[i];
        }
      }
      int completions = 0;
      expectedAhead = 0;
      double last = 0;
      while (true) {
        int d = -1;
        for (int i = 0; i < n; i++) {
          if (free[i] != Double.POSITIVE_INFINITY && (d < 0 || free[i] < free[d])) {
            d = i;
          }
        }
        if (d < 0) {
          // no desk would ever call it (its policy holds it back, or nothing serves it): one more call's time
          return result(t, ahead, open, last + mean[c.config.indexOf(service)], Math.max(1, completions));
        }
        double at = free[d];
        last = at;
        Desk desk = desks.get(d);
        Ticket next = pick(policy, state, desk, at == 0 ? now : now.plusMillis(Math.round(at * 1000)), at);
        boolean wasIdle = idle[d];
        idle[d] = false;
        if (next == null) {
          free[d] = nextArrival(desk, at); // idle until an expected booked visitor it serves comes
          idle[d] = true;
          continue;
        }
        state = nextState;
        boolean pool = desk.serves(service);
        if (pool && !wasIdle) {
          completions++;
        }
        if (pool && next.id() < 0) {
          expectedAhead += showUp;
        }
        if (next == t) {
          return result(t, ahead, open, at, completions);
        }
        ahead += pool && next.id() > 0 ? 1 : 0;
        double since = arrival(next); // an expected ticket has waited nothing when it arrives
        double waited = Math.max(0, nowMillis - next.issuedAt().toEpochMilli()) / 1000.0;
        double p = Math.exp(cumulativeAt(waited) - cumulativeAt(waited + at - since)); // still there at its turn
        double cost = p * mean[c.config.indexOf(next.service())] + (1 - p) * goneCost;
        free[d] = at + (next.id() > 0 ? cost : showUp * cost);
      }
    }

    /**
     * The ticket the policy gives the desk next from what is left of the lines, or null when none
     * of its lines has a ticket left; the policy's next state is left in {@code nextState}.
     */
    private Ticket pick(Policy<Object> policy, Object state, Desk desk, Instant at, double atSeconds) {
      view.clear(lines);
      for (int r = 0; r < lines; r++) {
        int l = order[r];
        if (cursor[l] < lineSize[l] && desk.serves(lineService[l])) {
          int end = lineStart[l] + lineSize[l];
          while (end > lineStart[l] + cursor[l] && arrival(sorted[end - 1]) > atSeconds) {
            end--; // expected tickets not yet arrived (they sort last, in arrival order)
          }
          int size = end - lineStart[l] - cursor[l];
          if (size == 0) {
            continue;
          }
          if (views[l] == null || viewSize[l] != size) {
            views[l] = LineView.of(lineService[l], lineClass[l], size, sorted[lineStart[l] + cursor[l]]);
            viewSize[l] = size;
          }
          view.push(views[l]);
        }
      }
      if (view.isEmpty()) {
        nextState = state;
        return null;
      }
      view.now = at;
      view.desk = desk;
      view.state = state;
      LineView chosen = policy.select(view);
      nextState = policy.afterCall(view, chosen);
      int l = lineOf(chosen);
      Ticket next = sorted[lineStart[l] + cursor[l]];
      cursor[l]++;
      views[l] = null;
      return next;
    }

    /** The replay's line of the line view a policy chose. */
    private int lineOf(LineView chosen) {
      for (int l = 0; l < lines; l++) {
        if (lineService[l].equals(chosen.service()) && lineClass[l].equals(chosen.lineClass())) {
          return l;
        }
      }
      throw new IllegalStateException("policy chose a line that is not in the view: " + chosen);
    }

    private WaitEstimate result(Ticket t, int ahead, int open, double seconds, int completions) {
      replayedMillis = Math.round(seconds * 1000);
      if (seconds <= 0) {
        return new WaitEstimate(t, ahead, open, Duration.ZERO, Duration.ZERO, Duration.ZERO);
      }
      // the first c completions of c busy desks are as variable as exponential ones (their residual
      // times), every later one as the service times themselves (renewal: relative variance cv²/k)
      int k = completions;
      int c = Math.max(1, open);
      double cv = cv2[core.config.indexOf(t.service())];
      double relative = (Math.min(k, c) + Math.max(0, k - c) * cv) / ((double) k * k);
      double booked = EXPECTED_ERROR * expectedAhead / k; // the expected bookings ahead: a count as uncertain as its size
      double shape = 1 / (relative + booked * booked + MODEL_ERROR * MODEL_ERROR);
      double z = core.config.estimation().spread();
      return new WaitEstimate(t, ahead, open, seconds(Math.min(seconds, gammaQuantile(seconds, shape, -z))),
          seconds(seconds), seconds(Math.max(seconds, gammaQuantile(seconds, shape, z))));
    }
  }

  /** A desk standing for all open desks that serve the service (all its desks when none is open). */
  static Desk virtualDesk(Core d, String service) {
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

  /** The waiting tickets of one line, in line order. */
  record Waiting(String service, String lineClass, List<Ticket> tickets) {}

  /** The writer's lines that the desk serves, as lists of their waiting tickets. */
  static List<Waiting> waiting(Core d, Desk desk) {
    List<Waiting> out = new ArrayList<>();
    for (Line l : d.lines) {
      if (l.waiting() > 0 && desk.serves(l.service)) {
        List<Ticket> ts = new ArrayList<>(l.waiting());
        for (int k = 0; k < l.ids.size(); k++) {
          Ticket t = d.tickets.get(l.ids.get(k));
          if (t.state() == TicketState.WAITING) {
            ts.add(t);
          }
        }
        out.add(new Waiting(l.service, l.lineClass, ts));
      }
    }
    return out;
  }

  /** The order of a line: join order, ties in id order. */
  static final java.util.Comparator<Ticket> JOIN_ORDER =
      java.util.Comparator.comparingLong(Ticket::joinSeq).thenComparingLong(Ticket::id);

  /**
   * The tickets in the order the policy would call them at the virtual desk, up to {@code limit}
   * tickets or up to and including {@code stopAt}.
   */
  static List<Ticket> callOrder(Policy<Object> policy, Object policyState, List<Waiting> eligible, Desk desk,
      Instant now, int limit, long stopAt) {
    int[] cursor = new int[eligible.size()];
    Object state = policyState;
    List<Ticket> order = new ArrayList<>();
    while (order.size() < limit) {
      List<LineView> views = new ArrayList<>(eligible.size());
      for (int i = 0; i < eligible.size(); i++) {
        List<Ticket> ts = eligible.get(i).tickets();
        if (cursor[i] < ts.size()) {
          Waiting l = eligible.get(i);
          views.add(LineView.of(l.service(), l.lineClass(), ts.size() - cursor[i], ts.get(cursor[i])));
        }
      }
      if (views.isEmpty()) {
        break;
      }
      Core.View view = new Core.View(now, desk, views, state);
      LineView chosen = policy.select(view);
      state = policy.afterCall(view, chosen);
      Ticket next = chosen.head();
      order.add(next);
      for (int i = 0; i < eligible.size(); i++) {
        Waiting l = eligible.get(i);
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
  static int[] desks(Core d, String service) {
    int open = 0;
    int free = 0;
    for (Desk desk : d.config.desks()) {
      DeskSlot status = d.desk(desk.id());
      if (desk.serves(service) && status.state() == DeskState.OPEN) {
        open++;
        if (d.current(d.config.deskIndexOf(desk.id())) == 0) {
          free++;
        }
      }
    }
    return new int[] {open, free};
  }

  /** Expected, optimistic and pessimistic waits in seconds for a ticket with {@code ahead} before it. */
  static double[] waitSeconds(Core d, String service, List<Ticket> ahead, int open, int free) {
    int c = Math.max(1, open);
    int n = Math.max(0, ahead.size() + 1 - (open == 0 ? 0 : free));
    double mean;
    double var;
    if (ahead.isEmpty()) {
      int s = d.config.indexOf(service);
      mean = d.serviceMean[s];
      var = d.serviceVar[s]; // each array is immutable once published; the two may be one finish apart
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
