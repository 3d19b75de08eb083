package dev.talon.queue.policies;

import dev.talon.queue.InvalidConfigurationException;
import dev.talon.queue.spi.Policy;
import java.util.Set;

/**
 * What the policies of this library know about themselves beyond the SPI: their configuration
 * (their JSON form), the line classes their classification can produce, and whether their own
 * class-aware settings cover those classes.
 */
interface Configured {
  /** The line classes of {@link Policy#classify}'s default. */
  Set<String> DEFAULT_CLASSES = Set.of(Policy.BOOKED, Policy.WALK_IN);

  /** This node's configuration, children included. */
  PolicyConfig config();

  /** The line classes this node's classification can produce, or null when unknown. */
  default Set<String> lineClasses() {
    return DEFAULT_CLASSES;
  }

  /**
   * Checks that this node's class-aware settings (weights, ranks, targets) cover every class the
   * tree's classification produces (null when not known); throws {@link PolicyConfigException}
   * naming {@code path}. Adds to {@code unused} a note for each class with a setting that the
   * classification never produces.
   */
  default void checkClasses(Set<String> produced, String path, java.util.List<String> unused) {}

  static PolicyConfig configOf(Policy<?> policy) {
    if (policy instanceof Configured c) {
      return c.config();
    }
    if (policy == Policy.fifo()) {
      return new PolicyConfig.Fifo();
    }
    if (policy == Policy.bookedFirst()) {
      return new PolicyConfig.BookedFirst();
    }
    throw new InvalidConfigurationException("policy " + policy.name() + " (" + policy.getClass().getName()
        + ") has no JSON form: only policies built by Policies, or by a PolicyProvider through Policies.fromJson, have one");
  }

  static Set<String> classesOf(Policy<?> policy) {
    if (policy == Policy.fifo() || policy == Policy.bookedFirst()) {
      return DEFAULT_CLASSES;
    }
    return policy instanceof Configured c ? c.lineClasses() : null;
  }

  static void checkClasses(Policy<?> policy, Set<String> produced, String path, java.util.List<String> unused) {
    if (policy instanceof Configured c) {
      c.checkClasses(produced, path, unused);
    }
  }

  /**
   * Fails unless every produced class is among {@code known}; {@code what} names the setting.
   * A class of {@code known} that is never produced is not an error (a weight for a line that
   * never forms is never used), but it is usually a typing mistake or a forgotten rule: it is
   * added to {@code unused} as a note naming the path, which {@link Policies} logs as a warning
   * and returns from {@link Policies#unusedClasses}. Nothing to check when {@code produced} is
   * null (not known).
   */
  static void requireCovered(Set<String> produced, Set<String> known, String path, String what,
      java.util.List<String> unused) {
    if (produced == null) {
      return;
    }
    for (String c : new java.util.TreeSet<>(produced)) {
      if (!known.contains(c)) {
        throw new PolicyConfigException(path, "line class " + c + ", which the classification produces, has no "
            + what + "; the classes with one are " + known);
      }
    }
    for (String c : known) {
      if (!produced.contains(c)) {
        unused.add(path + ": line class " + c + " has a " + what + " but no classification rule produces it;"
            + " the classes produced are " + new java.util.TreeSet<>(produced));
      }
    }
  }
}
