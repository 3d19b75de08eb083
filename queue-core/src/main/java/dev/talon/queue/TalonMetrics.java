package dev.talon.queue;

import dev.talon.queue.BoardView;
import dev.talon.queue.Branch;
import dev.talon.queue.InvalidRequestException;
import dev.talon.queue.QueueEvent;
import dev.talon.queue.QueueEvent.ServiceFinished;
import dev.talon.queue.QueueEvent.TicketCalled;
import dev.talon.queue.QueueEvent.TicketCancelled;
import dev.talon.queue.QueueEvent.TicketIssued;
import dev.talon.queue.QueueEvent.TicketNoShow;
import dev.talon.queue.QueueEvent.TicketTransferred;
import dev.talon.queue.Ticket;
import dev.talon.queue.internal.BranchEngine;
import dev.talon.queue.internal.EngineStats;
import dev.talon.queue.spi.QueueListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Binds a branch to a Micrometer {@link MeterRegistry} in one call:
 * {@code TalonMetrics.bind(branch, registry)}. Micrometer is an optional dependency of
 * queue-core: add {@code io.micrometer:micrometer-core} to use this class.
 *
 * <p>Every meter is tagged {@code branch}; those about tickets also {@code service} and
 * {@code class} (the line class):
 * <table>
 * <caption>Meters</caption>
 * <tr><th>name</th><th>type</th><th>what</th></tr>
 * <tr><td>{@code talon.tickets.waiting}</td><td>gauge</td><td>tickets waiting now</td></tr>
 * <tr><td>{@code talon.tickets}</td><td>counter, tag {@code outcome}</td><td>issued, called,
 *     served, no-show, cancelled, transferred</td></tr>
 * <tr><td>{@code talon.refused}</td><td>counter, tags {@code service}, {@code operation},
 *     {@code reason}</td><td>requests refused before anything happened: {@code operation} is
 *     {@code issue}, {@code book} or {@code check-in}; {@code reason} the refusing admission check's
 *     name, {@code admission-mode}, {@code check-in-too-early} or {@code check-in-too-late} (no
 *     {@code class} tag: a refused request was never classified)</td></tr>
 * <tr><td>{@code talon.wait}</td><td>timer with histogram</td><td>issue to call, at each call</td></tr>
 * <tr><td>{@code talon.service}</td><td>timer with histogram</td><td>service start to finish</td></tr>
 * <tr><td>{@code talon.store.commits}</td><td>function timer</td><td>appends to a durable store and their time</td></tr>
 * <tr><td>{@code talon.store.commit.events}</td><td>function counter</td><td>events committed</td></tr>
 * <tr><td>{@code talon.store.commit.largest}</td><td>gauge</td><td>the largest batch committed in one append</td></tr>
 * <tr><td>{@code talon.store.commit.failures}</td><td>function counter</td><td>failed appends</td></tr>
 * <tr><td>{@code talon.snapshots}</td><td>function counter</td><td>snapshots saved</td></tr>
 * <tr><td>{@code talon.snapshot.age}</td><td>gauge (seconds)</td><td>since the newest snapshot was
 *     saved (branch clock); -1 before the first</td></tr>
 * </table>
 *
 * <p>Cost. Store and snapshot meters read counters the engine keeps anyway, at scrape time. The
 * waiting gauges read the branch's board at scrape time, once per scrape after a change. The ticket counters
 * and timers are kept by a listener the binder attaches to the branch: per event one map look-up
 * and one increment (and for a call or a finish one look-up of the ticket's published record),
 * off any lock. Refusals are not events: the engine reports each where it decides it (an admission
 * check, the admission mode, the check-in window) to the binder, which counts it the same way;
 * refusals before binding are not counted. Bind a branch once.
 */
public final class TalonMetrics implements QueueListener {
  private final BranchEngine branch;
  private final MeterRegistry registry;
  private final Tags base;
  private final Map<Key, Counter> counters = new ConcurrentHashMap<>();
  private final Map<Key, Timer> timers = new ConcurrentHashMap<>();
  private final Map<Key, Boolean> gauges = new ConcurrentHashMap<>();
  private final Map<Refusal, Counter> refusals = new ConcurrentHashMap<>();
  /** The board as last read; null after a change. */
  private volatile BoardView board;

  private record Key(String kind, String service, String lineClass) {}

  private record Refusal(String operation, String service, String reason) {}

  private TalonMetrics(BranchEngine branch, MeterRegistry registry) {
    this.branch = branch;
    this.registry = registry;
    this.base = Tags.of("branch", branch.id());
  }

  /**
   * Registers the branch's meters with {@code registry} and starts counting its events.
   *
   * @throws InvalidRequestException for a branch not built by {@code Talon} or a null registry
   */
  public static TalonMetrics bind(Branch branch, MeterRegistry registry) {
    if (!(branch instanceof BranchEngine engine)) {
      throw new InvalidRequestException("only a branch built by Talon can be bound to metrics, was "
          + (branch == null ? "null" : branch.getClass().getName()));
    }
    if (registry == null) {
      throw new InvalidRequestException("a meter registry is required, was null");
    }
    TalonMetrics m = new TalonMetrics(engine, registry);
    m.registerStoreMeters(engine.stats());
    m.board().waiting().forEach((service, lines) -> lines.keySet().forEach(c -> m.waitingGauge(service, c)));
    engine.attach(m);
    engine.stats().onRefusal(m::refused);
    return m;
  }

  private void registerStoreMeters(EngineStats s) {
    FunctionTimer.builder("talon.store.commits", s, EngineStats::commits, EngineStats::commitNanos, TimeUnit.NANOSECONDS)
        .tags(base).description("appends of event batches to a durable store").register(registry);
    FunctionCounter.builder("talon.store.commit.events", s, EngineStats::committedEvents).tags(base)
        .description("events committed to a durable store").register(registry);
    Gauge.builder("talon.store.commit.largest", s, EngineStats::largestBatch).tags(base)
        .description("the most events committed in one append").register(registry);
    FunctionCounter.builder("talon.store.commit.failures", s, EngineStats::commitFailures).tags(base)
        .description("appends that failed").register(registry);
    FunctionCounter.builder("talon.snapshots", s, EngineStats::snapshots).tags(base)
        .description("snapshots saved").register(registry);
    Gauge.builder("talon.snapshot.age", s, TalonMetrics::snapshotAgeSeconds).tags(base).baseUnit("seconds")
        .description("seconds since the newest snapshot was saved, by the branch clock; -1 before the first")
        .register(registry);
  }

  private static double snapshotAgeSeconds(EngineStats s) {
    long at = s.lastSnapshotAtMillis();
    return at == 0 ? -1 : (s.now().toEpochMilli() - at) / 1000.0;
  }

  /**
   * The board, read once per scrape after a change (one pass over the day's tickets): the
   * listener forgets it when events arrive, and the gauges of one scrape share it.
   */
  private BoardView board() {
    BoardView b = board;
    if (b == null) {
      b = branch.board();
      board = b;
    }
    return b;
  }

  private void waitingGauge(String service, String lineClass) {
    if (gauges.putIfAbsent(new Key("waiting", service, lineClass), Boolean.TRUE) == null) {
      Gauge.builder("talon.tickets.waiting", this, m -> m.board().waiting().getOrDefault(service, Map.of())
              .getOrDefault(lineClass, 0))
          .tags(base.and("service", service, "class", lineClass)).description("tickets waiting").register(registry);
    }
  }

  private Counter counter(String outcome, String service, String lineClass) {
    return counters.computeIfAbsent(new Key(outcome, service, lineClass), k -> Counter.builder("talon.tickets")
        .tags(base.and("service", service, "class", lineClass, "outcome", outcome))
        .description("tickets by outcome").register(registry));
  }

  private Timer timer(String name, String service, String lineClass) {
    return timers.computeIfAbsent(new Key(name, service, lineClass), k -> Timer.builder(name)
        .tags(base.and("service", service, "class", lineClass)).publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofSeconds(1)).maximumExpectedValue(Duration.ofHours(4))
        .description(name.equals("talon.wait") ? "waiting time until the first call" : "service time")
        .register(registry));
  }

  /** Counts one refusal; called by the engine on the refusing thread. */
  private void refused(String operation, String service, String reason) {
    refusals.computeIfAbsent(new Refusal(operation, service, reason), k -> Counter.builder("talon.refused")
        .tags(base.and("service", service, "operation", operation, "reason", reason))
        .description("requests refused by an admission check, the admission mode or the check-in window")
        .register(registry)).increment();
  }

  /** Counts the batch; never throws (a failure is the registry's and must not reach the engine). */
  @Override
  public void onEvents(String branchId, List<QueueEvent> events) {
    board = null;
    for (int i = 0; i < events.size(); i++) {
      try {
        count(events.get(i));
      } catch (RuntimeException ignored) {
        // a meter registry that fails loses one count, never an operation
      }
    }
  }

  private void count(QueueEvent e) {
    if (e instanceof TicketIssued t) {
      waitingGauge(t.service(), t.line());
      counter("issued", t.service(), t.line()).increment();
    } else if (e instanceof TicketCalled c) {
      Ticket t = branch.ticket(c.ticketId()).orElse(null);
      if (t != null) {
        counter("called", t.service(), c.line()).increment();
        timer("talon.wait", t.service(), c.line()).record(Duration.between(t.issuedAt(), c.at()).abs());
      }
    } else if (e instanceof ServiceFinished f) {
      Ticket t = branch.ticket(f.ticketId()).orElse(null);
      if (t != null) {
        counter("served", t.service(), t.line()).increment();
        if (t.startedAt() != null) {
          timer("talon.service", t.service(), t.line()).record(Duration.between(t.startedAt(), f.at()).abs());
        }
      }
    } else if (e instanceof TicketNoShow n) {
      outcome("no-show", n.ticketId());
    } else if (e instanceof TicketCancelled c) {
      outcome("cancelled", c.ticketId());
    } else if (e instanceof TicketTransferred t) {
      outcome("transferred", t.ticketId());
    }
  }

  private void outcome(String outcome, long ticketId) {
    branch.ticket(ticketId).ifPresent(t -> counter(outcome, t.service(), t.line()).increment());
  }

  @Override
  public String toString() {
    return "TalonMetrics[" + branch.id() + "]";
  }
}
