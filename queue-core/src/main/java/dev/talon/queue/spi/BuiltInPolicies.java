package dev.talon.queue.spi;

import java.util.List;

/**
 * The two policies the core ships so that it works alone; the full library is queue-policies,
 * whose {@code Policies.fifo()} and {@code {"type":"booked-first"}} return these same instances.
 */
final class BuiltInPolicies {
  private static final Policy<Void> FIFO = new Fifo();
  private static final Policy<Void> BOOKED_FIRST = new BookedFirst();

  private BuiltInPolicies() {}

  static Policy<Void> fifo() {
    return FIFO;
  }

  static Policy<Void> bookedFirst() {
    return BOOKED_FIRST;
  }

  /**
   * The policy a built-in configuration names ({@code {"type":"fifo"}} or
   * {@code {"type":"booked-first"}}, spaces allowed), or null for any other.
   */
  static Policy<?> fromConfiguration(String json) {
    String compact = json == null ? "" : json.replaceAll("\\s", "");
    if (compact.equals("{\"type\":\"fifo\"}")) {
      return FIFO;
    }
    if (compact.equals("{\"type\":\"booked-first\"}")) {
      return BOOKED_FIRST;
    }
    return null;
  }

  /** The head that joined earliest among the given lines, or null when none is given. */
  static LineView earliest(List<LineView> lines) {
    LineView best = null;
    // by index: a view's list is random access, and an iterator would be garbage on every call
    for (int at = 0, n = lines.size(); at < n; at++) {
      LineView l = lines.get(at);
      if (best == null || l.head().joinSeq() < best.head().joinSeq()) {
        best = l;
      }
    }
    return best;
  }

  private static final class Fifo implements Policy<Void> {
    @Override
    public String name() {
      return "fifo";
    }

    @Override
    public LineView select(DispatchView<Void> view) {
      return earliest(view.lines());
    }

    @Override
    public Bypass bypass() {
      return Bypass.atMost(0);
    }

    @Override
    public java.util.Optional<String> configuration() {
      return java.util.Optional.of("{\"type\":\"fifo\"}");
    }

    @Override
    public String toString() {
      return "fifo";
    }
  }

  private static final class BookedFirst implements Policy<Void> {
    @Override
    public String name() {
      return "booked-first";
    }

    @Override
    public LineView select(DispatchView<Void> view) {
      LineView best = null;
      // by index: a view's list is random access, and an iterator would be garbage on every call
      for (int at = 0, n = view.lines().size(); at < n; at++) {
        LineView l = view.lines().get(at);
        if (BOOKED.equals(l.lineClass()) && (best == null || l.head().joinSeq() < best.head().joinSeq())) {
          best = l;
        }
      }
      return best != null ? best : earliest(view.lines());
    }

    @Override
    public Bypass bypass() {
      return Bypass.unbounded();
    }

    @Override
    public java.util.Optional<String> configuration() {
      return java.util.Optional.of("{\"type\":\"booked-first\"}");
    }

    @Override
    public String toString() {
      return "booked-first";
    }
  }
}
