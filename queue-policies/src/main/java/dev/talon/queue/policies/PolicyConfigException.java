package dev.talon.queue.policies;

import dev.talon.queue.InvalidConfigurationException;

/**
 * A policy configuration breaks a rule. The message is {@code <path>: <rule>}, where the path is
 * a JSON path from the root of the configuration (for example
 * {@code $.inner.weights.booked: weight must be >= 1, was 0}), so that a person can find the
 * offending value in their file. Thrown while loading or building a policy, never later.
 */
public class PolicyConfigException extends InvalidConfigurationException {
  private static final long serialVersionUID = 1L;

  private final String path;
  private final String rule;

  /**
   * @param path the JSON path of the offending value, starting with {@code $}
   * @param rule the rule broken and the offending value
   */
  public PolicyConfigException(String path, String rule) {
    super(path + ": " + rule);
    if (path == null || !path.startsWith("$")) {
      throw new IllegalArgumentException("a JSON path starts with $, was " + path);
    }
    this.path = path;
    this.rule = rule;
  }

  /** The JSON path of the offending value, e.g. {@code $.inner.weights.booked}. */
  public String path() {
    return path;
  }

  /** The rule broken, with the offending value, e.g. {@code weight must be >= 1, was 0}. */
  public String rule() {
    return rule;
  }

  /**
   * The same error seen from a parent: a path relative to a nested configuration ({@code $.x})
   * becomes one relative to the root ({@code $.inner.x} when {@code parent} is {@code $.inner}).
   */
  public PolicyConfigException under(String parent) {
    return parent.equals("$") ? this : new PolicyConfigException(parent + path.substring(1), rule);
  }
}
