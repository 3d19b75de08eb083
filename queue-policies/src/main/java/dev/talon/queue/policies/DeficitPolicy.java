package dev.talon.queue.policies;

import dev.talon.queue.spi.Bypass;
import dev.talon.queue.spi.DispatchView;
import dev.talon.queue.spi.LineView;
import dev.talon.queue.spi.StateCodec;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/*
 * Deficit round robin over line classes, for fractional weights ("2.5 booked : 1 walk-in").
 *
 * Arithmetic. A call costs COST = 1000 units; a class's quantum is its weight in thousandths
 * (2.5 -> 2500), so everything is exact integer arithmetic and a replay computes the same
 * numbers.
 *
 * A call. Each desk keeps its own round: the class it is visiting, whether that visit has been
 * credited, and a deficit per class. The desk visits the classes in configuration order. On
 * arriving at a class with waiting tickets it adds the class's quantum to its deficit once; it
 * calls from the class (earliest-joined head) while the deficit covers a call, then moves on. A
 * class found with nothing waiting has its deficit reset to 0 and is passed over: idle classes
 * bank nothing, and a class with tickets keeps its deficit between visits. With 2.5 : 1 the
 * booked class gets 2 and 3 calls in alternate rounds.
 *
 * The bound. For a class x, a visit starts with a deficit below COST (a visit ends only when the
 * deficit no longer covers a call, or the class was empty and reset), so one visit makes at most
 * v(x) = floor((COST - 1 + q(x)) / COST) calls. A class c that has a waiting ticket throughout
 * gets a call within r(c) = ceil(COST / q(c)) of its visits. So between two calls of class c by a
 * desk (or from T's arrival to the next), the desk visits every other class at most r(c) times:
 * at most r(c) * sum over x != c of v(x) calls of other classes. The declared bound is the
 * largest of these over c; for whole weights it is the same as the ratio's sum of the other
 * weights (3 for 3 : 1).
 *
 * Snapshot. The state is the desk count, then per desk in id order the id, the class visited
 * (int), the credited flag (a byte 0 or 1), the number of classes (int) and each deficit (long).
 * Reading checks them against this policy's classes. A deficit is credited only on arriving at a
 * class, where it is below COST (a visit leaves a class only below COST, or resets it), and is
 * otherwise only lowered; so every deficit is below COST + quantum, and a larger one is refused.
 * There is no lower limit to check: the policy's own calls keep deficits at 0 or above, but a
 * wrapper that reports a call this policy did not select lowers the class of that call.
 */
final class DeficitPolicy extends LeafPolicy<DeficitPolicy.State> {
  static final long COST = 1000;

  /** The round of one desk: the class visited, whether the visit was credited, the deficits. */
  record Round(int current, boolean credited, long[] deficit) {
    Round {
      deficit = deficit.clone();
    }

    @Override
    public long[] deficit() {
      return deficit.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Round r && r.current == current && r.credited == credited && Arrays.equals(r.deficit, deficit);
    }

    @Override
    public int hashCode() {
      return 31 * (31 * current + Boolean.hashCode(credited)) + Arrays.hashCode(deficit);
    }

    @Override
    public String toString() {
      return "Round[current=" + current + ", credited=" + credited + ", deficit=" + Arrays.toString(deficit) + "]";
    }
  }

  /** The round of each desk that has called. */
  record State(Map<String, Round> desks) {}

  private static final State INITIAL = new State(Map.of());

  private final WeightedClasses classes;
  private final long[] quantum;
  private final Round fresh;
  private final StateCodec<State> codec;

  DeficitPolicy(PolicyConfig.Deficit config) {
    this(config, config.weights().values().stream()
        .mapToLong(w -> w.multiply(BigDecimal.valueOf(COST)).longValueExact()).toArray());
  }

  /** At most max over c of r(c) * sum v(x) calls of other classes per call of c (see above). */
  private DeficitPolicy(PolicyConfig.Deficit config, long[] quantum) {
    super(config, Bypass.atMost(bound(quantum)));
    this.classes = new WeightedClasses(config.weights().keySet());
    this.quantum = quantum;
    this.fresh = new Round(0, false, new long[quantum.length]);
    this.codec = StateCodecs.perDesk("deficit", State::desks, State::new, new RoundCodec(quantum));
  }

  static int bound(long[] quantum) {
    long worst = 0;
    for (int c = 0; c < quantum.length; c++) {
      long visits = (COST + quantum[c] - 1) / quantum[c];
      long others = 0;
      for (int x = 0; x < quantum.length; x++) {
        if (x != c) {
          others += (COST - 1 + quantum[x]) / COST;
        }
      }
      worst = Math.max(worst, visits * others);
    }
    return Math.toIntExact(worst);
  }

  @Override
  public State initialState() {
    return INITIAL;
  }

  /**
   * Walks the desk's round to the class that calls next: its deficit covers a call. The returned
   * round is positioned there, credited, with the resets and credits made on the way.
   */
  private Round walk(Round r, boolean[] present) {
    int cur = r.current;
    boolean credited = r.credited;
    long[] d = r.deficit();
    while (true) {
      if (!present[cur]) {
        d[cur] = 0;
      } else {
        if (!credited) {
          d[cur] += quantum[cur];
          credited = true;
        }
        if (d[cur] >= COST) {
          return new Round(cur, true, d);
        }
      }
      cur = (cur + 1) % quantum.length;
      credited = false;
    }
  }

  @Override
  public LineView select(DispatchView<State> view) {
    Round r = walk(WeightedClasses.ofDesk(view.state().desks(), view, fresh), classes.present(view.lines()));
    return classes.earliestOf(view.lines(), r.current);
  }

  @Override
  public State afterCall(DispatchView<State> view, LineView chosen) {
    Round r = walk(WeightedClasses.ofDesk(view.state().desks(), view, fresh), classes.present(view.lines()));
    long[] d = r.deficit();
    d[classes.of(chosen.lineClass())] -= COST;
    return new State(WeightedClasses.withDesk(view.state().desks(), view, new Round(r.current, true, d)));
  }

  @Override
  public StateCodec<State> stateCodec() {
    return codec;
  }

  /** A desk's round in a snapshot (see the class comment), checked against the quanta of the classes. */
  private record RoundCodec(long[] quantum) implements StateCodec<Round> {
    @Override
    public void write(Round r, DataOutput out) throws IOException {
      out.writeInt(r.current());
      out.writeBoolean(r.credited());
      long[] d = r.deficit();
      out.writeInt(d.length);
      for (long x : d) {
        out.writeLong(x);
      }
    }

    @Override
    public Round read(DataInput in) throws IOException {
      int current = StateCodecs.readIndex(in, "the class a deficit round visits", quantum.length);
      boolean credited = StateCodecs.readBoolean(in, "the credited flag of a deficit round");
      int n = in.readInt();
      if (n != quantum.length) {
        throw new IOException("a deficit round must hold one deficit per class, " + quantum.length + ", was " + n);
      }
      long[] d = new long[n];
      for (int c = 0; c < n; c++) {
        d[c] = in.readLong();
        if (d[c] >= COST + quantum[c]) {
          throw new IOException("the deficit of class " + c + " must be below COST + its quantum, "
              + (COST + quantum[c]) + ", was " + d[c]);
        }
      }
      return new Round(current, credited, d);
    }
  }

  @Override
  public void checkClasses(Set<String> produced, String path, java.util.List<String> unused) {
    classes.requireCovered(produced, path + ".weights", unused);
  }
}
