package dev.talon.queue.policies;

import dev.talon.queue.spi.Policy;
import java.util.Set;

/**
 * A third-party policy built by a {@link PolicyProvider}, remembered with the JSON it was built
 * from so that the tree it sits in keeps its JSON form.
 */
final class ProvidedPolicy extends DelegatingPolicy {
  private final PolicyConfig.Custom config;

  ProvidedPolicy(PolicyConfig.Custom config, Policy<?> delegate) {
    super(delegate, "");
    this.config = config;
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public Set<String> lineClasses() {
    return null; // what a third-party classify produces is not known
  }

  @Override
  public void checkClasses(Set<String> produced, String path, java.util.List<String> unused) {
    // a provider checks its own configuration when it creates the policy
  }

  @Override
  public PolicyConfig config() {
    return config;
  }
}
