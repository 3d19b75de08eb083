package dev.talon.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class LongDequeTest {

  // ---------------------------------------------------------------- examples

  @Test
  void empty_always_hasNoElements() {
    LongDeque deque = LongDeque.empty();

    assertThat(deque.isEmpty()).isTrue();
    assertThat(deque.size()).isZero();
    assertThat(deque.toArray()).isEmpty();
    assertThat(elements(deque)).isEmpty();
    assertThat(LongDeque.empty()).isSameAs(deque);
  }

  @Test
  void peekFirst_empty_throwsNoSuchElement() {
    assertThatThrownBy(() -> LongDeque.empty().peekFirst())
        .isInstanceOf(NoSuchElementException.class)
        .hasMessage("deque is empty");
  }

  @Test
  void removeFirst_empty_throwsNoSuchElement() {
    assertThatThrownBy(() -> LongDeque.empty().removeFirst())
        .isInstanceOf(NoSuchElementException.class)
        .hasMessage("deque is empty");
  }

  @Test
  void addLast_severalValues_keepsFifoOrder() {
    LongDeque deque = LongDeque.empty().addLast(1).addLast(2).addLast(3);

    assertThat(deque.size()).isEqualTo(3);
    assertThat(deque.peekFirst()).isEqualTo(1);
    assertThat(deque.toArray()).containsExactly(1, 2, 3);
    assertThat(deque.removeFirst().toArray()).containsExactly(2, 3);
    assertThat(deque.removeFirst().removeFirst().removeFirst().isEmpty()).isTrue();
  }

  @Test
  void addFirst_severalValues_putsThemAtTheFront() {
    LongDeque deque = LongDeque.empty().addLast(10).addFirst(9).addFirst(8).addLast(11);

    assertThat(deque.peekFirst()).isEqualTo(8);
    assertThat(deque.toArray()).containsExactly(8, 9, 10, 11);
    assertThat(elements(deque)).containsExactly(8L, 9L, 10L, 11L);
  }

  @Test
  void removeFirst_acrossRotation_keepsOrder() {
    LongDeque deque = LongDeque.empty();
    for (long v = 1; v <= 1_000; v++) {
      deque = deque.addLast(v);
    }
    for (long expected = 1; expected <= 500; expected++) {
      assertThat(deque.peekFirst()).isEqualTo(expected);
      deque = deque.removeFirst();
    }
    deque = deque.addLast(1_001).addFirst(500);

    assertThat(deque.size()).isEqualTo(502);
    assertThat(deque.peekFirst()).isEqualTo(500);
    assertThat(deque.toArray()[501]).isEqualTo(1_001);
  }

  @Test
  void removeFirstOccurrence_middleValue_removesOnlyFirstOne() {
    LongDeque deque = LongDeque.empty().addLast(1).addLast(2).addLast(3).addLast(2).addFirst(0);

    LongDeque removed = deque.removeFirstOccurrence(2);

    assertThat(removed.toArray()).containsExactly(0, 1, 3, 2);
    assertThat(removed.size()).isEqualTo(4);
    assertThat(deque.toArray()).containsExactly(0, 1, 2, 3, 2);
  }

  @Test
  void removeFirstOccurrence_absentValue_returnsSameDeque() {
    LongDeque deque = LongDeque.empty().addLast(1).addLast(2);

    assertThat(deque.removeFirstOccurrence(7)).isSameAs(deque);
    assertThat(LongDeque.empty().removeFirstOccurrence(7)).isSameAs(LongDeque.empty());
  }

  @Test
  void removeFirstOccurrence_onlyValue_returnsEmpty() {
    LongDeque deque = LongDeque.empty().addLast(42).removeFirstOccurrence(42);

    assertThat(deque.isEmpty()).isTrue();
    assertThatThrownBy(deque::peekFirst).isInstanceOf(NoSuchElementException.class);
  }

  @Test
  void removeFirst_oldVersionRemovedTwice_givesEqualResults() {
    LongDeque deque = LongDeque.empty().addLast(1).addLast(2).addLast(3).removeFirst();

    LongDeque a = deque.removeFirst();
    LongDeque b = deque.removeFirst();

    assertThat(a.toArray()).containsExactly(3);
    assertThat(b.toArray()).containsExactly(3);
    assertThat(deque.toArray()).containsExactly(2, 3);
  }

  @Test
  void addLast_branchingFromOneVersion_keepsBranchesApart() {
    LongDeque base = LongDeque.empty().addLast(1).addLast(2);

    LongDeque left = base.addLast(3);
    LongDeque right = base.addLast(4).addFirst(0);

    assertThat(base.toArray()).containsExactly(1, 2);
    assertThat(left.toArray()).containsExactly(1, 2, 3);
    assertThat(right.toArray()).containsExactly(0, 1, 2, 4);
  }

  // ---------------------------------------------------------------- properties

  /** One operation of the model test: ADD_LAST, ADD_FIRST, REMOVE_FIRST or REMOVE_OCCURRENCE. */
  private record Op(int kind, long value) {
    static final int ADD_LAST = 0;
    static final int ADD_FIRST = 1;
    static final int REMOVE_FIRST = 2;
    static final int REMOVE_OCCURRENCE = 3;

    @Override
    public String toString() {
      return switch (kind) {
        case ADD_LAST -> "addLast(" + value + ")";
        case ADD_FIRST -> "addFirst(" + value + ")";
        case REMOVE_FIRST -> "removeFirst()";
        default -> "removeFirstOccurrence(" + value + ")";
      };
    }
  }

  private static Gen<List<Op>> ops() {
    Gen<Op> op =
        integers()
            .between(0, 9)
            .zip(
                longs().between(-20, 20),
                (k, v) ->
                    new Op(
                        k < 4 ? Op.ADD_LAST
                            : k < 5 ? Op.ADD_FIRST
                            : k < 8 ? Op.REMOVE_FIRST
                            : Op.REMOVE_OCCURRENCE,
                        v));
    return lists().of(op).ofSizeBetween(0, 150);
  }

  @Test
  void anyOps_behaveLikeArrayDeque() {
    qt().withExamples(400)
        .forAll(ops())
        .checkAssert(
            ops -> {
              LongDeque deque = LongDeque.empty();
              ArrayDeque<Long> model = new ArrayDeque<>();
              for (Op op : ops) {
                deque = apply(op, deque, model);
                assertSameContents(deque, model);
              }
            });
  }

  @Test
  void anyOps_leaveOldVersionsUnchanged() {
    qt().withExamples(200)
        .forAll(ops())
        .checkAssert(
            ops -> {
              List<LongDeque> versions = new ArrayList<>();
              List<ArrayDeque<Long>> snapshots = new ArrayList<>();
              LongDeque deque = LongDeque.empty();
              ArrayDeque<Long> model = new ArrayDeque<>();
              versions.add(deque);
              snapshots.add(model.clone());
              for (Op op : ops) {
                deque = apply(op, deque, model);
                versions.add(deque);
                snapshots.add(model.clone());
              }
              for (int i = 0; i < versions.size(); i++) {
                assertSameContents(versions.get(i), snapshots.get(i));
              }
              // Updating every old version again (branching) must not disturb the others.
              for (int i = 0; i < versions.size(); i++) {
                LongDeque v = versions.get(i);
                if (!v.isEmpty()) {
                  ArrayDeque<Long> expected = snapshots.get(i).clone();
                  expected.removeFirst();
                  expected.addLast(99L);
                  assertSameContents(v.removeFirst().addLast(99), expected);
                }
                assertSameContents(v, snapshots.get(i));
              }
            });
  }

  private static LongDeque apply(Op op, LongDeque deque, ArrayDeque<Long> model) {
    switch (op.kind()) {
      case Op.ADD_LAST:
        model.addLast(op.value());
        return deque.addLast(op.value());
      case Op.ADD_FIRST:
        model.addFirst(op.value());
        return deque.addFirst(op.value());
      case Op.REMOVE_FIRST:
        if (model.isEmpty()) {
          assertThatThrownBy(deque::removeFirst).isInstanceOf(NoSuchElementException.class);
          assertThatThrownBy(deque::peekFirst).isInstanceOf(NoSuchElementException.class);
          return deque;
        }
        assertThat(deque.peekFirst()).isEqualTo(model.peekFirst());
        model.removeFirst();
        return deque.removeFirst();
      default:
        boolean present = model.removeFirstOccurrence(op.value());
        LongDeque after = deque.removeFirstOccurrence(op.value());
        if (!present) {
          assertThat(after).isSameAs(deque);
        }
        return after;
    }
  }

  private static void assertSameContents(LongDeque deque, ArrayDeque<Long> model) {
    assertThat(deque.size()).isEqualTo(model.size());
    assertThat(deque.isEmpty()).isEqualTo(model.isEmpty());
    assertThat(elements(deque)).containsExactlyElementsOf(model);
    long[] array = deque.toArray();
    assertThat(array).hasSize(model.size());
    int i = 0;
    for (long v : model) {
      assertThat(array[i++]).isEqualTo(v);
    }
    if (!model.isEmpty()) {
      assertThat(deque.peekFirst()).isEqualTo(model.peekFirst());
    }
  }

  private static List<Long> elements(LongDeque deque) {
    List<Long> out = new ArrayList<>();
    deque.forEach(out::add);
    return out;
  }
}
