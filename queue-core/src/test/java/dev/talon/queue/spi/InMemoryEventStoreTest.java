package dev.talon.queue.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talon.queue.QueueEvent;
import dev.talon.queue.contract.EventStoreContract;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The in-memory store against the store contract, plus what only it must do: a batch that
 * overtook an earlier one is still taken while its seqs are free (the engine appends in order, but
 * the store does not rely on it), and a refused batch takes back what it had claimed.
 */
class InMemoryEventStoreTest extends EventStoreContract {

  @Override
  protected EventStore newStore() {
    return EventStore.inMemory();
  }

  @Test
  void isDurable_inMemory_isFalse() {
    assertThat(store.isDurable()).isFalse();
  }

  @Test
  void append_overtakingAnEarlierBatch_isAcceptedAndLoadsInSeqOrder() {
    String branch = newBranchId();
    store.append(branch, 0, List.of(marked(3, 30), marked(4, 40)));
    store.append(branch, 0, List.of(marked(1, 10), marked(2, 20)));

    assertThat(store.load(branch, 0)).extracting(QueueEvent::seq).containsExactly(1L, 2L, 3L, 4L);
  }

  @Test
  void append_batchWhoseLastSeqIsTaken_removesTheEventsItHadAlreadyClaimed() {
    String branch = newBranchId();
    store.append(branch, 0, List.of(marked(3, 30)));

    assertThatThrownBy(() -> store.append(branch, 0, List.of(marked(1, 99), marked(2, 99), marked(3, 99))))
        .isInstanceOf(EventStore.SequenceConflictException.class)
        .hasMessageContaining("already has event 3");

    assertThat(store.load(branch, 0)).containsExactly(marked(3, 30));
    store.append(branch, 0, List.of(marked(1, 10), marked(2, 20)));
    assertThat(store.load(branch, 0)).containsExactly(marked(1, 10), marked(2, 20), marked(3, 30));
  }

  @Test
  void append_batchWithAGapInItsSeqs_isRefusedAndWritesNothing() {
    String branch = newBranchId();

    assertThatThrownBy(() -> store.append(branch, 0, List.of(marked(1, 10), marked(3, 30))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("consecutive sequence numbers")
        .hasMessageContaining("found 3 where 2 was expected");
    assertThat(store.load(branch, 0)).isEmpty();
  }

  @Test
  void append_emptyBatch_changesNothing() {
    String branch = newBranchId();
    store.append(branch, 7, List.of());

    assertThat(store.load(branch, 0)).isEmpty();
    store.append(branch, 1, List.of(marked(1, 10))); // an empty batch did not raise the fence to 7
    assertThat(store.load(branch, 0)).containsExactly(marked(1, 10));
  }
}
