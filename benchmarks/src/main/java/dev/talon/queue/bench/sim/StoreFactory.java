package dev.talon.queue.bench.sim;

import dev.talon.queue.spi.EventStore;

/**
 * Where the engine of each simulated run keeps its events. Every run (one per policy) gets a
 * fresh store. The in-memory store is the default; a store factory over the JDBC module (an H2
 * file per run) plugs in here once that module exists.
 */
public interface StoreFactory {

  /** A short name for the reports, e.g. {@code in-memory}. */
  String name();

  /** A fresh, empty store for the run named {@code run} (scenario and policy label). */
  EventStore open(String run);

  /** Events in this JVM's memory ({@link EventStore#inMemory()}). */
  static StoreFactory inMemory() {
    return new StoreFactory() {
      @Override
      public String name() {
        return "in-memory";
      }

      @Override
      public EventStore open(String run) {
        return EventStore.inMemory();
      }
    };
  }
}
