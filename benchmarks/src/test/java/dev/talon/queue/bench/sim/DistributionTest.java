package dev.talon.queue.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.SplittableRandom;
import java.util.stream.DoubleStream;
import org.junit.jupiter.api.Test;

class DistributionTest {
  private static final int N = 200_000;

  private static double[] samples(Distribution d, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    return DoubleStream.generate(() -> d.sample(r)).limit(N).toArray();
  }

  private static double mean(double[] xs) {
    return DoubleStream.of(xs).average().orElseThrow();
  }

  private static double sd(double[] xs) {
    double m = mean(xs);
    return Math.sqrt(DoubleStream.of(xs).map(x -> (x - m) * (x - m)).sum() / (xs.length - 1));
  }

  @Test
  void sample_eachDistribution_hasItsMeanAndSpread() {
    double[] exp = samples(new Distribution.Exponential(4), 1);
    assertThat(mean(exp)).isCloseTo(4, offset(0.05));
    assertThat(sd(exp)).isCloseTo(4, offset(0.05));

    double[] uni = samples(new Distribution.Uniform(2, 8), 2);
    assertThat(mean(uni)).isCloseTo(5, offset(0.03));
    assertThat(DoubleStream.of(uni).min().orElseThrow()).isGreaterThanOrEqualTo(2);
    assertThat(DoubleStream.of(uni).max().orElseThrow()).isLessThan(8);

    double[] normal = samples(new Distribution.Normal(-5, 7, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY), 3);
    assertThat(mean(normal)).isCloseTo(-5, offset(0.06));
    assertThat(sd(normal)).isCloseTo(7, offset(0.06));

    double[] logNormal = samples(new Distribution.LogNormal(10, 5), 4);
    assertThat(mean(logNormal)).isCloseTo(10, offset(0.06));
    assertThat(sd(logNormal)).isCloseTo(5, offset(0.1));
    assertThat(DoubleStream.of(logNormal).min().orElseThrow()).isPositive();

    double[] tri = samples(new Distribution.Triangular(4, 8, 20), 5);
    assertThat(mean(tri)).isCloseTo(32 / 3.0, offset(0.05));
    assertThat(DoubleStream.of(tri).min().orElseThrow()).isGreaterThanOrEqualTo(4);
    assertThat(DoubleStream.of(tri).max().orElseThrow()).isLessThanOrEqualTo(20);
  }

  @Test
  void sample_normalWithBounds_isClampedToThem() {
    double[] xs = samples(new Distribution.Normal(1, 5, 0, 4), 6);

    assertThat(DoubleStream.of(xs).min().orElseThrow()).isZero();
    assertThat(DoubleStream.of(xs).max().orElseThrow()).isEqualTo(4);
  }

  @Test
  void sample_sameSeed_givesTheSameSequence() {
    Distribution d = new Distribution.LogNormal(9, 4);

    assertThat(samples(d, 42)).isEqualTo(samples(d, 42)).isNotEqualTo(samples(d, 43));
  }
}
