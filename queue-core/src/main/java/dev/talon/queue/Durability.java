package dev.talon.queue;

/**
 * When an operation on a durable store is acknowledged. With a store that is not durable (in
 * memory) the mode has no effect.
 */
public enum Durability {
  /**
   * Each operation is written in its own transaction, and returns after the commit. Nothing
   * acknowledged is lost; operations of one branch are written one at a time.
   */
  SYNC,
  /**
   * Operations running at the same time are written together in one transaction (group commit);
   * each returns after the commit that holds it. Nothing acknowledged is lost. If the commit fails,
   * every operation in it and every later one built on it fails and the branch returns to its last
   * committed state. Look-ups may show an operation in the moment between its change and its
   * commit.
   */
  GROUP,
  /**
   * Operations return before their events are written; a background writer commits them in order
   * and retries while the store fails. A crash loses the operations not yet written: at most
   * {@code asyncMaxPending} events (see the builder): what the writer had not committed yet.
   */
  ASYNC
}
