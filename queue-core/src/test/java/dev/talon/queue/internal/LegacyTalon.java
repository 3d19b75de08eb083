// Test-scope oracle: the engine before issue 12, kept only for DifferentialTest.
package dev.talon.queue.internal;

import dev.talon.queue.AdmissionMode;
import dev.talon.queue.Desk;
import dev.talon.queue.Durability;
import dev.talon.queue.Estimation;
import dev.talon.queue.Limits;
import dev.talon.queue.OpeningHours;
import dev.talon.queue.Service;
import dev.talon.queue.ServiceLevel;
import dev.talon.queue.SlotCalendar;
import dev.talon.queue.Talon;
import dev.talon.queue.spi.AdmissionCheck;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.Policy;
import dev.talon.queue.spi.QueueClock;
import dev.talon.queue.spi.QueueListener;
import java.lang.reflect.Field;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

/**
 * Opens the {@link LegacyBranchEngine} from a {@link Talon} builder with exactly the
 * {@link BranchConfig} that {@link Talon#build()} hands the current engine: it reads the builder's
 * fields (they are private, so by reflection; a renamed field fails loudly) and makes the same
 * {@code BranchConfig.of} call as {@code build()}, defaults included.
 */
final class LegacyTalon {
  private LegacyTalon() {}

  /** The configuration {@code t.build()} would open its engine with. */
  @SuppressWarnings("unchecked")
  static BranchConfig configOf(Talon t) {
    EventStore store = get(t, "store");
    Integer snapshotEvery = get(t, "snapshotEvery");
    return BranchConfig.of(get(t, "branchId"), (ZoneId) get(t, "zone"), (OpeningHours) get(t, "hours"),
        (List<Service>) get(t, "services"), (List<Desk>) get(t, "desks"), (SlotCalendar) get(t, "slots"),
        (Limits) get(t, "limits"), (AdmissionMode) get(t, "mode"), (Policy<?>) get(t, "policy"),
        store == null ? EventStore.inMemory() : store, (QueueClock) get(t, "clock"),
        (List<AdmissionCheck>) get(t, "checks"), (List<QueueListener>) get(t, "listeners"),
        (Long) get(t, "fencingToken"), (Duration) get(t, "clockTolerance"),
        (ScheduledExecutorService) get(t, "rotationScheduler"), (Duration) get(t, "rotationInterval"),
        (Durability) get(t, "durability"), (Integer) get(t, "asyncMaxPending"),
        (Map<String, ServiceLevel>) get(t, "serviceLevels"), (Estimation) get(t, "estimation"),
        (Function<String, Policy<?>>) get(t, "policyResolver"),
        snapshotEvery != null ? snapshotEvery : (store != null && store.isDurable() ? 1_000 : 100_000),
        (PersonIdHmac) get(t, "personIds"));
  }

  /** The legacy engine of the builder's branch (replaying the store's history, if any). */
  static LegacyBranchEngine open(Talon t) {
    return LegacyBranchEngine.open(configOf(t));
  }

  @SuppressWarnings("unchecked")
  private static <T> T get(Talon t, String name) {
    try {
      Field f = Talon.class.getDeclaredField(name);
      f.setAccessible(true);
      return (T) f.get(t);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Talon has no field " + name + "; keep LegacyTalon in step with Talon.build()", e);
    }
  }
}
