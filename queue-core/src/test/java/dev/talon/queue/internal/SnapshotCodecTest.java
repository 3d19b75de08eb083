package dev.talon.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import dev.talon.queue.Branch;
import dev.talon.queue.IssueRequest;
import dev.talon.queue.Talon;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.Policy;
import dev.talon.queue.spi.QueueClock;
import dev.talon.queue.testkit.Command;
import dev.talon.queue.testkit.Driver;
import dev.talon.queue.testkit.Generators;
import dev.talon.queue.testkit.ReferencePolicies;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The snapshot codec on its own: every field of every state a random run reaches must come back
 * equal (compared field by field, so that a field the codec forgets to write shows even though
 * its bytes would still agree with themselves), and every damaged or foreign snapshot must be
 * refused rather than read as some other state.
 */
class SnapshotCodecTest {

  private static BranchEngine engineOf(Branch b) {
    return (BranchEngine) b;
  }

  @Test
  void decode_ofEncodedStateAfterRandomRuns_equalsStateFieldByField() {
    AtomicInteger states = new AtomicInteger();
    qt().withExamples(300).withShrinkCycles(0).withFixedSeed(20261124L)
        .forAll(Generators.scenarios(), Generators.sequences(60))
        .checkAssert((scenario, sequence) -> {
          Driver run = Driver.engineOnly(scenario, EventStore.inMemory());
          int i = 0;
          for (Command c : sequence) {
            run.step(c);
            if (++i % 10 == 0 || i == sequence.size()) {
              BranchEngine engine = engineOf(run.branch());
              Core state = engine.current();
              if (state.seq == 0) {
                continue;
              }
              try {
                byte[] bytes = SnapshotCodec.encode(engine.config(), state, List.of());
                Core back = SnapshotCodec.decode(engine.config(), bytes).state();
                assertDeepEquals(state, back, "state");
                assertThat(SnapshotCodec.encode(engine.config(), back, List.of())).isEqualTo(bytes);
                states.incrementAndGet();
              } catch (SnapshotCodec.Unusable e) {
                throw new AssertionError(e);
              }
            }
          }
        });
    assertThat(states.get()).isGreaterThan(300);
  }

  @Test
  void decode_truncatedAtAnyLength_isUnusable() throws Exception {
    BranchEngine engine = busyEngine(EventStore.inMemory());
    byte[] bytes = SnapshotCodec.encode(engine.config(), engine.current(), List.of());
    for (int n = 0; n < bytes.length; n++) {
      byte[] cut = Arrays.copyOf(bytes, n);
      assertThatThrownBy(() -> SnapshotCodec.decode(engine.config(), cut)).as("cut at %d of %d", n, bytes.length)
          .isInstanceOf(SnapshotCodec.Unusable.class);
    }
  }

  @Test
  void decode_trailingBytes_isUnusable() throws Exception {
    BranchEngine engine = busyEngine(EventStore.inMemory());
    byte[] bytes = SnapshotCodec.encode(engine.config(), engine.current(), List.of());
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    assertThatThrownBy(() -> SnapshotCodec.decode(engine.config(), longer))
        .isInstanceOf(SnapshotCodec.Unusable.class).hasMessageContaining("1 bytes follow");
  }

  @Test
  void decode_otherMagicOrFormat_isUnusable() throws Exception {
    BranchEngine engine = busyEngine(EventStore.inMemory());
    byte[] bytes = SnapshotCodec.encode(engine.config(), engine.current(), List.of());
    byte[] magic = bytes.clone();
    magic[0] ^= 1;
    assertThatThrownBy(() -> SnapshotCodec.decode(engine.config(), magic)).hasMessageContaining("magic");
    byte[] format = bytes.clone();
    format[7] = 1; // an older format (1 kept every ended ticket)
    assertThatThrownBy(() -> SnapshotCodec.decode(engine.config(), format)).hasMessageContaining("format 1");
  }

  @Test
  void decode_underAnotherConfiguration_isUnusable() throws Exception {
    BranchEngine engine = busyEngine(EventStore.inMemory());
    byte[] bytes = SnapshotCodec.encode(engine.config(), engine.current(), List.of());
    BranchEngine other = engineOf(builder(EventStore.inMemory()).desk("3", "docs").build());
    assertThatThrownBy(() -> SnapshotCodec.decode(other.config(), bytes))
        .isInstanceOf(SnapshotCodec.Unusable.class).hasMessageContaining("another configuration");
  }

  @Test
  void fingerprint_sameConfigurationBuiltInAnotherOrder_isEqual() {
    BranchEngine a = engineOf(Talon.newBranch("b1").service("docs", "A", "Docs").service("cars", "C", "Cars")
        .desk("1", "docs", "cars").desk("2", "cars").capacity("docs", 2).capacity("cars", 1).build());
    BranchEngine b = engineOf(Talon.newBranch("b1").service("cars", "C", "Cars").service("docs", "A", "Docs")
        .desk("2", "cars").desk("1", "cars", "docs").capacity("cars", 1).capacity("docs", 2).build());
    assertThat(SnapshotCodec.fingerprint(a.config())).isEqualTo(SnapshotCodec.fingerprint(b.config()));
  }

  @Test
  void encode_statefulPolicyWithoutCodec_isUnsupported() {
    Policy<?> counting = ReferencePolicies.countingWithoutCodec();
    BranchEngine engine = engineOf(builder(EventStore.inMemory()).policy(counting).build());
    engine.issue(IssueRequest.walkIn("docs"));
    assertThatThrownBy(() -> SnapshotCodec.encode(engine.config(), engine.current(), List.of()))
        .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("declares no StateCodec");
  }

  private static Talon builder(EventStore store) {
    return Talon.newBranch("b1").service("docs", "A", "Docs").desk("1", "docs").capacity("docs", 2)
        .store(store).clock(QueueClock.manual(Instant.parse("2026-03-02T08:00:00Z")));
  }

  private static BranchEngine busyEngine(EventStore store) {
    BranchEngine engine = engineOf(builder(store).build());
    for (int i = 0; i < 5; i++) {
      engine.issue(IssueRequest.walkIn("docs"));
    }
    engine.callNext("1");
    return engine;
  }

  // ---------------------------------------------------------------- deep comparison

  private static void assertDeepEquals(Object a, Object b, String path) {
    if (a == b) {
      return;
    }
    if (a == null || b == null) {
      throw new AssertionError(path + ": " + a + " vs " + b);
    }
    if (a instanceof Slab<?> m) {
      assertDeepEquals(items(m), items((Slab<?>) b), path);
    } else if (a instanceof LongRing d) {
      assertDeepEquals(d.toArray(), ((LongRing) b).toArray(), path);
    } else if (a instanceof java.util.Map<?, ?> m) {
      assertDeepEquals(new ArrayList<>(m.entrySet()).stream().flatMap(e -> java.util.stream.Stream.of(e.getKey(),
          e.getValue())).toList(), new ArrayList<>(((java.util.Map<?, ?>) b).entrySet()).stream()
          .flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue())).toList(), path);
    } else if (a instanceof java.util.SortedSet<?> set) {
      assertDeepEquals(new ArrayList<>(set), new ArrayList<>((java.util.SortedSet<?>) b), path);
    } else if (a instanceof List<?> la) {
      assertDeepEquals(la.toArray(), ((List<?>) b).toArray(), path);
    } else if (a.getClass().isArray()) {
      int n = java.lang.reflect.Array.getLength(a);
      if (n != java.lang.reflect.Array.getLength(b)) {
        throw new AssertionError(path + ": length " + n + " vs " + java.lang.reflect.Array.getLength(b));
      }
      for (int i = 0; i < n; i++) {
        assertDeepEquals(java.lang.reflect.Array.get(a, i), java.lang.reflect.Array.get(b, i), path + "[" + i + "]");
      }
    } else if (a instanceof Record r) {
      for (RecordComponent rc : r.getClass().getRecordComponents()) {
        try {
          assertDeepEquals(rc.getAccessor().invoke(a), rc.getAccessor().invoke(b), path + "." + rc.getName());
        } catch (ReflectiveOperationException e) {
          throw new AssertionError(e);
        }
      }
    } else if (a instanceof Core || a instanceof Line || a instanceof WindowBookings) {
      if (a instanceof Core ca) {
        assertDeepEquals(ca.calls(), ((Core) b).calls(), path + ".calls()");
      }
      for (Field f : a.getClass().getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers()) || f.getName().equals("config") || f.getName().equals("calendar")
            || f.getName().startsWith("call") || a instanceof Line && f.getName().equals("head")
            || f.getName().equals("reusable")) {
          continue; // the board's ring is compared through calls() below; a line's offered head is a call's only
        }
        try {
          assertDeepEquals(f.get(a), f.get(b), path + "." + f.getName());
        } catch (IllegalAccessException e) {
          throw new AssertionError(e);
        }
      }
    } else if (a instanceof Policy<?>) {
      throw new AssertionError(path + ": another policy object " + a + " vs " + b);
    } else if (!a.equals(b)) {
      throw new AssertionError(path + ": " + a + " vs " + b);
    }
  }

  private static List<Object> items(Slab<?> m) {
    List<Object> out = new ArrayList<>();
    m.forEach(out::add);
    return out;
  }
}
