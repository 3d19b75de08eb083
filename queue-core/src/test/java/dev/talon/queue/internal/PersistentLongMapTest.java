package dev.talon.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

class PersistentLongMapTest {

  // ---------------------------------------------------------------- examples

  @Test
  void empty_always_hasNoEntries() {
    PersistentLongMap<String> map = PersistentLongMap.empty();

    assertThat(map.isEmpty()).isTrue();
    assertThat(map.size()).isZero();
    assertThat(map.get(0)).isNull();
    assertThat(map.get(Long.MAX_VALUE)).isNull();
    assertThat(map.containsKey(1)).isFalse();
    assertThat(map.firstKey()).isEqualTo(-1);
    assertThat(map.lastKey()).isEqualTo(-1);
    assertThat(map.values().hasNext()).isFalse();
    assertThat(entries(map)).isEmpty();
    assertThat(map.remove(5)).isSameAs(map);
  }

  @Test
  void empty_calledTwice_returnsSharedInstance() {
    assertThat(PersistentLongMap.<String>empty()).isSameAs(PersistentLongMap.<Integer>empty());
  }

  @Test
  void put_newKey_isVisibleInNewMapOnly() {
    PersistentLongMap<String> empty = PersistentLongMap.empty();
    PersistentLongMap<String> one = empty.put(7, "seven");

    assertThat(one.get(7)).isEqualTo("seven");
    assertThat(one.containsKey(7)).isTrue();
    assertThat(one.size()).isEqualTo(1);
    assertThat(one.isEmpty()).isFalse();
    assertThat(empty.get(7)).isNull();
    assertThat(empty.size()).isZero();
  }

  @Test
  void put_existingKey_replacesValueWithoutGrowing() {
    PersistentLongMap<String> first = PersistentLongMap.<String>empty().put(3, "a").put(40, "b");
    PersistentLongMap<String> second = first.put(40, "c");

    assertThat(second.get(40)).isEqualTo("c");
    assertThat(second.size()).isEqualTo(2);
    assertThat(first.get(40)).isEqualTo("b");
  }

  @Test
  void put_sameValueInstance_returnsSameMap() {
    String value = "v";
    PersistentLongMap<String> map = PersistentLongMap.<String>empty().put(100_000, value);

    assertThat(map.put(100_000, value)).isSameAs(map);
  }

  @Test
  void put_nullValue_throwsNullPointerException() {
    assertThatThrownBy(() -> PersistentLongMap.<String>empty().put(1, null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void put_negativeKey_throwsWithMessage() {
    assertThatThrownBy(() -> PersistentLongMap.<String>empty().put(-3, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key must be >= 0, was -3");
  }

  @Test
  void get_negativeKey_throwsWithMessage() {
    assertThatThrownBy(() -> PersistentLongMap.empty().get(Long.MIN_VALUE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key must be >= 0, was " + Long.MIN_VALUE);
  }

  @Test
  void removeAndContainsKey_negativeKey_throwIllegalArgument() {
    PersistentLongMap<String> map = PersistentLongMap.<String>empty().put(1, "a");

    assertThatThrownBy(() -> map.remove(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key must be >= 0, was -1");
    assertThatThrownBy(() -> map.containsKey(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void remove_presentKey_dropsItAndKeepsOthers() {
    PersistentLongMap<String> map =
        PersistentLongMap.<String>empty().put(1, "a").put(33, "b").put(1025, "c");
    PersistentLongMap<String> removed = map.remove(33);

    assertThat(removed.get(33)).isNull();
    assertThat(removed.get(1)).isEqualTo("a");
    assertThat(removed.get(1025)).isEqualTo("c");
    assertThat(removed.size()).isEqualTo(2);
    assertThat(map.get(33)).isEqualTo("b");
    assertThat(map.size()).isEqualTo(3);
  }

  @Test
  void remove_absentKey_returnsSameMap() {
    PersistentLongMap<String> map = PersistentLongMap.<String>empty().put(1, "a").put(64, "b");

    assertThat(map.remove(2)).isSameAs(map);
    assertThat(map.remove(65)).isSameAs(map);
    assertThat(map.remove(1L << 50)).isSameAs(map);
  }

  @Test
  void remove_lastEntry_returnsEmptyMap() {
    PersistentLongMap<String> map = PersistentLongMap.<String>empty().put(2_000_000, "w");

    assertThat(map.remove(2_000_000)).isSameAs(PersistentLongMap.empty());
  }

  @Test
  void remove_largeKeys_shrinksBackAndKeepsSmallKeys() {
    PersistentLongMap<String> map =
        PersistentLongMap.<String>empty().put(5, "small").put(1L << 40, "big").put(Long.MAX_VALUE, "max");
    PersistentLongMap<String> shrunk = map.remove(1L << 40).remove(Long.MAX_VALUE);

    assertThat(shrunk.size()).isEqualTo(1);
    assertThat(shrunk.get(5)).isEqualTo("small");
    assertThat(shrunk.firstKey()).isEqualTo(5);
    assertThat(shrunk.lastKey()).isEqualTo(5);
    assertThat(shrunk.get(1L << 40)).isNull();
    assertThat(entries(shrunk)).containsExactly(Map.entry(5L, "small"));
  }

  @Test
  void put_sparseLargeKeys_areStoredAndOrdered() {
    long[] keys = {1L << 40, 2_000_000, 0, Long.MAX_VALUE, 31, 32, (1L << 40) + 1, 1L << 62};
    PersistentLongMap<Long> map = PersistentLongMap.empty();
    for (long k : keys) {
      map = map.put(k, k);
    }

    for (long k : keys) {
      assertThat(map.get(k)).isEqualTo(k);
    }
    assertThat(map.get((1L << 40) - 1)).isNull();
    assertThat(map.get(1L << 41)).isNull();
    assertThat(map.size()).isEqualTo(keys.length);
    assertThat(map.firstKey()).isZero();
    assertThat(map.lastKey()).isEqualTo(Long.MAX_VALUE);
    assertThat(keysOf(map))
        .containsExactly(0L, 31L, 32L, 2_000_000L, 1L << 40, (1L << 40) + 1, 1L << 62, Long.MAX_VALUE);
  }

  @Test
  void forEach_denseKeysInsertedInReverse_visitsAscending() {
    PersistentLongMap<Long> map = PersistentLongMap.empty();
    for (long k = 5_000; k >= 1; k--) {
      map = map.put(k, k * 10);
    }
    List<Long> keys = new ArrayList<>();
    map.forEach((k, v) -> {
      assertThat(v).isEqualTo(k * 10);
      keys.add(k);
    });

    assertThat(keys).hasSize(5_000).isSorted();
    assertThat(keys.get(0)).isEqualTo(1L);
    assertThat(map.firstKey()).isEqualTo(1);
    assertThat(map.lastKey()).isEqualTo(5_000);
  }

  @Test
  void values_mixedKeys_iteratesAscendingByKeyThenThrows() {
    PersistentLongMap<String> map =
        PersistentLongMap.<String>empty().put(2_000_000, "c").put(9, "a").put(1_000, "b");
    Iterator<String> it = map.values();

    assertThat(it.next()).isEqualTo("a");
    assertThat(it.next()).isEqualTo("b");
    assertThat(it.next()).isEqualTo("c");
    assertThat(it.hasNext()).isFalse();
    assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
  }

  @Test
  void firstKeyLastKey_singleEntry_areThatKey() {
    PersistentLongMap<String> map = PersistentLongMap.<String>empty().put(123_456_789L, "x");

    assertThat(map.firstKey()).isEqualTo(123_456_789L);
    assertThat(map.lastKey()).isEqualTo(123_456_789L);
  }

  @Test
  void put_hundredThousandDenseIds_allRetrievable() {
    PersistentLongMap<Integer> map = PersistentLongMap.empty();
    for (int id = 1; id <= 100_000; id++) {
      map = map.put(id, id);
    }
    for (int id = 1; id <= 100_000; id++) {
      assertThat(map.get(id)).isEqualTo(id);
    }
    for (int id = 2; id <= 100_000; id += 2) {
      map = map.remove(id);
    }

    assertThat(map.size()).isEqualTo(50_000);
    assertThat(map.get(2)).isNull();
    assertThat(map.get(99_999)).isEqualTo(99_999);
    assertThat(map.lastKey()).isEqualTo(99_999);
  }

  // ---------------------------------------------------------------- properties

  /** One operation of the model test: PUT key, REMOVE key, or REMOVE_NTH present key. */
  private record Op(int kind, long key, int nth) {
    static final int PUT = 0;
    static final int REMOVE = 1;
    static final int REMOVE_NTH = 2;

    @Override
    public String toString() {
      return switch (kind) {
        case PUT -> "put(" + key + ")";
        case REMOVE -> "remove(" + key + ")";
        default -> "removeNth(" + nth + ")";
      };
    }
  }

  private static Gen<Long> smallKeys() {
    return longs().between(0, 80);
  }

  /** Wide keys: powers of two and their neighbours (level boundaries) mixed with random longs. */
  private static Gen<Long> wideKeys() {
    Gen<Long> boundaries =
        integers().between(0, 62).zip(integers().between(-1, 1), (bit, delta) -> Math.max(0, (1L << bit) + delta));
    return Generate.oneOf(boundaries, longs().between(0, Long.MAX_VALUE), longs().between(0, 5_000));
  }

  private static Gen<List<Op>> ops(Gen<Long> keys) {
    Gen<Op> op =
        integers()
            .between(0, 9)
            .zip(keys, integers().between(0, 1_000), (k, key, nth) -> new Op(k < 6 ? Op.PUT : k < 8 ? Op.REMOVE : Op.REMOVE_NTH, key, nth));
    return lists().of(op).ofSizeBetween(0, 120);
  }

  @Test
  void putRemove_smallKeyRange_behavesLikeTreeMap() {
    qt().withExamples(300).forAll(ops(smallKeys())).checkAssert(PersistentLongMapTest::checkAgainstModel);
  }

  @Test
  void putRemove_wideKeyRange_behavesLikeTreeMap() {
    qt().withExamples(300).forAll(ops(wideKeys())).checkAssert(PersistentLongMapTest::checkAgainstModel);
  }

  @Test
  void putRemove_anyOps_leaveOldVersionsUnchanged() {
    qt().withExamples(200)
        .forAll(ops(wideKeys().mix(smallKeys())))
        .checkAssert(
            ops -> {
              List<PersistentLongMap<String>> versions = new ArrayList<>();
              List<TreeMap<Long, String>> snapshots = new ArrayList<>();
              PersistentLongMap<String> map = PersistentLongMap.empty();
              TreeMap<Long, String> model = new TreeMap<>();
              versions.add(map);
              snapshots.add(new TreeMap<>(model));
              int step = 0;
              for (Op op : ops) {
                map = apply(op, map, model, "s" + step++);
                versions.add(map);
                snapshots.add(new TreeMap<>(model));
              }
              for (int i = 0; i < versions.size(); i++) {
                assertSameContents(versions.get(i), snapshots.get(i));
              }
            });
  }

  private static void checkAgainstModel(List<Op> ops) {
    PersistentLongMap<String> map = PersistentLongMap.empty();
    TreeMap<Long, String> model = new TreeMap<>();
    int step = 0;
    for (Op op : ops) {
      map = apply(op, map, model, "v" + step++);
      assertSameContents(map, model);
    }
  }

  /** Applies {@code op} to the model in place and returns the map's new version. */
  private static PersistentLongMap<String> apply(
      Op op, PersistentLongMap<String> map, TreeMap<Long, String> model, String value) {
    switch (op.kind()) {
      case Op.PUT:
        model.put(op.key(), value);
        return map.put(op.key(), value);
      case Op.REMOVE:
        boolean present = model.remove(op.key()) != null;
        PersistentLongMap<String> afterRemove = map.remove(op.key());
        if (!present) {
          assertThat(afterRemove).isSameAs(map);
        }
        return afterRemove;
      default:
        if (model.isEmpty()) {
          return map;
        }
        long key = new ArrayList<>(model.keySet()).get(op.nth() % model.size());
        model.remove(key);
        return map.remove(key);
    }
  }

  private static void assertSameContents(PersistentLongMap<String> map, TreeMap<Long, String> model) {
    assertThat(map.size()).isEqualTo(model.size());
    assertThat(map.isEmpty()).isEqualTo(model.isEmpty());
    assertThat(entries(map)).containsExactlyElementsOf(model.entrySet());
    List<String> values = new ArrayList<>();
    map.values().forEachRemaining(values::add);
    assertThat(values).containsExactlyElementsOf(model.values());
    assertThat(map.firstKey()).isEqualTo(model.isEmpty() ? -1 : model.firstKey());
    assertThat(map.lastKey()).isEqualTo(model.isEmpty() ? -1 : model.lastKey());
    for (Map.Entry<Long, String> e : model.entrySet()) {
      assertThat(map.get(e.getKey())).isEqualTo(e.getValue());
      assertThat(map.containsKey(e.getKey())).isTrue();
      long neighbour = e.getKey() + 1;
      if (neighbour > 0) {
        assertThat(map.get(neighbour)).isEqualTo(model.get(neighbour));
      }
    }
  }

  private static <V> List<Map.Entry<Long, V>> entries(PersistentLongMap<V> map) {
    List<Map.Entry<Long, V>> out = new ArrayList<>();
    map.forEach((k, v) -> out.add(Map.entry(k, v)));
    return out;
  }

  private static List<Long> keysOf(PersistentLongMap<?> map) {
    List<Long> out = new ArrayList<>();
    map.forEach((k, v) -> out.add(k));
    return out;
  }
}
