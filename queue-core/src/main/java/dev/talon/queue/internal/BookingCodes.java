package dev.talon.queue.internal;

/**
 * Booking codes: a booking id scrambled by multiplication with an odd constant modulo 2^40
 * (a bijection, so codes are unique and need no look-up table), written as 8 Crockford base-32
 * characters plus one check character (a weighted sum modulo 31) that catches a single mistyped
 * character unless it swaps {@code 0} and {@code Z}.
 */
final class BookingCodes {
  private static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  private static final long MASK = (1L << 40) - 1;
  private static final long MULTIPLIER = 0x9E3779B97FL & MASK | 1L;
  private static final long INVERSE = inverse(MULTIPLIER);

  private BookingCodes() {}

  static String encode(long id) {
    long x = (id * MULTIPLIER) & MASK;
    char[] out = new char[9];
    int check = 0;
    for (int i = 7; i >= 0; i--) {
      int digit = (int) (x & 31);
      out[i] = ALPHABET.charAt(digit);
      x >>>= 5;
    }
    for (int i = 0; i < 8; i++) {
      check += (i + 1) * ALPHABET.indexOf(out[i]);
    }
    out[8] = ALPHABET.charAt(check % 31);
    return new String(out);
  }

  /** The booking id of a code, or -1 when the code is malformed or its check character is wrong. */
  static long decode(String code) {
    if (code == null) {
      return -1;
    }
    String c = code.replace("-", "").replace(" ", "").toUpperCase(java.util.Locale.ROOT);
    if (c.length() != 9) {
      return -1;
    }
    long x = 0;
    int check = 0;
    for (int i = 0; i < 8; i++) {
      int digit = ALPHABET.indexOf(c.charAt(i));
      if (digit < 0) {
        return -1;
      }
      x = (x << 5) | digit;
      check += (i + 1) * digit;
    }
    if (ALPHABET.indexOf(c.charAt(8)) != check % 31) {
      return -1;
    }
    return (x * INVERSE) & MASK;
  }

  private static long inverse(long a) {
    long x = 1;
    for (int i = 0; i < 6; i++) {
      x *= 2 - a * x; // Newton's iteration doubles the number of correct low bits each round
    }
    return x & MASK;
  }
}
