package dev.talon.queue;

import java.time.Duration;

/**
 * How long a waiting ticket is expected to wait from now until it is called. The range from
 * optimistic to pessimistic is meant to hold 2Φ(spread) − 1 of actual waits: 90% with the
 * default {@link Estimation#spread() spread}.
 *
 * @param ticket      the ticket's snapshot
 * @param ahead       tickets waiting now that the open desks that serve its service would call
 *                    before it under the current policy; booked visitors expected to check in and
 *                    be called first are in the wait, not in this count
 * @param openDesks   open desks that serve its service
 * @param optimistic  the short end of the range
 * @param expected    the expected wait
 * @param pessimistic the long end of the range
 */
public record WaitEstimate(Ticket ticket, int ahead, int openDesks, Duration optimistic, Duration expected,
    Duration pessimistic) {}
