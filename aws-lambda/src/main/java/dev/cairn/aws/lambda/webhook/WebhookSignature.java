package dev.cairn.aws.lambda.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * GitHub's webhook signature: {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body,
 * keyed with the webhook secret>}.
 */
public final class WebhookSignature {
  private static final String PREFIX = "sha256=";

  private WebhookSignature() {}

  /** The header value GitHub sends for {@code body} signed with {@code secret}. */
  public static String sign(String secret, byte[] body) {
    return PREFIX + HexFormat.of().formatHex(hmac(secret, body));
  }

  /**
   * True when {@code header} is the signature of {@code body}. The comparison takes the same time
   * wherever the first differing byte is, so the signature cannot be guessed byte by byte.
   */
  public static boolean verify(String secret, byte[] body, String header) {
    if (header == null || !header.startsWith(PREFIX)) {
      return false;
    }
    byte[] given;
    try {
      given = HexFormat.of().parseHex(header.substring(PREFIX.length()).trim());
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(hmac(secret, body), given);
  }

  private static byte[] hmac(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      // Every JDK has HmacSHA256 and any byte string is a valid HMAC key.
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }
}
