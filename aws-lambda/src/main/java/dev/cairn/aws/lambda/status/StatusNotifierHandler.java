package dev.cairn.aws.lambda.status;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.cairn.aws.config.AwsClients;
import dev.cairn.aws.config.LambdaSettings;
import dev.cairn.pipeline.json.Json;
import dev.cairn.pipeline.port.SecretStore;
import dev.cairn.pipeline.port.StatusMessage;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The status notifier: consumes the status queue ({@link StatusMessage}s, {@code cairn.status/v1},
 * as the runner and the pipeline publish them through {@code SqsStatusPublisher}) and turns each
 * into a commit status on GitHub: context {@code cairn/build} for builds, {@code
 * cairn/<environment>} for deployments. The event source mapping must enable {@code
 * ReportBatchItemFailures}: a message whose status could not be created is reported back and only
 * it is retried; after the queue's {@code maxReceiveCount} it goes to the dead-letter queue.
 */
public final class StatusNotifierHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
  private final GitHubStatusClient github;
  private final Optional<String> repository;

  /**
   * The handler Lambda creates: configured by environment variables (see {@link LambdaSettings}).
   */
  public StatusNotifierHandler() {
    this(LambdaSettings.fromEnvironment(), AwsClients.secrets());
  }

  private StatusNotifierHandler(LambdaSettings settings, SecretStore secrets) {
    this(
        URI.create(settings.orDefault(LambdaSettings.GITHUB_API, "https://api.github.com")),
        secrets,
        settings.require(LambdaSettings.GIT_TOKEN_SECRET),
        settings.optional(LambdaSettings.REPOSITORY));
  }

  /**
   * A handler with explicit collaborators.
   *
   * @param apiBase the GitHub API base URL
   * @param secrets where the token is
   * @param tokenSecretName the token's secret name
   * @param repository the repository ({@code owner/name}) of messages that name none
   */
  public StatusNotifierHandler(
      URI apiBase, SecretStore secrets, String tokenSecretName, Optional<String> repository) {
    this.repository = repository;
    this.github =
        new GitHubStatusClient(
            apiBase,
            () ->
                secrets
                    .get(tokenSecretName)
                    .orElseThrow(
                        () ->
                            new StatusDeliveryException(
                                "the secret " + tokenSecretName + " holding the token is empty")));
  }

  @Override
  public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
    List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
    for (SQSEvent.SQSMessage message : event.getRecords()) {
      try {
        github.post(toCommitStatus(message.getBody(), attribute(message, "repository")));
      } catch (StatusDeliveryException | IllegalArgumentException e) {
        log(context, "status of message " + message.getMessageId() + " not delivered: " + e);
        failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
      }
    }
    return new SQSBatchResponse(failures);
  }

  /**
   * The commit status a status message asks for.
   *
   * @param attributeRepository the message's {@code repository} attribute, or empty
   * @throws IllegalArgumentException when the body is not a {@code cairn.status/v1} message or no
   *     repository is known
   */
  CommitStatus toCommitStatus(String body, String attributeRepository) {
    StatusMessage message = StatusMessage.fromJson(body);
    // cairn.status/v1 names no repository. Where a publisher adds one (a "repository" field or
    // message attribute) it wins; otherwise the function's CAIRN_REPOSITORY (one repository).
    String named = Json.parse(body).path("repository").asText(attributeRepository);
    String target = named.isEmpty() ? repository.orElse("") : named;
    if (target.isEmpty()) {
      throw new IllegalArgumentException(
          "no repository: set " + LambdaSettings.REPOSITORY + " or send \"repository\"");
    }
    String context =
        message.environment() == null ? "cairn/build" : "cairn/" + message.environment();
    return new CommitStatus(
        target, message.commit(), message.state().wireName(), context, message.description(), null);
  }

  private static String attribute(SQSEvent.SQSMessage message, String name) {
    var attributes = message.getMessageAttributes();
    if (attributes == null || attributes.get(name) == null) {
      return "";
    }
    String value = attributes.get(name).getStringValue();
    return value == null ? "" : value;
  }

  private static void log(Context context, String line) {
    if (context != null && context.getLogger() != null) {
      context.getLogger().log(line + "\n");
    } else {
      System.err.println(line);
    }
  }
}
