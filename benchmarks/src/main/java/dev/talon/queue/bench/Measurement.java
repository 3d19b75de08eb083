package dev.talon.queue.bench;

import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.util.Statistics;

/**
 * One benchmark result of a run, reduced to what the report and the JSON need.
 *
 * @param benchmark  the benchmark's simple name, e.g. {@code EngineQueueBenchmark.issueAndCall}
 * @param mode       the JMH mode's short label ({@code thrpt}, {@code sample})
 * @param threads    benchmark threads
 * @param params     the {@code @Param} values
 * @param score      the primary score
 * @param error      its 99.9% confidence half-width; null when there were too few iterations to tell
 * @param unit       the score's unit
 * @param allocBytes bytes allocated per operation (GC profiler), or null when not profiled
 * @param percentiles for sample-time results, percentile (e.g. "p99") to value in {@code unit}; else empty
 */
record Measurement(String benchmark, String mode, int threads, Map<String, String> params, double score,
    Double error, String unit, Double allocBytes, Map<String, Double> percentiles) {

  /** The percentiles reported for sample-time results. */
  static final double[] PERCENTILES = {50, 90, 99, 99.9, 100};

  Measurement {
    params = Map.copyOf(params);
    percentiles = Map.copyOf(percentiles);
  }

  /** Reduces a JMH result. */
  static Measurement of(RunResult run) {
    var p = run.getParams();
    String name = p.getBenchmark();
    int dot = name.lastIndexOf('.', name.lastIndexOf('.') - 1);
    Map<String, String> params = new TreeMap<>();
    for (String key : p.getParamsKeys()) {
      params.put(key, p.getParam(key));
    }
    Result<?> primary = run.getPrimaryResult();
    Double alloc = null;
    for (Map.Entry<String, Result> e : run.getSecondaryResults().entrySet()) {
      if (e.getKey().endsWith("gc.alloc.rate.norm")) {
        alloc = e.getValue().getScore();
      }
    }
    Map<String, Double> percentiles = new TreeMap<>();
    if (p.getMode() == org.openjdk.jmh.annotations.Mode.SampleTime) {
      Statistics s = primary.getStatistics();
      for (double q : PERCENTILES) {
        percentiles.put(label(q), s.getPercentile(q));
      }
    }
    return new Measurement(name.substring(dot + 1), p.getMode().shortLabel(), p.getThreads(), params,
        primary.getScore(), Double.isFinite(primary.getScoreError()) ? primary.getScoreError() : null,
        primary.getScoreUnit(), alloc, percentiles);
  }

  /** "p50", "p99.9", and "max" for 100. */
  static String label(double percentile) {
    if (percentile == 100) {
      return "max";
    }
    return percentile == Math.rint(percentile) ? "p" + (long) percentile : "p" + percentile;
  }

  /** The parameter's value, or null. */
  String param(String key) {
    return params.get(key);
  }
}
