package dev.talon.queue.bench.sim;

import dev.talon.queue.AdmissionMode;
import dev.talon.queue.AdmissionRefusedException;
import dev.talon.queue.BookRequest;
import dev.talon.queue.Booking;
import dev.talon.queue.Branch;
import dev.talon.queue.CapacityExceededException;
import dev.talon.queue.CheckInRefusedException;
import dev.talon.queue.Desk;
import dev.talon.queue.IllegalTransitionException;
import dev.talon.queue.IssueRequest;
import dev.talon.queue.OpeningHours;
import dev.talon.queue.Origin;
import dev.talon.queue.OutOfHoursException;
import dev.talon.queue.Talon;
import dev.talon.queue.Ticket;
import dev.talon.queue.TicketState;
import dev.talon.queue.bench.sim.ArrivalPlan.Visitor;
import dev.talon.queue.bench.sim.Scenario.AfterClosing;
import dev.talon.queue.bench.sim.Scenario.Change;
import dev.talon.queue.bench.sim.Scenario.PolicySpec;
import dev.talon.queue.bench.sim.Scenario.ServiceSpec;
import dev.talon.queue.bench.sim.SimulationResult.Arrivals;
import dev.talon.queue.bench.sim.SimulationResult.ClassResult;
import dev.talon.queue.bench.sim.SimulationResult.DayProfile;
import dev.talon.queue.bench.sim.SimulationResult.ProfileSeries;
import dev.talon.queue.bench.sim.SimulationResult.PolicyResult;
import dev.talon.queue.bench.sim.SimulationResult.WaitCurve;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.Policy;
import dev.talon.queue.spi.QueueClock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/*
 * One policy's day: a discrete-event simulation that drives a real Branch engine on a manual
 * clock.
 *
 * Design. A single thread pops events in (time, kind, insertion) order from a priority queue,
 * sets the engine's clock to the event's time and performs what the event stands for through the
 * public Branch API: bookings at each day's local midnight, walk-ins issue, booked visitors check
 * in around their window, desks call when they are free, start and finish service after the
 * visitor's own sampled times, recall visitors who are gone until the engine marks them
 * no-shows, and regime changes switch the admission mode or open and close desks. The kind order
 * at one instant (closing, then the next day's bookings and opening, then changes, then desk
 * work, then arrivals, then patience) makes ties deterministic and lets a 24-hour branch close
 * and reopen at midnight.
 *
 * With a booking calendar (Scenario.CalendarSpec) the doors open and close with each of the day's
 * ranges (none on a holiday; with send-home the waiting go home only at the day's last closing,
 * while at a lunch closure the desks serve who is inside), and the bookers of a day book in the
 * night before it through BookingNight; its end (settle, at the day's opening time) fixes who
 * comes to a booked window, who stays away after cancelling and who walks in.
 *
 * What is random was drawn before (ArrivalPlan); what a policy decides comes from the engine:
 * which ticket a desk gets. The engine's events reach a RunObserver (queue lengths, bypass). The
 * simulator keeps its own view of each visitor (waiting, called, gone) only to know what the
 * person does next, never to decide for the engine.
 *
 * Desks are OFF (not staffed), IDLE or BUSY. A new ticket wakes the desk that has been idle
 * longest among those serving its service; a desk that frees up calls at once. A desk closed by
 * a change finishes its visitor first. After closing, the doors refuse newcomers; with
 * serve-waiting the desks keep calling until nothing waits for them, with send-home the waiting
 * tickets are cancelled at closing.
 */
final class PolicyRun {
  private static final int CLOSE = 0;
  private static final int BOOK = 1;
  private static final int SETTLE = 2;
  private static final int OPEN = 3;
  private static final int CHANGE = 4;
  private static final int DONE = 5;
  private static final int START = 6;
  private static final int RECALL = 7;
  private static final int ARRIVE = 8;
  private static final int PATIENCE = 9;
  private static final int CALENDAR = 10;
  /** The reason the engine is given for a desk closed by a change and reopened later the same day. */
  static final String BREAK_REASON = "scheduled break";

  private record Event(long at, int kind, long seq, int a, int b) {}

  private enum Outcome { PENDING, WAITING, CALLED, SERVED, LEFT, REFUSED, SENT_HOME, NOT_COME }

  /** What the simulator knows about one visitor in this run. */
  private static final class Person {
    Outcome outcome = Outcome.PENDING;
    String bookingCode;
    long bookedStart = -1;
    boolean checkedInWithBooking;
    boolean gone;
    long arrivedAt = -1;
    long ticketId;
    String cls;
    long issuedAt;
    long calledAt = -1;
    long endedAt = -1;
    WaitEstimator.Estimate estimate;
  }

  private enum DeskMode { OFF, IDLE, BUSY }

  private static final class DeskState {
    final int index;
    final String id;
    final Set<Integer> services;
    DeskMode mode = DeskMode.OFF;
    boolean closed;
    long idleSince;
    long onSince;
    long staffed;
    int visitor = -1;
    long busySince;
    /** What the engine was last told: open, paused (a scheduled break) or closed. */
    dev.talon.queue.DeskState told = dev.talon.queue.DeskState.OPEN;

    DeskState(int index, String id, Set<Integer> services) {
      this.index = index;
      this.id = id;
      this.services = services;
    }
  }

  private final Scenario sc;
  private final ArrivalPlan plan;
  private final PolicySpec policy;
  private final WaitEstimator estimator;
  private final StoreFactory stores;
  private final Progress progress;
  private final int runIndex;
  private final int runs;

  private final ManualClock clock;
  private final RunObserver observer;
  private final Branch branch;
  private final BranchWatcher watcher;
  private final PriorityQueue<Event> queue = new PriorityQueue<>(
      Comparator.comparingLong(Event::at).thenComparingInt(Event::kind).thenComparingLong(Event::seq));
  private long seq;
  private long now;

  private final Person[] people;
  private final int[] dayStart;
  private int[] visitorOfTicket = new int[1024];
  private final TreeSet<Integer> waiting = new TreeSet<>();
  private final DeskState[] desks;
  private final Map<String, DeskState> deskById = new HashMap<>();
  private final Map<String, Long> busyByClass = new TreeMap<>();
  private long recallNanos;
  private final EstimatorPanel panel;
  private final boolean keepVisitors;
  private final List<String> visitorRows = new ArrayList<>();
  private boolean doorsOpen;
  private final BookingNight night;

  private int booked;
  private int bookedLater;
  private int bookingFull;
  private int notKept;

  private final long sampleEvery;
  private long nextSample;
  private final int bins;
  private final Map<String, double[]> profileSums = new TreeMap<>();
  private final int[] profileSamples;
  private final double[] leftByBin;
  private int progressStep = -1;

  PolicyRun(ArrivalPlan plan, PolicySpec policy, StoreFactory stores, WaitEstimator estimator, Progress progress,
      int runIndex, int runs) {
    this(plan, policy, stores, estimator, progress, runIndex, runs, false);
  }

  /** As above; {@code keepVisitors} keeps one CSV row per visitor (see {@link #visitorRows()}). */
  PolicyRun(ArrivalPlan plan, PolicySpec policy, StoreFactory stores, WaitEstimator estimator, Progress progress,
      int runIndex, int runs, boolean keepVisitors) {
    this(plan, policy, stores, estimator, progress, runIndex, runs, keepVisitors, BranchWatcher.NONE);
  }

  /** As above; {@code watcher} sees the branch once it is built and just before it is closed. */
  PolicyRun(ArrivalPlan plan, PolicySpec policy, StoreFactory stores, WaitEstimator estimator, Progress progress,
      int runIndex, int runs, boolean keepVisitors, BranchWatcher watcher) {
    this.watcher = watcher;
    this.keepVisitors = keepVisitors;
    this.sc = plan.scenario();
    this.plan = plan;
    this.policy = policy;
    this.estimator = estimator;
    this.stores = stores;
    this.progress = progress;
    this.runIndex = runIndex;
    this.runs = runs;
    this.clock = QueueClock.manual(plan.origin());
    this.observer = new RunObserver(sc, plan.visitors().size());
    this.people = new Person[plan.visitors().size()];
    Arrays.setAll(people, i -> new Person());
    this.dayStart = new int[sc.days() + 1];
    int d = 0;
    for (Visitor v : plan.visitors()) {
      while (d < v.day()) {
        dayStart[++d] = v.id();
      }
    }
    while (d < sc.days()) {
      dayStart[++d] = plan.visitors().size();
    }
    Map<String, Integer> serviceIndex = new HashMap<>();
    for (int i = 0; i < sc.services().size(); i++) {
      serviceIndex.put(sc.services().get(i).code(), i);
    }
    this.desks = new DeskState[sc.desks().size()];
    for (int i = 0; i < desks.length; i++) {
      Scenario.DeskSpec spec = sc.desks().get(i);
      desks[i] = new DeskState(i, spec.id(), Set.copyOf(spec.services().stream().map(serviceIndex::get).toList()));
      deskById.put(spec.id(), desks[i]);
    }
    this.night = sc.calendar() == null ? null
        : new BookingNight(sc, plan, (at, visitor, step) -> schedule(at, CALENDAR, visitor, step.ordinal()));
    this.branch = build(stores);
    watcher.opened(policy.label(), branch);
    if (night != null) {
      night.attach(branch);
    }
    double dayMinutes = sc.closesMinute() - ScenarioReader.minuteOfDay(sc.opens());
    double every = sc.sampleMinutes() > 0 ? Math.min(sc.sampleMinutes(), 60) : Math.max(1, Math.ceil(dayMinutes / 144));
    this.sampleEvery = Math.round(every * 6e10);
    this.nextSample = plan.opensAt(0);
    this.bins = (int) Math.ceil(24 * 60 / every);
    this.profileSamples = new int[bins];
    this.leftByBin = new double[bins];
    this.panel = new EstimatorPanel(sc.services().size(), new EstimatorPanel.Desks() {
      @Override
      public int count() {
        return desks.length;
      }

      @Override
      public boolean open(int desk) {
        return desks[desk].mode != DeskMode.OFF && !desks[desk].closed;
      }

      @Override
      public boolean serves(int desk, int service) {
        return desks[desk].services.contains(service);
      }
    });
  }

  private String storeName() {
    return sc.name() + "/" + policy.label();
  }

  private Branch build(StoreFactory stores) {
    int closes = sc.closesMinute();
    LocalTime closing = closes == 24 * 60 ? LocalTime.MAX : LocalTime.of(closes / 60, closes % 60);
    Talon t = Talon.newBranch("sim")
        .zone(sc.zone())
        .openingHours(OpeningHours.daily(sc.opens(), closing))
        .slots(BookingNight.slots(sc))
        .limits(sc.limits())
        .admissionMode(AdmissionMode.MIXED)
        .policy(policy.policy())
        .store(stores.open(storeName()))
        .clock(clock)
        .listener(observer);
    if (night != null) {
      t.calendar(sc.calendar().hours()).listener(night);
    }
    for (ServiceSpec s : sc.services()) {
      t.service(s.code(), s.prefix(), s.label());
    }
    for (Scenario.DeskSpec d : sc.desks()) {
      t.desk(new Desk(d.id(), Set.copyOf(d.services())));
    }
    return t.build();
  }

  // ---------------------------------------------------------------- the loop

  /** Runs the whole scenario under this policy. */
  PolicyResult run() {
    for (int day = 0; day < sc.days(); day++) {
      schedule(plan.midnight(day), BOOK, day, 0);
      if (night != null) {
        schedule(plan.opensAt(day), SETTLE, day, 0);
      }
      List<long[]> ranges = plan.ranges(day);
      for (int k = 0; k < ranges.size(); k++) {
        schedule(ranges.get(k)[0], OPEN, day, k);
        schedule(ranges.get(k)[1], CLOSE, day, k == ranges.size() - 1 ? 1 : 0);
      }
      for (int i = 0; i < sc.changes().size(); i++) {
        schedule(plan.at(day, sc.changes().get(i).at()), CHANGE, day, i);
      }
    }
    for (DeskState d : desks) {
      tell(d, dev.talon.queue.DeskState.CLOSED, null); // nobody staffs a desk before the first opening
    }
    long spanStart = plan.opensAt(0);
    long spanEnd = plan.closesAt(sc.days() - 1);
    Event e;
    while ((e = queue.poll()) != null) {
      while (nextSample < e.at()) { // the state after everything that happened at the sample time
        sample();
      }
      now = e.at();
      clock.set(plan.instant(now));
      handle(e);
      int step = (int) (200 * Math.min(1.0, Math.max(0.0, (double) (now - spanStart) / (spanEnd - spanStart))));
      if (step != progressStep) {
        progressStep = step;
        progress.update(policy.label(), runIndex, runs, step / 200.0, Html.clock(now / 6e10, sc.days() > 1));
      }
    }
    for (int v : List.copyOf(waiting)) {
      sendHome(v); // nothing will ever call them: no desk serving their service is left open
    }
    for (DeskState d : desks) {
      turnOff(d);
    }
    watcher.closing(policy.label(), branch);
    branch.close();
    stores.release(storeName());
    return result();
  }

  private void schedule(long at, int kind, int a, int b) {
    queue.add(new Event(at, kind, seq++, a, b));
  }

  /** Performs the event; false when it turned out to change nothing (patience of someone already called). */
  private boolean handle(Event e) {
    switch (e.kind()) {
      case CLOSE -> close(e.b() == 1);
      case BOOK -> book(e.a());
      case SETTLE -> settle(e.a());
      case OPEN -> open(e.b());
      case CALENDAR -> night.step(now, e.a(), BookingNight.Step.values()[e.b()]);
      case CHANGE -> change(e.b());
      case DONE -> done(desks[e.a()]);
      case START -> startService(desks[e.a()]);
      case RECALL -> recall(desks[e.a()]);
      case ARRIVE -> arrive(e.a());
      case PATIENCE -> {
        return patienceOver(e.a());
      }
      default -> throw new IllegalStateException("unknown event kind " + e.kind());
    }
    return true;
  }

  // ---------------------------------------------------------------- the branch's day

  private void book(int day) {
    if (branch.admissionMode() == AdmissionMode.WALK_IN_ONLY) {
      branch.setAdmissionMode(AdmissionMode.MIXED); // bookings were taken while booking was possible
    }
    Map<Long, Integer> taken = new HashMap<>();
    List<Integer> bookers = new ArrayList<>();
    for (int id = dayStart[day]; id < dayStart[day + 1]; id++) {
      Visitor v = plan.visitors().get(id);
      if (night != null && v.wantsBooking()) {
        bookers.add(id); // books in the night (BookingNight); comes or not as it settles
      } else {
        come(id, v.wantsBooking() && reserve(v, people[id], taken));
      }
    }
    if (night != null) {
      night.start(day, bookers);
    }
  }

  /** The end of the night before {@code day}: its bookers come to their windows, stay away or walk in. */
  private void settle(int day) {
    List<Integer> bookers = new ArrayList<>();
    for (int id = dayStart[day]; id < dayStart[day + 1]; id++) {
      if (plan.visitors().get(id).wantsBooking()) {
        bookers.add(id);
      }
    }
    night.settle(day, bookers);
    for (int id : bookers) {
      Person p = people[id];
      switch (night.fate(id)) {
        case BOOKED -> {
          Booking b = night.booking(id);
          p.bookingCode = b.code();
          p.bookedStart = plan.at(b.windowStart());
          booked++;
          LocalDateTime wanted = plan.local(plan.visitors().get(id).desiredAt());
          int w = sc.windowMinutes();
          if (b.windowStart().isAfter(wanted.toLocalDate().atStartOfDay()
              .plusMinutes((wanted.getHour() * 60 + wanted.getMinute()) / w * w))) {
            bookedLater++;
          }
          come(id, true);
        }
        case CANCELLED -> {
          p.outcome = Outcome.NOT_COME; // cancelled the booking and stays away
          notKept++;
        }
        case NO_PLACE -> come(id, false);
        default -> throw new IllegalStateException("unknown fate " + night.fate(id));
      }
    }
  }

  /** Schedules the arrival of a visitor with a booking or without one (a booker without a place walks in). */
  private void come(int id, boolean withBooking) {
    Visitor v = plan.visitors().get(id);
    Person p = people[id];
    long arrival = v.desiredAt();
    if (withBooking) {
      if (!v.showsUp()) {
        p.outcome = Outcome.NOT_COME;
        notKept++;
        return;
      }
      arrival = p.bookedStart + v.offsetNanos();
    } else if (v.wantsBooking()) {
      bookingFull++;
    }
    schedule(Math.max(now, arrival), ARRIVE, id, 0);
  }

  /** Books the window of the desired time or the next one with a free place that day. */
  private boolean reserve(Visitor v, Person p, Map<Long, Integer> taken) {
    ServiceSpec s = sc.services().get(v.service());
    int w = sc.windowMinutes();
    LocalDateTime desired = plan.local(v.desiredAt());
    int opens = ScenarioReader.minuteOfDay(sc.opens());
    int first = Math.max((desired.getHour() * 60 + desired.getMinute()) / w * w, (opens + w - 1) / w * w);
    for (int start = first; start + w <= sc.closesMinute(); start += w) {
      long key = (long) start * sc.services().size() + v.service();
      if (taken.getOrDefault(key, 0) >= s.booking().capacityPerWindow()) {
        continue;
      }
      try {
        Booking b = branch.book(BookRequest.of(s.code(), desired.toLocalDate().atStartOfDay().plusMinutes(start)));
        taken.merge(key, 1, Integer::sum);
        p.bookingCode = b.code();
        p.bookedStart = plan.at(b.windowStart());
        booked++;
        if (start != first) {
          bookedLater++;
        }
        return true;
      } catch (CapacityExceededException full) {
        taken.put(key, Integer.MAX_VALUE);
      }
    }
    return false;
  }

  /** Opens the doors for range {@code range} of the day: the first starts the day, a later one ends a closure. */
  private void open(int range) {
    doorsOpen = true;
    if (range == 0) {
      panel.newDay();
      if (branch.admissionMode() != sc.admissionMode()) {
        branch.setAdmissionMode(sc.admissionMode());
      }
    }
    for (DeskState d : desks) {
      d.closed &= range > 0; // a desk closed by a change stays closed after a lunch closure
      if (d.mode == DeskMode.OFF && !d.closed) {
        turnOn(d);
      }
    }
    for (DeskState d : desks) {
      if (d.mode == DeskMode.IDLE) {
        call(d);
      }
    }
  }

  private void change(int index) {
    Change c = sc.changes().get(index);
    if (c.admissionMode() != null && c.admissionMode() != branch.admissionMode()) {
      branch.setAdmissionMode(c.admissionMode());
    }
    for (String id : c.closeDesks()) {
      DeskState d = deskById.get(id);
      d.closed = true;
      // The engine learns at once that the desk calls nobody more (it still finishes its visitor):
      // paused for a break when a later change of the day reopens it, closed otherwise.
      if (reopensLater(index, id)) {
        tell(d, dev.talon.queue.DeskState.PAUSED, BREAK_REASON);
      } else {
        tell(d, dev.talon.queue.DeskState.CLOSED, null);
      }
      if (d.mode == DeskMode.IDLE) {
        turnOff(d);
      }
    }
    for (String id : c.openDesks()) {
      DeskState d = deskById.get(id);
      d.closed = false;
      if (!doorsOpen) {
        continue;
      }
      tell(d, dev.talon.queue.DeskState.OPEN, null);
      if (d.mode == DeskMode.OFF) {
        turnOn(d);
        call(d);
      }
    }
  }

  /** True when a change after {@code index} on the same day opens desk {@code id} again. */
  private boolean reopensLater(int index, String id) {
    for (int i = index + 1; i < sc.changes().size(); i++) {
      if (sc.changes().get(i).openDesks().contains(id)) {
        return true;
      }
    }
    return false;
  }

  /** Tells the engine the desk's state, when it differs from what it was last told. */
  private void tell(DeskState d, dev.talon.queue.DeskState state, String reason) {
    if (d.told == state) {
      return;
    }
    switch (state) {
      case OPEN -> branch.openDesk(d.id);
      case PAUSED -> branch.pauseDesk(d.id, reason);
      case CLOSED -> branch.closeDesk(d.id);
      default -> throw new IllegalStateException("unknown desk state " + state);
    }
    d.told = state;
  }

  /** Closes the doors at the end of a range; {@code last}: the day's last, when send-home sends the waiting home. */
  private void close(boolean last) {
    doorsOpen = false;
    if (last && sc.afterClosing() == AfterClosing.SEND_HOME) {
      for (int v : List.copyOf(waiting)) {
        sendHome(v);
      }
    }
    for (DeskState d : desks) {
      if (d.mode == DeskMode.IDLE) {
        turnOff(d);
      }
      if (d.mode == DeskMode.OFF) {
        tell(d, dev.talon.queue.DeskState.CLOSED, null); // also a desk on a break: the day is over
      }
    }
  }

  private void sendHome(int v) {
    Person p = people[v];
    branch.cancel(p.ticketId);
    waiting.remove(v);
    p.outcome = p.gone ? Outcome.LEFT : Outcome.SENT_HOME;
    p.endedAt = now;
    panel.ended(v, plan.visitors().get(v).service(), p.cls, now - p.issuedAt, false);
  }

  // ---------------------------------------------------------------- visitors

  private void arrive(int id) {
    Visitor v = plan.visitors().get(id);
    Person p = people[id];
    if (p.arrivedAt < 0) {
      p.arrivedAt = now;
    }
    if (!doorsOpen) {
      long opens = nextOpening(v.day());
      if (opens >= 0) {
        schedule(opens, ARRIVE, id, 0); // waits outside until the doors open (in the morning, after lunch)
      } else {
        refuse(p);
      }
      return;
    }
    Ticket ticket;
    if (p.bookingCode != null) {
      long checkInOpens = p.bookedStart - sc.limits().earlyCheckIn().toNanos();
      if (now < checkInOpens) {
        schedule(checkInOpens, ARRIVE, id, 0); // too early: waits until check-in opens
        return;
      }
      try {
        ticket = branch.checkIn(p.bookingCode);
      } catch (CheckInRefusedException | IllegalTransitionException lateOrExpired) {
        refuse(p);
        return;
      }
    } else {
      try {
        ticket = branch.issue(new IssueRequest(sc.services().get(v.service()).code(), Origin.WALK_IN, v.categories(),
            null, null));
      } catch (AdmissionRefusedException | OutOfHoursException refused) {
        refuse(p);
        return;
      }
    }
    p.outcome = Outcome.WAITING;
    p.ticketId = ticket.id();
    p.cls = ticket.line();
    p.checkedInWithBooking = ticket.origin() == Origin.BOOKED;
    p.issuedAt = now;
    if (ticket.id() >= visitorOfTicket.length) {
      visitorOfTicket = Arrays.copyOf(visitorOfTicket, (int) Math.max(ticket.id() + 1, visitorOfTicket.length * 2L));
    }
    visitorOfTicket[(int) ticket.id()] = id;
    waiting.add(id);
    if (v.patienceNanos() != ArrivalPlan.NEVER) {
      schedule(now + v.patienceNanos(), PATIENCE, id, 0);
    }
    wakeDeskFor(v.service());
    if (p.outcome == Outcome.WAITING) {
      // Still waiting after a free desk (if any) called: the ticket gets its estimates now.
      Optional<WaitEstimator.Estimate> estimate = estimator.estimate(branch, ticket);
      p.estimate = estimate.orElse(null);
      double[] engine = p.estimate == null ? null : new double[] {minutes(p.estimate.expected()),
          minutes(p.estimate.optimistic()), minutes(p.estimate.pessimistic())};
      panel.waits(id, v.service(), p.cls, now, engine, counted(p));
    }
  }

  /** When the doors next open on the day, or -1 when they stay closed for the rest of it. */
  private long nextOpening(int day) {
    for (long[] r : plan.ranges(day)) {
      if (r[0] > now) {
        return r[0];
      }
    }
    return -1;
  }

  private static double minutes(Duration d) {
    return d.toNanos() / 6e10;
  }

  private boolean counted(Person p) {
    return Math.max(p.arrivedAt, plan.opensAt(0)) >= plan.countedFrom();
  }

  private void refuse(Person p) {
    p.outcome = Outcome.REFUSED;
    p.cls = p.bookingCode != null ? Policy.BOOKED : Policy.WALK_IN;
  }

  private boolean patienceOver(int id) {
    Person p = people[id];
    if (p.outcome != Outcome.WAITING || p.gone) {
      return false;
    }
    leftByBin[bin(now)]++;
    if (plan.visitors().get(id).cancelsWhenLeaving()) {
      branch.cancel(p.ticketId);
      waiting.remove(id);
      p.outcome = Outcome.LEFT;
      p.endedAt = now;
      panel.ended(id, plan.visitors().get(id).service(), p.cls, now - p.issuedAt, true);
    } else {
      p.gone = true; // leaves without a word; a desk will call in vain
    }
    return true;
  }

  // ---------------------------------------------------------------- desks

  private void wakeDeskFor(int service) {
    DeskState best = null;
    for (DeskState d : desks) {
      if (d.mode == DeskMode.IDLE && d.services.contains(service) && (best == null || d.idleSince < best.idleSince)) {
        best = d;
      }
    }
    if (best != null) {
      call(best);
    }
  }

  private void call(DeskState d) {
    Optional<Ticket> called = branch.callNext(d.id);
    if (called.isEmpty()) {
      if (!doorsOpen) {
        turnOff(d); // closing time and nobody left for this desk
      } else if (d.mode != DeskMode.IDLE) {
        d.mode = DeskMode.IDLE;
        d.idleSince = now;
      }
      return;
    }
    int id = visitorOfTicket[(int) called.get().id()];
    Person p = people[id];
    waiting.remove(id);
    p.outcome = Outcome.CALLED;
    p.calledAt = now;
    panel.called(id, plan.visitors().get(id).service(), p.cls, now - p.issuedAt);
    d.mode = DeskMode.BUSY;
    d.visitor = id;
    d.busySince = now;
    long walk = plan.visitors().get(id).walkNanos();
    if (p.gone) {
      schedule(now + recallAfter(), RECALL, d.index, 0);
    } else if (walk == 0) {
      startService(d);
    } else {
      schedule(now + walk, START, d.index, 0);
    }
  }

  private void startService(DeskState d) {
    branch.startService(people[d.visitor].ticketId);
    schedule(now + plan.visitors().get(d.visitor).serviceNanos(), DONE, d.index, 0);
  }

  private void done(DeskState d) {
    branch.finish(people[d.visitor].ticketId);
    people[d.visitor].outcome = Outcome.SERVED;
    release(d);
  }

  private void recall(DeskState d) {
    Ticket t = branch.recall(people[d.visitor].ticketId);
    if (t.state() == TicketState.NO_SHOW) {
      people[d.visitor].outcome = Outcome.LEFT;
      release(d);
    } else {
      schedule(now + recallAfter(), RECALL, d.index, 0);
    }
  }

  private void release(DeskState d) {
    Person p = people[d.visitor];
    if (p.outcome == Outcome.SERVED) {
      busyByClass.merge(p.cls, now - d.busySince, Long::sum);
    } else {
      recallNanos += now - d.busySince; // calling and recalling someone who had gone: not service
    }
    panel.deskTime(plan.visitors().get(d.visitor).service(), now - d.busySince);
    d.visitor = -1;
    if (d.closed) {
      turnOff(d);
    } else {
      d.mode = DeskMode.IDLE;
      d.idleSince = now;
      call(d);
    }
  }

  private void turnOn(DeskState d) {
    tell(d, dev.talon.queue.DeskState.OPEN, null);
    d.mode = DeskMode.IDLE;
    d.idleSince = now;
    d.onSince = now;
  }

  private void turnOff(DeskState d) {
    if (d.mode != DeskMode.OFF) {
      d.staffed += now - d.onSince;
      d.mode = DeskMode.OFF;
    }
    if (d.told == dev.talon.queue.DeskState.OPEN) {
      tell(d, dev.talon.queue.DeskState.CLOSED, null); // closing time, nobody left for it
    }
  }

  private long recallAfter() {
    return Math.round(sc.recallAfterMinutes() * 6e10);
  }


  /** Adds the state at the next sample time to the time-of-day profile. */
  private void sample() {
    int bin = bin(nextSample);
    profileSamples[bin]++;
    int all = 0;
    for (Map.Entry<String, Integer> w : observer.waitingByClass().entrySet()) {
      profileSums.computeIfAbsent("waiting " + w.getKey(), k -> new double[bins])[bin] += w.getValue();
      all += w.getValue();
    }
    profileSums.computeIfAbsent("waiting all", k -> new double[bins])[bin] += all;
    int open = 0;
    int busy = 0;
    for (DeskState d : desks) {
      open += d.mode != DeskMode.OFF && !d.closed ? 1 : 0;
      busy += d.mode == DeskMode.BUSY ? 1 : 0;
    }
    profileSums.computeIfAbsent("desks open", k -> new double[bins])[bin] += open;
    profileSums.computeIfAbsent("desks busy", k -> new double[bins])[bin] += busy;
    nextSample += sampleEvery;
  }

  /** The time-of-day bin of a sim time. */
  private int bin(long simNanos) {
    LocalDateTime t = plan.local(simNanos);
    return Math.min(bins - 1, (int) ((t.getHour() * 60 + t.getMinute() + t.getSecond() / 60.0) * 6e10 / sampleEvery));
  }

  // ---------------------------------------------------------------- results

  Arrivals arrivals() {
    int walkIns = 0;
    for (Visitor v : plan.visitors()) {
      walkIns += v.wantsBooking() ? 0 : 1;
    }
    return new Arrivals(plan.visitors().size(), walkIns, plan.visitors().size() - walkIns, booked, bookedLater,
        bookingFull, notKept, ClassTally.round(sc.warmUpMinutes()), night == null ? null : night.figures());
  }

  private PolicyResult result() {
    Map<String, ClassTally> tallies = new TreeMap<>();
    ClassTally all = new ClassTally("all");
    long countedFrom = plan.countedFrom();
    long firstOpening = plan.opensAt(0);
    long onTime = Math.round(sc.onTimeMinutes() * 6e10);
    long serviceLevel = Math.round(sc.serviceLevelMinutes() * 6e10);
    for (int id = 0; id < people.length; id++) {
      Person p = people[id];
      if (p.outcome == Outcome.NOT_COME) {
        continue;
      }
      if (p.outcome == Outcome.PENDING || p.outcome == Outcome.WAITING || p.outcome == Outcome.CALLED) {
        throw new IllegalStateException("visitor " + id + " ended the run " + p.outcome + "; the simulation lost track");
      }
      if (Math.max(p.arrivedAt, firstOpening) < countedFrom) {
        continue; // warm-up (who came before the doors first opened counts as coming at opening)
      }
      for (ClassTally t : List.of(tallies.computeIfAbsent(p.cls, ClassTally::new), all)) {
        t.arrived++;
        switch (p.outcome) {
          case SERVED -> t.served(p.calledAt - p.issuedAt);
          case LEFT -> t.left++;
          case REFUSED -> t.refused++;
          case SENT_HOME -> t.sentHome++;
          default -> throw new IllegalStateException("unexpected outcome " + p.outcome);
        }
        if (p.ticketId > 0) {
          t.bypass(observer.bypassOf(p.ticketId));
        }
        if (p.checkedInWithBooking) {
          t.booking(p.outcome == Outcome.SERVED && p.calledAt <= p.bookedStart + onTime);
        }
        if (p.ticketId > 0) {
          boolean uncalled = p.calledAt < 0;
          t.waited((uncalled ? p.endedAt : p.calledAt) - p.issuedAt, uncalled);
        }
        if (p.outcome == Outcome.SERVED && p.calledAt - p.issuedAt <= serviceLevel) {
          t.withinTarget();
        }
        if (p.calledAt >= 0 && p.estimate != null) {
          t.estimate(p.calledAt - p.issuedAt, p.estimate);
        }
      }
    }
    long staffed = 0;
    for (DeskState d : desks) {
      staffed += d.staffed;
    }
    busyByClass.forEach((cls, nanos) -> {
      tallies.computeIfAbsent(cls, ClassTally::new).busy(nanos);
      all.busy(nanos);
    });
    List<ClassResult> rows = new ArrayList<>();
    List<WaitCurve> curves = new ArrayList<>();
    for (ClassTally t : tallies.values()) {
      rows.add(t.result(staffed));
      curves.add(t.curve());
    }
    rows.add(all.result(staffed));
    curves.add(all.curve());
    if (keepVisitors) {
      visitorRows.clear();
      for (int id = 0; id < people.length; id++) {
        visitorRows.add(visitorRow(id));
      }
    }
    Policy<?> p = policy.policy();
    return new PolicyResult(policy.label(), p.name(), policy.json(), p.bypass().bound(), rows, panel.results(),
        panel.compared(), panel.censored(), staffed == 0 ? null : ClassTally.round((double) recallNanos / staffed),
        profile(), curves);
  }

  /** The header of {@link #visitorRows()}. */
  static final String VISITOR_HEADER = "policy,visitor,day,service,class,booked,outcome,arrived_min,ticket_min,"
      + "called_min,ended_min,engine_estimate_min";

  /** One CSV row per visitor, when asked for: the per-visitor dump behind {@code --visitors}. */
  List<String> visitorRows() {
    return visitorRows;
  }

  private String visitorRow(int id) {
    Person p = people[id];
    Visitor v = plan.visitors().get(id);
    return String.join(",", csvCell(policy.label()), Integer.toString(id), Integer.toString(v.day() + 1),
        csvCell(sc.services().get(v.service()).code()), p.cls == null ? "" : csvCell(p.cls),
        Boolean.toString(p.bookingCode != null), p.outcome.name().toLowerCase(java.util.Locale.ROOT),
        minute(p.arrivedAt), p.ticketId > 0 ? minute(p.issuedAt) : "", minute(p.calledAt), minute(p.endedAt),
        p.estimate == null ? "" : JsonCursor.format(ClassTally.round(minutes(p.estimate.expected()))));
  }

  private static String minute(long simNanos) {
    return simNanos < 0 ? "" : JsonCursor.format(ClassTally.round(simNanos / 6e10));
  }

  private static String csvCell(String c) {
    return c.contains(",") || c.contains("\"") ? '"' + c.replace("\"", "\"\"") + '"' : c;
  }

  /**
   * The time-of-day profile: each series averaged over the samples that fell in a bin (one per
   * day and bin), the leavers as a rate per hour averaged over the days; only the bins from the
   * first to the last with anything in them.
   */
  private DayProfile profile() {
    double every = sampleEvery / 6e10;
    double[] leftPerHour = new double[bins];
    for (int b = 0; b < bins; b++) {
      leftPerHour[b] = leftByBin[b] / sc.days() * 60 / every;
    }
    int first = bins;
    int last = -1;
    for (int b = 0; b < bins; b++) {
      boolean any = leftByBin[b] > 0;
      for (double[] sums : profileSums.values()) {
        any |= profileSamples[b] > 0 && sums[b] > 0;
      }
      if (any) {
        first = Math.min(first, b);
        last = b;
      }
    }
    List<Double> minutes = new ArrayList<>();
    for (int b = first; b <= last; b++) {
      minutes.add(ClassTally.round(b * every));
    }
    List<ProfileSeries> series = new ArrayList<>();
    for (Map.Entry<String, double[]> e : profileSums.entrySet()) {
      String unit = e.getKey().startsWith("waiting") ? "tickets" : "desks"; // the units Html groups charts by
      series.add(new ProfileSeries(e.getKey(), unit, averaged(e.getValue(), first, last)));
    }
    List<Double> left = new ArrayList<>();
    for (int b = first; b <= last; b++) {
      left.add(ClassTally.round(leftPerHour[b]));
    }
    series.add(new ProfileSeries("left per hour", "visitors per hour", left));
    return new DayProfile(ClassTally.round(every), minutes, series);
  }

  private List<Double> averaged(double[] sums, int first, int last) {
    List<Double> out = new ArrayList<>();
    for (int b = first; b <= last; b++) {
      out.add(profileSamples[b] == 0 ? 0.0 : ClassTally.round(sums[b] / profileSamples[b]));
    }
    return out;
  }
}
