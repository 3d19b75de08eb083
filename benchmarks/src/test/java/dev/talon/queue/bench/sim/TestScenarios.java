package dev.talon.queue.bench.sim;

import dev.talon.queue.QueueEvent;
import dev.talon.queue.spi.EventStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Scenarios built in code for tests. */
final class TestScenarios {
  static final ScenarioReader READER = new ScenarioReader(PolicyResolver.library());

  private TestScenarios() {}

  /** Keeps the store of every run (one per policy, in order) so that a test can read the engine's history. */
  static final class KeptStores implements StoreFactory {
    private final List<EventStore> stores = new ArrayList<>();

    @Override
    public String name() {
      return "kept";
    }

    @Override
    public EventStore open(String run) {
      EventStore s = EventStore.inMemory(null); // the tests read whole histories back: no retention
      stores.add(s);
      return s;
    }

    /** The events of run {@code run} (0-based). */
    List<QueueEvent> events(int run) {
      return stores.get(run).load("sim", 0);
    }
  }

  /**
   * Stores that keep nothing: for runs of hundreds of thousands of visitors whose history nobody
   * reads, so that the heap holds the engine's state but not every event.
   */
  static final StoreFactory DISCARDING = new StoreFactory() {
    @Override
    public String name() {
      return "discarding";
    }

    @Override
    public EventStore open(String run) {
      return new EventStore() {
        @Override
        public void append(String branchId, long fencingToken, List<QueueEvent> events) {}

        @Override
        public List<QueueEvent> load(String branchId, long afterSeq) {
          return List.of();
        }
      };
    }
  };

  /**
   * The M/M/c queue: one service, Poisson arrivals at {@code perHour}, exponential service with
   * the given mean, {@code desks} desks, open around the clock for {@code days} days, FIFO,
   * nobody leaves, a two-hour warm-up.
   */
  static Scenario mmc(double perHour, double meanServiceMinutes, int desks, int days, long seed, String... policies) {
    StringBuilder deskList = new StringBuilder();
    for (int i = 1; i <= desks; i++) {
      deskList.append(i > 1 ? "," : "").append("{\"id\":\"").append(i).append("\",\"services\":[\"s\"]}");
    }
    StringBuilder policyList = new StringBuilder();
    for (String p : policies.length == 0 ? new String[] {"fifo"} : policies) {
      policyList.append(policyList.length() > 0 ? "," : "").append("{\"type\":\"").append(p).append("\"}");
    }
    String json = String.format(Locale.ROOT, """
        {
          "name": "mmc", "seed": %d, "days": %d,
          "hours": { "opens": "00:00", "closes": "24:00" },
          "warmUpMinutes": 120,
          "services": [ { "code": "s", "prefix": "M",
            "serviceMinutes": { "type": "exponential", "mean": %s },
            "arrivalsPerHour": { "00:00": %s } } ],
          "desks": [ %s ],
          "policies": [ %s ]
        }""", seed, days, meanServiceMinutes, perHour, deskList, policyList);
    return READER.parse(json, "mmc");
  }
}
