package dev.talon.queue.policies.example;

import com.fasterxml.jackson.databind.JsonNode;
import dev.talon.queue.policies.PolicyConfigException;
import dev.talon.queue.policies.PolicyFactory;
import dev.talon.queue.policies.PolicyProvider;
import dev.talon.queue.spi.Bypass;
import dev.talon.queue.spi.DispatchView;
import dev.talon.queue.spi.LineView;
import dev.talon.queue.spi.Policy;
import dev.talon.queue.spi.StateCodec;
import dev.talon.queue.spi.TicketFacts;

/**
 * An integrator's policy type, registered in {@code META-INF/services}: when a line holds at
 * least {@code minimum} tickets, the desk calls from the longest one; otherwise the inner policy
 * decides. {@code {"type": "longest-line", "minimum": 5, "inner": {"type": "fifo"}}}
 */
public final class LongestLineProvider implements PolicyProvider {

  @Override
  public String type() {
    return "longest-line";
  }

  @Override
  public Policy<?> create(JsonNode config, String path, PolicyFactory nested) {
    JsonNode min = config.path("minimum");
    if (!min.isMissingNode() && (!min.canConvertToInt() || !min.isIntegralNumber() || min.intValue() < 1)) {
      throw new PolicyConfigException(path + ".minimum", "must be a whole number >= 1, was " + min);
    }
    if (!config.hasNonNull("inner")) {
      throw new PolicyConfigException(path + ".inner", "is required");
    }
    Policy<?> inner = nested.create(config.get("inner"), path + ".inner");
    return new LongestLine<>(min.isMissingNode() ? 1 : min.intValue(), inner);
  }

  /** Pure: reads only the view; the inner policy's state moves only on the inner policy's calls. */
  static final class LongestLine<S> implements Policy<S> {
    private final int minimum;
    private final Policy<S> inner;

    @SuppressWarnings("unchecked")
    LongestLine(int minimum, Policy<?> inner) {
      this.minimum = minimum;
      this.inner = (Policy<S>) inner;
    }

    private LineView longest(DispatchView<S> view) {
      LineView best = null;
      for (LineView l : view.lines()) {
        if (l.waiting() >= minimum && (best == null || l.waiting() > best.waiting())) {
          best = l;
        }
      }
      // a tie for the longest is no reason to override the inner policy
      for (LineView l : view.lines()) {
        if (best != null && l != best && l.waiting() == best.waiting()) {
          return null;
        }
      }
      return best;
    }

    @Override
    public String name() {
      return "longest-line";
    }

    @Override
    public String classify(TicketFacts ticket) {
      return inner.classify(ticket);
    }

    @Override
    public S initialState() {
      return inner.initialState();
    }

    @Override
    public LineView select(DispatchView<S> view) {
      LineView l = longest(view);
      return l != null ? l : inner.select(view);
    }

    @Override
    public S afterCall(DispatchView<S> view, LineView chosen) {
      return longest(view) != null ? view.state() : inner.afterCall(view, chosen);
    }

    /** The state is the inner policy's, so snapshots write it with the inner policy's codec. */
    @Override
    public StateCodec<S> stateCodec() {
      return inner.stateCodec();
    }

    /** A long line of one class can hold a shorter one back for as long as it stays long. */
    @Override
    public Bypass bypass() {
      return Bypass.unbounded();
    }
  }
}
