package dev.talon.queue.policies;

import dev.talon.queue.spi.Policy;
import dev.talon.queue.spi.TicketFacts;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Classification rules in front of any policy: the first rule that matches a new ticket names
 * its line class; when none matches, {@code otherwise} does, or the inner policy's own
 * classification when {@code otherwise} is null. Everything else is the inner policy's.
 */
final class ClassifiedPolicy extends DelegatingPolicy {
  private final List<PolicyConfig.Rule> rules;
  private final String otherwise;

  /** The rules as validated by {@link PolicyConfig.Classify}. */
  ClassifiedPolicy(List<PolicyConfig.Rule> rules, String otherwise, Policy<?> inner) {
    super(inner, "");
    this.rules = rules;
    this.otherwise = otherwise;
  }

  static boolean matches(PolicyConfig.Rule r, TicketFacts t) {
    return (r.origins().isEmpty() || r.origins().contains(t.origin()))
        && (r.categories().isEmpty() || !Collections.disjoint(r.categories(), t.categories()))
        && (r.services().isEmpty() || r.services().contains(t.service()))
        && (r.late() == null || r.late() == t.late());
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public String classify(TicketFacts ticket) {
    for (PolicyConfig.Rule r : rules) {
      if (matches(r, ticket)) {
        return r.line();
      }
    }
    return otherwise != null ? otherwise : inner.classify(ticket);
  }

  @Override
  public Set<String> lineClasses() {
    Set<String> out = new TreeSet<>();
    rules.forEach(r -> out.add(r.line()));
    if (otherwise != null) {
      out.add(otherwise);
      return out;
    }
    Set<String> fromInner = Configured.classesOf(inner);
    if (fromInner == null) {
      return null;
    }
    out.addAll(fromInner);
    return out;
  }

  @Override
  public PolicyConfig config() {
    return new PolicyConfig.Classify(rules, otherwise, Configured.configOf(inner));
  }
}
