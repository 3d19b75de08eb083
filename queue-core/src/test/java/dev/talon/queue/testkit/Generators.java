package dev.talon.queue.testkit;

import static org.quicktheories.generators.SourceDSL.lists;

import dev.talon.queue.AdmissionMode;
import dev.talon.queue.Desk;
import dev.talon.queue.LateArrival;
import dev.talon.queue.Limits;
import dev.talon.queue.OpeningHours;
import dev.talon.queue.Origin;
import dev.talon.queue.PostponeReturn;
import dev.talon.queue.DeskState;
import dev.talon.queue.Service;
import dev.talon.queue.SlotCalendar;
import dev.talon.queue.spi.Policy;
import dev.talon.queue.testkit.Command.ClockStep;
import dev.talon.queue.testkit.Command.Pick;
import dev.talon.queue.testkit.Command.PickKind;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * The QuickTheories generators of scenarios and command sequences. This is the only class of the
 * test kit that knows the property engine: {@link Scenario}, {@link Command}, {@link Driver} and
 * {@link ReferenceModel} are plain Java, so another engine needs only another version of this
 * class.
 *
 * <p>The distributions aim at the interesting edges rather than at uniform noise: most picks hit
 * a ticket or booking in the state the operation needs, clock steps land on window boundaries,
 * check-in limits, window ends, expiry deadlines and the ends of timed postponements one second
 * before, on, or one second after them, and a few steps cross local or UTC midnight or go
 * backwards. Service-centre commands come with their bad inputs (zero postpone periods, transfers
 * to the ticket's own or an unknown service, walk-direct calls at desks that do not serve the
 * ticket, blank and null pause reasons), and scenarios vary where postponed tickets return, the
 * recall cool-down, the default postpone period and the policy (including a stateful test one).
 */
public final class Generators {
  private Generators() {}

  /** Zones with a positive, a negative, a half-hour and a zero offset; start dates avoid DST changes. */
  public static final List<ZoneId> ZONES = List.of(ZoneId.of("Asia/Almaty"), ZoneId.of("America/Los_Angeles"),
      ZoneId.of("Asia/Kolkata"), ZoneId.of("UTC"));

  public static final List<OpeningHours> HOURS = List.of(OpeningHours.always(),
      OpeningHours.daily(LocalTime.of(9, 0), LocalTime.of(18, 0)),
      OpeningHours.daily(LocalTime.of(8, 0), LocalTime.of(20, 0)).closedOn(DayOfWeek.SUNDAY));

  public static final List<Service> SERVICES = List.of(new Service("docs", "A", "ID documents"),
      new Service("cars", "B", "Vehicles"), new Service("tax", "TX", "Taxes"));

  /** Monday 2026-01-05 plus up to 40 days: well before Los Angeles moves its clocks on 2026-03-08. */
  private static final LocalDate FIRST_DAY = LocalDate.of(2026, 1, 5);

  private record Place(ZoneId zone, OpeningHours hours, LocalDateTime start) {}

  private record Shape(int services, int layout, int[] capacity, int windowMinutes, int horizonDays) {}

  private record Rules(Limits limits, Policy<?> policy, boolean ban) {}

  /** Branch configurations: 1-3 services, 1-3 desks, capacities 0-3, both built-in policies, varied limits. */
  public static Gen<Scenario> scenarios() {
    Gen<LocalDateTime> start = Generate.range(0, 40).zip(
        Generate.frequency(Pair.of(3, Generate.range(8 * 60, 17 * 60 + 30)), Pair.of(1, Generate.range(0, 24 * 60 - 1))),
        Generate.range(0, 59),
        (day, minute, second) -> FIRST_DAY.plusDays(day).atStartOfDay().plusMinutes(minute).plusSeconds(second));
    Gen<Place> place = Generate.pick(ZONES).zip(Generate.pick(HOURS), start, Place::new);
    Gen<Integer> places = Generate.frequency(Pair.of(1, Generate.constant(0)), Pair.of(6, Generate.range(1, 3)));
    Gen<Shape> shape = Generate.range(1, 3).zip(Generate.range(0, 3), Generate.intArrays(Generate.constant(3), places),
        Generate.pick(List.of(15, 20, 30)), Generate.range(0, 2), Shape::new);
    Gen<Limits> limits = Generate.pick(List.of(0, 10, 30)).zip(Generate.pick(List.of(0, 5, 10)),
        Generate.enumValues(LateArrival.class), Generate.range(0, 2), Generate.pick(List.of(0, 5, 15)),
        (early, late, arrival, recalls, grace) -> Limits.defaults()
            .withEarlyCheckIn(Duration.ofMinutes(early)).withLateCheckIn(Duration.ofMinutes(late))
            .withLateArrival(arrival).withRecallLimit(recalls).withBookingGrace(Duration.ofMinutes(grace))
            .withRequestIdWindow(Duration.ofDays(366)));
    Gen<Limits> centre = limits.zip(
        Generate.frequency(Pair.of(2, Generate.constant(PostponeReturn.KEEP_PLACE)),
            Pair.of(1, Generate.constant(PostponeReturn.BACK_OF_LINE)),
            Pair.of(1, Generate.constant(PostponeReturn.RAISE_CLASS))),
        Generate.pick(List.of(0, 0, 3)), Generate.pick(List.of(5, 15)),
        (l, back, cooldown, period) -> l.withPostponeReturn(back, back == PostponeReturn.RAISE_CLASS ? Policy.BOOKED : null)
            .withRecallCooldown(Duration.ofMinutes(cooldown)).withPostponePeriod(Duration.ofMinutes(period)));
    Gen<Policy<?>> policy = Generate.pick(List.of(Policy.fifo(), Policy.bookedFirst(), ReferencePolicies.alternating()));
    Gen<Rules> rules = centre.zip(policy, Generate.booleans(), Rules::new);
    return place.zip(shape, rules, Generators::assemble);
  }

  private static Scenario assemble(Place p, Shape s, Rules r) {
    List<Service> services = SERVICES.subList(0, s.services());
    String first = services.get(0).code();
    String last = services.get(services.size() - 1).code();
    Set<String> all = Set.copyOf(services.stream().map(Service::code).toList());
    List<Desk> desks = new ArrayList<>();
    switch (s.layout()) {
      case 0:
        desks.add(new Desk("1", all));
        break;
      case 1:
        desks.add(new Desk("1", all));
        desks.add(new Desk("2", Set.of(first)));
        break;
      case 2:
        desks.add(new Desk("1", Set.of(first)));
        desks.add(new Desk("2", Set.of(last)));
        break;
      default:
        desks.add(new Desk("1", all));
        desks.add(new Desk("2", Set.of(first)));
        desks.add(new Desk("3", Set.of(last)));
    }
    Map<String, Integer> capacity = new TreeMap<>();
    for (int i = 0; i < services.size(); i++) {
      capacity.put(services.get(i).code(), s.capacity()[i]);
    }
    SlotCalendar slots = new SlotCalendar(Duration.ofMinutes(s.windowMinutes()), capacity, s.horizonDays());
    return new Scenario("b-" + p.zone().getId().replace('/', '-'), p.zone(), p.hours(), services, desks, slots,
        r.limits(), r.policy(), p.start().atZone(p.zone()).toInstant(), r.ban() ? "p-banned" : null,
        Duration.ofSeconds(1));
  }

  private static Gen<Pick> picks() {
    return Generate.frequency(Pair.of(85, Generate.constant(PickKind.USUAL)), Pair.of(10, Generate.constant(PickKind.ANY)),
        Pair.of(5, Generate.constant(PickKind.UNKNOWN))).zip(Generate.range(0, 63), Pick::new);
  }

  private static Gen<Integer> serviceIndexes() {
    return Generate.frequency(Pair.of(1, Generate.constant(-1)), Pair.of(24, Generate.range(0, 2)));
  }

  private static Gen<Integer> persons() {
    return Generate.frequency(Pair.of(6, Generate.constant(0)), Pair.of(3, Generate.range(1, 2)),
        Pair.of(1, Generate.constant(3)));
  }

  private static Gen<Integer> requestIds() {
    return Generate.frequency(Pair.of(3, Generate.constant(0)), Pair.of(1, Generate.range(1, 4)));
  }

  private static Gen<Integer> amountsFor(ClockStep step) {
    switch (step) {
      case SECONDS:
        return Generate.range(1, 900);
      case HOURS:
        return Generate.range(1, 6);
      case BACK:
        return Generate.pick(List.of(1, 2, 30, 300));
      default:
        return Generate.range(-1, 1);
    }
  }

  /** One command, with the mix of a busy morning. */
  public static Gen<Command> commands() {
    Gen<Command> issue = serviceIndexes().zip(
        Generate.frequency(Pair.of(4, Generate.constant(Origin.WALK_IN)), Pair.of(1, Generate.constant(Origin.REMOTE))),
        Generate.pick(List.of(Set.<String>of(), Set.<String>of(), Set.of("elderly"), Set.of("disabled", "elderly"))),
        persons(), requestIds(), Command.Issue::new);
    Gen<Command> book = serviceIndexes().zip(
        Generate.frequency(Pair.of(8, Generate.constant(0)), Pair.of(2, Generate.range(1, 3))),
        Generate.frequency(Pair.of(6, Generate.range(-1, 3)), Pair.of(2, Generate.range(4, 12)),
            Pair.of(1, Generate.range(13, 40))),
        Generate.frequency(Pair.of(20, Generate.constant(0)), Pair.of(1, Generate.pick(List.of(30, 300)))),
        (service, days, windows, misalign) -> new int[] {service, days, windows, misalign})
        .zip(persons(), requestIds(), (a, person, rid) -> new Command.Book(a[0], a[1], a[2], a[3], person, rid));
    Gen<ClockStep> steps = Generate.frequency(List.of(
        Pair.of(6, Generate.constant(ClockStep.SECONDS)), Pair.of(4, Generate.constant(ClockStep.NEXT_WINDOW)),
        Pair.of(5, Generate.constant(ClockStep.CHECK_IN_OPENS)), Pair.of(3, Generate.constant(ClockStep.LATE_LIMIT)),
        Pair.of(1, Generate.constant(ClockStep.WINDOW_END)), Pair.of(3, Generate.constant(ClockStep.EXPIRY)),
        Pair.of(1, Generate.constant(ClockStep.LOCAL_MIDNIGHT)), Pair.of(1, Generate.constant(ClockStep.UTC_MIDNIGHT)),
        Pair.of(1, Generate.constant(ClockStep.HOURS)), Pair.of(1, Generate.constant(ClockStep.BACK)),
        Pair.of(3, Generate.constant(ClockStep.POSTPONE_ENDS))));
    Gen<Command> clock = steps.flatMap(step -> amountsFor(step).zip(picks(), (amount, pick) -> new Command.Clock(step,
        amount, pick)));
    Gen<Command> call = Generate.frequency(Pair.of(1, Generate.constant(-1)), Pair.of(20, Generate.range(0, 2)))
        .map(Command.CallNext::new);
    Gen<Pick> pick = picks();
    Gen<Command> postpone = pick.zip(Generate.frequency(Pair.of(1, Generate.constant(-1)), Pair.of(12, Generate.range(0, 3))),
        Command.Postpone::new);
    Gen<Command> transfer = pick.zip(Generate.frequency(Pair.of(1, Generate.constant(-1)), Pair.of(1, Generate.constant(0)),
        Pair.of(12, Generate.range(1, 2))), Generate.booleans(), Generate.booleans(), Command.Transfer::new);
    Gen<Integer> desks = Generate.frequency(Pair.of(1, Generate.constant(-1)), Pair.of(20, Generate.range(0, 2)));
    Gen<Command> callTicket = desks.zip(pick, Command.CallTicket::new);
    Gen<Command> setDesk = desks.zip(Generate.frequency(Pair.of(3, Generate.constant(DeskState.OPEN)),
        Pair.of(2, Generate.constant(DeskState.PAUSED)), Pair.of(1, Generate.constant(DeskState.CLOSED))),
        Generate.frequency(Pair.of(6, Generate.pick(List.of(0, 3))), Pair.of(1, Generate.pick(List.of(1, 2)))),
        Command.SetDesk::new);
    return Generate.frequency(List.of(
        Pair.of(5, postpone),
        Pair.of(3, up(pick.map(Command.Resume::new))),
        Pair.of(6, transfer),
        Pair.of(4, callTicket),
        Pair.of(3, setDesk),
        Pair.of(1, desks.zip(Generate.booleans(), Command.SetAutoCall::new)),
        Pair.of(16, issue),
        Pair.of(14, book),
        Pair.of(12, up(pick.map(Command.CheckIn::new))),
        Pair.of(3, up(pick.map(Command.CancelBooking::new))),
        Pair.of(14, call),
        Pair.of(4, up(pick.map(Command.Recall::new))),
        Pair.of(3, up(pick.map(Command.ReturnCall::new))),
        Pair.of(5, up(pick.map(Command.Start::new))),
        Pair.of(8, up(pick.map(Command.Finish::new))),
        Pair.of(3, up(pick.map(Command.NoShow::new))),
        Pair.of(4, up(pick.map(Command.CancelTicket::new))),
        Pair.of(20, clock),
        Pair.of(2, up(Generate.frequency(Pair.of(2, Generate.constant(AdmissionMode.MIXED)),
            Pair.of(1, Generate.constant(AdmissionMode.BOOKING_ONLY)),
            Pair.of(1, Generate.constant(AdmissionMode.WALK_IN_ONLY))).map(Command.SetMode::new))),
        Pair.of(2, up(Generate.constant(new Command.Rotate())))));
  }

  private static Gen<Command> up(Gen<? extends Command> g) {
    return g.map(c -> (Command) c);
  }

  /** Sequences of 1 to {@code maxLength} commands, three in four longer than a third of it. */
  public static Gen<List<Command>> sequences(int maxLength) {
    return lists().of(commands()).ofSizes(Generate.frequency(Pair.of(1, Generate.range(1, maxLength / 3)),
        Pair.of(3, Generate.range(maxLength / 3, maxLength))));
  }
}
