package dev.talon.queue;


/**
 * What a visitor polling "where am I?" needs to know, as {@link TicketStatusCache} last heard it.
 *
 * @param branchId the branch
 * @param ticketId the ticket id
 * @param display  the board number, e.g. {@code A-017}
 * @param service  the service code
 * @param line     the line the ticket waits in
 * @param state    the ticket's state
 * @param desk     the desk that called or serves it; null while it waits
 * @param recalls  how many times it was recalled
 * @param ahead    waiting tickets ahead of it in its line; -1 when it is not waiting
 * @param asOfSeq  the sequence number of the last event this status reflects
 */
public record TicketStatus(
    String branchId, long ticketId, String display, String service, String line, TicketState state, String desk,
    int recalls, int ahead, long asOfSeq) {}
