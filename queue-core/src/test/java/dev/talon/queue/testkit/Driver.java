package dev.talon.queue.testkit;

import dev.talon.queue.BookRequest;
import dev.talon.queue.Booking;
import dev.talon.queue.BookingState;
import dev.talon.queue.Branch;
import dev.talon.queue.Desk;
import dev.talon.queue.IssueRequest;
import dev.talon.queue.QueueEvent;
import dev.talon.queue.Talon;
import dev.talon.queue.Ticket;
import dev.talon.queue.TicketState;
import dev.talon.queue.TransferRequest;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.QueueClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Drives one branch engine (and, optionally, a {@link ReferenceModel} in lockstep) through
 * generated {@link Command}s: resolves each command into a concrete {@link Op} against what the
 * run has produced so far, applies it, and checks the engine against the model and the
 * invariants. Works on any {@link EventStore}, so a store module can run the same sequences.
 */
public final class Driver {

  /** One applied operation and what the engine and the model (null without one) made of it. */
  public record Step(Op op, Outcome engine, Outcome model) {}

  /** The person ids that {@link Command.Issue#person()} indexes. */
  public static final List<String> PERSONS = java.util.Arrays.asList(null, "p1", "p2", "p-banned");

  private final Scenario sc;
  private final EventStore store;
  private final ManualClock clock;
  private final Branch branch;
  private final ReferenceModel model;
  private final InvariantChecker checker;
  private final TreeSet<Long> tickets = new TreeSet<>();
  private final TreeMap<Long, String> codes = new TreeMap<>();
  private final List<Op> applied = new ArrayList<>();

  /** Told of every op this driver applied (for running a second engine in lockstep); null for none. */
  private java.util.function.Consumer<Step> follower;

  private Driver(Scenario sc, EventStore store, ManualClock clock, boolean withModel) {
    this(sc, store, clock, withModel, Talon::build);
  }

  private Driver(Scenario sc, EventStore store, ManualClock clock, boolean withModel,
      java.util.function.Function<Talon, Branch> build) {
    this.sc = sc;
    this.store = store;
    this.clock = clock;
    this.branch = build.apply(sc.builder(store, clock));
    this.model = withModel ? sc.model(codes::get) : null;
    this.checker = new InvariantChecker(sc.slots(), sc.limits(), sc.desks());
  }

  /** A new branch on the store (which must hold no history of it), with the reference model alongside. */
  public static Driver withModel(Scenario sc, EventStore store) {
    return new Driver(sc, store, QueueClock.manual(sc.start()), true);
  }

  /** A new or recovered branch on the store, without a model. */
  public static Driver engineOnly(Scenario sc, EventStore store) {
    return new Driver(sc, store, QueueClock.manual(sc.start()), false);
  }

  /**
   * A new or recovered branch on the store, without a model, built by {@code build} from the
   * scenario's builder (which may set more options, such as the durability, or open another engine
   * with the same configuration).
   */
  public static Driver engineOnly(Scenario sc, EventStore store, java.util.function.Function<Talon, Branch> build) {
    return new Driver(sc, store, QueueClock.manual(sc.start()), false, build);
  }

  /** Calls {@code follower} after every op this driver applies (also those of {@link #drain()}); null for none. */
  public void follow(java.util.function.Consumer<Step> follower) {
    this.follower = follower;
  }

  /**
   * A second engine recovered from a copy of this one's events, on its own clock reading the same
   * instant, knowing the same tickets and codes; this driver's engine is left as it is.
   */
  public Driver reopenedCopy() {
    EventStore copy = EventStore.inMemory(null);
    List<QueueEvent> events = events();
    if (!events.isEmpty()) {
      copy.append(branch.id(), 0, events);
    }
    Driver d = new Driver(sc, copy, QueueClock.manual(clock.now()), false);
    d.tickets.addAll(tickets);
    d.codes.putAll(codes);
    return d;
  }

  /**
   * A second engine opened on the given store (which holds this one's history, and maybe a
   * snapshot of it), on its own clock reading the same instant, knowing the same tickets and codes.
   */
  public Driver reopenedOn(EventStore other) {
    Driver d = new Driver(sc, other, QueueClock.manual(clock.now()), false);
    d.tickets.addAll(tickets);
    d.codes.putAll(codes);
    return d;
  }

  public Scenario scenario() {
    return sc;
  }

  public Branch branch() {
    return branch;
  }

  public ManualClock clock() {
    return clock;
  }

  public ReferenceModel model() {
    return model;
  }

  /** The ops applied so far, in order: replaying them on a new branch must give the same events. */
  public List<Op> applied() {
    return List.copyOf(applied);
  }

  /** The ids of the tickets the run has produced, in id order. */
  public Set<Long> ticketIds() {
    return java.util.Collections.unmodifiableSet(tickets);
  }

  public List<QueueEvent> events() {
    return store.load(branch.id(), 0);
  }

  // ---------------------------------------------------------------- applying

  /** Resolves and applies the command. */
  public Step step(Command c) {
    return apply(resolve(c));
  }

  /** Applies the op to the engine, then to the model. */
  public Step apply(Op op) {
    Outcome engine = op.applyTo(branch, clock);
    learn(engine.value());
    Outcome expected = model == null ? null : model.apply(op);
    applied.add(op);
    Step step = new Step(op, engine, expected);
    if (follower != null) {
      follower.accept(step);
    }
    return step;
  }

  /** Applies the op and checks the result against the model and the invariants. */
  public Step checked(Op op) {
    Step s = apply(op);
    verify(s);
    return s;
  }

  private void learn(Object value) {
    if (value instanceof Optional<?> o && o.isPresent()) {
      value = o.get();
    }
    if (value instanceof Ticket t) {
      tickets.add(t.id());
    } else if (value instanceof Booking b) {
      codes.putIfAbsent(b.id(), b.code());
    }
    // finishing a ticket with a return issues one that no operation returns
    long next = tickets.isEmpty() ? 1 : tickets.last() + 1;
    while (branch.ticket(next).isPresent()) {
      tickets.add(next++);
    }
  }

  /**
   * Asserts that the engine did what the model did (same value or same exception class), that
   * their events, tickets, bookings, waiting lists, positions, last seq and mode are equal, and
   * that the invariants hold.
   */
  public void verify(Step s) {
    List<QueueEvent> events = events();
    if (model != null) {
      if (!s.engine().sameAs(s.model())) {
        fail("the engine and the model disagree on " + s.op() + "\n  engine: " + s.engine() + "\n  model:  " + s.model());
      }
      List<QueueEvent> expected = model.events();
      if (!events.equals(expected)) {
        int i = 0;
        while (i < Math.min(events.size(), expected.size()) && events.get(i).equals(expected.get(i))) {
          i++;
        }
        fail("events differ from index " + i + " after " + s.op() + "\n  engine: "
            + events.subList(i, Math.min(events.size(), i + 3)) + "\n  model:  "
            + expected.subList(i, Math.min(expected.size(), i + 3)));
      }
      String diff = Snapshot.of(model).diff(Snapshot.of(branch, events));
      if (diff != null) {
        fail("state differs after " + s.op() + " (model vs engine):\n" + diff);
      }
    }
    try {
      checker.check(branch, events);
    } catch (AssertionError e) {
      fail(e.getMessage());
    }
  }

  private void fail(String message) {
    int from = Math.max(0, applied.size() - 12);
    StringBuilder sb = new StringBuilder(message).append("\nscenario: ").append(sc).append("\nlast ops:");
    for (int i = from; i < applied.size(); i++) {
      sb.append("\n  #").append(i).append(' ').append(applied.get(i));
    }
    throw new AssertionError(sb.toString());
  }

  /**
   * Brings every ticket and booking to a terminal state: moves the clock past every booking's
   * deadline, lets the branch catch up, opens every desk and switches its auto-call off, resumes every postponed ticket, calls and
   * finishes everything the desks can reach, finishes what is called or serving (and what a finish
   * sends back to another service), and cancels what is left waiting (a service no desk serves, a
   * recall cool-down).
   * With a model, every step is checked.
   */
  public void drain() {
    Instant target = clock.now();
    List<QueueEvent> events = events();
    if (!events.isEmpty() && events.get(events.size() - 1).at().isAfter(target)) {
      target = events.get(events.size() - 1).at();
    }
    for (String code : codes.values()) {
      Booking b = branch.booking(code).orElse(null);
      if (b == null) {
        continue; // ended on an earlier day and forgotten
      }
      Instant deadline = b.endsAt().plus(sc.limits().bookingGrace());
      if (deadline.isAfter(target)) {
        target = deadline;
      }
    }
    run(new Op.SetClock(target.plusSeconds(1)));
    run(new Op.Rotate());
    for (Desk d : sc.desks()) {
      run(new Op.OpenDesk(d.id()));
      run(new Op.SetAutoCall(d.id(), false));
    }
    for (long id : List.copyOf(tickets)) {
      if (branch.ticket(id).filter(t -> t.state() == TicketState.POSTPONED).isPresent()) {
        run(new Op.Resume(id));
      }
    }
    for (Desk d : sc.desks()) {
      while (true) {
        Step s = run(new Op.CallNext(d.id()));
        if (!(s.engine().value() instanceof Optional<?> o) || o.isEmpty()) {
          break;
        }
        run(new Op.Finish(((Ticket) o.get()).id()));
      }
    }
    int known;
    do { // finishing a ticket with a return issues another one
      known = tickets.size();
      for (long id : List.copyOf(tickets)) {
        TicketState st = branch.ticket(id).map(Ticket::state).orElse(TicketState.DONE); // absent: ended and forgotten
        if (st == TicketState.CALLED || st == TicketState.SERVING) {
          run(new Op.Finish(id));
        } else if (st == TicketState.WAITING || st == TicketState.POSTPONED) {
          run(new Op.Cancel(id));
        }
      }
    } while (tickets.size() > known);
  }

  private Step run(Op op) {
    return model == null ? apply(op) : checked(op);
  }

  /** Asserts that every ticket and booking the run produced is in a terminal state. */
  public void assertAllTerminal() {
    for (long id : tickets) {
      Ticket t = branch.ticket(id).orElse(null);
      if (t == null) {
        continue; // only tickets that ended on an earlier day are forgotten (the invariant checker checks that)
      }
      if (!t.state().isTerminal()) {
        fail("[1 conservation] after draining, ticket " + t.display() + " is still " + t.state());
      }
    }
    for (String code : codes.values()) {
      Booking b = branch.booking(code).orElse(null);
      if (b == null) {
        continue; // ended on an earlier day and forgotten
      }
      if (!b.state().isTerminal()) {
        fail("after draining, booking " + code + " is still " + b.state());
      }
    }
  }

  // ---------------------------------------------------------------- resolving

  /** The concrete op of a generated command, against the current state of this run. */
  public Op resolve(Command c) {
    if (c instanceof Command.Issue i) {
      return new Op.Issue(new IssueRequest(service(i.service()), i.origin(), i.categories(), PERSONS.get(i.person()),
          requestId(i.requestId())));
    } else if (c instanceof Command.Book b) {
      int len = (int) sc.slots().windowLength().toMinutes();
      LocalDateTime local = LocalDateTime.ofInstant(clock.now(), sc.zone());
      int minute = local.getHour() * 60 + local.getMinute();
      LocalDateTime start = local.toLocalDate().atStartOfDay().plusMinutes(minute / len * len)
          .plusDays(b.days()).plusMinutes((long) b.windows() * len).plusSeconds(b.misalignSeconds());
      return new Op.Book(new BookRequest(service(b.service()), start, PERSONS.get(b.person()), requestId(b.requestId())));
    } else if (c instanceof Command.CancelBooking x) {
      return new Op.CancelBooking(code(x.booking()));
    } else if (c instanceof Command.CheckIn x) {
      return new Op.CheckIn(code(x.booking()));
    } else if (c instanceof Command.CallNext x) {
      return new Op.CallNext(desk(x.desk()));
    } else if (c instanceof Command.Recall x) {
      return new Op.Recall(ticket(x.ticket(), TicketState.CALLED));
    } else if (c instanceof Command.ReturnCall x) {
      return new Op.ReturnCall(ticket(x.ticket(), TicketState.CALLED));
    } else if (c instanceof Command.Start x) {
      return new Op.Start(ticket(x.ticket(), TicketState.CALLED));
    } else if (c instanceof Command.Finish x) {
      return new Op.Finish(ticket(x.ticket(), TicketState.CALLED, TicketState.SERVING));
    } else if (c instanceof Command.NoShow x) {
      return new Op.NoShow(ticket(x.ticket(), TicketState.CALLED));
    } else if (c instanceof Command.CancelTicket x) {
      return new Op.Cancel(ticket(x.ticket(), TicketState.WAITING));
    } else if (c instanceof Command.Clock x) {
      return new Op.SetClock(target(x));
    } else if (c instanceof Command.SetMode x) {
      return new Op.SetMode(x.mode());
    } else if (c instanceof Command.Rotate) {
      return new Op.Rotate();
    } else if (c instanceof Command.Postpone x) {
      long id = ticket(x.ticket(), TicketState.WAITING, TicketState.CALLED);
      switch (x.period()) {
        case 0:
          return new Op.Postpone(id, null, true);
        case 1:
          return new Op.Postpone(id, null, false);
        case 2:
          return new Op.Postpone(id, Duration.ofMinutes(1), false);
        case 3:
          return new Op.Postpone(id, Duration.ofMinutes(20), false);
        default:
          return new Op.Postpone(id, Duration.ZERO, false);
      }
    } else if (c instanceof Command.Resume x) {
      return new Op.Resume(ticket(x.ticket(), TicketState.POSTPONED));
    } else if (c instanceof Command.Transfer x) {
      long id = ticket(x.ticket(), TicketState.SERVING, TicketState.CALLED);
      String to;
      if (x.service() < 0) {
        to = "nosuch";
      } else { // 0 is the ticket's own service (bad input), 1 and 2 count on from it
        String own = branch.ticket(id).map(Ticket::service).orElse(sc.services().get(0).code());
        int at = sc.serviceCodes().indexOf(own);
        to = sc.services().get((at + x.service()) % sc.services().size()).code();
      }
      TransferRequest r = TransferRequest.to(to);
      r = x.keepPlace() ? r : r.backOfLine();
      return new Op.Transfer(id, x.thenReturn() ? r.thenReturn() : r);
    } else if (c instanceof Command.CallTicket x) {
      return new Op.CallTicket(desk(x.desk()), ticket(x.ticket(), TicketState.WAITING, TicketState.POSTPONED));
    } else if (c instanceof Command.SetAutoCall x) {
      return new Op.SetAutoCall(desk(x.desk()), x.on());
    } else if (c instanceof Command.SetDesk x) {
      switch (x.to()) {
        case OPEN:
          return new Op.OpenDesk(desk(x.desk()));
        case CLOSED:
          return new Op.CloseDesk(desk(x.desk()));
        default:
          return new Op.PauseDesk(desk(x.desk()), REASONS.get(x.reason() % REASONS.size()));
      }
    }
    throw new IllegalStateException("unhandled command " + c);
  }

  /** Pause reasons that {@link Command.SetDesk#reason()} indexes: blank and null are bad input. */
  private static final List<String> REASONS = java.util.Arrays.asList("lunch", " ", null, "training");

  private String desk(int index) {
    return index < 0 ? "nosuch" : sc.desks().get(index % sc.desks().size()).id();
  }

  private String service(int index) {
    return index < 0 ? "nosuch" : sc.services().get(index % sc.services().size()).code();
  }

  private static String requestId(int n) {
    return n == 0 ? null : "req-" + n;
  }

  private long ticket(Command.Pick p, TicketState... usual) {
    if (p.kind() == Command.PickKind.UNKNOWN || tickets.isEmpty()) {
      return p.index() % 2 == 0 ? 0 : tickets.size() + 1 + p.index();
    }
    List<Long> candidates = new ArrayList<>();
    if (p.kind() == Command.PickKind.USUAL) {
      Set<TicketState> wanted = EnumSet.of(usual[0], usual);
      for (long id : tickets) {
        if (branch.ticket(id).filter(t -> wanted.contains(t.state())).isPresent()) {
          candidates.add(id);
        }
      }
    }
    if (candidates.isEmpty()) {
      candidates.addAll(tickets);
    }
    return candidates.get(p.index() % candidates.size());
  }

  /** When the picked ticket's timed postponement ends; null when no ticket is postponed with a period. */
  private Instant postponedUntil(Command.Pick p) {
    List<Instant> ends = new ArrayList<>();
    for (long id : tickets) {
      branch.ticket(id).map(Ticket::postponedUntil).ifPresent(ends::add);
    }
    return ends.isEmpty() ? null : ends.get(p.index() % ends.size());
  }

  private Booking booking(Command.Pick p) {
    List<Booking> candidates = new ArrayList<>();
    List<Booking> all = new ArrayList<>();
    for (String code : codes.values()) {
      Booking b = branch.booking(code).orElse(null);
      if (b == null) {
        continue; // ended on an earlier day and forgotten
      }
      all.add(b);
      if (b.state() == BookingState.BOOKED) {
        candidates.add(b);
      }
    }
    if (p.kind() != Command.PickKind.USUAL || candidates.isEmpty()) {
      candidates = all;
    }
    return candidates.isEmpty() ? null : candidates.get(p.index() % candidates.size());
  }

  private String code(Command.Pick p) {
    Booking b = booking(p);
    if (p.kind() != Command.PickKind.UNKNOWN && b != null) {
      return b.code();
    }
    if (b == null || p.index() % 2 == 0) {
      return "NO-SUCH";
    }
    String code = b.code(); // mistype the check character: never a valid code
    return code.substring(0, code.length() - 1) + (code.endsWith("A") ? "B" : "A");
  }

  private Instant target(Command.Clock c) {
    Instant now = clock.now();
    Duration off = Duration.ofSeconds(c.amount());
    Instant t;
    switch (c.step()) {
      case SECONDS:
        t = now.plus(off);
        break;
      case HOURS:
        t = now.plus(Duration.ofHours(c.amount()));
        break;
      case BACK:
        return now.minus(off);
      case NEXT_WINDOW:
        t = nextBoundary(now).plus(off);
        break;
      case LOCAL_MIDNIGHT:
        t = LocalDateTime.ofInstant(now, sc.zone()).toLocalDate().plusDays(1).atStartOfDay(sc.zone()).toInstant().plus(off);
        break;
      case UTC_MIDNIGHT:
        t = now.truncatedTo(ChronoUnit.DAYS).plus(1, ChronoUnit.DAYS).plus(off);
        break;
      case POSTPONE_ENDS:
        Instant until = postponedUntil(c.booking());
        t = (until == null ? nextBoundary(now) : until).plus(off);
        break;
      default:
        Booking b = booking(c.booking());
        t = b == null ? nextBoundary(now).plus(off) : anchor(c.step(), b).plus(off);
    }
    return t.isAfter(now) ? t : now.plusSeconds(1);
  }

  private Instant anchor(Command.ClockStep step, Booking b) {
    switch (step) {
      case CHECK_IN_OPENS:
        return b.startsAt().minus(sc.limits().earlyCheckIn());
      case LATE_LIMIT:
        return b.startsAt().plus(sc.limits().lateCheckIn());
      case WINDOW_END:
        return b.endsAt();
      case EXPIRY:
        return b.endsAt().plus(sc.limits().bookingGrace());
      default:
        throw new IllegalArgumentException("not a booking anchor: " + step);
    }
  }

  private Instant nextBoundary(Instant now) {
    int len = (int) sc.slots().windowLength().toMinutes();
    LocalDateTime local = LocalDateTime.ofInstant(now, sc.zone());
    int minute = local.getHour() * 60 + local.getMinute();
    return local.toLocalDate().atStartOfDay().plusMinutes(minute / len * len + len).atZone(sc.zone()).toInstant();
  }
}
