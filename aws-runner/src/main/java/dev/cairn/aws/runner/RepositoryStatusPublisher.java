package dev.cairn.aws.runner;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.aws.AwsErrors;
import dev.cairn.engine.json.Json;
import dev.cairn.pipeline.port.StatusMessage;
import dev.cairn.pipeline.port.StatusPublisher;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Status messages on SQS that name their repository: the {@code cairn.status/v1} body of {@code
 * SqsStatusPublisher} plus a {@code repository} field and message attribute, so that one status
 * notifier serves every repository of the account ({@code cairn.status/v1} readers ignore unknown
 * fields). Once {@code StatusMessage} or {@code SqsStatusPublisher} carry the repository, this
 * class can go.
 */
public final class RepositoryStatusPublisher implements StatusPublisher {
  private final SqsClient sqs;
  private final String queueUrl;
  private final String repository;

  /** A publisher of {@code repository}'s messages to the queue. */
  public RepositoryStatusPublisher(SqsClient sqs, String queueUrl, String repository) {
    this.sqs = Objects.requireNonNull(sqs, "sqs");
    this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl");
    this.repository = Objects.requireNonNull(repository, "repository");
  }

  @Override
  public void publish(StatusMessage message) {
    ObjectNode body = message.toJsonNode();
    body.put("repository", repository);
    String text = Json.write(body);
    SendMessageRequest.Builder request =
        SendMessageRequest.builder()
            .queueUrl(queueUrl)
            .messageBody(text)
            .messageAttributes(
                Map.of(
                    "state", attribute(message.state().wireName()),
                    "run", attribute(message.run()),
                    "repository", attribute(repository)));
    if (queueUrl.endsWith(".fifo")) {
      request.messageGroupId(message.commit()).messageDeduplicationId(sha256(text));
    }
    try {
      sqs.sendMessage(request.build());
    } catch (SdkException e) {
      throw AwsErrors.translate(
          "SQS SendMessage of run " + message.run() + "'s status to " + queueUrl, e, true);
    }
  }

  private static MessageAttributeValue attribute(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
