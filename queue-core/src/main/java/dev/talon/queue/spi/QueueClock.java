package dev.talon.queue.spi;

import java.time.Instant;

/**
 * The source of time for a branch. Nothing in the engine reads the wall clock directly, so a day
 * can be replayed and simulated on a {@link ManualClock}.
 */
@FunctionalInterface
public interface QueueClock {

  /** The current instant. */
  Instant now();

  /** The system's wall clock. */
  static QueueClock system() {
    return Instant::now;
  }

  /** A clock that moves only when told to, starting at {@code start}. */
  static ManualClock manual(Instant start) {
    return new ManualClock(start);
  }
}
