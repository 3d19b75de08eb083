package dev.talon.queue;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;

/**
 * The statistics of one branch-local day, per service, per line class and per desk. A plain record
 * of records, so any JSON mapper that understands records writes it as JSON.
 *
 * @param branchId  the branch
 * @param day       the branch-local day
 * @param byService one group per service code
 * @param byClass   one group per line class
 * @param byDesk    one group per desk that called a ticket (waits count for the desk that called)
 */
public record DailyStatistics(String branchId, LocalDate day, List<Group> byService, List<Group> byClass,
    List<Group> byDesk) {
  public DailyStatistics {
    byService = List.copyOf(byService);
    byClass = List.copyOf(byClass);
    byDesk = List.copyOf(byDesk);
  }

  /**
   * Counts and percentiles of one group of tickets.
   *
   * @param key         the service code, line class or desk id
   * @param issued      tickets issued that day
   * @param served      tickets whose service finished
   * @param noShow      tickets called but never came
   * @param cancelled   tickets cancelled while waiting
   * @param transferred tickets transferred to another service
   * @param abandoned   tickets still waiting or postponed (never called) at the time of the statistics
   * @param waits       time from joining the line to the first call, of the called tickets
   * @param services    time from service start to finish, of the served tickets
   */
  public record Group(String key, int issued, int served, int noShow, int cancelled, int transferred, int abandoned,
      Percentiles waits, Percentiles services) {}

  /**
   * Nearest-rank percentiles of a set of durations; all zero when it is empty.
   *
   * @param count how many durations
   * @param p50   the median
   * @param p90   the 90th percentile
   * @param p95   the 95th percentile
   * @param max   the largest
   */
  public record Percentiles(int count, Duration p50, Duration p90, Duration p95, Duration max) {

    /** Percentiles of the given durations in seconds. */
    public static Percentiles ofSeconds(long[] seconds) {
      if (seconds.length == 0) {
        return new Percentiles(0, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO);
      }
      long[] s = seconds.clone();
      java.util.Arrays.sort(s);
      return new Percentiles(s.length, rank(s, 50), rank(s, 90), rank(s, 95), Duration.ofSeconds(s[s.length - 1]));
    }

    private static Duration rank(long[] sorted, int p) {
      int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
      return Duration.ofSeconds(sorted[Math.max(0, i)]);
    }
  }
}
