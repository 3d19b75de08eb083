package dev.talon.queue.testkit;

import dev.talon.queue.Origin;
import dev.talon.queue.spi.Bypass;
import dev.talon.queue.spi.DispatchView;
import dev.talon.queue.spi.LineView;
import dev.talon.queue.spi.Policy;
import dev.talon.queue.spi.TicketFacts;

/**
 * Plain restatements of the two built-in policies, written from their javadoc, for the
 * {@link ReferenceModel}: the engine runs the real ones, the model runs these, and the property
 * test compares the calls. A policy without a twin here (one from queue-policies) is given to the
 * model as it is.
 */
public final class ReferencePolicies {
  private ReferencePolicies() {}

  /** Booked visitors who checked in on time go to the booked line, everyone else to the walk-in line. */
  static String lineOf(TicketFacts t) {
    if (t.origin() == Origin.BOOKED && !t.late()) {
      return Policy.BOOKED;
    }
    return Policy.WALK_IN;
  }

  /** The line whose head ticket joined first. */
  static LineView oldestHead(Iterable<LineView> lines, boolean bookedOnly) {
    LineView pick = null;
    for (LineView l : lines) {
      if (bookedOnly && !l.lineClass().equals(Policy.BOOKED)) {
        continue;
      }
      if (pick == null || l.head().joinSeq() < pick.head().joinSeq()) {
        pick = l;
      }
    }
    return pick;
  }

  /** First come, first served across every line the desk serves. */
  public static Policy<Void> fifo() {
    return new Plain("fifo", false);
  }

  /** Booked lines first (oldest head among them), then the oldest head of any line. */
  public static Policy<Void> bookedFirst() {
    return new Plain("booked-first", true);
  }

  /**
   * A policy with state, for tests only: it alternates between the booked lines and the others
   * (oldest head within each), falling back to the oldest head of any line when the turn's kind
   * has none; the state counts its calls. Engine and model both run this one; a direct call must
   * not advance it.
   */
  public static Policy<Integer> alternating() {
    return ALTERNATING;
  }

  private static final Policy<Integer> ALTERNATING = new Policy<>() {
    @Override
    public String name() {
      return "alternating";
    }

    @Override
    public Integer initialState() {
      return 0;
    }

    @Override
    public LineView select(DispatchView<Integer> view) {
      boolean bookedTurn = view.state() % 2 == 0;
      LineView pick = null;
      for (LineView l : view.lines()) {
        if (l.lineClass().equals(Policy.BOOKED) == bookedTurn && (pick == null || l.head().joinSeq() < pick.head().joinSeq())) {
          pick = l;
        }
      }
      return pick != null ? pick : oldestHead(view.lines(), false);
    }

    @Override
    public Integer afterCall(DispatchView<Integer> view, LineView chosen) {
      return view.state() + 1;
    }

    @Override
    public dev.talon.queue.spi.StateCodec<Integer> stateCodec() {
      return new dev.talon.queue.spi.StateCodec<>() {
        @Override
        public void write(Integer state, java.io.DataOutput out) throws java.io.IOException {
          out.writeInt(state);
        }

        @Override
        public Integer read(java.io.DataInput in) throws java.io.IOException {
          return in.readInt();
        }
      };
    }

    @Override
    public Bypass bypass() {
      return Bypass.unbounded();
    }

    @Override
    public String toString() {
      return "alternating";
    }
  };

  /** A policy with state (it counts its calls, always calling the first line) that declares no state codec. */
  public static Policy<Integer> countingWithoutCodec() {
    return new Policy<>() {
      @Override
      public String name() {
        return "counting";
      }

      @Override
      public Integer initialState() {
        return 0;
      }

      @Override
      public LineView select(DispatchView<Integer> view) {
        return view.lines().get(0);
      }

      @Override
      public Integer afterCall(DispatchView<Integer> view, LineView chosen) {
        return view.state() + 1;
      }

      @Override
      public Bypass bypass() {
        return Bypass.unbounded();
      }
    };
  }

  /** The twin of a built-in policy by its name, or the policy itself when it has none. */
  public static Policy<?> twinOf(Policy<?> policy) {
    switch (policy.name()) {
      case "fifo":
        return fifo();
      case "booked-first":
        return bookedFirst();
      default:
        return policy;
    }
  }

  private static final class Plain implements Policy<Void> {
    private final String name;
    private final boolean bookedFirst;

    Plain(String name, boolean bookedFirst) {
      this.name = name;
      this.bookedFirst = bookedFirst;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String classify(TicketFacts ticket) {
      return lineOf(ticket);
    }

    @Override
    public LineView select(DispatchView<Void> view) {
      LineView booked = bookedFirst ? oldestHead(view.lines(), true) : null;
      return booked != null ? booked : oldestHead(view.lines(), false);
    }

    @Override
    public Bypass bypass() {
      return bookedFirst ? Bypass.unbounded() : Bypass.atMost(0);
    }

    @Override
    public String toString() {
      return "reference " + name;
    }
  }
}
