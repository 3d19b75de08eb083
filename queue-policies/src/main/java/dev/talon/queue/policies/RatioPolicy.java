package dev.talon.queue.policies;

import dev.talon.queue.spi.Bypass;
import dev.talon.queue.spi.DispatchView;
import dev.talon.queue.spi.LineView;
import dev.talon.queue.spi.StateCodec;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Map;
import java.util.Set;

/*
 * Weighted round robin over line classes ("3 booked : 1 privileged : 1 walk-in").
 *
 * The schedule. The weights are expanded once into a cyclic schedule of W = sum of weights slots,
 * each slot naming a class, interleaved the "smooth" way (every step each class gains its weight,
 * the richest takes the slot and pays W): 3:1:1 gives b p b w b rather than b b b p w, so a
 * class's slots are spread over the round.
 *
 * A call. Each desk has its own position in the schedule. From it, the desk takes the first slot
 * whose class has a waiting ticket in its view, calls the earliest-joined head of that class,
 * and moves past that slot. A class with nothing waiting is simply passed over: its slot is not
 * banked (no burst after idling), and no class with waiting tickets ever loses a slot because
 * another class was empty ("skipping empty lines without losing credit unfairly").
 *
 * Why per desk. With one shared position, a desk that does not serve walk-ins' service would
 * skip the walk-in slots that another desk was about to take, and the walk-ins there could wait
 * for ever. Per desk, each desk's own calls follow the schedule, whatever the other desks do.
 *
 * The bound. Let T wait in class c and let D be a desk serving T's service; c has a waiting
 * ticket in D's view for as long as T waits. Between two calls of class c by D (or from T's
 * arrival to D's next class-c call), D's position can only pass non-c slots, one call each, before
 * it reaches the next c slot; so D calls at most G tickets of other classes, where G is the
 * longest cyclic run of non-c slots in the schedule. Calls of class c itself take the earliest
 * head of c, which joined no later than T. Hence bypass per turn <= max over c of G(c); for 3:1
 * that is 3, for 3:1:1 it is 4.
 *
 * State: an immutable map desk id -> next slot, replaced on each call; afterCall recomputes the
 * slot from the view, so replaying the call events rebuilds it exactly. In a snapshot it is the
 * desk count, then per desk in id order the id and the slot (an int, which must be within the
 * round when read back).
 */
final class RatioPolicy extends LeafPolicy<RatioPolicy.State> {
  /** The next slot of each desk that has called (0 for the others). */
  record State(Map<String, Integer> next) {}

  private static final State INITIAL = new State(Map.of());

  private final WeightedClasses classes;
  private final int[] slots;
  private final StateCodec<State> codec;

  RatioPolicy(PolicyConfig.Ratio config) {
    this(config, schedule(config.weights().values().stream().mapToInt(Integer::intValue).toArray()));
  }

  /** At most G calls of other classes per call of a waiting ticket's class (see the class comment). */
  private RatioPolicy(PolicyConfig.Ratio config, int[] slots) {
    super(config, Bypass.atMost(longestGap(slots, config.weights().size())));
    this.classes = new WeightedClasses(config.weights().keySet());
    this.slots = slots;
    this.codec = StateCodecs.perDesk("ratio", State::next, State::new, new Slot(slots.length));
  }

  /** The smooth interleaving of the weights into one round of {@code sum(weights)} slots. */
  static int[] schedule(int[] weights) {
    int total = 0;
    for (int w : weights) {
      total += w;
    }
    int[] current = new int[weights.length];
    int[] slots = new int[total];
    for (int s = 0; s < total; s++) {
      int best = 0;
      for (int c = 0; c < weights.length; c++) {
        current[c] += weights[c];
        if (current[c] > current[best]) {
          best = c;
        }
      }
      current[best] -= total;
      slots[s] = best;
    }
    return slots;
  }

  /** The longest cyclic run of slots not of class c, maximised over c. */
  static int longestGap(int[] slots, int classes) {
    int worst = 0;
    for (int c = 0; c < classes; c++) {
      int run = 0;
      for (int i = 0; i < 2 * slots.length; i++) {
        run = slots[i % slots.length] == c ? 0 : run + 1;
        worst = Math.max(worst, Math.min(run, slots.length - 1));
      }
    }
    return worst;
  }

  /** The schedule, class names in slot order (for tests and documentation). */
  String[] round() {
    String[] out = new String[slots.length];
    for (int i = 0; i < slots.length; i++) {
      out[i] = classes.names[slots[i]];
    }
    return out;
  }

  @Override
  public State initialState() {
    return INITIAL;
  }

  /** The offset from {@code from} of the first slot whose class is wanted. */
  private int nextSlot(int from, boolean[] wanted) {
    for (int k = 0; k < slots.length; k++) {
      if (wanted[slots[(from + k) % slots.length]]) {
        return (from + k) % slots.length;
      }
    }
    throw new IllegalStateException("ratio " + this + " was offered no line of any class");
  }

  /** The offset from {@code from} of the first slot of class {@code c} (every class has a slot). */
  private int nextSlotOf(int from, int c) {
    for (int k = 0; k < slots.length; k++) {
      if (slots[(from + k) % slots.length] == c) {
        return (from + k) % slots.length;
      }
    }
    throw new IllegalStateException("ratio " + this + " has no slot of class " + classes.names[c]);
  }

  @Override
  public LineView select(DispatchView<State> view) {
    int from = WeightedClasses.ofDesk(view.state().next(), view, 0);
    int slot = nextSlot(from, classes.present(view.lines()));
    return classes.earliestOf(view.lines(), slots[slot]);
  }

  @Override
  public State afterCall(DispatchView<State> view, LineView chosen) {
    int from = WeightedClasses.ofDesk(view.state().next(), view, 0);
    int slot = nextSlotOf(from, classes.of(chosen.lineClass()));
    return new State(WeightedClasses.withDesk(view.state().next(), view, (slot + 1) % slots.length));
  }

  @Override
  public StateCodec<State> stateCodec() {
    return codec;
  }

  /** A desk's next slot in a snapshot: an int in {@code [0, length)}. */
  private record Slot(int length) implements StateCodec<Integer> {
    @Override
    public void write(Integer slot, DataOutput out) throws IOException {
      out.writeInt(slot);
    }

    @Override
    public Integer read(DataInput in) throws IOException {
      return StateCodecs.readIndex(in, "a desk's next slot in a ratio round of " + length, length);
    }
  }

  @Override
  public void checkClasses(Set<String> produced, String path, java.util.List<String> unused) {
    classes.requireCovered(produced, path + ".weights", unused);
  }
}
