package dev.cairn.aws.lambda.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.cairn.aws.lambda.testing.MapSecrets;
import dev.cairn.aws.lambda.testing.RecordingHttpServer;
import dev.cairn.git.host.FakeGitHub;
import dev.cairn.pipeline.port.StatusMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The status notifier against a fake GitHub API on loopback ({@link FakeGitHub}; a recording server
 * where several repositories are involved): status messages become commit statuses and deployments
 * with the token, and only the messages GitHub refused are reported as batch item failures.
 */
class StatusNotifierHandlerTest {
  private static final String TOKEN = "ghp_status-test-token";
  private static final String SHA_OK = "1111111111111111111111111111111111111111";
  private static final String SHA_REFUSED = "2222222222222222222222222222222222222222";

  private RecordingHttpServer github;
  private FakeGitHub fake;

  @AfterEach
  void tearDown() {
    if (github != null) {
      github.close();
    }
    if (fake != null) {
      fake.close();
    }
  }

  private StatusNotifierHandler notifier() throws Exception {
    fake = FakeGitHub.start("octo/notes", TOKEN);
    return new StatusNotifierHandler(
        fake.uri(),
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
  void aDeploymentsMessagesBecomeCommitStatusesAndAGitHubDeployment() throws Exception {
    StatusNotifierHandler notifier = notifier();

    SQSBatchResponse response =
        notifier.handleRequest(
            event(
                status(StatusMessage.State.PENDING, SHA_OK, "production", "deploying"),
                status(
                    StatusMessage.State.SUCCESS,
                    SHA_OK,
                    "production",
                    "deployed 1111111 to production")),
            null);

    assertThat(response.getBatchItemFailures()).isEmpty();
    assertThat(fake.statuses())
        .containsExactly(
            new FakeGitHub.Status(SHA_OK, "pending", "cairn/production", "deploying", null),
            new FakeGitHub.Status(
                SHA_OK, "success", "cairn/production", "deployed 1111111 to production", null));
    assertThat(fake.deployments()).hasSize(1);
    assertThat(fake.deployments().getFirst().states()).containsExactly("in_progress", "success");
    assertThat(fake.requests())
        .allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer " + TOKEN));
  }

  @Test
  void onlyTheRefusedMessageIsReportedAsABatchItemFailure() throws Exception {
    StatusNotifierHandler notifier = notifier();
    // The second message meets three server errors in a row (the handler tries three times).
    SQSEvent event =
        event(
            status(StatusMessage.State.FAILURE, SHA_OK, null, "build failed"),
            status(StatusMessage.State.FAILURE, SHA_REFUSED, null, "build failed"),
            status(StatusMessage.State.SUCCESS, SHA_OK, null, "built 1111111"));

    SQSBatchResponse first = notifier.handleRequest(subset(event, 0), null);
    for (int i = 0; i < 3; i++) {
      fake.failNext(502, java.util.Map.of());
    }
    SQSBatchResponse second = notifier.handleRequest(subset(event, 1), null);
    SQSBatchResponse third = notifier.handleRequest(subset(event, 2), null);

    assertThat(first.getBatchItemFailures()).isEmpty();
    assertThat(second.getBatchItemFailures())
        .extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
        .containsExactly("m1");
    assertThat(third.getBatchItemFailures()).isEmpty();
    assertThat(fake.states("cairn/build")).containsExactly("failure", "success");
  }

  @Test
  void aMalformedMessageFailsAloneAndTheOthersAreDelivered() throws Exception {
    StatusNotifierHandler notifier = notifier();

    SQSBatchResponse response =
        notifier.handleRequest(
            event(
                "not json",
                "{\"schema\":\"cairn.status/v0\"}",
                status(StatusMessage.State.PENDING, SHA_OK, "production", "deploying")),
            null);

    assertThat(response.getBatchItemFailures())
        .extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
        .containsExactly("m0", "m1");
    assertThat(fake.states("cairn/production")).containsExactly("pending");
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

  private static SQSEvent subset(SQSEvent event, int index) {
    SQSEvent one = new SQSEvent();
    one.setRecords(List.of(event.getRecords().get(index)));
    return one;
  }

  @Test
  void aMessageNamingAnotherRepositoryIsRefused() throws Exception {
    // Hostile: repository A's build posts "success" on repository B's commit.
    StatusNotifierHandler notifier = notifier();
    SQSEvent event =
        event(
            status(StatusMessage.State.SUCCESS, SHA_OK, null, "built"),
            status(StatusMessage.State.SUCCESS, SHA_OK, null, "built")
                .replaceFirst("\\{", "{\"repository\":\"victim/other\","),
            status(StatusMessage.State.SUCCESS, SHA_OK, null, "built")
                .replaceFirst("\\{", "{\"repository\":\"octo/notes\","));
    SQSEvent.MessageAttribute attribute = new SQSEvent.MessageAttribute();
    attribute.setDataType("String");
    attribute.setStringValue("victim/attribute");
    event.getRecords().get(0).setMessageAttributes(java.util.Map.of("repository", attribute));

    SQSBatchResponse response = notifier.handleRequest(event, null);

    assertThat(response.getBatchItemFailures())
        .extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
        .containsExactly("m0", "m1");
    assertThat(fake.requests())
        .extracting(FakeGitHub.Request::path)
        .containsExactly("/statuses/" + SHA_OK);
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
            status(StatusMessage.State.SUCCESS, SHA_OK, null, "built"),
            status(StatusMessage.State.SUCCESS, SHA_OK, null, "built"),
            status(StatusMessage.State.SUCCESS, SHA_OK, null, "built")
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
