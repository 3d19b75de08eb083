package dev.talon.queue;

/** Where a postponed ticket goes when its postponement ends. */
public enum PostponeReturn {
  /** Back to its old place in its line (by the order in which it first joined). */
  KEEP_PLACE,
  /** To the back of its line. */
  BACK_OF_LINE,
  /** To the back of the line class named by {@link Limits#postponeRaiseTo()}, for the same service. */
  RAISE_CLASS
}
