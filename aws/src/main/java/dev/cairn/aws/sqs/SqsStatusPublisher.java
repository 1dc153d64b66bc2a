package dev.cairn.aws.sqs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.aws.AwsErrors;
import dev.cairn.aws.AwsException;
import dev.cairn.pipeline.json.Json;
import dev.cairn.pipeline.port.StatusMessage;
import dev.cairn.pipeline.port.StatusPublisher;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Publishes status messages to an SQS queue as {@link StatusMessage#toJson()} bodies, with the
 * state and the run as message attributes (for filtering without parsing). The consumer (the status
 * notifier Lambda function) reads them back with {@link #parse(Message)}.
 *
 * <p>On a FIFO queue ({@code .fifo} URL) messages of one commit form one message group, so they
 * arrive in order, and the deduplication id is the SHA-256 of the body, so publishing the same
 * message twice within SQS's five-minute window delivers it once.
 *
 * <p>A publisher made for one repository adds a {@code repository} field to the body and a {@code
 * repository} message attribute, so that one status notifier serves every repository of an account
 * ({@code cairn.status/v1} readers ignore unknown fields).
 *
 * <p>Failures are {@link AwsException}s: {@code QueueDoesNotExist} or access denied need a person;
 * throttling and network failures are retryable.
 */
public final class SqsStatusPublisher implements StatusPublisher {
  private final SqsClient sqs;
  private final String queueUrl;
  private final boolean fifo;
  private final String repository;

  /**
   * A publisher to one queue whose messages name no repository.
   *
   * @param sqs the SQS client
   * @param queueUrl the queue's URL
   */
  public SqsStatusPublisher(SqsClient sqs, String queueUrl) {
    this(sqs, queueUrl, null);
  }

  /**
   * A publisher to one queue whose messages name their repository.
   *
   * @param sqs the SQS client
   * @param queueUrl the queue's URL
   * @param repository the repository ({@code owner/name}) every message names, or null for none
   */
  public SqsStatusPublisher(SqsClient sqs, String queueUrl, String repository) {
    this.sqs = Objects.requireNonNull(sqs, "sqs");
    this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl");
    this.fifo = queueUrl.endsWith(".fifo");
    this.repository = repository;
  }

  /** The queue's URL. */
  public String queueUrl() {
    return queueUrl;
  }

  /**
   * {@inheritDoc}
   *
   * @throws AwsException when SQS refuses the message or cannot be reached
   */
  @Override
  public void publish(StatusMessage message) {
    String body;
    Map<String, MessageAttributeValue> attributes = new HashMap<>();
    attributes.put("state", attribute(message.state().wireName()));
    attributes.put("run", attribute(message.run()));
    if (repository == null) {
      body = message.toJson();
    } else {
      ObjectNode json = message.toJsonNode();
      json.put("repository", repository);
      body = Json.write(json);
      attributes.put("repository", attribute(repository));
    }
    SendMessageRequest.Builder request =
        SendMessageRequest.builder()
            .queueUrl(queueUrl)
            .messageBody(body)
            .messageAttributes(attributes);
    if (fifo) {
      request.messageGroupId(message.commit()).messageDeduplicationId(sha256(body));
    }
    try {
      sqs.sendMessage(request.build());
    } catch (SdkException e) {
      // The message holds no secret (StatusMessage's rule), so SQS's own words may be kept.
      throw AwsErrors.translate(
          "SQS SendMessage of run " + message.run() + "'s status to " + queueUrl, e, true);
    }
  }

  /**
   * Reads a status message received from the queue.
   *
   * @throws IllegalArgumentException when the body is not a status message
   */
  public static StatusMessage parse(Message message) {
    return StatusMessage.fromJson(message.body());
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

  @Override
  public String toString() {
    return "SqsStatusPublisher[" + queueUrl + "]";
  }
}
