package dev.talon.queue.spi;

import dev.talon.queue.Ticket;

/**
 * One non-empty line as a policy sees it when a desk calls.
 *
 * @param service   the service code
 * @param lineClass the line class (what {@link Policy#classify} returned)
 * @param waiting   how many tickets wait in it (at least 1)
 * @param head      the ticket that would be called from it
 */
public record LineView(String service, String lineClass, int waiting, Ticket head) {}
