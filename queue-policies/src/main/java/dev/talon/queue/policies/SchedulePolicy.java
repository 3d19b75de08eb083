package dev.talon.queue.policies;

import dev.talon.queue.spi.Bypass;
import dev.talon.queue.spi.DispatchView;
import dev.talon.queue.spi.LineView;
import dev.talon.queue.spi.Policy;
import dev.talon.queue.spi.StateCodec;
import dev.talon.queue.spi.TicketFacts;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/*
 * A schedule of policies: step i is in force from its instant until the next step's.
 *
 * Why a schedule. The engine keeps a policy's state in its branch state and rebuilds it on
 * recovery by replaying every call through afterCall; a policy that changed behind the engine's
 * back (a mutable field) would replay differently from how the day ran. A schedule is immutable
 * configuration: which policy decided a call follows from the call's time alone, so replaying
 * the same history through the same schedule rebuilds the same state. To change the policy of a
 * running branch, the application appends a step from "now" (Policies.switchAt), stores the new
 * schedule with its configuration, and reopens the branch on its store with it: no ticket is
 * lost, and the waiting tickets are called by the new policy from then on.
 *
 * State: the step whose policy made the last call and that policy's state. The first call after
 * a switch finds an older step in the state and starts the new policy from its initial state.
 * Classification follows the ticket's issue (check-in) time, so a ticket joins the line its
 * policy of the moment names; lines left from an earlier step are treated by each policy's rule
 * for classes it does not know. In a snapshot the state is the step (an int, which must be one of
 * the schedule's steps when read back) followed by the inner state as that step's policy writes it
 * (a stateless step writes nothing).
 *
 * Bound: the single step's bound; with more steps, unbounded (a ticket that joined under one
 * policy may sit in a line whose class the next one treats as another class's).
 */
final class SchedulePolicy implements Policy<SchedulePolicy.State>, Configured {
  /** The step of the last call and its policy's state. */
  record State(int step, Object inner) {}

  private final Instant[] from;
  private final List<Policy<Object>> steps;
  private final StateCodec<State> codec = new Codec();

  @SuppressWarnings("unchecked")
  SchedulePolicy(List<Instant> from, List<Policy<?>> steps) {
    this.from = from.toArray(new Instant[0]);
    this.steps = new ArrayList<>();
    steps.forEach(p -> this.steps.add((Policy<Object>) p));
  }

  /** The step in force at {@code t}. */
  int stepAt(Instant t) {
    int i = from.length - 1;
    while (i > 0 && t.isBefore(from[i])) {
      i--;
    }
    return i;
  }

  @Override
  public String name() {
    return "schedule";
  }

  @Override
  public String classify(TicketFacts ticket) {
    return steps.get(stepAt(ticket.at())).classify(ticket);
  }

  @Override
  public State initialState() {
    return new State(0, steps.get(0).initialState());
  }

  private DispatchView<Object> innerView(DispatchView<State> view, int step) {
    Object s = view.state().step() == step ? view.state().inner() : steps.get(step).initialState();
    return Heads.View.of(view, view.lines(), s);
  }

  @Override
  public LineView select(DispatchView<State> view) {
    int step = stepAt(view.now());
    return steps.get(step).select(innerView(view, step));
  }

  @Override
  public State afterCall(DispatchView<State> view, LineView chosen) {
    int step = stepAt(view.now());
    return new State(step, steps.get(step).afterCall(innerView(view, step), chosen));
  }

  @Override
  public StateCodec<State> stateCodec() {
    return codec;
  }

  /** The step, then the inner state in the step's policy's own codec. */
  private final class Codec implements StateCodec<State> {
    @Override
    public void write(State state, DataOutput out) throws IOException {
      java.util.Objects.requireNonNull(state, "a schedule policy's state is never null");
      if (state.step() < 0 || state.step() >= steps.size()) {
        throw new IllegalArgumentException("a schedule state's step must be in [0, " + steps.size() + "), was "
            + state.step());
      }
      out.writeInt(state.step());
      steps.get(state.step()).stateCodec().write(state.inner(), out);
    }

    @Override
    public State read(DataInput in) throws IOException {
      int step = StateCodecs.readIndex(in, "the step of a schedule state", steps.size());
      return new State(step, steps.get(step).stateCodec().read(in));
    }
  }

  @Override
  public Bypass bypass() {
    return steps.size() == 1 ? steps.get(0).bypass() : Bypass.unbounded();
  }

  @Override
  public Set<String> lineClasses() {
    return null; // each step is checked against its own classification
  }

  /** Checks each step as the root of its own tree. */
  void checkSteps(String path, java.util.List<String> unused) {
    for (int i = 0; i < steps.size(); i++) {
      Policy<Object> p = steps.get(i);
      Configured.checkClasses(p, Configured.classesOf(p), path + ".steps[" + i + "].policy", unused);
    }
  }

  @Override
  public void checkClasses(Set<String> produced, String path, java.util.List<String> unused) {
    checkSteps(path, unused);
  }

  @Override
  public PolicyConfig config() {
    List<PolicyConfig.Step> out = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      out.add(new PolicyConfig.Step(i == 0 ? null : from[i], Configured.configOf(steps.get(i))));
    }
    return new PolicyConfig.Schedule(out);
  }

  /** The schedule as JSON: what a runtime switch records, and what tells snapshots of two schedules apart. */
  @Override
  public java.util.Optional<String> configuration() {
    return java.util.Optional.of(Policies.toJson(config()));
  }

  @Override
  public String toString() {
    return Policies.toJson(config());
  }
}
