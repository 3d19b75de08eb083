package dev.talon.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlabTest {

  @Test
  void put_idsAcrossManyPages_everyRecordReadBackAndNothingElse() {
    Slab<String> slab = new Slab<>();
    int n = 5 * Slab.PAGE + 7;
    for (long id = 1; id <= n; id++) {
      slab.put(id, "r" + id);
    }
    assertThat(slab.size()).isEqualTo(n);
    for (long id = 1; id <= n; id++) {
      assertThat(slab.get(id)).isEqualTo("r" + id);
    }
    assertThat(slab.get(0)).isNull();
    assertThat(slab.get(n + 1)).isNull();
    assertThat(slab.get(100L * Slab.PAGE)).isNull();
  }

  @Test
  void put_sameIdTwice_replacesWithoutCountingTwice() {
    Slab<String> slab = new Slab<>();
    slab.put(3, "a");
    slab.put(3, "b");
    assertThat(slab.get(3)).isEqualTo("b");
    assertThat(slab.size()).isEqualTo(1);
  }

  @Test
  void forEach_recordsOnSeveralPages_visitsThemInIdOrder() {
    Slab<Long> slab = new Slab<>();
    long[] ids = {2, Slab.PAGE + 1, 3L * Slab.PAGE, 1};
    for (long id : ids) {
      slab.put(id, id);
    }
    List<Long> seen = new ArrayList<>();
    slab.forEach(seen::add);
    assertThat(seen).containsExactly(1L, 2L, (long) Slab.PAGE + 1, 3L * Slab.PAGE);
  }

  @Test
  void compact_deadPagesAtTheFront_dropsThemAndKeepsTheLiveRecords() {
    Slab<Long> slab = new Slab<>();
    int n = 4 * Slab.PAGE;
    for (long id = 1; id <= n; id++) {
      slab.put(id, id);
    }
    for (long id = 1; id <= 2L * Slab.PAGE + 5; id++) {
      slab.remove(id);
    }
    slab.compact();
    assertThat(slab.size()).isEqualTo(n - 2 * Slab.PAGE - 5);
    assertThat(slab.get(2L * Slab.PAGE + 5)).isNull();
    for (long id = 2L * Slab.PAGE + 6; id <= n; id++) {
      assertThat(slab.get(id)).isEqualTo(id);
    }
    slab.put(n + 1, (long) n + 1); // still grows after the base moved
    assertThat(slab.get(n + 1)).isEqualTo(n + 1);
    slab.put(5, 5L); // and takes an id below the base again
    assertThat(slab.get(5)).isEqualTo(5L);
    assertThat(slab.get(n)).isEqualTo((long) n);
  }

  @Test
  void startAt_thenAnOlderId_movesTheBaseBackAndKeepsBoth() {
    Slab<Long> slab = new Slab<>();
    slab.startAt(10_000);
    slab.put(10_000, 1L);
    slab.put(9_000, 2L);
    assertThat(slab.get(10_000)).isEqualTo(1L);
    assertThat(slab.get(9_000)).isEqualTo(2L);
    assertThat(slab.size()).isEqualTo(2);
  }

  @Test
  void startAt_notEmpty_isRefused() {
    Slab<Long> slab = new Slab<>();
    slab.put(1, 1L);
    assertThatThrownBy(() -> slab.startAt(5)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("size 1");
  }

  @Test
  void get_whileTheWriterGrowsTheSlab_seesEveryCompletedPut() throws Exception {
    Slab<Long> slab = new Slab<>();
    int n = 50 * Slab.PAGE;
    java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
    Thread writer = new Thread(() -> {
      for (long id = 1; id <= n; id++) {
        slab.put(id, id);
        written.set(id);
      }
    });
    writer.start();
    long misses = 0;
    while (written.get() < n) {
      long w = written.get();
      if (w > 0 && !Long.valueOf(w).equals(slab.get(w))) {
        misses++;
      }
    }
    writer.join();
    assertThat(misses).isZero();
  }

  @Test
  void put_idBelowOneOrFarBelowTheBase_isRefusedAndChangesNothing() {
    Slab<Long> slab = new Slab<>();
    slab.startAt(Slab.MAX_BELOW + 10);
    slab.put(Slab.MAX_BELOW + 10, 1L);
    assertThatThrownBy(() -> slab.put(0, 2L)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("start at 1, was 0");
    assertThatThrownBy(() -> slab.put(5, 2L)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most " + Slab.MAX_BELOW);
    assertThat(slab.size()).isEqualTo(1);
    assertThat(slab.get(Slab.MAX_BELOW + 10)).isEqualTo(1L);
    slab.put(10, 3L); // within the bound
    assertThat(slab.get(10)).isEqualTo(3L);
  }
}
