package dev.talon.queue.policies;

import com.fasterxml.jackson.databind.JsonNode;
import dev.talon.queue.spi.Policy;

/** Builds a nested policy from its JSON node, for a {@link PolicyProvider} whose policy wraps others. */
@FunctionalInterface
public interface PolicyFactory {

  /**
   * Builds the policy configured by {@code node}.
   *
   * @param node the nested node, a JSON object with a {@code "type"}
   * @param path its JSON path, e.g. {@code $.inner}, named by any error
   * @throws PolicyConfigException when the nested configuration breaks a rule
   */
  Policy<?> create(JsonNode node, String path);
}
