package dev.talon.queue.spi;

import dev.talon.queue.Origin;

/**
 * The priority policy: it classifies each new ticket into a line and, when a desk calls, selects
 * the line whose head is called.
 *
 * <p>A policy must be a pure function of its inputs: {@link #select} and {@link #afterCall}
 * read only the view (and its immutable state) and must not keep mutable fields. The engine
 * keeps the state inside its own immutable branch state and swaps both with one CAS, which is
 * what keeps call-next linearizable and replayable even for stateful policies (ratios, deficits).
 *
 * @param <S> the type of the policy's immutable state ({@code Void} when stateless)
 */
public interface Policy<S> {

  /** The line class of booked visitors who checked in on time. */
  String BOOKED = "booked";

  /** The line class of walk-ins (and of late booked arrivals sent to the walk-in line). */
  String WALK_IN = "walk-in";

  /** A short name for reports, e.g. {@code fifo}. */
  String name();

  /**
   * The line class a new ticket joins. The default puts booked visitors who checked in on time
   * into {@link #BOOKED} and everyone else into {@link #WALK_IN}.
   */
  default String classify(TicketFacts ticket) {
    return ticket.origin() == Origin.BOOKED && !ticket.late() ? BOOKED : WALK_IN;
  }

  /** The state before the first call. */
  default S initialState() {
    return null;
  }

  /** Selects one of {@code view.lines()} (never empty); must return one of its elements. */
  LineView select(DispatchView<S> view);

  /** The state after the head of {@code chosen} was called. Stateless policies keep the default. */
  default S afterCall(DispatchView<S> view, LineView chosen) {
    return view.state();
  }

  /** The policy's declared fairness bound. */
  Bypass bypass();

  /**
   * The policy's configuration as JSON, when it has one (the built-ins and the policies of
   * queue-policies do). A branch records it when its policy is switched at runtime
   * ({@link dev.talon.queue.Branch#setPolicy}), so that a replay can rebuild the policy through
   * {@link dev.talon.queue.Talon#policyResolver}. Snapshots also record it, and are used only by
   * an engine whose policy has the same configuration: a policy without one is known by its class
   * and name alone, so one with parameters should describe them here.
   */
  default java.util.Optional<String> configuration() {
    return java.util.Optional.empty();
  }

  /**
   * How the policy's state is written into branch snapshots ({@code Talon.snapshotEvery}). The
   * default suits stateless policies (their state is always null); a policy whose
   * {@link #afterCall} returns states must return a codec for them, or the engine takes no
   * snapshots of its branches and replays their whole history when it opens them.
   */
  default StateCodec<S> stateCodec() {
    return StateCodec.stateless();
  }

  /**
   * First come, first served across all lines a desk serves: the head that joined earliest is
   * called. Bypass bound 0.
   */
  static Policy<Void> fifo() {
    return BuiltInPolicies.fifo();
  }

  /**
   * Strict priority: booked visitors first, walk-ins only when no booked visitor waits; FIFO
   * among equals. A walk-in can wait behind an unbounded stream of booked visitors, so the
   * declared bypass is {@link Bypass#unbounded()}.
   */
  static Policy<Void> bookedFirst() {
    return BuiltInPolicies.bookedFirst();
  }

  /**
   * The built-in policy ({@link #fifo()} or {@link #bookedFirst()}) whose {@link #configuration()}
   * is {@code json} (white space aside), if it is one of theirs. A branch uses it to rebuild a
   * built-in policy when no {@link dev.talon.queue.Talon#policyResolver} knows the configuration.
   */
  static java.util.Optional<Policy<?>> builtIn(String json) {
    return java.util.Optional.ofNullable(BuiltInPolicies.fromConfiguration(json));
  }
}
