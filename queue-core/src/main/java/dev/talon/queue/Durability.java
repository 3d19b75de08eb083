package dev.talon.queue;

/**
 * When an operation on a durable store is acknowledged. With a store that is not durable (in
 * memory) the mode has no effect.
 */
public enum Durability {
  /**
   * Each operation returns after the commit of the transaction that holds its events. Operations
   * that reach the branch while a commit is under way are applied meanwhile and written together in
   * the next transaction, so concurrent operations share commits. Nothing acknowledged is lost. If
   * a commit fails, every operation in it and every later one applied on top of it fails and the
   * branch returns to its last committed state. Look-ups may show an operation in the moment
   * between its change and its commit.
   */
  SYNC,
  /**
   * The same as {@link #SYNC} since the single-writer core (0.2): both share commits among
   * concurrent operations. Kept so that existing configurations keep working.
   */
  GROUP,
  /**
   * Operations return once applied, before their events are written; the branch's commit thread
   * writes them in order and retries while the store fails. A crash loses the operations not yet written: at most
   * {@code asyncMaxPending} events (see the builder): what the writer had not committed yet.
   */
  ASYNC
}
