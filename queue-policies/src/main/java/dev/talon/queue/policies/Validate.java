package dev.talon.queue.policies;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/** Checks shared by the configuration records; every failure names a JSON path and the rule. */
final class Validate {
  /** What a line class, desk id or service code may look like (the core's code pattern). */
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,32}");
  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]+");

  private Validate() {}

  /** The path of a field or map key below {@code parent}: {@code $.a.b}, or {@code $.a['b c']}. */
  static String field(String parent, String key) {
    return PLAIN_KEY.matcher(key).matches() ? parent + "." + key : parent + "['" + key.replace("'", "\\'") + "']";
  }

  static String index(String parent, int i) {
    return parent + "[" + i + "]";
  }

  static <T> T required(String path, T value) {
    if (value == null) {
      throw new PolicyConfigException(path, "is required");
    }
    return value;
  }

  static String name(String path, String what, String value) {
    if (value == null || !NAME.matcher(value).matches()) {
      throw new PolicyConfigException(path, what + " must be 1 to 32 letters, digits, '-' or '_', was "
          + (value == null ? "null" : '"' + value + '"'));
    }
    return value;
  }

  static Duration positive(String path, String what, Duration d) {
    required(path, d);
    if (d.isZero() || d.isNegative()) {
      throw new PolicyConfigException(path, what + " must be a duration > 0, was " + d);
    }
    return atMostMax(path, what, d);
  }

  static Duration nonNegative(String path, String what, Duration d) {
    required(path, d);
    if (d.isNegative()) {
      throw new PolicyConfigException(path, what + " must be a duration >= 0, was " + d);
    }
    return atMostMax(path, what, d);
  }

  /** Every policy duration is added to ticket times at run time: bounded so that it never overflows. */
  private static Duration atMostMax(String path, String what, Duration d) {
    if (d.compareTo(PolicyConfig.MAX_DURATION) > 0) {
      throw new PolicyConfigException(path, what + " must be a duration of at most "
          + PolicyConfig.MAX_DURATION.toDays() + " days (" + PolicyConfig.MAX_DURATION + "), was " + d);
    }
    return d;
  }

  /**
   * An unmodifiable copy that keeps the given order (the order of a JSON object), after checking
   * that it is present and non-empty, that every key is a valid line class, and every value
   * passes {@code check(path, value)}.
   */
  static <V> Map<String, V> classMap(String path, String what, Map<String, V> map, BiConsumer<String, V> check) {
    required(path, map);
    if (map.isEmpty()) {
      throw new PolicyConfigException(path, what + " must name at least one line class, was empty");
    }
    if (map.size() > PolicyConfig.MAX_CLASSES) {
      throw new PolicyConfigException(path, what + " must name at most " + PolicyConfig.MAX_CLASSES
          + " line classes, was " + map.size());
    }
    Map<String, V> copy = new LinkedHashMap<>();
    map.forEach((k, v) -> {
      String at = field(path, String.valueOf(k));
      name(at, "line class", k);
      check.accept(at, required(at, v));
      copy.put(k, v);
    });
    return Collections.unmodifiableMap(copy);
  }

  /**
   * A decimal as a message shows it: plainly when short, else in scientific notation, so that a
   * value such as 1e999999999 never turns into a billion digits (found by PolicyJsonFuzzTest).
   */
  static String shown(BigDecimal d) {
    boolean small = Math.abs((long) d.precision() - d.scale()) <= 40 && Math.abs((long) d.scale()) <= 40;
    String s = small ? d.toPlainString() : d.toString();
    return s.length() > 60 ? s.substring(0, 57) + "..." : s;
  }

  static <T> List<T> list(String path, List<T> list) {
    required(path, list);
    for (int i = 0; i < list.size(); i++) {
      required(index(path, i), list.get(i));
    }
    return List.copyOf(list);
  }
}
