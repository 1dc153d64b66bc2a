package dev.cairn.aws.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.aws.testing.EmulatorClients;
import dev.cairn.engine.json.Json;
import dev.cairn.pipeline.port.StatusMessage;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** On ElasticMQ: the message is a cairn.status/v1 message that also names its repository. */
class RepositoryStatusPublisherTest {
  @Test
  void theMessageNamesItsRepositoryInBodyAndAttributeAndStaysAStatusMessage() {
    SqsClient sqs = EmulatorClients.sqs();
    String queue = sqs.createQueue(b -> b.queueName("repo-status-" + UUID.randomUUID())).queueUrl();
    StatusMessage sent =
        new StatusMessage(
            "run-1",
            "a".repeat(40),
            "production",
            StatusMessage.State.SUCCESS,
            "deployed aaaaaaa to production",
            Instant.parse("2026-11-26T07:00:00Z"));

    new RepositoryStatusPublisher(sqs, queue, "octo/notes").publish(sent);

    Message received =
        sqs.receiveMessage(
                b ->
                    b.queueUrl(queue)
                        .messageAttributeNames("All")
                        .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                        .waitTimeSeconds(5))
            .messages()
            .get(0);
    assertThat(StatusMessage.fromJson(received.body())).isEqualTo(sent);
    assertThat(Json.parse(received.body()).path("repository").asText()).isEqualTo("octo/notes");
    assertThat(received.messageAttributes().get("repository").stringValue())
        .isEqualTo("octo/notes");
  }
}
