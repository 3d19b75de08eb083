package dev.talon.queue;

/**
 * A desk's current status.
 *
 * @param desk     the desk id
 * @param state    open, paused or closed
 * @param reason   why it is paused or closed; null when open or when none was given
 * @param autoCall true if the desk calls the next ticket by itself when it becomes free
 */
public record DeskStatus(String desk, DeskState state, String reason, boolean autoCall) {}
