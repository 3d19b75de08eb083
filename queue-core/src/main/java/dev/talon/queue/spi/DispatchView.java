package dev.talon.queue.spi;

import dev.talon.queue.Desk;
import java.time.Instant;
import java.util.List;

/**
 * The consistent snapshot a policy decides on when a desk calls next. Every value comes from the
 * same immutable engine state, so a decision made on it is linearizable.
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
