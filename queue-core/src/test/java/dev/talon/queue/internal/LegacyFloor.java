// Test-scope oracle: the engine before issue 12, kept only for DifferentialTest.
package dev.talon.queue.internal;

import dev.talon.queue.BoardView;
import dev.talon.queue.DeskState;
import java.time.Instant;

/**
 * The service-floor part of a branch state, immutable: desks, measured service times, the board's
 * latest calls, timed postponements and the once-only flags of heads-up and service-level events.
 * Arrays are never written after publication; a draft copies before writing.
 *
 * @param desks        per desk index (desks sorted by id): state, reason, auto-call and current ticket
 * @param serviceMean  per service index: moving mean of service time in seconds
 * @param serviceVar   per service index: moving variance of service time in seconds squared
 * @param calls        the latest calls, newest first (at most {@link #BOARD_CALLS})
 * @param postponed    ticket id to the end of its timed postponement
 * @param notified     ticket ids whose heads-up fired (while they wait)
 * @param breached     ticket ids whose wait or service-time breach fired
 * @param lineBreached per service index: the line-length breach fired and the line is still too long
 */
record LegacyFloor(Desk[] desks, double[] serviceMean, double[] serviceVar, BoardView.Call[] calls,
    LegacyPersistentLongMap<Instant> postponed, LegacyPersistentLongMap<Boolean> notified, LegacyPersistentLongMap<Boolean> breached,
    boolean[] lineBreached) {

  static final int BOARD_CALLS = 10;

  /** One desk's status; {@code current} is the ticket it called last and has not let go of (0: free). */
  record Desk(DeskState state, String reason, boolean autoCall, long current) {}

  static LegacyFloor initial(int desks, int services, double defaultMeanSeconds) {
    Desk[] d = new Desk[desks];
    java.util.Arrays.fill(d, new Desk(DeskState.OPEN, null, false, 0));
    double[] mean = new double[services];
    double[] var = new double[services];
    java.util.Arrays.fill(mean, defaultMeanSeconds);
    java.util.Arrays.fill(var, defaultMeanSeconds * defaultMeanSeconds);
    return new LegacyFloor(d, mean, var, new BoardView.Call[0], LegacyPersistentLongMap.empty(), LegacyPersistentLongMap.empty(),
        LegacyPersistentLongMap.empty(), new boolean[services]);
  }
}
