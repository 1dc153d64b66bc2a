package dev.cairn.pipeline.port;

import java.security.SecureRandom;

/**
 * The values a {@link SecretStore} generates the first time a secret is asked for (service
 * passwords): 32 letters and digits from a strong random source, the same on every store.
 */
public final class GeneratedSecret {
  /** The length of a generated value. */
  public static final int LENGTH = 32;

  private static final char[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  private static final SecureRandom RANDOM = new SecureRandom();

  private GeneratedSecret() {}

  /** A new random value. */
  public static String next() {
    char[] value = new char[LENGTH];
    for (int i = 0; i < value.length; i++) {
      value[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(value);
  }
}
