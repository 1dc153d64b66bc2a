package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Push notifications from GitHub, GitLab and Cairn's own hook, with and without a secret. */
class PushWebhookTest {
  private static final String SECRET = "s3cret-webhook";
  private static final byte[] BODY =
      "{\"ref\":\"refs/heads/main\",\"after\":\"abc\"}".getBytes(StandardCharsets.UTF_8);

  private final PushWebhook webhook = new PushWebhook(SECRET);

  @Test
  void aSignedGitHubPushFetchesOnceAndItsRedeliveryIsADuplicate() throws Exception {
    var headers = github("push", "d-1", sign(SECRET, BODY));

    assertThat(webhook.decide(headers, BODY).verdict()).isEqualTo(PushWebhook.Verdict.FETCH);
    PushWebhook.Decision again = webhook.decide(headers, BODY);
    assertThat(again.verdict()).isEqualTo(PushWebhook.Verdict.DUPLICATE);
    assertThat(again.status()).isEqualTo(200);
  }

  @Test
  void githubsPingIsAnsweredWithoutAFetchAndOtherEventsAreIgnored() throws Exception {
    assertThat(webhook.decide(github("ping", "d-2", sign(SECRET, BODY)), BODY).verdict())
        .isEqualTo(PushWebhook.Verdict.PONG);
    PushWebhook.Decision issue = webhook.decide(github("issues", "d-3", sign(SECRET, BODY)), BODY);
    assertThat(issue.verdict()).isEqualTo(PushWebhook.Verdict.IGNORED);
    assertThat(issue.status()).isEqualTo(202);
  }

  @Test
  void aWrongOrMissingSignatureIsRefusedAndDoesNotBurnTheDeliveryId() throws Exception {
    PushWebhook.Decision forged = webhook.decide(github("push", "d-4", sign("other", BODY)), BODY);
    assertThat(forged.verdict()).isEqualTo(PushWebhook.Verdict.UNAUTHENTICATED);
    assertThat(forged.status()).isEqualTo(401);
    assertThat(webhook.decide(github("push", "d-4", null), BODY).verdict())
        .isEqualTo(PushWebhook.Verdict.UNAUTHENTICATED);
    assertThat(webhook.decide(github("push", "d-4", "sha256=zz"), BODY).verdict())
        .isEqualTo(PushWebhook.Verdict.UNAUTHENTICATED);

    // The real delivery with the same id still gets through.
    assertThat(webhook.decide(github("push", "d-4", sign(SECRET, BODY)), BODY).verdict())
        .isEqualTo(PushWebhook.Verdict.FETCH);
  }

  @Test
  void gitlabPushesAreProvenByTheirTokenAndDeduplicatedByEventUuid() {
    assertThat(webhook.decide(gitlab("Push Hook", "u-1", SECRET), BODY).verdict())
        .isEqualTo(PushWebhook.Verdict.FETCH);
    assertThat(webhook.decide(gitlab("Push Hook", "u-1", SECRET), BODY).verdict())
        .isEqualTo(PushWebhook.Verdict.DUPLICATE);
    PushWebhook.Decision wrong = webhook.decide(gitlab("Push Hook", "u-2", "guess"), BODY);
    assertThat(wrong.verdict()).isEqualTo(PushWebhook.Verdict.UNAUTHENTICATED);
    assertThat(wrong.body()).contains("X-Gitlab-Token");
    assertThat(webhook.decide(gitlab("Merge Request Hook", "u-3", SECRET), BODY).verdict())
        .isEqualTo(PushWebhook.Verdict.IGNORED);
    // A GitLab token is not a GitHub signature: the same secret in the wrong header is refused.
    assertThat(webhook.decide(github("push", "d-9", SECRET), BODY).verdict())
        .isEqualTo(PushWebhook.Verdict.UNAUTHENTICATED);
  }

  @Test
  void withoutASecretCairnsOwnHookFetches() {
    PushWebhook open = new PushWebhook(null);

    assertThat(open.decide(headers(Map.of()), new byte[0]).verdict())
        .isEqualTo(PushWebhook.Verdict.FETCH);
    assertThat(webhook.decide(headers(Map.of()), new byte[0]).verdict())
        .isEqualTo(PushWebhook.Verdict.UNAUTHENTICATED);
  }

  private static UnaryOperator<String> github(String event, String delivery, String signature) {
    Map<String, String> h = new TreeMap<>();
    h.put("X-GitHub-Event", event);
    h.put("X-GitHub-Delivery", delivery);
    if (signature != null) {
      h.put("X-Hub-Signature-256", signature);
    }
    return headers(h);
  }

  private static UnaryOperator<String> gitlab(String event, String uuid, String token) {
    return headers(
        Map.of("X-Gitlab-Event", event, "X-Gitlab-Event-UUID", uuid, "X-Gitlab-Token", token));
  }

  private static UnaryOperator<String> headers(Map<String, String> given) {
    Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    h.putAll(given);
    return h::get;
  }

  static String sign(String secret, byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
  }
}
