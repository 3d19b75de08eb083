package dev.talon.queue.policies;

/**
 * How much a desk wants the tickets of one service (QSystem's per-operator coefficients). A desk
 * calls from its most preferred tier that has a waiting ticket: first {@link #PREFERRED}, then
 * {@link #NORMAL}, then {@link #LEFTOVERS}, last {@link #EXCLUDE}.
 */
public enum DeskPreference {
  /** The desk's home service: called before anything else. */
  PREFERRED,
  /** The default for every service the desk serves. */
  NORMAL,
  /** Called only when nothing preferred or normal waits for the desk. */
  LEFTOVERS,
  /**
   * Called only when nothing else at all waits for the desk. A policy must pick one of the lines
   * the engine offers and cannot refuse a call, so this is a last resort, not a ban: to keep a
   * desk away from a service entirely, leave the service out of the desk's services.
   */
  EXCLUDE;

  /** The name used in JSON, e.g. {@code leftovers}. */
  public String jsonName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
