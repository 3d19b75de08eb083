package dev.talon.queue.spi;

/**
 * A policy's declared fairness bound, counted per turn. Take a ticket T waiting in line class c,
 * and a desk D that serves T's service. A <em>turn</em> of T at D runs from T joining its line (or
 * from D's last call of a class-c ticket, if that came later) to D's next call of a class-c
 * ticket. The bypass of the turn is the number of tickets that joined after T which D calls in
 * it, the call ending it included. A policy declaring {@code atMost(b)} guarantees that no turn of
 * any ticket at any desk exceeds b. For FIFO (bound 0) that is "nobody who came later is called
 * first"; for a ratio of 3 booked : 1 walk-in it is "a walk-in waits behind at most 3 booked calls
 * per walk-in call". The policy contract tests check the declared bound; {@link #unbounded()} is
 * an honest "no bound" (strict priority: walk-ins can wait behind booked visitors for as long as
 * booked visitors keep coming).
 *
 * @param bound the bound, or -1 for unbounded
 */
public record Bypass(int bound) {
  public Bypass {
    if (bound < -1) {
      throw new IllegalArgumentException("bypass bound must be >= 0, or -1 for unbounded, was " + bound);
    }
  }

  /** At most {@code n} later tickets may be called first. */
  public static Bypass atMost(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("bypass bound must be >= 0, was " + n);
    }
    return new Bypass(n);
  }

  /** No bound: a ticket may wait behind later ones for as long as they keep coming. */
  public static Bypass unbounded() {
    return new Bypass(-1);
  }

  /** True when a finite bound is declared. */
  public boolean isBounded() {
    return bound >= 0;
  }

  @Override
  public String toString() {
    return isBounded() ? "at most " + bound : "unbounded";
  }
}
