package dev.cairn.aws.lambda.webhook;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.cairn.aws.config.LambdaSettings;
import dev.cairn.pipeline.json.Json;
import dev.cairn.pipeline.port.SecretStore;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The GitHub webhook receiver behind a Lambda function URL: verifies {@code X-Hub-Signature-256}
 * with the webhook secret from Secrets Manager (cached: not fetched per request), answers pings,
 * ignores duplicate pushes and pushes to other branches, and puts one {@value #DETAIL_TYPE} event
 * per accepted push on the EventBridge bus (a rule there starts the state machine).
 *
 * <p>Duplicates are recognised by what GitHub signs, (repository, ref, after), never by {@code
 * X-GitHub-Delivery}, which it does not sign: a captured signed body sent again with a new delivery
 * id is a duplicate. The function has no repository to ask whether {@code after} is an ancestor of
 * what was granted before, so an {@code after} already seen on that ref is refused (also when a
 * branch is legitimately moved back to it; the trail's rollback is Cairn's job, not a push's).
 *
 * <p>Answers: 200 for a push put on the bus, a ping, a duplicate delivery and an ignored event (the
 * body says which); 401 for a missing or wrong signature; 400 for a payload that is not a push; 502
 * when the event could not be put on the bus (the delivery is then not marked as seen, so GitHub's
 * redelivery is accepted).
 */
public final class GitHubWebhookHandler
    implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
  /** The {@code source} of the events put on the bus. */
  public static final String SOURCE = "cairn.github";

  /** The {@code detail-type} of the events put on the bus. */
  public static final String DETAIL_TYPE = "cairn.push";

  /** The branch setting that forwards pushes to every branch (see {@link Config#branch()}). */
  public static final String ANY_BRANCH = "*";

  private static final Pattern DELIVERY_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

  /** How long the webhook secret is kept before it is fetched again (rotation). */
  private static final long SECRET_TTL_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(5);

  /** A secret no older than this is not fetched again when a signature does not match it. */
  private static final long SECRET_REFRESH_NANOS =
      java.util.concurrent.TimeUnit.SECONDS.toNanos(30);

  private record CachedSecret(String value, long fetchedAt) {}

  private volatile CachedSecret cachedSecret;

  /**
   * Where the receiver takes its settings from.
   *
   * @param webhookSecretName the Secrets Manager secret holding GitHub's webhook secret
   * @param eventBus the EventBridge bus name or ARN
   * @param branch the branch whose pushes start runs, e.g. {@code main}; {@value #ANY_BRANCH}
   *     forwards pushes to every branch and leaves the choice to each repository's EventBridge rule
   *     (used when the watched repositories deploy different branches)
   * @param repository the only repository ({@code owner/name}) accepted, or empty for any
   */
  public record Config(
      String webhookSecretName, String eventBus, String branch, Optional<String> repository) {
    public Config {
      Objects.requireNonNull(webhookSecretName, "webhookSecretName");
      Objects.requireNonNull(eventBus, "eventBus");
      Objects.requireNonNull(branch, "branch");
      Objects.requireNonNull(repository, "repository");
    }
  }

  private final SecretStore secrets;
  private final DeliveryLedger deliveries;
  private final EventBridgeClient events;
  private final Config config;

  /**
   * The handler Lambda creates: configured by environment variables (see {@link LambdaSettings}).
   */
  public GitHubWebhookHandler() {
    this(LambdaSettings.fromEnvironment());
  }

  private GitHubWebhookHandler(LambdaSettings settings) {
    this(
        dev.cairn.aws.config.AwsClients.secrets(),
        new S3DeliveryLedger(S3Client.create(), settings.require(LambdaSettings.ARTIFACT_BUCKET)),
        EventBridgeClient.create(),
        new Config(
            settings.require(LambdaSettings.WEBHOOK_SECRET),
            settings.require(LambdaSettings.EVENT_BUS),
            settings.orDefault(LambdaSettings.BRANCH, "main"),
            settings.optional(LambdaSettings.REPOSITORY)));
  }

  /** A handler with explicit collaborators (tests point them at emulators). */
  public GitHubWebhookHandler(
      SecretStore secrets, DeliveryLedger deliveries, EventBridgeClient events, Config config) {
    this.secrets = secrets;
    this.deliveries = deliveries;
    this.events = events;
    this.config = config;
  }

  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent request, Context context) {
    Map<String, String> headers = lowerCase(request.getHeaders());
    String signature = headers.get("x-hub-signature-256");
    if (signature == null) {
      // Before any Secrets Manager call: unsigned floods cost nothing but this check.
      return answer(401, "missing X-Hub-Signature-256: configure the webhook with a secret");
    }
    byte[] body = body(request);
    if (!verified(body, signature)) {
      return answer(401, "bad signature: the payload was not signed with this webhook's secret");
    }
    String event = headers.getOrDefault("x-github-event", "");
    String delivery = headers.getOrDefault("x-github-delivery", "");
    if (event.equals("ping")) {
      return answer(200, "pong");
    }
    if (!event.equals("push")) {
      return answer(200, "ignored: event '" + event + "' does not start runs");
    }
    if (!DELIVERY_ID.matcher(delivery).matches()) {
      return answer(400, "missing or malformed X-GitHub-Delivery header");
    }
    PushEvent push;
    try {
      push = PushEvent.fromPayload(Json.parse(new String(body, StandardCharsets.UTF_8)), delivery);
    } catch (IllegalArgumentException e) {
      return answer(400, "not a push payload: " + e.getMessage());
    }
    if (config.repository().isPresent()
        && !config.repository().get().equalsIgnoreCase(push.repository())) {
      return answer(200, "ignored: repository " + push.repository() + " is not watched");
    }
    if (!config.branch().equals(ANY_BRANCH)
        && !push.ref().equals("refs/heads/" + config.branch())) {
      return answer(200, "ignored: " + push.ref() + " is not refs/heads/" + config.branch());
    }
    if (push.deleted()) {
      return answer(200, "ignored: the push deleted " + push.ref());
    }
    String claim = claimKey(push);
    boolean claimed;
    try {
      claimed = deliveries.claim(claim, Json.write(push.detail()));
    } catch (SdkException e) {
      // Not knowing whether it is a duplicate, do not start a run: GitHub's redelivery will.
      return answer(502, "could not record the delivery; redeliver it later");
    }
    if (!claimed) {
      return answer(
          200, "duplicate push of " + push.after() + " to " + push.ref() + ": already handled");
    }
    try {
      PutEventsResponse response =
          events.putEvents(
              b ->
                  b.entries(
                      e ->
                          e.eventBusName(config.eventBus())
                              .source(SOURCE)
                              .detailType(DETAIL_TYPE)
                              .resources(push.repository())
                              .detail(Json.write(push.detail()))));
      if (response.failedEntryCount() != null && response.failedEntryCount() > 0) {
        throw new IllegalStateException(
            "EventBridge refused the event: " + response.entries().get(0).errorMessage());
      }
    } catch (SdkException | IllegalStateException e) {
      // Not put on the bus: forget the delivery so that GitHub's redelivery starts the run.
      deliveries.release(claim);
      return answer(502, "could not put the push on the event bus; redeliver it later");
    }
    return answer(200, "accepted: " + push.after() + " on " + push.ref());
  }

  /**
   * The ledger key of a push: what GitHub signs (repository, ref, after), hashed so that it is a
   * plain S3 key whatever the ref holds.
   */
  static String claimKey(PushEvent push) {
    String identity =
        push.repository().toLowerCase(Locale.ROOT) + "\n" + push.ref() + "\n" + push.after();
    try {
      byte[] digest =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(identity.getBytes(StandardCharsets.UTF_8));
      return "push-" + java.util.HexFormat.of().formatHex(digest);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /**
   * Whether the body is signed with the webhook secret. The secret is cached for a few minutes; a
   * mismatch against a cached secret older than half a minute fetches it again once, so a rotated
   * secret is picked up without a fetch per (possibly hostile) request.
   */
  private boolean verified(byte[] body, String signature) {
    CachedSecret cached = cachedSecret;
    long now = System.nanoTime();
    if (cached == null || now - cached.fetchedAt() > SECRET_TTL_NANOS) {
      cached = fetchSecret(now);
    }
    if (WebhookSignature.verify(cached.value(), body, signature)) {
      return true;
    }
    if (now - cached.fetchedAt() > SECRET_REFRESH_NANOS) {
      return WebhookSignature.verify(fetchSecret(now).value(), body, signature);
    }
    return false;
  }

  private CachedSecret fetchSecret(long now) {
    String secret =
        secrets
            .get(config.webhookSecretName())
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "the webhook secret " + config.webhookSecretName() + " is empty"));
    CachedSecret fresh = new CachedSecret(secret, now);
    cachedSecret = fresh;
    return fresh;
  }

  private static byte[] body(APIGatewayV2HTTPEvent request) {
    String body = request.getBody() == null ? "" : request.getBody();
    return request.getIsBase64Encoded()
        ? Base64.getDecoder().decode(body)
        : body.getBytes(StandardCharsets.UTF_8);
  }

  /** Function URLs lower-case header names already; API Gateway may not. */
  private static Map<String, String> lowerCase(Map<String, String> headers) {
    Map<String, String> result = new java.util.HashMap<>();
    if (headers != null) {
      headers.forEach((k, v) -> result.put(k.toLowerCase(Locale.ROOT), v));
    }
    return result;
  }

  private static APIGatewayV2HTTPResponse answer(int status, String message) {
    return APIGatewayV2HTTPResponse.builder()
        .withStatusCode(status)
        .withHeaders(Map.of("Content-Type", "text/plain; charset=utf-8"))
        .withBody(message + "\n")
        .build();
  }
}
