package dev.talon.queue.jdbc;

import dev.talon.queue.QueueEvent;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Random events of every type queue-core declares, built from the records' components so that a
 * new event type is covered without touching the tests.
 */
final class SampleEvents {
  static final List<Class<? extends QueueEvent>> TYPES = Arrays.stream(QueueEvent.class.getPermittedSubclasses())
      .<Class<? extends QueueEvent>>map(c -> c.asSubclass(QueueEvent.class)).toList();

  private static final String ALPHABET = "abcXYZ019 -_\"'\\/{}[]:,;é日本\u00e4\u2603\n\t<>&%?";

  private SampleEvents() {}

  /** A random event of the type with the given sequence number. */
  static QueueEvent random(Class<? extends QueueEvent> type, long seq, Random r) {
    RecordComponent[] rc = type.getRecordComponents();
    Object[] args = new Object[rc.length];
    Class<?>[] types = new Class<?>[rc.length];
    for (int i = 0; i < rc.length; i++) {
      types[i] = rc[i].getType();
      args[i] = switch (rc[i].getName()) {
        case "seq" -> seq;
        case "at" -> instant(r);
        default -> value(rc[i], r);
      };
    }
    try {
      Constructor<? extends QueueEvent> c = type.getDeclaredConstructor(types);
      return c.newInstance(args);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot build a " + type.getSimpleName(), e);
    }
  }

  /** A batch of random events of random types with consecutive sequence numbers from {@code first}. */
  static List<QueueEvent> batch(long first, int size, Random r) {
    List<QueueEvent> out = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      out.add(random(TYPES.get(r.nextInt(TYPES.size())), first + i, r));
    }
    return out;
  }

  private static Object value(RecordComponent rc, Random r) {
    Class<?> t = rc.getType();
    if (t == long.class) {
      return r.nextBoolean() ? (long) r.nextInt(1000) : r.nextLong();
    }
    if (t == int.class) {
      return r.nextBoolean() ? r.nextInt(1000) : r.nextInt();
    }
    if (t == boolean.class) {
      return r.nextBoolean();
    }
    if (t == String.class) {
      return r.nextInt(5) == 0 ? null : string(r);
    }
    if (t == Instant.class) {
      return r.nextInt(5) == 0 ? null : instant(r);
    }
    if (t == Duration.class) {
      return r.nextInt(5) == 0 ? null : Duration.ofSeconds(r.nextInt(100_000), r.nextInt(1_000_000_000));
    }
    if (t == LocalDate.class) {
      return LocalDate.ofEpochDay(10_000 + r.nextInt(40_000));
    }
    if (t == LocalDateTime.class) {
      return LocalDateTime.of(LocalDate.ofEpochDay(10_000 + r.nextInt(40_000)),
          java.time.LocalTime.ofSecondOfDay(r.nextInt(86_400)));
    }
    if (t == Set.class && rc.getGenericType() instanceof ParameterizedType p
        && p.getActualTypeArguments()[0] == String.class) {
      Set<String> s = new HashSet<>();
      int n = r.nextInt(4);
      for (int i = 0; i < n; i++) {
        s.add(string(r));
      }
      return s;
    }
    if (t == dev.talon.queue.TimeRange.class) {
      return range(r);
    }
    if (t == java.util.List.class) { // the ranges of a day
      java.util.List<dev.talon.queue.TimeRange> ranges = new ArrayList<>();
      if (r.nextBoolean()) {
        ranges.add(dev.talon.queue.TimeRange.of(java.time.LocalTime.of(0, 0), java.time.LocalTime.of(11, 59)));
        ranges.add(dev.talon.queue.TimeRange.of(java.time.LocalTime.of(12, 30), java.time.LocalTime.MAX));
      }
      return ranges;
    }
    if (t == dev.talon.queue.CapacityRule.class) {
      return r.nextBoolean()
          ? dev.talon.queue.CapacityRule.dated("s" + string(r), LocalDate.ofEpochDay(10_000 + r.nextInt(40_000)), range(r),
              r.nextInt(1000))
          : dev.talon.queue.CapacityRule.weekly("s" + string(r), Set.of(java.time.DayOfWeek.of(1 + r.nextInt(7))), range(r),
              r.nextInt(1000));
    }
    if (t.isEnum()) {
      Object[] values = t.getEnumConstants();
      return values[r.nextInt(values.length)];
    }
    throw new IllegalStateException("no generator for component " + rc.getName() + " of type " + rc.getGenericType()
        + "; add one to SampleEvents");
  }

  private static dev.talon.queue.TimeRange range(Random r) {
    int from = r.nextInt(86_000);
    return dev.talon.queue.TimeRange.of(java.time.LocalTime.ofSecondOfDay(from),
        java.time.LocalTime.ofSecondOfDay(from + 1 + r.nextInt(86_399 - from)));
  }

  private static Instant instant(Random r) {
    long seconds = 946_684_800L + (long) (r.nextDouble() * 3_155_760_000L); // 2000..2100
    Instant i = Instant.ofEpochSecond(seconds, r.nextInt(1_000_000_000));
    return r.nextBoolean() ? i.truncatedTo(ChronoUnit.SECONDS) : i;
  }

  private static String string(Random r) {
    int n = 1 + r.nextInt(12);
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      b.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
    }
    return b.toString();
  }
}
