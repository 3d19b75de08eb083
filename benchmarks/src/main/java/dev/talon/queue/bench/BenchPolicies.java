package dev.talon.queue.bench;

import dev.talon.queue.Origin;
import dev.talon.queue.spi.Bypass;
import dev.talon.queue.spi.DispatchView;
import dev.talon.queue.spi.LineView;
import dev.talon.queue.spi.Policy;
import dev.talon.queue.spi.TicketFacts;
import java.util.List;

/**
 * The policies the engine benchmarks run, by the name used in their {@code @Param} lists, and the
 * four-line classification they all share.
 *
 * <p>The engine benchmarks issue tickets into four lines of one service: {@link Policy#BOOKED}
 * (visitors with an appointment), {@code priority} (disabled visitors), {@link Policy#WALK_IN}
 * and {@code remote}. Check-in would need a booking per ticket, so appointments are issued as
 * walk-ins carrying the category {@code appointment} and a wrapper classifies by category; the
 * named policy still does all the selecting, so {@code booked-first} calls that line first.
 */
final class BenchPolicies {
  /** The four line classes, in the order of {@link EngineFixture#REQUESTS}. */
  static final List<String> LINE_CLASSES = List.of(Policy.BOOKED, "priority", Policy.WALK_IN, "remote");
  /** The category that puts a ticket into the booked line. */
  static final String APPOINTMENT = "appointment";
  /** The category that puts a ticket into the priority line. */
  static final String DISABLED = "disabled";

  private BenchPolicies() {}

  /**
   * The policy with this benchmark name. The extension point for the policy library: a new name
   * here plus in the {@code @Param} list of {@link EngineQueueBenchmark#policy} is all a new
   * policy needs.
   */
  /** 3 booked : 1 priority : 1 walk-in : 1 remote, from the policy library. */
  private static final Policy<?> RATIO = dev.talon.queue.policies.Policies.ratio(
      java.util.Map.of(Policy.BOOKED, 3, "priority", 1, Policy.WALK_IN, 1, "remote", 1));

  static Policy<?> named(String name) {
    return switch (name) {
      case "fifo" -> Policy.fifo();
      case "booked-first" -> Policy.bookedFirst();
      case "ratio" -> RATIO;
      case "max-wait" -> dev.talon.queue.policies.Policies.maxWait(java.time.Duration.ofMinutes(30), RATIO);
      default -> throw new IllegalArgumentException("unknown benchmark policy \"" + name
          + "\"; known: fifo, booked-first, ratio, max-wait");
    };
  }

  /** The named policy over the four benchmark lines. */
  static Policy<?> fourLines(String name) {
    return new FourLines<>(named(name));
  }

  /** Classifies by category into the four lines and leaves every decision to the wrapped policy. */
  private static final class FourLines<S> implements Policy<S> {
    private final Policy<S> policy;

    FourLines(Policy<S> policy) {
      this.policy = policy;
    }

    @Override
    public String name() {
      return policy.name();
    }

    @Override
    public String classify(TicketFacts ticket) {
      if (ticket.categories().contains(APPOINTMENT)) {
        return LINE_CLASSES.get(0);
      }
      if (ticket.categories().contains(DISABLED)) {
        return LINE_CLASSES.get(1);
      }
      return ticket.origin() == Origin.REMOTE ? LINE_CLASSES.get(3) : LINE_CLASSES.get(2);
    }

    @Override
    public S initialState() {
      return policy.initialState();
    }

    @Override
    public LineView select(DispatchView<S> view) {
      return policy.select(view);
    }

    @Override
    public S afterCall(DispatchView<S> view, LineView chosen) {
      return policy.afterCall(view, chosen);
    }

    @Override
    public Bypass bypass() {
      return policy.bypass();
    }

    /** The wrapped policy's state is the state: snapshots write it with the wrapped policy's codec. */
    @Override
    public dev.talon.queue.spi.StateCodec<S> stateCodec() {
      return policy.stateCodec();
    }

    @Override
    public String toString() {
      return policy + " over " + LINE_CLASSES;
    }
  }
}
