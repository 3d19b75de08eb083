package dev.talon.queue;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * Shares of a service's window capacity reserved for channels, e.g. 60 % for the web, 20 % for
 * the call centre and 20 % for the counter.
 *
 * <p>The rule. In a window whose capacity (under the schedule and runtime rules) is {@code C},
 * channel {@code c} has {@code floor(C * percent(c) / 100)} places reserved. A request of channel
 * {@code c} gets a place while the window has a free place and either {@code c} has used less
 * than its reserved places, or the places nobody reserved are not used up (counting every
 * channel's use beyond its reservation and every request without a channel). Bookings, holds
 * (offers to waiting visitors among them) and places cooling down after a cancellation all count
 * in their channel. From {@code releaseBefore} before the window starts, the reservations lapse:
 * whatever is still free goes to any channel. The window's capacity is never exceeded either way.
 *
 * @param service       the service code
 * @param percent       per channel, the percentage of each window's capacity reserved for it; together at most 100
 * @param releaseBefore how long before a window starts its unused reservations are opened to every channel
 *                      (zero: never)
 */
public record ChannelQuota(String service, Map<Channel, Integer> percent, Duration releaseBefore) {
  public ChannelQuota {
    if (service == null || service.isBlank()) {
      throw new InvalidConfigurationException("a channel quota must name a service, was " + Checks.quote(service));
    }
    if (percent == null || percent.keySet().stream().anyMatch(java.util.Objects::isNull)
        || percent.values().stream().anyMatch(java.util.Objects::isNull)) {
      throw new InvalidConfigurationException("channel quota of " + service + " must map channels to percentages, was "
          + percent);
    }
    int sum = 0;
    for (var e : percent.entrySet()) {
      if (e.getValue() < 0 || e.getValue() > 100) {
        throw new InvalidConfigurationException("channel quota of " + service + " for " + e.getKey()
            + " must be between 0 and 100 percent, was " + e.getValue());
      }
      sum += e.getValue();
    }
    if (sum > 100) {
      throw new InvalidConfigurationException("channel quotas of " + service + " add up to " + sum
          + " percent; at most 100 can be reserved");
    }
    percent = percent.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(percent));
    if (releaseBefore == null || releaseBefore.isNegative() || releaseBefore.compareTo(Duration.ofDays(366)) > 0) {
      throw new InvalidConfigurationException("channel quota of " + service
          + " must release its shares between 0 and 366 days before a window, was " + releaseBefore);
    }
  }

  /** The places reserved for the channel in a window of this capacity. */
  public int reserved(Channel channel, int capacity) {
    Integer p = channel == null ? null : percent.get(channel);
    return p == null ? 0 : capacity * p / 100;
  }

  /** The places reserved for all channels together in a window of this capacity. */
  public int reservedTotal(int capacity) {
    int n = 0;
    for (Channel c : Channel.values()) {
      n += reserved(c, capacity);
    }
    return n;
  }
}
