package dev.talon.queue.policies;

import dev.talon.queue.spi.Bypass;
import dev.talon.queue.spi.DispatchView;
import dev.talon.queue.spi.LineView;
import dev.talon.queue.spi.Policy;

/**
 * First come, first served across all lines a desk serves: the head that joined earliest is
 * called. Bound 0: every ticket a desk calls joined no later than the head of any line it serves.
 */
final class FifoPolicy implements Policy<Void>, Configured {
  static final FifoPolicy INSTANCE = new FifoPolicy();

  private FifoPolicy() {}

  @Override
  public String name() {
    return "fifo";
  }

  @Override
  public LineView select(DispatchView<Void> view) {
    return Heads.earliest(view.lines());
  }

  @Override
  public Bypass bypass() {
    return Bypass.atMost(0);
  }

  @Override
  public PolicyConfig config() {
    return new PolicyConfig.Fifo();
  }

  @Override
  public String toString() {
    return Policies.toJson(config());
  }
}
