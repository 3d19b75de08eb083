package dev.talon.queue.spi;

import dev.talon.queue.QueueEvent;
import java.util.List;

/**
 * Receives the events of every committed operation, on the operating thread, after the store
 * accepted them. Operations on different threads may deliver their events in any order; each
 * event's {@link QueueEvent#seq()} gives the branch's order. A listener must be quick and must not
 * call back into the engine; an exception it throws is logged and does not undo the operation.
 */
@FunctionalInterface
public interface QueueListener {

  /** The events of one operation, in order. */
  void onEvents(String branchId, List<QueueEvent> events);

  /**
   * True if the listener also wants the branch's stored history when the engine opens (delivered
   * once, in one call, before any live event); counters such as per-person limits need it.
   */
  default boolean wantsHistory() {
    return false;
  }

  /**
   * How far back from the moment the engine opens the history this listener needs, when it
   * {@link #wantsHistory() wants history}; null (the default) means all of it. A bounded horizon
   * lets an engine that restores its own state from a snapshot read only the recent events
   * ({@link EventStore#loadSince}); with an unbounded one it reads the whole history for this
   * listener, although it replays only the tail itself.
   */
  default java.time.Duration historyHorizon() {
    return null;
  }
}
