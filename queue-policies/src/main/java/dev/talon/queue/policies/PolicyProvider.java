package dev.talon.queue.policies;

import com.fasterxml.jackson.databind.JsonNode;
import dev.talon.queue.spi.Policy;

/**
 * A third-party policy type, found by {@link java.util.ServiceLoader}: list the implementing class
 * in {@code META-INF/services/dev.talon.queue.policies.PolicyProvider} and its {@link #type()}
 * becomes usable in JSON configuration ({@code {"type":"my-type", ...}}) next to the built-in
 * types, also nested inside them.
 *
 * <p>An implementation needs a public no-argument constructor and must be stateless. The policy
 * it creates must follow the {@link Policy} rules (pure {@code select}, deterministic
 * {@code afterCall}, immutable state) and should pass the policy contract suite of this module's
 * test-jar ({@code PolicyContract}).
 */
public interface PolicyProvider {

  /**
   * The type name used in JSON: 1 to 32 letters, digits, {@code -} or {@code _}, not one of the
   * built-in types.
   */
  String type();

  /**
   * Creates the policy from its JSON node.
   *
   * @param config the node, a JSON object whose {@code "type"} is {@link #type()}; a
   *               {@code "classify"} field, if any, has been taken off and is applied by the caller
   * @param path   the node's JSON path, e.g. {@code $.inner}; errors name paths below it
   * @param nested builds policies nested in this one (of any type, built-in or provided)
   * @return the policy
   * @throws PolicyConfigException when the configuration breaks a rule, with the path of the
   *         offending value (e.g. {@code path + ".weight"})
   */
  Policy<?> create(JsonNode config, String path, PolicyFactory nested);
}
