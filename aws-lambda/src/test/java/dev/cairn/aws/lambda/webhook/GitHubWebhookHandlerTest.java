package dev.cairn.aws.lambda.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.aws.config.AwsClients;
import dev.cairn.aws.testing.EmulatorClients;
import dev.cairn.aws.testing.Moto;
import dev.cairn.aws.testing.MotoExtension;
import dev.cairn.pipeline.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The webhook receiver with GitHub's real payload shapes and headers, against the emulators: the
 * webhook secret in Secrets Manager (moto), the delivery ledger in S3 (S3Mock, conditional puts),
 * the event bus in EventBridge (moto) with a rule that forwards to an SQS queue (moto), which the
 * test reads to see what reached the bus.
 */
@ExtendWith(MotoExtension.class)
class GitHubWebhookHandlerTest {
  private static final String SECRET = "It's a Secret to Everybody";

  private final String id = UUID.randomUUID().toString().substring(0, 8);
  private final String bus = "cairn-" + id;
  private final String bucket = "cairn-artifacts-" + id;
  private final String secretName = "cairn/webhook-test-" + id;
  private EventBridgeClient events;
  private SqsClient motoSqs;
  private S3Client s3;
  private String queueUrl;

  @BeforeEach
  void setUp() {
    events =
        EmulatorClients.configure(EventBridgeClient.builder(), Moto.endpoint())
            .httpClientBuilder(ApacheHttpClient.builder())
            .build();
    motoSqs =
        EmulatorClients.configure(SqsClient.builder(), Moto.endpoint())
            .httpClientBuilder(ApacheHttpClient.builder())
            .build();
    s3 = EmulatorClients.s3();
    s3.createBucket(b -> b.bucket(bucket));
    try (var secretsManager = EmulatorClients.secretsManager()) {
      secretsManager.createSecret(b -> b.name(secretName).secretString(SECRET));
    }
    events.createEventBus(b -> b.name(bus));
    queueUrl = motoSqs.createQueue(b -> b.queueName("pushes-" + id)).queueUrl();
    String queueArn =
        motoSqs
            .getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNamesWithStrings("QueueArn"))
            .attributesAsStrings()
            .get("QueueArn");
    events.putRule(
        b ->
            b.name("pushes")
                .eventBusName(bus)
                .eventPattern(
                    "{\"source\":[\""
                        + GitHubWebhookHandler.SOURCE
                        + "\"],"
                        + "\"detail-type\":[\""
                        + GitHubWebhookHandler.DETAIL_TYPE
                        + "\"]}"));
    events.putTargets(
        b -> b.rule("pushes").eventBusName(bus).targets(t -> t.id("queue").arn(queueArn)));
  }

  @AfterEach
  void tearDown() {
    events.close();
    motoSqs.close();
    s3.close();
  }

  private GitHubWebhookHandler handler() {
    return new GitHubWebhookHandler(
        AwsClients.secretsById(EmulatorClients.secretsManager()),
        new S3DeliveryLedger(s3, bucket),
        events,
        new GitHubWebhookHandler.Config(secretName, bus, "main", Optional.of("octo-org/notes")));
  }

  private static String fixture(String name) throws IOException {
    try (InputStream in = GitHubWebhookHandlerTest.class.getResourceAsStream("/github/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** A function URL event as Lambda delivers GitHub's request: lower-case headers, raw body. */
  private static APIGatewayV2HTTPEvent request(
      String event, String delivery, String body, String signature) {
    Map<String, String> headers = new HashMap<>();
    headers.put("content-type", "application/json");
    headers.put("user-agent", "GitHub-Hookshot/5e1f3c9");
    headers.put("accept", "*/*");
    headers.put("x-github-event", event);
    headers.put("x-github-delivery", delivery);
    headers.put("x-github-hook-id", "512345678");
    headers.put("x-github-hook-installation-target-id", "781234501");
    headers.put("x-github-hook-installation-target-type", "repository");
    headers.put("x-forwarded-proto", "https");
    if (signature != null) {
      headers.put("x-hub-signature-256", signature);
    }
    return APIGatewayV2HTTPEvent.builder()
        .withVersion("2.0")
        .withRouteKey("$default")
        .withRawPath("/")
        .withRawQueryString("")
        .withHeaders(headers)
        .withBody(body)
        .withIsBase64Encoded(false)
        .withRequestContext(
            APIGatewayV2HTTPEvent.RequestContext.builder()
                .withHttp(
                    APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                        .withMethod("POST")
                        .withPath("/")
                        .withProtocol("HTTP/1.1")
                        .withSourceIp("140.82.115.1")
                        .withUserAgent("GitHub-Hookshot/5e1f3c9")
                        .build())
                .build())
        .build();
  }

  private static APIGatewayV2HTTPEvent signed(String event, String delivery, String body) {
    return request(
        event,
        delivery,
        body,
        WebhookSignature.sign(SECRET, body.getBytes(StandardCharsets.UTF_8)));
  }

  /** Waits until {@code count} events reached the queue, and returns their details. */
  private List<JsonNode> awaitEvents(int count) {
    List<JsonNode> details = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              for (Message m :
                  motoSqs
                      .receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10))
                      .messages()) {
                details.add(Json.parse(m.body()).path("detail"));
                motoSqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
              }
              return details.size() >= count;
            });
    return details;
  }

  @Test
  void aSignedPushToMainPutsOneEventOnTheBus() throws Exception {
    String delivery = UUID.randomUUID().toString();

    APIGatewayV2HTTPResponse response =
        handler().handleRequest(signed("push", delivery, fixture("push-main.json")), null);

    assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
    assertThat(response.getBody()).startsWith("accepted");
    JsonNode detail = awaitEvents(1).get(0);
    assertThat(detail.path("repository").asText()).isEqualTo("octo-org/notes");
    assertThat(detail.path("ref").asText()).isEqualTo("refs/heads/main");
    assertThat(detail.path("before").asText())
        .isEqualTo("9f2c1e0b7a4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b");
    assertThat(detail.path("after").asText()).isEqualTo("3f2a91c4d5e6f708192a3b4c5d6e7f8091a2b3c4");
    assertThat(detail.path("pusher").asText()).isEqualTo("mona");
    assertThat(detail.path("message").asText()).isEqualTo("notes: add search");
    assertThat(detail.path("deliveryId").asText()).isEqualTo(delivery);
    assertThat(detail.path("run").path("id").asText()).isEqualTo(delivery);
    assertThat(detail.path("run").path("commit").asText())
        .isEqualTo("3f2a91c4d5e6f708192a3b4c5d6e7f8091a2b3c4");
    assertThat(
            s3.listObjectsV2(b -> b.bucket(bucket).prefix("deliveries/push-")).contents().stream()
                .map(o -> s3.getObjectAsBytes(g -> g.bucket(bucket).key(o.key())).asUtf8String())
                .findFirst()
                .orElse(""))
        .contains("3f2a91c4");
  }

  @Test
  void theSecretIsFetchedOnceNotPerRequestAndNeverForUnsignedFloods() throws Exception {
    java.util.concurrent.atomic.AtomicInteger fetches =
        new java.util.concurrent.atomic.AtomicInteger();
    dev.cairn.pipeline.port.SecretStore real =
        AwsClients.secretsById(EmulatorClients.secretsManager());
    dev.cairn.pipeline.port.SecretStore counting =
        new dev.cairn.pipeline.port.SecretStore() {
          @Override
          public Optional<String> get(String name) {
            fetches.incrementAndGet();
            return real.get(name);
          }

          @Override
          public void put(String name, String value) {
            throw new UnsupportedOperationException();
          }

          @Override
          public String getOrGenerate(String name) {
            throw new UnsupportedOperationException();
          }

          @Override
          public java.util.Set<String> values() {
            return java.util.Set.of();
          }
        };
    GitHubWebhookHandler handler =
        new GitHubWebhookHandler(
            counting,
            new S3DeliveryLedger(s3, bucket),
            events,
            new GitHubWebhookHandler.Config(
                secretName, bus, "main", Optional.of("octo-org/notes")));
    for (int i = 0; i < 5; i++) {
      handler.handleRequest(request("ping", UUID.randomUUID().toString(), "{}", null), null);
    }
    assertThat(fetches).hasValue(0);
    for (int i = 0; i < 3; i++) {
      assertThat(
              handler
                  .handleRequest(signed("ping", UUID.randomUUID().toString(), "{}"), null)
                  .getBody())
          .contains("pong");
    }
    assertThat(fetches).hasValue(1);
  }

  @Test
  void aBadOrMissingSignatureIs401AndPutsNothing() throws Exception {
    String body = fixture("push-main.json");
    String wrong = WebhookSignature.sign("another secret", body.getBytes(StandardCharsets.UTF_8));
    GitHubWebhookHandler handler = handler();

    APIGatewayV2HTTPResponse bad =
        handler.handleRequest(request("push", UUID.randomUUID().toString(), body, wrong), null);
    APIGatewayV2HTTPResponse missing =
        handler.handleRequest(request("push", UUID.randomUUID().toString(), body, null), null);
    APIGatewayV2HTTPResponse garbage =
        handler.handleRequest(
            request("push", UUID.randomUUID().toString(), body, "sha256=zz"), null);
    // A tampered body with the original signature.
    APIGatewayV2HTTPResponse tampered =
        handler.handleRequest(
            request(
                "push",
                UUID.randomUUID().toString(),
                body.replace("refs/heads/main", "refs/heads/evil"),
                WebhookSignature.sign(SECRET, body.getBytes(StandardCharsets.UTF_8))),
            null);

    assertThat(List.of(bad, missing, garbage, tampered))
        .extracting(APIGatewayV2HTTPResponse::getStatusCode)
        .containsOnly(401);
    assertThat(bad.getBody()).contains("bad signature").doesNotContain(SECRET);
    assertThat(missing.getBody()).contains("missing X-Hub-Signature-256");
    // Nothing reached the bus: the next good push is the first event there.
    String good = UUID.randomUUID().toString();
    handler.handleRequest(signed("push", good, body), null);
    List<JsonNode> received = awaitEvents(1);
    assertThat(received).extracting(d -> d.path("deliveryId").asText()).containsExactly(good);
  }

  @Test
  void aDuplicatePushIsAnsweredButIgnoredWhateverItsDeliveryId() throws Exception {
    String body = fixture("push-main.json");
    String first = UUID.randomUUID().toString();
    String later = UUID.randomUUID().toString();
    GitHubWebhookHandler handler = handler();

    APIGatewayV2HTTPResponse original = handler.handleRequest(signed("push", first, body), null);
    APIGatewayV2HTTPResponse redelivered = handler.handleRequest(signed("push", first, body), null);
    // A second receiver instance (another Lambda container) sees the same ledger.
    APIGatewayV2HTTPResponse elsewhere = handler().handleRequest(signed("push", first, body), null);

    assertThat(original.getStatusCode()).isEqualTo(200);
    assertThat(redelivered.getStatusCode()).isEqualTo(200);
    assertThat(redelivered.getBody()).startsWith("duplicate push");
    assertThat(elsewhere.getBody()).startsWith("duplicate push");
    // The same signed push under a new delivery id (a replay: the id is not signed) is refused.
    String replayed = UUID.randomUUID().toString();
    APIGatewayV2HTTPResponse replay = handler.handleRequest(signed("push", replayed, body), null);
    assertThat(replay.getBody()).startsWith("duplicate push");
    // Events arrive in order on the queue: had a duplicate gone through, a second event would
    // follow the first; a distinct push (another after) is put after it.
    handler.handleRequest(
        signed(
            "push",
            later,
            body.replace(
                "3f2a91c4d5e6f708192a3b4c5d6e7f8091a2b3c4",
                "4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b")),
        null);
    List<JsonNode> received = awaitEvents(2);
    assertThat(received)
        .extracting(d -> d.path("deliveryId").asText())
        .containsExactly(first, later);
  }

  @Test
  void anUnreachableLedgerIs502AndStartsNoRun() throws Exception {
    String body = fixture("push-main.json");
    GitHubWebhookHandler broken =
        new GitHubWebhookHandler(
            AwsClients.secretsById(EmulatorClients.secretsManager()),
            new S3DeliveryLedger(s3, bucket + "-missing"),
            events,
            new GitHubWebhookHandler.Config(secretName, bus, "main", Optional.empty()));
    String lost = UUID.randomUUID().toString();

    APIGatewayV2HTTPResponse response = broken.handleRequest(signed("push", lost, body), null);
    String next = UUID.randomUUID().toString();
    handler().handleRequest(signed("push", next, body), null);

    assertThat(response.getStatusCode()).isEqualTo(502);
    assertThat(response.getBody()).contains("redeliver it later");
    assertThat(awaitEvents(1)).extracting(d -> d.path("deliveryId").asText()).containsExactly(next);
  }

  @Test
  void aPingIsAnsweredWithPong() throws Exception {
    APIGatewayV2HTTPResponse response =
        handler()
            .handleRequest(
                signed("ping", UUID.randomUUID().toString(), fixture("ping.json")), null);

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(response.getBody()).isEqualTo("pong\n");
  }

  @Test
  void pushesToOtherBranchesAndOtherEventsAreIgnored() throws Exception {
    GitHubWebhookHandler handler = handler();

    APIGatewayV2HTTPResponse feature =
        handler.handleRequest(
            signed("push", UUID.randomUUID().toString(), fixture("push-feature.json")), null);
    APIGatewayV2HTTPResponse issue =
        handler.handleRequest(signed("issues", UUID.randomUUID().toString(), "{}"), null);
    String main = UUID.randomUUID().toString();
    handler.handleRequest(signed("push", main, fixture("push-main.json")), null);

    assertThat(feature.getStatusCode()).isEqualTo(200);
    assertThat(feature.getBody()).contains("ignored: refs/heads/feature/search");
    assertThat(issue.getBody()).contains("ignored: event 'issues'");
    assertThat(awaitEvents(1)).extracting(d -> d.path("deliveryId").asText()).containsExactly(main);
  }

  @Test
  void withAnyBranchEveryPushIsForwardedForTheRulesToChoose() throws Exception {
    GitHubWebhookHandler handler =
        new GitHubWebhookHandler(
            AwsClients.secretsById(EmulatorClients.secretsManager()),
            new S3DeliveryLedger(s3, bucket),
            events,
            new GitHubWebhookHandler.Config(
                secretName, bus, GitHubWebhookHandler.ANY_BRANCH, Optional.of("octo-org/notes")));
    String feature = UUID.randomUUID().toString();

    APIGatewayV2HTTPResponse response =
        handler.handleRequest(signed("push", feature, fixture("push-feature.json")), null);

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(awaitEvents(1))
        .extracting(d -> d.path("deliveryId").asText())
        .containsExactly(feature);
  }

  @Test
  void aBase64EncodedBodyIsVerifiedOnItsBytes() throws Exception {
    String body = fixture("push-main.json");
    APIGatewayV2HTTPEvent event = signed("push", UUID.randomUUID().toString(), body);
    event.setBody(
        java.util.Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)));
    event.setIsBase64Encoded(true);

    assertThat(handler().handleRequest(event, null).getStatusCode()).isEqualTo(200);
  }
}
