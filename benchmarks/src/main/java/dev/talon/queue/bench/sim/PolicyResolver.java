package dev.talon.queue.bench.sim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.talon.queue.spi.Policy;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Turns a policy's JSON configuration in a scenario (e.g. {@code {"type":"fifo"}}) into a
 * {@link Policy}. The scenario reader strips its own {@code label} field before it asks.
 *
 * <p>{@link #builtIn()} knows the policies queue-core ships; a resolver backed by the policy
 * library (queue-policies) plugs in here. A resolver reports a bad configuration by throwing any
 * runtime exception with a message that states the rule; the reader puts the JSON path in front.
 */
@FunctionalInterface
public interface PolicyResolver {

  /**
   * The policy described by {@code spec}.
   *
   * @param spec the policy's JSON object, without the simulator's {@code label} field
   * @throws RuntimeException with a message naming the rule broken, when {@code spec} is not a valid policy
   */
  Policy<?> resolve(JsonNode spec);

  /**
   * The policy library: {@code {"type":"booked-first"}} from queue-core, and every type of
   * queue-policies ({@code fifo}, {@code priority}, {@code ratio}, {@code deficit}, {@code max-wait},
   * {@code booked-time}, {@code deadline}, {@code desk-preferences}, {@code schedule} and any
   * registered through its {@code PolicyProvider}), configured as its README describes.
   */
  static PolicyResolver library() {
    PolicyResolver core = builtIn();
    return spec -> {
      JsonNode type = spec.get("type");
      if (type != null && type.isTextual() && type.textValue().equals("booked-first")) {
        return core.resolve(spec);
      }
      return dev.talon.queue.policies.Policies.fromJson(spec);
    };
  }

  /** The policies of queue-core: {@code {"type":"fifo"}} and {@code {"type":"booked-first"}}. */
  static PolicyResolver builtIn() {
    Map<String, Supplier<Policy<?>>> known = new TreeMap<>();
    known.put("fifo", Policy::fifo);
    known.put("booked-first", Policy::bookedFirst);
    return spec -> {
      JsonNode type = spec.get("type");
      if (type == null || !type.isTextual()) {
        throw new IllegalArgumentException("a policy needs a \"type\" string, one of " + known.keySet());
      }
      Supplier<Policy<?>> policy = known.get(type.textValue());
      if (policy == null) {
        throw new IllegalArgumentException("unknown policy type \"" + type.textValue() + "\"; the known types are "
            + known.keySet());
      }
      if (spec.size() > 1) {
        throw new IllegalArgumentException("policy " + type.textValue() + " takes no settings besides \"type\", was " + spec);
      }
      return policy.get();
    };
  }
}
