package dev.talon.queue.bench.sim;

import java.util.SplittableRandom;

/**
 * A distribution of a quantity in minutes (service time, patience, an arrival's offset from its
 * booked time). Sampling uses only {@link SplittableRandom#nextDouble()} and {@link StrictMath},
 * so a seed gives the same samples on every JDK and platform.
 */
public sealed interface Distribution {

  /** One sample, in minutes. */
  double sample(SplittableRandom random);

  /** The mean, in minutes. */
  double mean();

  /** The smallest value a sample can take ({@code -Infinity} when unbounded below). */
  double lowerBound();

  /** Always {@code value}. */
  record Fixed(double value) implements Distribution {
    @Override
    public double sample(SplittableRandom random) {
      return value;
    }

    @Override
    public double mean() {
      return value;
    }

    @Override
    public double lowerBound() {
      return value;
    }
  }

  /** Exponential with the given mean (memoryless: Poisson arrivals, M/M/c service). */
  record Exponential(double mean) implements Distribution {
    @Override
    public double sample(SplittableRandom random) {
      return -mean * StrictMath.log(1.0 - random.nextDouble());
    }

    @Override
    public double lowerBound() {
      return 0;
    }
  }

  /** Uniform on {@code [min, max)}. */
  record Uniform(double min, double max) implements Distribution {
    @Override
    public double sample(SplittableRandom random) {
      return min + (max - min) * random.nextDouble();
    }

    @Override
    public double mean() {
      return (min + max) / 2;
    }

    @Override
    public double lowerBound() {
      return min;
    }
  }

  /**
   * Normal with the given mean and standard deviation, clamped to {@code [min, max]} (infinite
   * when not given), so that e.g. a service time never goes below zero. The clamp moves
   * probability onto the bounds, so {@link #mean()} is the unclamped mean.
   */
  record Normal(double mean, double sd, double min, double max) implements Distribution {
    @Override
    public double sample(SplittableRandom random) {
      return Math.min(max, Math.max(min, mean + sd * standardNormal(random)));
    }

    @Override
    public double lowerBound() {
      return min;
    }
  }

  /**
   * Log-normal given by the mean and standard deviation of the samples themselves (not of their
   * logarithm): right-skewed and positive, the usual shape of service times.
   */
  record LogNormal(double mean, double sd) implements Distribution {
    @Override
    public double sample(SplittableRandom random) {
      double sigma2 = StrictMath.log(1 + (sd * sd) / (mean * mean));
      double mu = StrictMath.log(mean) - sigma2 / 2;
      return StrictMath.exp(mu + StrictMath.sqrt(sigma2) * standardNormal(random));
    }

    @Override
    public double lowerBound() {
      return 0;
    }
  }

  /** Triangular on {@code [min, max]} with its peak at {@code mode}. */
  record Triangular(double min, double mode, double max) implements Distribution {
    @Override
    public double sample(SplittableRandom random) {
      double u = random.nextDouble();
      double split = (mode - min) / (max - min);
      return u < split
          ? min + StrictMath.sqrt(u * (max - min) * (mode - min))
          : max - StrictMath.sqrt((1 - u) * (max - min) * (max - mode));
    }

    @Override
    public double mean() {
      return (min + mode + max) / 3;
    }

    @Override
    public double lowerBound() {
      return min;
    }
  }

  /** A standard normal sample by the Box–Muller transform (two uniforms per sample, no cached spare). */
  private static double standardNormal(SplittableRandom random) {
    double u1 = 1.0 - random.nextDouble(); // (0, 1]: the logarithm stays finite
    double u2 = random.nextDouble();
    return StrictMath.sqrt(-2 * StrictMath.log(u1)) * StrictMath.cos(2 * Math.PI * u2);
  }
}
