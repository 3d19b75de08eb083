package dev.talon.queue;

import java.util.regex.Pattern;

/**
 * A kind of matter handled at the branch (e.g. "ID documents").
 *
 * @param code   the identifier used in requests, e.g. {@code "id-docs"}; letters, digits, {@code -}
 *               and {@code _}, at most 32
 * @param prefix the ticket prefix shown on the board, e.g. {@code "A"}: 1 to 3 upper-case letters
 *               or digits
 * @param name   a human-readable name
 */
public record Service(String code, String prefix, String name) {
  static final Pattern CODE = Pattern.compile("[A-Za-z0-9_-]{1,32}");
  private static final Pattern PREFIX = Pattern.compile("[A-Z0-9]{1,3}");

  public Service {
    Checks.matches("service code", code, CODE);
    Checks.matches("ticket prefix of service " + code, prefix, PREFIX);
    if (name == null || name.isBlank()) {
      name = code;
    }
  }
}
