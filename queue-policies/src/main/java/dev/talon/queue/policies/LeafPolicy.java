package dev.talon.queue.policies;

import dev.talon.queue.spi.Bypass;
import dev.talon.queue.spi.Policy;

/** What every built-in policy that wraps no other has in common: a name, a configuration, a bound. */
abstract class LeafPolicy<S> implements Policy<S>, Configured {
  private final String name;
  private final PolicyConfig config;
  private final Bypass bypass;

  LeafPolicy(PolicyConfig config, Bypass bypass) {
    this.name = config.type();
    this.config = config;
    this.bypass = bypass;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final Bypass bypass() {
    return bypass;
  }

  @Override
  public final PolicyConfig config() {
    return config;
  }

  @Override
  public String toString() {
    return Policies.toJson(config);
  }

  /** The JSON form of this policy tree, which a branch records when it switches to it at runtime. */
  @Override
  public java.util.Optional<String> configuration() {
    return java.util.Optional.of(Policies.toJson(config()));
  }
}
