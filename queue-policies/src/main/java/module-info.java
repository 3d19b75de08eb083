/**
 * Talon's policy library and its JSON configuration. Third-party policy types are
 * {@code dev.talon.queue.policies.PolicyProvider} services ({@code provides ... with ...} in the
 * provider's module, or {@code META-INF/services} on the class path).
 */
module dev.talon.queue.policies {
  requires transitive dev.talon.queue;
  // PolicyProvider and PolicyFactory take Jackson's JsonNode.
  requires transitive com.fasterxml.jackson.databind;
  requires org.slf4j;

  exports dev.talon.queue.policies;

  uses dev.talon.queue.policies.PolicyProvider;
}
