package dev.talon.queue.spi;

import dev.talon.queue.Desk;
import java.time.Instant;
import java.util.List;

/**
 * The consistent snapshot a policy decides on when a desk calls next. Every value comes from the
 * branch's state at the moment of the call, as its single writer has it, so a decision made on it
 * is linearizable.
 *
 * <p>A view is valid only during the policy call it is passed to: the engine refills one view
 * object for every call (so that a call allocates no view), so a policy must not keep the view or
 * its {@link #lines()} list in its state or anywhere else. The {@link LineView}s themselves are
 * immutable and may be kept.
 *
 * @param <S> the policy's state type
 */
public interface DispatchView<S> {

  /** The time of the call. */
  Instant now();

  /** The calling desk. */
  Desk desk();

  /**
   * The non-empty lines of the services the desk serves, ordered by service code and then line
   * class; never empty when a policy is asked to select.
   */
  List<LineView> lines();

  /** The policy's own immutable state as of this call. */
  S state();
}
