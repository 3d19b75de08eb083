package dev.talon.queue.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Offer + poll on the JDK baselines, shaped exactly like {@link EngineQueueBenchmark}: four
 * priorities, 1,000 entries waiting, each operation offers into the next priority (round robin
 * per thread) and polls one; rebuilt at every iteration like the engine's branch.
 */
@State(Scope.Benchmark)
public class BaselineQueueBenchmark {

  /** The baseline by name (see {@link BaselineQueues#named}). */
  @Param({BaselineQueues.PBQ, BaselineQueues.CSLM, BaselineQueues.SYNC_PQ, BaselineQueues.CLQ, BaselineQueues.PBQ_TICKETS})
  public String queue;

  BaselineQueues.Queue q;

  @Setup(Level.Iteration)
  public void fill() {
    q = BaselineQueues.named(queue);
    for (int i = 0; i < EngineFixture.WAITING; i++) {
      q.offer(i & 3);
    }
  }

  /** One benchmark thread's round robin over the four priorities. */
  @State(Scope.Thread)
  public static class Producer {
    int next;

    void offer(BaselineQueues.Queue q) {
      q.offer(next++ & 3);
    }
  }

  /** Offers the entry that the next timed poll will take, outside the timed region. */
  @State(Scope.Thread)
  public static class Refill {
    @Setup(Level.Invocation)
    public void offer(BaselineQueueBenchmark bench, Producer producer) {
      producer.offer(bench.q);
    }
  }

  /** Offer one entry, then poll the next. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public BaselineQueues.Waiting offerAndPoll(Producer producer) {
    producer.offer(q);
    return polled(q.poll());
  }

  /** Poll the next entry (offered outside the timing). */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public BaselineQueues.Waiting poll(Refill refill) {
    return polled(q.poll());
  }

  private static BaselineQueues.Waiting polled(BaselineQueues.Waiting w) {
    if (w == null) {
      throw new IllegalStateException("poll found nothing, but the benchmark keeps "
          + EngineFixture.WAITING + " entries waiting");
    }
    return w;
  }
}
