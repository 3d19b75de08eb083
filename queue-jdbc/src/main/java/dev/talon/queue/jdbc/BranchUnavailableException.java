package dev.talon.queue.jdbc;

import dev.talon.queue.QueueException;

/**
 * No node serves the branch right now: it is being handed over, or its owner died and its lease
 * has not expired yet, or no node is configured for it. Retry after a short pause (request ids
 * make issue and book safe to retry); a hand-over takes milliseconds, a takeover at most the TTL.
 */
public class BranchUnavailableException extends QueueException {
  private static final long serialVersionUID = 1L;

  public BranchUnavailableException(String message) {
    super(message);
  }
}
