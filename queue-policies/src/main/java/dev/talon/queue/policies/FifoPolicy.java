package dev.talon.queue.policies;

import dev.talon.queue.spi.Bypass;
import dev.talon.queue.spi.DispatchView;
import dev.talon.queue.spi.LineView;

/**
 * First come, first served across all lines a desk serves: the head that joined earliest is
 * called. Bound 0: every ticket a desk calls joined no later than the head of any line it serves.
 */
final class FifoPolicy extends LeafPolicy<Void> {
  static final FifoPolicy INSTANCE = new FifoPolicy();

  private FifoPolicy() {
    super(new PolicyConfig.Fifo(), Bypass.atMost(0));
  }

  @Override
  public LineView select(DispatchView<Void> view) {
    return Heads.earliest(view.lines());
  }
}
