package dev.talon.queue.bench.sim;

import java.io.PrintStream;
import java.util.Locale;

/** Progress of a simulation: one run per policy, each advancing through simulated time. */
interface Progress {

  /**
   * The run {@code index} (0-based) of {@code runs}, labelled {@code label}, has simulated
   * {@code fraction} (0 to 1) of its time span and reached the local time {@code clock}.
   */
  void update(String label, int index, int runs, double fraction, String clock);

  /** All runs finished. */
  void done();

  /** Reports nothing. */
  static Progress none() {
    return new Progress() {
      @Override
      public void update(String label, int index, int runs, double fraction, String clock) {}

      @Override
      public void done() {}
    };
  }

  /**
   * A one-line bar redrawn in place ({@code \r}) on {@code out}, at most every 100 ms of wall
   * time (and once more at the end of each run), so that even a fast run writes only a few lines.
   */
  static Progress bar(PrintStream out) {
    return new Progress() {
      private static final int WIDTH = 30;
      private static final long EVERY_NANOS = 100_000_000L;
      private long lastDrawn = System.nanoTime() - EVERY_NANOS;
      private int lastLength;

      @Override
      public void update(String label, int index, int runs, double fraction, String clock) {
        long t = System.nanoTime();
        if (t - lastDrawn < EVERY_NANOS && fraction < 1) {
          return;
        }
        lastDrawn = t;
        double overall = (index + Math.min(1, Math.max(0, fraction))) / runs;
        int filled = (int) Math.round(overall * WIDTH);
        String line = String.format(Locale.ROOT, "  [%s%s] %3d%%  policy %d/%d %s, %s", "#".repeat(filled),
            ".".repeat(WIDTH - filled), Math.round(overall * 100), index + 1, runs, label, clock);
        out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
        out.flush();
        lastLength = line.length();
      }

      @Override
      public void done() {
        if (lastLength > 0) {
          out.print("\r" + " ".repeat(lastLength) + "\r");
          out.flush();
        }
      }
    };
  }
}
