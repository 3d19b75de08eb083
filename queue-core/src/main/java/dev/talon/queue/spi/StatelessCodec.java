package dev.talon.queue.spi;

import java.io.DataInput;
import java.io.DataOutput;

/** {@link StateCodec#stateless()}. */
enum StatelessCodec implements StateCodec<Object> {
  INSTANCE;

  /** The codec, typed for the caller's policy. */
  @SuppressWarnings("unchecked")
  static <S> StateCodec<S> instance() {
    return (StateCodec<S>) INSTANCE;
  }

  @Override
  public void write(Object state, DataOutput out) {
    if (state != null) {
      throw new UnsupportedOperationException("the policy keeps state of type " + state.getClass().getName()
          + " but declares no StateCodec (Policy.stateCodec()), so its state cannot be written into a snapshot");
    }
  }

  @Override
  public Object read(DataInput in) {
    return null;
  }
}
