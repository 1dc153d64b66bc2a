package dev.cairn.server;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Decides what a push notification asks for, from whoever sent it: GitHub ({@code X-GitHub-Event},
 * signed with {@code X-Hub-Signature-256}), GitLab ({@code X-Gitlab-Event}, authenticated by {@code
 * X-Gitlab-Token}) or Cairn's own push hook (no event header, signed like GitHub's when a secret is
 * set). A notification only ever makes Cairn fetch the repository — the body is not trusted for
 * what changed — so the checks are about who may make it fetch and about not fetching twice for one
 * delivery.
 *
 * <p>With a webhook secret ({@code cairn secrets set cairn-webhook-secret}) every notification must
 * prove it, compared in constant time; without one, notifications are accepted as they come (the
 * server then listens on loopback only, see docs/security.md). GitHub's {@code ping} is answered
 * without a fetch; events other than pushes are acknowledged and ignored; a delivery id seen before
 * ({@code X-GitHub-Delivery}, {@code X-Gitlab-Event-UUID}) is acknowledged as a duplicate.
 */
public final class PushWebhook {
  private static final int REMEMBERED_DELIVERIES = 1_000;

  /** What to do with a notification. */
  public enum Verdict {
    /** Fetch the repository: a push. */
    FETCH,
    /** GitHub's ping: answer, nothing else. */
    PONG,
    /** A delivery already handled. */
    DUPLICATE,
    /** An event that is not a push. */
    IGNORED,
    /** Not proven to come from the configured sender. */
    UNAUTHENTICATED
  }

  /**
   * The decision and its HTTP answer.
   *
   * @param verdict what to do
   * @param status the HTTP status to answer
   * @param body the JSON body to answer
   */
  public record Decision(Verdict verdict, int status, String body) {}

  private final String secret;
  private final Map<String, Boolean> deliveries =
      new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > REMEMBERED_DELIVERIES;
        }
      };

  /**
   * A webhook.
   *
   * @param secret the shared secret, or null to accept unauthenticated notifications
   */
  public PushWebhook(String secret) {
    this.secret = secret;
  }

  /**
   * Decides about one notification.
   *
   * @param header the request's header by name (case-insensitive), null when absent
   * @param body the raw body
   */
  public Decision decide(UnaryOperator<String> header, byte[] body) {
    String gitlabEvent = header.apply("X-Gitlab-Event");
    String githubEvent = header.apply("X-GitHub-Event");
    boolean gitlab = gitlabEvent != null || header.apply("X-Gitlab-Token") != null;
    if (secret != null) {
      boolean proven =
          gitlab
              ? constantTimeEquals(secret, header.apply("X-Gitlab-Token"))
              : validSignature(secret, body, header.apply("X-Hub-Signature-256"));
      if (!proven) {
        return new Decision(
            Verdict.UNAUTHENTICATED,
            401,
            gitlab
                ? "{\"error\":\"missing or wrong X-Gitlab-Token\"}"
                : "{\"error\":\"missing or invalid X-Hub-Signature-256\"}");
      }
    }
    String delivery =
        gitlab ? header.apply("X-Gitlab-Event-UUID") : header.apply("X-GitHub-Delivery");
    if (delivery != null && !firstTime((gitlab ? "gitlab:" : "github:") + delivery)) {
      return new Decision(Verdict.DUPLICATE, 200, "{\"duplicate\":true}");
    }
    if (githubEvent != null && githubEvent.equals("ping")) {
      return new Decision(Verdict.PONG, 200, "{\"pong\":true}");
    }
    String event = gitlab ? gitlabEvent : githubEvent;
    if (event != null && !isPush(event)) {
      return new Decision(Verdict.IGNORED, 202, "{\"ignored\":\"not a push event\"}");
    }
    return new Decision(Verdict.FETCH, 202, "{\"accepted\":true}");
  }

  private static boolean isPush(String event) {
    String e = event.toLowerCase(Locale.ROOT);
    return e.equals("push") || e.equals("push hook");
  }

  private synchronized boolean firstTime(String delivery) {
    return deliveries.put(delivery, Boolean.TRUE) == null;
  }

  private static boolean constantTimeEquals(String expected, String given) {
    return given != null
        && MessageDigest.isEqual(
            expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
  }

  /** True when {@code header} is {@code sha256=<hex>} of the body's HMAC with the secret. */
  static boolean validSignature(String secret, byte[] body, String header) {
    if (header == null || !header.startsWith("sha256=")) {
      return false;
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] expected = mac.doFinal(body);
      byte[] given;
      try {
        given = HexFormat.of().parseHex(header.substring("sha256=".length()));
      } catch (IllegalArgumentException e) {
        return false;
      }
      // Constant time, so the signature cannot be guessed byte by byte.
      return MessageDigest.isEqual(expected, given);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }
}
