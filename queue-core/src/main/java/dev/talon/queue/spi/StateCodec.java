package dev.talon.queue.spi;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Writes a policy's state into a branch snapshot and reads it back ({@link Policy#stateCodec()}).
 *
 * <p>A codec must be exact and canonical: {@code read(write(s))} equals {@code s}, and two equal
 * states are written as the same bytes (write map entries in key order, not in hash order). The
 * engine checks the first property on every snapshot it takes; the policy contract suites check
 * both.
 *
 * @param <S> the policy's state type
 */
public interface StateCodec<S> {

  /** Writes {@code state} (which may be null if the policy's states can be). */
  void write(S state, DataOutput out) throws IOException;

  /** Reads a state written by {@link #write}. */
  S read(DataInput in) throws IOException;

  /**
   * The codec of a stateless policy: it writes nothing for a null state and reads null. Given any
   * other state it fails with {@link UnsupportedOperationException}, which is how the engine
   * learns that a policy keeps state but declares no codec (it then takes no snapshots).
   */
  static <S> StateCodec<S> stateless() {
    return StatelessCodec.instance();
  }
}
