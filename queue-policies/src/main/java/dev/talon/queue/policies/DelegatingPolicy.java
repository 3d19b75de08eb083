package dev.talon.queue.policies;

import dev.talon.queue.spi.Bypass;
import dev.talon.queue.spi.DispatchView;
import dev.talon.queue.spi.LineView;
import dev.talon.queue.spi.Policy;
import dev.talon.queue.spi.StateCodec;
import dev.talon.queue.spi.TicketFacts;
import java.util.Set;

/**
 * A policy around an inner one: everything goes to the inner policy unless a subclass decides
 * otherwise. The state is the inner policy's own, so wrapping adds nothing to replay, and a
 * snapshot holds it as the inner policy's codec writes it.
 */
abstract class DelegatingPolicy implements Policy<Object>, Configured {
  final Policy<Object> inner;
  /** The JSON path of the inner node relative to this one, e.g. {@code .inner}. */
  private final String innerPath;

  @SuppressWarnings("unchecked")
  DelegatingPolicy(Policy<?> inner, String innerPath) {
    this.inner = (Policy<Object>) inner;
    this.innerPath = innerPath;
  }

  @Override
  public String classify(TicketFacts ticket) {
    return inner.classify(ticket);
  }

  @Override
  public Object initialState() {
    return inner.initialState();
  }

  @Override
  public LineView select(DispatchView<Object> view) {
    return inner.select(view);
  }

  @Override
  public Object afterCall(DispatchView<Object> view, LineView chosen) {
    return inner.afterCall(view, chosen);
  }

  /** The inner policy's codec: subclasses keep no state of their own. */
  @Override
  public StateCodec<Object> stateCodec() {
    return inner.stateCodec();
  }

  @Override
  public Bypass bypass() {
    return inner.bypass();
  }

  @Override
  public Set<String> lineClasses() {
    return Configured.classesOf(inner);
  }

  @Override
  public void checkClasses(Set<String> produced, String path, java.util.List<String> unused) {
    Configured.checkClasses(inner, produced, path + innerPath, unused);
  }

  @Override
  public String toString() {
    return Policies.toJson(config());
  }

  /** The JSON form of this policy tree, which a branch records when it switches to it at runtime. */
  @Override
  public java.util.Optional<String> configuration() {
    return java.util.Optional.of(Policies.toJson(config()));
  }
}
