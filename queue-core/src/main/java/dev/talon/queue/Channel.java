package dev.talon.queue;

/**
 * The way a booking request reached the branch. A window's capacity can be shared out between
 * channels ({@link ChannelQuota}), so that the web does not take every place the call centre and
 * the counter need. A request without a channel competes only for the places no channel reserves.
 */
public enum Channel {
  /** The branch's web site or app. */
  WEB,
  /** The call centre, booking for a caller. */
  CALL_CENTRE,
  /** Staff at the branch's counter. */
  COUNTER
}
