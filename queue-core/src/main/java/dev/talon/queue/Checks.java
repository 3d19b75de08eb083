package dev.talon.queue;

import java.util.regex.Pattern;

/** Validation helpers shared by the records' compact constructors. */
final class Checks {
  private Checks() {}

  static String matches(String what, String value, Pattern pattern) {
    if (value == null || !pattern.matcher(value).matches()) {
      throw new InvalidConfigurationException(
          what + " must match " + pattern.pattern() + ", was " + quote(value));
    }
    return value;
  }

  static String notBlank(String what, String value) {
    if (value == null || value.isBlank()) {
      throw new InvalidRequestException(what + " must not be null or blank, was " + quote(value));
    }
    return value;
  }

  static <T> T notNull(String what, T value) {
    if (value == null) {
      throw new InvalidRequestException(what + " must not be null");
    }
    return value;
  }

  static String optional(String what, String value) {
    if (value != null && value.isBlank()) {
      throw new InvalidRequestException(what + " must be null or non-blank, was " + quote(value));
    }
    return value;
  }

  static String quote(String value) {
    return value == null ? "null" : '"' + value + '"';
  }
}
