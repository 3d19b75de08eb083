package dev.talon.queue.internal;

import dev.talon.queue.InvalidConfigurationException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/*
 * Keyed pseudonymisation of person ids at the engine's boundary (Talon.pseudonymizePersonIds).
 *
 * What it is for. A person id is in practice a national id. The engine stores it in events, keeps
 * it in snapshots, compares it in per-person limits and bans, and hands it to listeners. With a key
 * configured, the engine replaces the id by HMAC-SHA256(key, id) as the first thing issue() and
 * book() do, before the admission checks, the events, the store and the listeners see the request.
 * The same id always gives the same pseudonym under one key, so counting and banning per person
 * work unchanged; without the key a pseudonym cannot be turned back into the id, nor can ids be
 * enumerated and hashed to find it (a plain hash of a national id could be: ids have a known,
 * small format). Changing the key makes new pseudonyms that match none of the stored ones: the
 * per-person history starts afresh, so keep the key for as long as the limits should count.
 *
 * Form. "ps:" followed by the first 16 bytes of the MAC in unpadded base64url (22 characters):
 * 128 bits keep collisions out of reach for any population, and the prefix makes it plain in the
 * store that the column holds pseudonyms. The id is encoded as UTF-8.
 *
 * Threads. Mac is not thread-safe and costs a few hundred nanoseconds to set up, so each thread
 * keeps its own, initialised with this key (a ThreadLocal per instance). Only operations that
 * carry a person id pay for it.
 *
 * Key. At least 32 bytes (the HMAC-SHA256 block of security) and not one byte value repeated (a
 * zero-filled array is what a forgotten initialisation leaves); refused with
 * InvalidConfigurationException otherwise. The key never appears in a message, toString or log.
 */
public final class PersonIdHmac implements java.util.function.UnaryOperator<String> {
  /** The prefix of every pseudonym. */
  public static final String PREFIX = "ps:";
  static final int MIN_KEY_BYTES = 32;

  private final byte[] key;
  private final byte[] keyDigest;
  private final ThreadLocal<Mac> macs;

  private PersonIdHmac(byte[] key) {
    this.key = key.clone();
    this.keyDigest = sha256(this.key);
    SecretKeySpec spec = new SecretKeySpec(this.key, "HmacSHA256");
    this.macs = ThreadLocal.withInitial(() -> {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(spec);
        return mac;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("every Java platform has HmacSHA256", e);
      }
    });
  }

  /** The pseudonymisation under this key; the key is checked and copied. */
  public static PersonIdHmac of(byte[] key) {
    if (key == null) {
      throw new InvalidConfigurationException("the person id pseudonymisation key must not be null; give at least "
          + MIN_KEY_BYTES + " bytes of secret random data");
    }
    if (key.length < MIN_KEY_BYTES) {
      throw new InvalidConfigurationException("the person id pseudonymisation key must be at least " + MIN_KEY_BYTES
          + " bytes (256 bits) of secret random data, was " + key.length + " bytes");
    }
    boolean oneValue = true;
    for (byte b : key) {
      oneValue &= b == key[0];
    }
    if (oneValue) {
      throw new InvalidConfigurationException("the person id pseudonymisation key repeats one byte value in all its "
          + key.length + " bytes; it must be secret random data (e.g. from SecureRandom), not an empty array");
    }
    return new PersonIdHmac(key);
  }

  /** The pseudonym of the id; null stays null. */
  @Override
  public String apply(String personId) {
    if (personId == null) {
      return null;
    }
    byte[] mac = macs.get().doFinal(personId.getBytes(StandardCharsets.UTF_8));
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(mac, 16));
  }

  /** Same key, same pseudonyms (compared by a digest of the key, in constant time). */
  @Override
  public boolean equals(Object o) {
    return o instanceof PersonIdHmac p && MessageDigest.isEqual(p.keyDigest, keyDigest);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(keyDigest);
  }

  @Override
  public String toString() {
    return "PersonIdHmac[HmacSHA256, key hidden]";
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
