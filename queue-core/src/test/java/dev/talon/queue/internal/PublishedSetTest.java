package dev.talon.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class PublishedSetTest {
  @Test
  void read_whileTheWriterAddsAndRemoves_isAlwaysAStateBetweenChanges() throws Exception {
    PublishedSet<Long> set = new PublishedSet<>();
    AtomicBoolean done = new AtomicBoolean();
    Thread writer = new Thread(() -> {
      for (long id = 1; id <= 2_000_000; id++) {
        set.put(id, id);
        if (id > 256) {
          set.remove(id - 256); // the set is always a run of consecutive ids
        }
      }
      done.set(true);
    });
    writer.start();
    long reads = 0;
    while (!done.get()) {
      List<Long> seen = set.read();
      for (int i = 1; i < seen.size(); i++) {
        assertThat(seen.get(i)).as("read %s is a run of consecutive ids", seen).isEqualTo(seen.get(i - 1) + 1);
      }
      assertThat(seen.size()).as("read %s", seen).isLessThanOrEqualTo(257);
      reads++;
    }
    writer.join();
    assertThat(set.read()).hasSize(256);
    assertThat(reads).isPositive();
  }
}
