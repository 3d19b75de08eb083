package dev.talon.queue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a display board shows: the latest calls (newest first) and how many wait per service and
 * line class. Keep it live by applying the events a {@link dev.talon.queue.spi.QueueListener}
 * receives, or by asking the branch again after each event.
 *
 * @param at       when the snapshot was taken (the branch's last event time)
 * @param calls    the latest calls, newest first
 * @param waiting  service code to line class to waiting tickets
 */
public record BoardView(Instant at, List<Call> calls, Map<String, Map<String, Integer>> waiting) {
  public BoardView {
    calls = List.copyOf(calls);
    waiting = Map.copyOf(waiting);
  }

  /**
   * One call on the board.
   *
   * @param display the ticket number, e.g. {@code A-017}
   * @param desk    the desk it is called to
   * @param at      when it was (re)called
   * @param recalls how many times it was recalled
   */
  public record Call(String display, String desk, Instant at, int recalls) {}
}
