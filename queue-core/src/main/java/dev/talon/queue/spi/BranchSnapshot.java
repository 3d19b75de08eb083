package dev.talon.queue.spi;

import dev.talon.queue.InvalidRequestException;

/**
 * The whole state of a branch after the event with sequence number {@code seq}, encoded by the
 * engine, so that opening the branch replays only the events after it.
 *
 * <p>A store treats {@code state} as opaque bytes: it starts with the engine's own format header,
 * and an engine that cannot read a snapshot (another format, another configuration of the
 * branch) ignores it and replays the whole history instead. The record does not copy the array;
 * neither the engine nor a store writes to it after creating it.
 *
 * @param seq   the sequence number of the last event the state includes (at least 1)
 * @param state the encoded state (not empty)
 */
public record BranchSnapshot(long seq, byte[] state) {

  public BranchSnapshot {
    if (seq < 1) {
      throw new InvalidRequestException("a snapshot follows at least one event, so its seq must be >= 1, was " + seq);
    }
    if (state == null || state.length == 0) {
      throw new InvalidRequestException("a snapshot's state must not be empty, was "
          + (state == null ? "null" : "0 bytes") + " for seq " + seq);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BranchSnapshot s && s.seq == seq && java.util.Arrays.equals(s.state, state);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(seq) * 31 + java.util.Arrays.hashCode(state);
  }

  @Override
  public String toString() {
    return "BranchSnapshot[seq=" + seq + ", " + state.length + " bytes]";
  }
}
