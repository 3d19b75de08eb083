package dev.talon.queue;

/**
 * Where a waiting ticket stands.
 *
 * @param ticket the ticket's current snapshot
 * @param ahead  waiting tickets ahead of it in its line (0 = next in its line); -1 when it is not waiting
 */
public record Position(Ticket ticket, int ahead) {}
