package dev.talon.queue;

import java.time.Duration;

/**
 * Service-level targets of one service. A breach emits {@link QueueEvent.ServiceLevelBreached}
 * once per breach: once per ticket for the wait and service-time targets, and once each time the
 * line grows past its maximum (again only after it has come back under it).
 *
 * @param maxWait        longest acceptable wait from joining the line to being called; null for none
 * @param maxServiceTime longest acceptable service at the desk; null for none
 * @param maxLineLength  most tickets acceptable waiting for the service at once; 0 for none
 */
public record ServiceLevel(Duration maxWait, Duration maxServiceTime, int maxLineLength) {
  public ServiceLevel {
    if (maxWait != null && (maxWait.isNegative() || maxWait.isZero())) {
      throw new InvalidConfigurationException("service-level max wait must be > 0 or null, was " + maxWait);
    }
    if (maxServiceTime != null && (maxServiceTime.isNegative() || maxServiceTime.isZero())) {
      throw new InvalidConfigurationException("service-level max service time must be > 0 or null, was " + maxServiceTime);
    }
    if (maxLineLength < 0) {
      throw new InvalidConfigurationException("service-level max line length must be >= 0, was " + maxLineLength);
    }
  }

  /** The targets the service-level breach events refer to. */
  public enum Target {
    WAIT,
    SERVICE_TIME,
    LINE_LENGTH
  }
}
