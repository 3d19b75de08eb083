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
 *
 * <p>A policy that keeps state (its {@code initialState} or {@code afterCall} returns anything but
 * null) must return a {@link dev.talon.queue.spi.StateCodec} from {@link Policy#stateCodec()}:
 * exact ({@code read(write(s))} equals {@code s}, so the state also needs a value
 * {@code equals}), canonical (equal states, equal bytes) and strict (bytes that break its form,
 * truncated ones included, fail with an exception rather than read as some state). Without one
 * the engine takes no snapshots of the branches that use the policy and replays their whole
 * history each time it opens them. A policy that wraps others and keeps their state as its own
 * returns its inner policy's codec; one that combines several states writes each with its own
 * policy's codec. The contract suite checks the codec after every call of its random days.
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
