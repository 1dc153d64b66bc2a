package dev.cairn.aws.lambda.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.aws.lambda.testing.MapSecrets;
import dev.cairn.aws.lambda.testing.RecordingHttpServer;
import dev.cairn.pipeline.json.Json;
import dev.cairn.pipeline.port.StatusMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The status notifier against a real HTTP server on loopback standing in for GitHub's API: status
 * messages become {@code POST /repos/{owner}/{repo}/statuses/{sha}} with the token, and only the
 * messages GitHub refused are reported as batch item failures.
 */
class StatusNotifierHandlerTest {
  private static final String TOKEN = "ghp_status-test-token";
  private static final String SHA_OK = "1111111111111111111111111111111111111111";
  private static final String SHA_REFUSED = "2222222222222222222222222222222222222222";

  private RecordingHttpServer github;

  @AfterEach
  void tearDown() {
    if (github != null) {
      github.close();
    }
  }

  private StatusNotifierHandler notifier() {
    return new StatusNotifierHandler(
        github.uri(),
        MapSecrets.of("github-token", TOKEN),
        "github-token",
        java.util.Optional.of("octo/notes"));
  }

  private static SQSEvent event(String... bodies) {
    List<SQSEvent.SQSMessage> messages = new ArrayList<>();
    for (int i = 0; i < bodies.length; i++) {
      SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
      message.setMessageId("m" + i);
      message.setBody(bodies[i]);
      messages.add(message);
    }
    SQSEvent event = new SQSEvent();
    event.setRecords(messages);
    return event;
  }

  private static String status(
      StatusMessage.State state, String sha, String environment, String description) {
    return new StatusMessage(
            "000001-1111111",
            sha,
            environment,
            state,
            description,
            Instant.parse("2026-11-26T06:00:00Z"))
        .toJson();
  }

  @Test
  void aDeployedMessageBecomesASuccessStatusForTheEnvironment() throws Exception {
    github = RecordingHttpServer.start(request -> 201);

    SQSBatchResponse response =
        notifier()
            .handleRequest(
                event(
                    status(
                        StatusMessage.State.SUCCESS,
                        SHA_OK,
                        "production",
                        "deployed 1111111 to production")),
                null);

    assertThat(response.getBatchItemFailures()).isEmpty();
    assertThat(github.requests()).hasSize(1);
    RecordingHttpServer.Request request = github.requests().get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo("/repos/octo/notes/statuses/" + SHA_OK);
    assertThat(request.authorization()).isEqualTo("Bearer " + TOKEN);
    JsonNode body = Json.parse(request.body());
    assertThat(body.path("state").asText()).isEqualTo("success");
    assertThat(body.path("context").asText()).isEqualTo("cairn/production");
    assertThat(body.path("description").asText()).isEqualTo("deployed 1111111 to production");
  }

  @Test
  void onlyTheRefusedMessageIsReportedAsABatchItemFailure() throws Exception {
    github = RecordingHttpServer.start(r -> r.path().endsWith(SHA_REFUSED) ? 502 : 201);

    SQSBatchResponse response =
        notifier()
            .handleRequest(
                event(
                    status(StatusMessage.State.FAILURE, SHA_OK, null, "build failed"),
                    status(StatusMessage.State.FAILURE, SHA_REFUSED, "production", "rolled back"),
                    status(
                        StatusMessage.State.SUCCESS,
                        SHA_OK,
                        "production",
                        "deployed 1111111 to production")),
                null);

    assertThat(response.getBatchItemFailures())
        .extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
        .containsExactly("m1");
    assertThat(github.requests()).hasSize(3);
    assertThat(Json.parse(github.requests().get(0).body()).path("context").asText())
        .isEqualTo("cairn/build");
    assertThat(Json.parse(github.requests().get(0).body()).path("state").asText())
        .isEqualTo("failure");
  }

  @Test
  void aMalformedMessageFailsAloneAndTheOthersAreDelivered() throws Exception {
    github = RecordingHttpServer.start(request -> 201);

    SQSBatchResponse response =
        notifier()
            .handleRequest(
                event(
                    "not json",
                    "{\"schema\":\"cairn.status/v0\"}",
                    status(StatusMessage.State.PENDING, SHA_OK, "production", "deploying")),
                null);

    assertThat(response.getBatchItemFailures())
        .extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
        .containsExactly("m0", "m1");
    assertThat(github.requests()).hasSize(1);
    assertThat(Json.parse(github.requests().get(0).body()).path("state").asText())
        .isEqualTo("pending");
  }

  @Test
  void anUnreachableApiFailsEveryMessageWithoutNamingTheToken() throws Exception {
    github = RecordingHttpServer.start(request -> 201);
    java.net.URI gone = github.uri();
    github.close();
    StatusNotifierHandler notifier =
        new StatusNotifierHandler(
            gone,
            MapSecrets.of("github-token", TOKEN),
            "github-token",
            java.util.Optional.of("octo/notes"));

    SQSBatchResponse response =
        notifier.handleRequest(
            event(
                status(
                    StatusMessage.State.SUCCESS,
                    SHA_OK,
                    "production",
                    "deployed 1111111 to production")),
            null);

    assertThat(response.getBatchItemFailures()).hasSize(1);
  }

  @Test
  void aMessageNamingAnotherRepositoryIsRefused() throws Exception {
    // Hostile: repository A's build posts "success" on repository B's commit.
    github = RecordingHttpServer.start(request -> 201);
    SQSEvent event =
        event(
            status(StatusMessage.State.SUCCESS, SHA_OK, "production", "deployed"),
            status(StatusMessage.State.SUCCESS, SHA_OK, null, "built")
                .replaceFirst("\\{", "{\"repository\":\"victim/other\","),
            status(StatusMessage.State.SUCCESS, SHA_OK, null, "built")
                .replaceFirst("\\{", "{\"repository\":\"octo/notes\","));
    SQSEvent.MessageAttribute attribute = new SQSEvent.MessageAttribute();
    attribute.setDataType("String");
    attribute.setStringValue("victim/attribute");
    event.getRecords().get(0).setMessageAttributes(java.util.Map.of("repository", attribute));

    SQSBatchResponse response = notifier().handleRequest(event, null);

    assertThat(response.getBatchItemFailures())
        .extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
        .containsExactly("m0", "m1");
    assertThat(github.requests())
        .extracting(RecordingHttpServer.Request::path)
        .containsExactly("/repos/octo/notes/statuses/" + SHA_OK);
  }

  @Test
  void withAQueuePerRepositoryTheQueueDecidesAndUnknownQueuesAreRefused() throws Exception {
    github = RecordingHttpServer.start(request -> 201);
    StatusNotifierHandler notifier =
        new StatusNotifierHandler(
            github.uri(),
            MapSecrets.of("github-token", TOKEN),
            "github-token",
            java.util.Optional.empty(),
            StatusNotifierHandler.parseQueues(
                "arn:aws:sqs:eu-west-1:1:status-a=octo/a, arn:aws:sqs:eu-west-1:1:status-b=octo/b"));
    SQSEvent event =
        event(
            status(StatusMessage.State.SUCCESS, SHA_OK, "production", "deployed"),
            status(StatusMessage.State.SUCCESS, SHA_OK, "production", "deployed"),
            status(StatusMessage.State.SUCCESS, SHA_OK, "production", "deployed")
                .replaceFirst("\\{", "{\"repository\":\"octo/b\","));
    event.getRecords().get(0).setEventSourceArn("arn:aws:sqs:eu-west-1:1:status-b");
    event.getRecords().get(1).setEventSourceArn("arn:aws:sqs:eu-west-1:1:elsewhere");
    event.getRecords().get(2).setEventSourceArn("arn:aws:sqs:eu-west-1:1:status-a");

    SQSBatchResponse response = notifier.handleRequest(event, null);

    assertThat(response.getBatchItemFailures())
        .extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
        .containsExactly("m1", "m2");
    assertThat(github.requests())
        .extracting(RecordingHttpServer.Request::path)
        .containsExactly("/repos/octo/b/statuses/" + SHA_OK);
  }
}
