/**
 * The Talon policy library: how booked, privileged and walk-in visitors share the desks.
 *
 * <p>Entry point: {@link dev.talon.queue.policies.Policies}, with a static factory for every
 * policy and the JSON form of a policy tree ({@link dev.talon.queue.policies.PolicyConfig}).
 * Third-party types plug in through {@link dev.talon.queue.policies.PolicyProvider}.
 *
 * <h2>What the declared bypass bound counts</h2>
 *
 * Every policy declares a {@link dev.talon.queue.spi.Bypass}, and the contract suite checks it
 * exactly as follows. Take a ticket T waiting in line class c of service s, and a desk D that
 * serves s. A <em>turn</em> of T at D runs from T's joining, or from D's last call of a class-c
 * ticket if that came later, to D's next call of a class-c ticket. The bypass of the turn is the
 * number of tickets that joined after T which D calls during the turn (the call ending it
 * included). A policy declaring {@code Bypass.atMost(b)} guarantees that no turn of any ticket at
 * any desk exceeds b, whatever arrives and whatever the other desks do.
 *
 * <p>For FIFO (bound 0) this is the plain rule "nobody who came later is called first". For a
 * ratio it is the design's "a walk-in waits behind at most 3 booked calls per walk-in call" for
 * 3 booked : 1 walk-in: a desk may call earlier walk-ins in between, and each of its walk-in
 * calls starts a new turn. {@code Bypass.unbounded()} is an honest "no such number": strict
 * priority, desk preferences, deadlines and booked-time interleave can let an unlimited number
 * of later tickets go first, and the contract suite shows a case beyond any given bound.
 *
 * <h2>State in snapshots</h2>
 *
 * The stateful policies (ratio, deficit, schedule, and every policy around them) write their
 * state into the engine's branch snapshots through {@link dev.talon.queue.spi.Policy#stateCodec()};
 * a policy around another writes the inner policy's state with the inner codec. A third-party
 * policy that keeps state must declare a codec too ({@link dev.talon.queue.policies.PolicyProvider}),
 * and the contract suite checks that every state round-trips exactly.
 */
package dev.talon.queue.policies;
