package dev.talon.queue.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/** A {@link QueueClock} for tests and simulation: it moves only when told to. Thread-safe. */
public final class ManualClock implements QueueClock {
  private final AtomicReference<Instant> now;

  ManualClock(Instant start) {
    if (start == null) {
      throw new IllegalArgumentException("start must not be null");
    }
    this.now = new AtomicReference<>(start);
  }

  @Override
  public Instant now() {
    return now.get();
  }

  /** Moves the clock forward by {@code d} and returns the new instant. */
  public Instant advance(Duration d) {
    return now.updateAndGet(t -> t.plus(d));
  }

  /** Sets the clock to {@code t}, also backwards (to test that the engine refuses that). */
  public void set(Instant t) {
    now.set(t);
  }
}
