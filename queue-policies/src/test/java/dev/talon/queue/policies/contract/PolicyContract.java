package dev.talon.queue.policies.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.talon.queue.Branch;
import dev.talon.queue.IssueRequest;
import dev.talon.queue.Ticket;
import dev.talon.queue.policies.contract.PolicyTestKit.Run;
import dev.talon.queue.policies.contract.PolicyTestKit.Scenario;
import dev.talon.queue.spi.Bypass;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.Policy;
import dev.talon.queue.spi.QueueClock;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The contract every policy keeps, ours or an integrator's: extend this class, return a fresh
 * policy from {@link #policy()}, and run it with JUnit 5.
 *
 * <pre>{@code
 * class MyPolicyContractTest extends PolicyContract {
 *   @Override
 *   protected Policy<?> policy() {
 *     return Policies.fromJson("{\"type\": \"my-type\"}");
 *   }
 * }
 * }</pre>
 *
 * <p>Each property runs {@link #examples()} random days (QuickTheories; 200 by default, or the
 * system property {@code talon.contract.examples}) through a real engine with a manual clock and
 * the in-memory store: arrivals of every kind, bookings and their check-ins (early, on time,
 * late), clock advances, 1 to 3 desks serving random sets of 1 to 3 services, calls, hand-backs,
 * cancellations, finishes; then every desk calls until nothing waits.
 *
 * <ul>
 *   <li>Conservation: every ticket ends in exactly one terminal state, and no ticket is called
 *       while it is already called.
 *   <li>FIFO within a line: every call takes the head of its line, from a service the desk serves.
 *   <li>Determinism: two engines given the same commands at the same clock times make the same
 *       calls; an engine reopened on the first one's store in mid-day continues with the same
 *       calls (the policy state replays).
 *   <li>State codec: before the first call and after every call, the engine's policy state written
 *       by the policy's {@link Policy#stateCodec()} reads back as an equal state, from exactly the
 *       bytes written, and the state read back writes the same bytes. A policy that keeps state
 *       (a non-null state) must therefore declare a codec.
 *   <li>The declared bypass bound, per turn as the package documentation of
 *       {@code dev.talon.queue.policies} defines it: never exceeded on random days nor in the
 *       burst family ({@link PolicyTestKit#bursts}); and a policy declaring
 *       {@link Bypass#unbounded()} must show, for every k generated, a case where one ticket is
 *       passed more than k times in one turn ({@link #starvation(int)}).
 * </ul>
 */
public abstract class PolicyContract {

  /** A fresh instance of the policy under test; called once per engine. */
  protected abstract Policy<?> policy();

  /** Random days per property. */
  protected int examples() {
    return Integer.getInteger("talon.contract.examples", 200);
  }

  /** The longest generated day, in commands. */
  protected int maxCommands() {
    return 80;
  }

  /**
   * A day on which some ticket is passed more than {@code k} times in one turn, for a policy that
   * declares an unbounded bypass. The default searches the burst family; override it when the
   * policy starves tickets some other way.
   */
  protected Optional<Scenario> starvation(int k) {
    for (Scenario s : PolicyTestKit.bursts(k)) {
      Run run = new Run(s, policy());
      run.playAll();
      if (run.worstBypass() > k) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  @Test
  void conservation_randomDays_everyTicketEndsOnceAndNoneIsCalledTwice() {
    qt().withExamples(examples()).forAll(PolicyTestKit.scenarios(maxCommands())).checkAssert(s -> {
      Run run = PolicyTestKit.play(s, this::policy);
      assertThat(run.conservationViolations()).as("%s", s).isEmpty();
    });
  }

  @Test
  void fifoWithinLine_randomDays_everyCallTakesTheHeadOfItsLine() {
    qt().withExamples(examples()).forAll(PolicyTestKit.scenarios(maxCommands())).checkAssert(s -> {
      Run run = PolicyTestKit.play(s, this::policy);
      assertThat(run.fifoViolations).as("%s", s).isEmpty();
    });
  }

  @Test
  void determinism_sameCommandsAndReplay_sameCalls() {
    qt().withExamples(examples()).forAll(PolicyTestKit.scenarios(maxCommands())).checkAssert(s -> {
      Run first = new Run(s, policy());
      first.playAll();
      Run second = new Run(s, policy());
      second.playAll();
      assertThat(second.calls).as("the same commands on a second engine, %s", s).isEqualTo(first.calls);

      // reopen on (a copy of) the first engine's store in mid-day: the policy state must replay exactly
      ManualClock clock = QueueClock.manual(first.clock.now());
      EventStore copy = EventStore.inMemory();
      copy.append(first.branch.id(), 0, first.store.load(first.branch.id(), 0));
      Branch replayed = PolicyTestKit.branch(s, policy(), clock, copy);
      assertThat(replayed.lastSeq()).isEqualTo(first.branch.lastSeq());
      List<String> original = continueDay(first.branch, first.clock, s);
      List<String> again = continueDay(replayed, clock, s);
      assertThat(again).as("calls after a replay, %s", s).isEqualTo(original);
    });
  }

  /** More arrivals of each kind, then calls at every desk in turn until nothing waits. */
  private static List<String> continueDay(Branch branch, ManualClock clock, Scenario s) {
    clock.advance(Duration.ofMinutes(7));
    for (int i = 0; i < s.services(); i++) {
      String service = PolicyTestKit.SERVICES.get(i);
      branch.issue(IssueRequest.walkIn(service));
      branch.issue(IssueRequest.walkIn(service).withCategories("disabled"));
      branch.issue(IssueRequest.remote(service));
    }
    List<String> calls = new ArrayList<>();
    boolean any = true;
    while (any) {
      any = false;
      for (int d = 0; d < s.desks().size(); d++) {
        Optional<Ticket> t = branch.callNext(PolicyTestKit.deskId(d));
        if (t.isPresent()) {
          calls.add(PolicyTestKit.deskId(d) + ":" + t.get().display());
          any = true;
        }
      }
    }
    return calls;
  }

  @Test
  void stateCodec_afterEveryCall_roundTripsExactly() {
    qt().withExamples(examples()).forAll(PolicyTestKit.scenarios(maxCommands())).checkAssert(s -> {
      Policy<?> policy = policy();
      Run run = new Run(s, policy);
      assertStateRoundTrips(policy, run, s);
      run.afterEachCall(() -> assertStateRoundTrips(policy, run, s));
      run.playAll();
      run.drain();
    });
  }

  /** The engine's policy state now, written and read back, is the same state and the same bytes. */
  private static void assertStateRoundTrips(Policy<?> policy, Run run, Scenario s) {
    Object state = PolicyTestKit.policyState(run.branch);
    String when = run.calls.isEmpty() ? "before the first call"
        : "after call " + run.calls.size() + " " + run.calls.get(run.calls.size() - 1);
    byte[] bytes = PolicyTestKit.encode(policy, state);
    Object read;
    try {
      read = PolicyTestKit.decode(policy, bytes);
    } catch (IOException e) {
      throw new AssertionError("the codec could not read back the state " + state + " it wrote " + when + ", " + s, e);
    }
    assertThat(read).as("the state read back %s, %s", when, s).isEqualTo(state);
    assertThat(PolicyTestKit.encode(policy, read)).as("the bytes of the state read back %s, %s", when, s)
        .isEqualTo(bytes);
  }

  @Test
  void bypass_randomDays_withinDeclaredBound() {
    Bypass declared = policy().bypass();
    assumeTrue(declared.isBounded(), "the policy declares an unbounded bypass");
    qt().withExamples(examples()).forAll(PolicyTestKit.scenarios(maxCommands())).checkAssert(s -> {
      Run run = PolicyTestKit.play(s, this::policy);
      assertThat(run.worstBypass()).as("declared %s; worst turn: %s; %s", declared, run.worstCase(), s)
          .isLessThanOrEqualTo(declared.bound());
    });
  }

  @Test
  void bypass_bursts_withinDeclaredBound() {
    Bypass declared = policy().bypass();
    assumeTrue(declared.isBounded(), "the policy declares an unbounded bypass");
    for (Scenario s : PolicyTestKit.bursts(declared.bound() + 3)) {
      Run run = new Run(s, policy());
      run.playAll();
      assertThat(run.worstBypass()).as("declared %s; worst turn: %s; %s", declared, run.worstCase(), s)
          .isLessThanOrEqualTo(declared.bound());
    }
  }

  @Test
  void bypass_declaredUnbounded_someDayExceedsAnyGivenBound() {
    Bypass declared = policy().bypass();
    assumeFalse(declared.isBounded(), "the policy declares a finite bound");
    qt().withExamples(Math.max(20, examples() / 10)).forAll(integers().between(1, 60)).checkAssert(k -> {
      Optional<Scenario> found = starvation(k);
      assertThat(found).as("a day on which a ticket is passed more than %s times in one turn", k).isPresent();
      Run run = new Run(found.get(), policy());
      run.playAll();
      assertThat(run.worstBypass()).as("%s", run.worstCase()).isGreaterThan(k);
    });
  }
}
