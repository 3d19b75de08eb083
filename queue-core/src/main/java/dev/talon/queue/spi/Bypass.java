package dev.talon.queue.spi;

/**
 * A policy's declared fairness bound: while a ticket waits, at most {@code bound} tickets that
 * joined later may be called before it by desks that serve its service. The policy tests check
 * the declared bound; {@link #unbounded()} is an honest "no bound" (strict priority).
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
