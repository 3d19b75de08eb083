package dev.talon.queue;

import java.util.Set;

/**
 * An operator's window (counter) and the services it serves.
 *
 * @param id       the desk's identifier, e.g. {@code "4"}
 * @param services the codes of the services it serves; at least one
 */
public record Desk(String id, Set<String> services) {
  public Desk {
    Checks.matches("desk id", id, Service.CODE);
    if (services == null || services.isEmpty()) {
      throw new InvalidConfigurationException("desk " + id + " must serve at least one service, was " + services);
    }
    for (String s : services) { // not contains(null): immutable sets throw on that
      if (s == null) {
        throw new InvalidConfigurationException("desk " + id + " lists a null service, was " + services);
      }
    }
    services = Set.copyOf(services);
  }

  /** True if the desk serves the service. */
  public boolean serves(String service) {
    return services.contains(service);
  }
}
