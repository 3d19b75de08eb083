package dev.talon.queue.policies;

import dev.talon.queue.InvalidConfigurationException;
import java.util.Collections;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

/** The registered {@link PolicyProvider}s by type, loaded once through {@link ServiceLoader}. */
final class Providers {
  /** The built-in type names, which a provider may not take. */
  static final Set<String> BUILT_IN = Collections.unmodifiableSet(new java.util.TreeSet<>(Set.of(
      "fifo", "booked-first", "priority", "ratio", "deficit", "max-wait", "booked-time", "deadline", "desk-preferences", "schedule")));

  private static volatile Map<String, PolicyProvider> loaded;

  private Providers() {}

  static Map<String, PolicyProvider> all() {
    Map<String, PolicyProvider> m = loaded;
    if (m == null) {
      synchronized (Providers.class) {
        m = loaded;
        if (m == null) {
          m = load(ServiceLoader.load(PolicyProvider.class, Providers.class.getClassLoader()));
          loaded = m;
        }
      }
    }
    return m;
  }

  static Map<String, PolicyProvider> load(Iterable<PolicyProvider> found) {
    Map<String, PolicyProvider> byType = new TreeMap<>();
    for (PolicyProvider p : found) {
      String type = p.type();
      if (type == null || !Validate.NAME.matcher(type).matches()) {
        throw new InvalidConfigurationException("policy provider " + p.getClass().getName()
            + " declares type " + type + "; a type must be 1 to 32 letters, digits, '-' or '_'");
      }
      if (BUILT_IN.contains(type)) {
        throw new InvalidConfigurationException("policy provider " + p.getClass().getName() + " declares type "
            + type + ", which is built in; built-in types are " + BUILT_IN);
      }
      PolicyProvider before = byType.put(type, p);
      if (before != null) {
        throw new InvalidConfigurationException("policy type " + type + " is declared by two providers, "
            + before.getClass().getName() + " and " + p.getClass().getName());
      }
    }
    return Collections.unmodifiableMap(byType);
  }

  /** Every type name usable in JSON, sorted. */
  static Set<String> knownTypes() {
    Set<String> all = new java.util.TreeSet<>(BUILT_IN);
    all.addAll(all().keySet());
    return all;
  }
}
