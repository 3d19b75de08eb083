package dev.talon.queue.policies.contract;

import static org.quicktheories.generators.SourceDSL.integers;

import dev.talon.queue.Inspection;
import dev.talon.queue.BookRequest;
import dev.talon.queue.Booking;
import dev.talon.queue.BookingState;
import dev.talon.queue.Branch;
import dev.talon.queue.CapacityExceededException;
import dev.talon.queue.CheckInRefusedException;
import dev.talon.queue.Desk;
import dev.talon.queue.IssueRequest;
import dev.talon.queue.QueueEvent;
import dev.talon.queue.Talon;
import dev.talon.queue.Ticket;
import dev.talon.queue.TicketState;
import dev.talon.queue.TransferRequest;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.Policy;
import dev.talon.queue.spi.QueueClock;
import dev.talon.queue.spi.StateCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/*
 * The policy contract's test kit: random days of a branch as data, and a runner that plays one
 * through a real engine while measuring what the contract checks.
 *
 * A scenario is a list of services (1-3), a list of desks (each serving a non-empty subset, all
 * services served by someone) and a list of commands: arrivals of every kind (walk-in, remote,
 * the four categories, booked on time), bookings of the current or a coming window, check-ins of
 * those bookings (early ones are refused and must change nothing, late ones go to the walk-in
 * line), clock advances, calls, cancellations, hand-backs, finishes, postponements (timed or until
 * resumed) and transfers to the next service (keeping the place or not). Picks ("the i-th waiting
 * ticket") are indexes taken modulo what exists when the command runs, so every generated list is
 * playable and shrinks well.
 *
 * The runner measures, at every call, against a snapshot of the waiting tickets taken just
 * before it: the call took the head of its line (FIFO within a line), and the per-turn bypass of
 * every ticket the desk could have called (see dev.talon.queue.policies' package documentation):
 * a counter per (waiting ticket, desk) grows when the desk calls a ticket that joined later and
 * restarts when the desk calls the waiting ticket's class.
 */
public final class PolicyTestKit {
  /** Monday 2026-03-02 08:00 UTC, a window boundary. */
  public static final Instant START = Instant.parse("2026-03-02T08:00:00Z");
  /** The service codes a scenario may use, in order. */
  public static final List<String> SERVICES = List.of("a", "b", "c");
  /** Places per window and service: enough that generated bookings never run out. */
  public static final int CAPACITY = 1000;
  private static final Duration WINDOW = Duration.ofMinutes(15);

  private PolicyTestKit() {}

  /** What kind of visitor arrives: the facts a classification can look at. */
  public enum Kind {
    WALK_IN, REMOTE, DISABLED, ELDERLY, PREGNANT, VETERAN, BOOKED;

    IssueRequest request(String service) {
      return switch (this) {
        case WALK_IN -> IssueRequest.walkIn(service);
        case REMOTE -> IssueRequest.remote(service);
        case DISABLED, ELDERLY, PREGNANT, VETERAN -> IssueRequest.walkIn(service).withCategories(name().toLowerCase(java.util.Locale.ROOT));
        case BOOKED -> throw new IllegalStateException("booked visitors check in");
      };
    }
  }

  /** One step of a scenario. */
  public sealed interface Cmd {}

  /** A visitor of this kind arrives for the service (booked: books the current window and checks in). */
  public record Arrive(int service, Kind kind) implements Cmd {}

  /** A booking of the window {@code windowsAhead} after the current one. */
  public record Book(int service, int windowsAhead) implements Cmd {}

  /** The {@code pick}-th open booking checks in (modulo the open bookings). */
  public record CheckIn(int pick) implements Cmd {}

  /** The clock moves on. */
  public record Advance(int minutes) implements Cmd {}

  /** The desk calls next. */
  public record Call(int desk) implements Cmd {}

  /** The {@code pick}-th waiting ticket is cancelled. */
  public record Cancel(int pick) implements Cmd {}

  /** The {@code pick}-th called ticket is handed back by its desk. */
  public record Return(int pick) implements Cmd {}

  /** The {@code pick}-th called ticket is served and finished. */
  public record Finish(int pick) implements Cmd {}

  /** The {@code pick}-th waiting ticket is postponed, for the default period or until resumed. */
  public record Postpone(int pick, boolean timed) implements Cmd {}

  /** The {@code pick}-th postponed ticket comes back to its place in its line. */
  public record Resume(int pick) implements Cmd {}

  /** The {@code pick}-th called ticket moves on to the next service, keeping its place or not. */
  public record Transfer(int pick, boolean keepPlace) implements Cmd {}

  /**
   * A day to play: services 0..services-1 of {@link #SERVICES}, desks by the service indexes
   * they serve, and the commands.
   */
  public record Scenario(int services, List<Set<Integer>> desks, List<Cmd> commands) {
    public Scenario {
      desks = List.copyOf(desks);
      commands = List.copyOf(commands);
    }

    @Override
    public String toString() {
      return "Scenario[services=" + services + ", desks=" + desks + ", " + commands.size() + " commands: " + commands + "]";
    }
  }

  // ---------------------------------------------------------------- generators

  /** Random days of up to {@code maxCommands} commands. */
  public static Gen<Scenario> scenarios(int maxCommands) {
    Gen<Integer> services = integers().between(1, SERVICES.size());
    return services.flatMap(n -> desks(n).zip(commands(n, maxCommands), (d, c) -> new Scenario(n, d, c)));
  }

  private static Gen<List<Set<Integer>>> desks(int services) {
    Gen<Set<Integer>> desk = integers().between(1, (1 << services) - 1).map(mask -> {
      Set<Integer> s = new TreeSet<>();
      for (int i = 0; i < services; i++) {
        if ((mask & (1 << i)) != 0) {
          s.add(i);
        }
      }
      return s;
    });
    return integers().between(1, 3).flatMap(count -> listOf(desk, count, count)).map(list -> {
      Set<Integer> covered = new HashSet<>();
      list.forEach(covered::addAll);
      List<Set<Integer>> out = new ArrayList<>(list);
      for (int i = 0; i < services; i++) {
        if (!covered.contains(i)) {
          out.set(0, union(out.get(0), i)); // every service is served by someone
        }
      }
      return out;
    });
  }

  private static Set<Integer> union(Set<Integer> s, int i) {
    Set<Integer> out = new TreeSet<>(s);
    out.add(i);
    return out;
  }

  private static Gen<List<Cmd>> commands(int services, int max) {
    Gen<Integer> svc = integers().between(0, services - 1);
    Gen<Integer> pick = integers().between(0, 50);
    Gen<Cmd> arrive = svc.zip(Generate.enumValues(Kind.class), (s, k) -> (Cmd) new Arrive(s, k));
    Gen<Cmd> book = svc.zip(integers().between(0, 3), (s, w) -> (Cmd) new Book(s, w));
    Gen<Cmd> checkIn = pick.map(p -> (Cmd) new CheckIn(p));
    Gen<Cmd> advance = integers().between(1, 20).map(m -> (Cmd) new Advance(m));
    Gen<Cmd> call = integers().between(0, 2).map(d -> (Cmd) new Call(d));
    Gen<Cmd> cancel = pick.map(p -> (Cmd) new Cancel(p));
    Gen<Cmd> ret = pick.map(p -> (Cmd) new Return(p));
    Gen<Cmd> finish = pick.map(p -> (Cmd) new Finish(p));
    Gen<Cmd> postpone = pick.zip(Generate.booleans(), (p, timed) -> (Cmd) new Postpone(p, timed));
    Gen<Cmd> resume = pick.map(p -> (Cmd) new Resume(p));
    Gen<Cmd> transfer = pick.zip(Generate.booleans(), (p, keep) -> (Cmd) new Transfer(p, keep));
    Gen<Cmd> any = Generate.frequency(List.of(
        org.quicktheories.api.Pair.of(6, arrive), org.quicktheories.api.Pair.of(2, book),
        org.quicktheories.api.Pair.of(2, checkIn), org.quicktheories.api.Pair.of(3, advance),
        org.quicktheories.api.Pair.of(6, call), org.quicktheories.api.Pair.of(1, cancel),
        org.quicktheories.api.Pair.of(1, ret), org.quicktheories.api.Pair.of(2, finish),
        org.quicktheories.api.Pair.of(1, postpone), org.quicktheories.api.Pair.of(1, resume),
        org.quicktheories.api.Pair.of(1, transfer)));
    return integers().between(1, max).flatMap(n -> listOf(any, n, n));
  }

  private static <T> Gen<List<T>> listOf(Gen<T> item, int min, int max) {
    return org.quicktheories.generators.SourceDSL.lists().of(item).ofSizeBetween(min, max);
  }

  // ---------------------------------------------------------------- the runner

  /** One call as the runner saw it. */
  public record CallRecord(Instant at, String desk, long ticket, String service, String line, long joinSeq) {}

  /** Builds the engine of a scenario: UTC, always open, the default limits, ample capacity. */
  public static Branch branch(Scenario s, Policy<?> policy, QueueClock clock, EventStore store) {
    Talon b = Talon.newBranch("contract").clock(clock).store(store).policy(policy);
    for (int i = 0; i < s.services(); i++) {
      b.service(SERVICES.get(i), SERVICES.get(i).toUpperCase(), "service " + SERVICES.get(i)).capacity(SERVICES.get(i), CAPACITY);
    }
    for (int d = 0; d < s.desks().size(); d++) {
      b.desk(deskId(d), s.desks().get(d).stream().map(SERVICES::get).toArray(String[]::new));
    }
    return b.build();
  }

  static String deskId(int d) {
    return "d" + (d + 1);
  }

  /** Plays a scenario from {@link #START} and then drains it. */
  public static Run play(Scenario s, Supplier<? extends Policy<?>> policy) {
    Run run = new Run(s, policy.get());
    run.playAll();
    run.drain();
    return run;
  }

  /** A scenario played on one engine, with what was measured. */
  public static final class Run {
    public final Scenario scenario;
    public final ManualClock clock = QueueClock.manual(START);
    public final EventStore store = EventStore.inMemory();
    public final Branch branch;
    public final List<CallRecord> calls = new ArrayList<>();
    public final List<String> fifoViolations = new ArrayList<>();
    private final List<String> bookings = new ArrayList<>();
    private final Set<Long> called = new LinkedHashSet<>();
    private final Set<Long> postponed = new LinkedHashSet<>();
    private final Map<Long, Map<String, Integer>> turns = new HashMap<>();
    private final List<Desk> desks = new ArrayList<>();
    private int worstBypass;
    private String worstCase = "none";
    private Runnable afterEachCall = () -> {};

    public Run(Scenario s, Policy<?> policy) {
      this.scenario = s;
      this.branch = branch(s, policy, clock, store);
      for (int d = 0; d < s.desks().size(); d++) {
        desks.add(new Desk(deskId(d), Set.copyOf(s.desks().get(d).stream().map(SERVICES::get).toList())));
      }
    }

    /** Runs {@code check} after every call that called a ticket, also those of {@link #drain}. */
    public void afterEachCall(Runnable check) {
      this.afterEachCall = check;
    }

    /** The largest per-turn bypass seen, and where. */
    public int worstBypass() {
      return worstBypass;
    }

    public String worstCase() {
      return worstCase;
    }

    public void playAll() {
      for (Cmd c : scenario.commands()) {
        apply(c);
      }
    }

    public void apply(Cmd c) {
      if (c instanceof Arrive a) {
        arrive(a);
      } else if (c instanceof Book b) {
        book(b.service(), b.windowsAhead());
      } else if (c instanceof CheckIn ci) {
        checkIn(ci.pick());
      } else if (c instanceof Advance a) {
        clock.advance(Duration.ofMinutes(a.minutes()));
      } else if (c instanceof Call call) {
        call(desks.get(call.desk() % desks.size()));
      } else if (c instanceof Cancel x) {
        List<Ticket> waiting = waiting();
        if (!waiting.isEmpty()) {
          branch.cancel(waiting.get(x.pick() % waiting.size()).id());
        }
      } else if (c instanceof Return r) {
        Ticket t = calledPick(r.pick());
        if (t != null) {
          branch.returnCall(t.id());
          called.remove(t.id());
        }
      } else if (c instanceof Finish f) {
        Ticket t = calledPick(f.pick());
        if (t != null) {
          branch.finish(t.id());
          called.remove(t.id());
        }
      } else if (c instanceof Postpone p) {
        List<Ticket> waiting = waiting();
        if (!waiting.isEmpty()) {
          Ticket t = waiting.get(p.pick() % waiting.size());
          if (p.timed()) {
            branch.postpone(t.id());
          } else {
            branch.postponeIndefinitely(t.id());
          }
          postponed.add(t.id());
          turns.remove(t.id()); // it leaves its line; it starts afresh when it returns
        }
      } else if (c instanceof Resume r) {
        List<Long> still = stillPostponed();
        if (!still.isEmpty()) {
          branch.resume(still.get(r.pick() % still.size()));
        }
      } else if (c instanceof Transfer x) {
        Ticket t = calledPick(x.pick());
        if (t != null && scenario.services() > 1) {
          String to = SERVICES.get((SERVICES.indexOf(t.service()) + 1) % scenario.services());
          branch.transfer(t.id(), new TransferRequest(to, x.keepPlace(), null, false));
          called.remove(t.id());
        }
      }
    }

    private void arrive(Arrive a) {
      String service = SERVICES.get(a.service() % scenario.services());
      if (a.kind() == Kind.BOOKED) {
        String code = book(a.service(), 0);
        if (code != null) {
          branch.checkIn(code);
        }
      } else {
        branch.issue(a.kind().request(service));
      }
    }

    private String book(int service, int windowsAhead) {
      Instant now = clock.now();
      long minute = now.getEpochSecond() / 60;
      Instant windowStart = Instant.ofEpochSecond((minute - minute % WINDOW.toMinutes()) * 60);
      LocalDateTime start = LocalDateTime.ofInstant(windowStart.plus(WINDOW.multipliedBy(windowsAhead)), ZoneOffset.UTC);
      try {
        Booking b = branch.book(BookRequest.of(SERVICES.get(service % scenario.services()), start));
        bookings.add(b.code());
        return b.code();
      } catch (CapacityExceededException full) {
        return null;
      }
    }

    private void checkIn(int pick) {
      branch.rotate(); // let bookings past their grace expire first, so that "open" is current
      List<String> open = new ArrayList<>();
      for (String code : bookings) {
        if (branch.booking(code).map(b -> b.state() == BookingState.BOOKED).orElse(false)) {
          open.add(code);
        }
      }
      if (open.isEmpty()) {
        return;
      }
      long before = branch.lastSeq();
      try {
        branch.checkIn(open.get(pick % open.size()));
      } catch (CheckInRefusedException tooEarly) {
        if (branch.lastSeq() != before) {
          throw new AssertionError("a refused check-in changed the branch: seq " + before + " -> " + branch.lastSeq());
        }
      }
    }

    /** Postponed tickets that have not come back by themselves yet. */
    private List<Long> stillPostponed() {
      branch.rotate(); // timed postponements end during the clock's catch-up
      postponed.removeIf(id -> branch.ticket(id).map(t -> t.state() != TicketState.POSTPONED).orElse(true));
      return new ArrayList<>(postponed);
    }

    private Ticket calledPick(int pick) {
      List<Long> ids = new ArrayList<>(called);
      return ids.isEmpty() ? null : branch.ticket(ids.get(pick % ids.size())).orElseThrow();
    }

    /** Every waiting ticket of every service, each service's lines in line order. */
    public List<Ticket> waiting() {
      List<Ticket> all = new ArrayList<>();
      for (int i = 0; i < scenario.services(); i++) {
        all.addAll(branch.waiting(SERVICES.get(i)));
      }
      return all;
    }

    /** One call by the desk, measured against the waiting tickets just before it. */
    public Optional<Ticket> call(Desk desk) {
      branch.rotate(); // timed postponements that are over return first, so that the snapshot is current
      List<Ticket> before = waiting();
      Optional<Ticket> got = branch.callNext(desk.id());
      if (got.isEmpty()) {
        if (before.stream().anyMatch(t -> desk.serves(t.service()))) {
          fifoViolations.add("desk " + desk.id() + " called nothing while " + before + " waited");
        }
        return got;
      }
      Ticket x = got.get();
      calls.add(new CallRecord(clock.now(), desk.id(), x.id(), x.service(), x.line(), x.joinSeq()));
      called.add(x.id());
      Ticket head = before.stream().filter(t -> t.service().equals(x.service()) && t.line().equals(x.line()))
          .findFirst().orElse(null);
      if (head == null || head.id() != x.id() || !desk.serves(x.service())) {
        fifoViolations.add("desk " + desk.id() + " called " + x.display() + " (join " + x.joinSeq() + ", line "
            + x.line() + ") but the head of its line was " + (head == null ? "nothing" : head.display()));
      }
      for (Ticket t : before) {
        if (t.id() == x.id() || !desk.serves(t.service())) {
          continue;
        }
        Map<String, Integer> perDesk = turns.computeIfAbsent(t.id(), k -> new HashMap<>());
        int n = perDesk.getOrDefault(desk.id(), 0);
        if (x.joinSeq() > t.joinSeq()) {
          n++;
          if (n > worstBypass) {
            worstBypass = n;
            worstCase = t.display() + " (" + t.line() + ", join " + t.joinSeq() + ") passed " + n + " times in one turn at desk "
                + desk.id() + ", last by " + x.display() + " (" + x.line() + ", join " + x.joinSeq() + ") at " + clock.now();
          }
        }
        perDesk.put(desk.id(), x.line().equals(t.line()) ? 0 : n);
      }
      turns.remove(x.id());
      afterEachCall.run();
      return got;
    }

    /** Brings back every postponed ticket, calls until no desk gets anything, finishes every call. */
    public void drain() {
      for (long id : stillPostponed()) {
        branch.resume(id);
      }
      boolean any = true;
      while (any) {
        any = false;
        for (Desk d : desks) {
          any |= call(d).isPresent();
        }
      }
      for (long id : new ArrayList<>(called)) {
        branch.finish(id);
      }
      called.clear();
    }

    /** Conservation problems: tickets not terminal, or called while already called. */
    public List<String> conservationViolations() {
      List<String> problems = new ArrayList<>();
      Map<Long, TicketState> last = new HashMap<>();
      for (QueueEvent e : store.load(branch.id(), 0)) {
        if (e instanceof QueueEvent.TicketIssued i) {
          if (last.put(i.ticketId(), TicketState.WAITING) != null) {
            problems.add("ticket " + i.ticketId() + " issued twice");
          }
        } else if (e instanceof QueueEvent.TicketCalled c) {
          if (last.put(c.ticketId(), TicketState.CALLED) != TicketState.WAITING) {
            problems.add("ticket " + c.ticketId() + " called by desk " + c.desk() + " while not waiting");
          }
        } else if (e instanceof QueueEvent.CallReturned r) {
          last.put(r.ticketId(), TicketState.WAITING);
        } else if (e instanceof QueueEvent.ServiceStarted st) {
          last.put(st.ticketId(), TicketState.SERVING);
        } else if (e instanceof QueueEvent.ServiceFinished f) {
          if (last.put(f.ticketId(), TicketState.DONE) != TicketState.SERVING) {
            problems.add("ticket " + f.ticketId() + " finished without being served");
          }
        } else if (e instanceof QueueEvent.TicketCancelled c) {
          last.put(c.ticketId(), TicketState.CANCELLED);
        } else if (e instanceof QueueEvent.TicketNoShow n) {
          last.put(n.ticketId(), TicketState.NO_SHOW);
        } else if (e instanceof QueueEvent.TicketPostponed p) {
          last.put(p.ticketId(), TicketState.POSTPONED);
        } else if (e instanceof QueueEvent.TicketResumed r) {
          last.put(r.ticketId(), TicketState.WAITING);
        } else if (e instanceof QueueEvent.TicketTransferred x) {
          last.put(x.ticketId(), TicketState.TRANSFERRED);
        }
      }
      last.forEach((id, state) -> {
        if (!state.isTerminal()) {
          problems.add("ticket " + id + " ended " + state);
        }
        branch.ticket(id).ifPresent(t -> {
          if (t.state() != state) {
            problems.add("ticket " + t.display() + " is " + t.state() + " but its events say " + state);
          }
        });
      });
      if (!waiting().isEmpty()) {
        problems.add("tickets still wait after the drain: " + waiting());
      }
      return problems;
    }
  }

  // ---------------------------------------------------------------- policy state

  /** The policy state the engine of a branch holds now (a branch built by {@link #branch}). */
  public static Object policyState(Branch branch) {
    return Inspection.policyState(branch);
  }

  /** The state as the policy's {@link Policy#stateCodec() codec} writes it. */
  public static byte[] encode(Policy<?> policy, Object state) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      codec(policy).write(state, new DataOutputStream(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException("a byte array output failed", e);
    }
    return bytes.toByteArray();
  }

  /** Reads a state with the policy's codec; fails when the codec leaves some of the bytes unread. */
  public static Object decode(Policy<?> policy, byte[] bytes) throws IOException {
    ByteArrayInputStream in = new ByteArrayInputStream(bytes);
    Object state = codec(policy).read(new DataInputStream(in));
    if (in.available() != 0) {
      throw new AssertionError("the codec of " + policy.name() + " read " + (bytes.length - in.available()) + " of the "
          + bytes.length + " bytes written and left the rest");
    }
    return state;
  }

  @SuppressWarnings("unchecked")
  private static StateCodec<Object> codec(Policy<?> policy) {
    return ((Policy<Object>) policy).stateCodec();
  }

  // ---------------------------------------------------------------- bursts

  /**
   * The burst family: after {@code pause} minutes one ticket T of kind {@code first} arrives
   * for service {@code firstService}, then {@code 3k} tickets of kind {@code then} for service 0;
   * the clock moves {@code wait} minutes and the one desk (serving every service used) calls
   * {@code 3k} times. A policy with a finite bound keeps every turn within it; an unbounded one
   * shows itself here by passing T more than k times.
   */
  public static Scenario burst(int k, int pause, Kind first, int firstService, Kind then, int wait) {
    List<Cmd> cmds = new ArrayList<>();
    if (pause > 0) {
      cmds.add(new Advance(pause));
    }
    cmds.add(new Arrive(firstService, first));
    for (int i = 0; i < 3 * k; i++) {
      cmds.add(new Arrive(0, then));
    }
    if (wait > 0) {
      cmds.add(new Advance(wait));
    }
    for (int i = 0; i < 3 * k; i++) {
      cmds.add(new Call(0));
    }
    int services = firstService + 1;
    Set<Integer> all = new TreeSet<>();
    for (int i = 0; i < services; i++) {
      all.add(i);
    }
    return new Scenario(services, List.of(all), cmds);
  }

  /** Every member of the burst family for this k, in a fixed order. */
  public static List<Scenario> bursts(int k) {
    List<Scenario> out = new ArrayList<>();
    for (Kind first : Kind.values()) {
      for (Kind then : Kind.values()) {
        for (int firstService : new int[] {0, 1}) {
          for (int pause : new int[] {0, 5}) {
            for (int wait : new int[] {0, 31}) {
              out.add(burst(k, pause, first, firstService, then, wait));
            }
          }
        }
      }
    }
    return out;
  }

  /** The same day, starting {@code minutes} later (for policies that change with the time of day). */
  public static Scenario later(Scenario s, int minutes) {
    List<Cmd> cmds = new ArrayList<>();
    cmds.add(new Advance(minutes));
    cmds.addAll(s.commands());
    return new Scenario(s.services(), s.desks(), cmds);
  }
}
