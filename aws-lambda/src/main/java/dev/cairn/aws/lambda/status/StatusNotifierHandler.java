package dev.cairn.aws.lambda.status;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.aws.lambda.AwsClients;
import dev.cairn.aws.lambda.LambdaSettings;
import dev.cairn.engine.json.Json;
import dev.cairn.pipeline.port.SecretStore;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The status notifier: consumes the status queue (messages as the runner and the pipeline publish
 * them) and turns each into a commit status on GitHub. The event source mapping must enable {@code
 * ReportBatchItemFailures}: a message whose status could not be created is reported back and only
 * it is retried; after the queue's {@code maxReceiveCount} it goes to the dead-letter queue.
 */
public final class StatusNotifierHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
  private final GitHubStatusClient github;

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
        settings.require(LambdaSettings.GIT_TOKEN_SECRET));
  }

  /**
   * A handler with explicit collaborators.
   *
   * @param apiBase the GitHub API base URL
   * @param secrets where the token is
   * @param tokenSecretName the token's secret name
   */
  public StatusNotifierHandler(URI apiBase, SecretStore secrets, String tokenSecretName) {
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
        toCommitStatus(message.getBody()).ifPresent(github::post);
      } catch (StatusDeliveryException | IllegalArgumentException e) {
        log(context, "status of message " + message.getMessageId() + " not delivered: " + e);
        failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
      }
    }
    return new SQSBatchResponse(failures);
  }

  /**
   * The commit status a status message asks for; empty for messages that concern no commit status
   * (build output lines, messages without a repository).
   *
   * @throws IllegalArgumentException when the message is not a status message
   */
  static Optional<CommitStatus> toCommitStatus(String body) {
    JsonNode message = Json.parse(body);
    if (!message.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    String kind = message.path("kind").asText("");
    String repository = message.path("repository").asText("");
    String commit = message.path("commit").asText("");
    String state = stateOf(kind);
    if (state == null || repository.isEmpty() || commit.isEmpty()) {
      return Optional.empty();
    }
    String environment = message.path("environment").asText("");
    String context = environment.isEmpty() ? "cairn/build" : "cairn/" + environment;
    String description = message.path("message").asText(kind);
    String link = message.path("url").asText("");
    return Optional.of(
        new CommitStatus(
            repository, commit, state, context, description, link.isEmpty() ? null : link));
  }

  /** The GitHub state for a status kind, or null when the kind changes no commit status. */
  static String stateOf(String kind) {
    return switch (kind) {
      case "run-started", "build-started", "deploy-started", "switched" -> "pending";
      case "build-succeeded", "build-reused", "deployed" -> "success";
      case "build-failed", "rolled-back", "deploy-failed" -> "failure";
      case "superseded", "skipped" -> "error";
      default -> null;
    };
  }

  private static void log(Context context, String line) {
    if (context != null && context.getLogger() != null) {
      context.getLogger().log(line + "\n");
    } else {
      System.err.println(line);
    }
  }
}
