package dev.talon.queue;

import java.time.Duration;

/**
 * How wait estimates are made. Service times are measured per service as an exponentially
 * weighted mean and variance of the finished services (start to finish); before the first
 * measurement {@code defaultServiceTime} stands in, with a standard deviation equal to the mean
 * (as for exponential service).
 *
 * @param defaultServiceTime the assumed service time before any was measured
 * @param smoothing          weight of a new measurement in the moving averages, in (0, 1]
 * @param spread             half-width of the optimistic–pessimistic range in standard deviations
 *                           (1.28 ≈ an 80% range, 1.64 ≈ 90%)
 */
public record Estimation(Duration defaultServiceTime, double smoothing, double spread) {
  public Estimation {
    if (defaultServiceTime == null || defaultServiceTime.isNegative() || defaultServiceTime.isZero()) {
      throw new InvalidConfigurationException("default service time must be > 0, was " + defaultServiceTime);
    }
    if (!(smoothing > 0 && smoothing <= 1)) {
      throw new InvalidConfigurationException("smoothing must be in (0, 1], was " + smoothing);
    }
    if (!(spread >= 0 && spread <= 10)) {
      throw new InvalidConfigurationException("spread must be between 0 and 10 standard deviations, was " + spread);
    }
  }

  /** Ten minutes assumed, smoothing 0.1, a 90% range. */
  public static Estimation defaults() {
    return new Estimation(Duration.ofMinutes(10), 0.1, 1.64);
  }
}
