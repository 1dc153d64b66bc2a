package dev.cairn.aws.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cairn.aws.AwsException;
import dev.cairn.aws.testing.EmulatorClients;
import dev.cairn.pipeline.json.Json;
import dev.cairn.pipeline.port.StatusMessage;
import dev.cairn.pipeline.port.StatusPublisher;
import dev.cairn.pipeline.port.StatusPublisherContract;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The status publisher contract on ElasticMQ, plus FIFO ordering and typed failures. */
class SqsStatusPublisherContractTest extends StatusPublisherContract {
  private static SqsClient sqs;

  @BeforeAll
  static void connect() {
    sqs = EmulatorClients.sqs();
  }

  @AfterAll
  static void close() {
    sqs.close();
  }

  @Override
  protected StatusPublisher newPublisher() {
    String url = sqs.createQueue(b -> b.queueName("status-" + UUID.randomUUID())).queueUrl();
    return new SqsStatusPublisher(sqs, url);
  }

  @Override
  protected List<StatusMessage> awaitReceived(StatusPublisher publisher, int count) {
    String url = queueUrl(publisher);
    List<Message> received = receive(url, count);
    return received.stream().map(SqsStatusPublisher::parse).toList();
  }

  private static String queueUrl(StatusPublisher publisher) {
    return ((SqsStatusPublisher) publisher).queueUrl();
  }

  private static List<Message> receive(String url, int count) {
    List<Message> received = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              for (Message m :
                  sqs.receiveMessage(
                          b ->
                              b.queueUrl(url)
                                  .maxNumberOfMessages(10)
                                  .waitTimeSeconds(1)
                                  .messageAttributeNames("All"))
                      .messages()) {
                received.add(m);
                sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
              }
              return received.size() >= count;
            });
    assertThat(received).hasSize(count);
    return received;
  }

  @Test
  void stateAndRunTravelAsAttributes() {
    StatusPublisher publisher = newPublisher();
    publisher.publish(
        new StatusMessage(
            "run-7", "abc", "prod", StatusMessage.State.FAILURE, "rolled back", Instant.EPOCH));

    Message m = receive(queueUrl(publisher), 1).get(0);

    assertThat(m.messageAttributes().get("state").stringValue()).isEqualTo("failure");
    assertThat(m.messageAttributes().get("run").stringValue()).isEqualTo("run-7");
  }

  @Test
  void aFifoQueueKeepsOrderAndDropsDuplicates() {
    String url =
        sqs.createQueue(
                b ->
                    b.queueName("status-" + UUID.randomUUID() + ".fifo")
                        .attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true")))
            .queueUrl();
    SqsStatusPublisher publisher = new SqsStatusPublisher(sqs, url);
    List<StatusMessage> sent = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      sent.add(
          new StatusMessage(
              "run-1",
              "abc",
              "prod",
              StatusMessage.State.PENDING,
              "step " + i,
              Instant.EPOCH.plusSeconds(i)));
    }

    sent.forEach(publisher::publish);
    publisher.publish(sent.get(4));

    List<Message> received = receive(url, 5);
    assertThat(received.stream().map(SqsStatusPublisher::parse)).containsExactlyElementsOf(sent);
  }

  @Test
  void aMissingQueueNeedsAPersonAndAnUnreachableSqsIsRetryable() {
    StatusMessage message =
        new StatusMessage("r", "c", null, StatusMessage.State.PENDING, "building", Instant.EPOCH);
    String missing = URI.create(queueUrl(newPublisher())).resolve("/000000000000/nope").toString();

    assertThatThrownBy(() -> new SqsStatusPublisher(sqs, missing).publish(message))
        .isInstanceOfSatisfying(AwsException.class, e -> assertThat(e.retryable()).isFalse())
        .hasMessageContaining("nope");
    try (SqsClient dead =
        EmulatorClients.configure(SqsClient.builder(), URI.create("http://127.0.0.1:1")).build()) {
      assertThatThrownBy(
              () ->
                  new SqsStatusPublisher(dead, "http://127.0.0.1:1/000000000000/q")
                      .publish(message))
          .isInstanceOfSatisfying(AwsException.class, e -> assertThat(e.retryable()).isTrue());
    }
  }

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

    new SqsStatusPublisher(sqs, queue, "octo/notes").publish(sent);

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
