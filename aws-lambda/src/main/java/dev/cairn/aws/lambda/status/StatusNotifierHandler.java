package dev.cairn.aws.lambda.status;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.cairn.aws.config.AwsClients;
import dev.cairn.aws.config.LambdaSettings;
import dev.cairn.git.host.GitHostException;
import dev.cairn.git.host.GitHubApi;
import dev.cairn.git.host.GitHubNotifier;
import dev.cairn.pipeline.json.Json;
import dev.cairn.pipeline.port.SecretStore;
import dev.cairn.pipeline.port.StatusMessage;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The status notifier: consumes the status queue ({@link StatusMessage}s, {@code cairn.status/v1},
 * as the runner and the pipeline publish them through {@code SqsStatusPublisher}) and turns each
 * into a commit status on GitHub (context {@code cairn/build} for builds, {@code
 * cairn/<environment>} for deployments) and a GitHub Deployment per run and environment, through
 * the same {@link GitHubNotifier} the local loop uses. The event source mapping must enable {@code
 * ReportBatchItemFailures}: a message whose status could not be created is reported back and only
 * it is retried; after the queue's {@code maxReceiveCount} it goes to the dead-letter queue.
 *
 * <p>Every job that may send to a queue could forge a message, so the repository a status goes to
 * is never taken from the message alone: it is the one the message's queue belongs to ({@code
 * CAIRN_STATUS_QUEUE_REPOSITORIES}, {@code <queue ARN>=<owner/name>,...}: a queue per repository),
 * else the function's single repository ({@code CAIRN_REPOSITORY}). A message naming another
 * repository (in its body or attributes) is refused, as is one for a repository not configured.
 */
public final class StatusNotifierHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
  /** The setting mapping status queues to their repositories. */
  public static final String QUEUE_REPOSITORIES = "CAIRN_STATUS_QUEUE_REPOSITORIES";

  private final java.util.function.Function<String, GitHubNotifier> notifiers;
  private final Optional<String> repository;
  private final java.util.Map<String, String> queueRepositories;

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
        settings.optional(LambdaSettings.REPOSITORY),
        parseQueues(settings.optional(QUEUE_REPOSITORIES).orElse("")));
  }

  /** {@code arn=owner/name,arn=owner/name} as a map. */
  static java.util.Map<String, String> parseQueues(String setting) {
    java.util.Map<String, String> queues = new java.util.HashMap<>();
    for (String entry : setting.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      int equals = entry.lastIndexOf('=');
      if (equals <= 0 || equals == entry.length() - 1) {
        throw new IllegalArgumentException(
            QUEUE_REPOSITORIES + ": expected <queue ARN>=<owner/name>, got " + entry.strip());
      }
      queues.put(entry.substring(0, equals).strip(), entry.substring(equals + 1).strip());
    }
    return java.util.Map.copyOf(queues);
  }

  /**
   * A handler with explicit collaborators.
   *
   * @param apiBase the GitHub API base URL
   * @param secrets where the token is
   * @param tokenSecretName the token's secret name
   * @param repository the only repository ({@code owner/name}) statuses go to, when queues are not
   *     mapped
   */
  public StatusNotifierHandler(
      URI apiBase, SecretStore secrets, String tokenSecretName, Optional<String> repository) {
    this(apiBase, secrets, tokenSecretName, repository, java.util.Map.of());
  }

  /**
   * A handler with explicit collaborators and a queue per repository.
   *
   * @param queueRepositories each status queue's ARN and the repository its messages are for
   */
  public StatusNotifierHandler(
      URI apiBase,
      SecretStore secrets,
      String tokenSecretName,
      Optional<String> repository,
      java.util.Map<String, String> queueRepositories) {
    this.repository = repository;
    this.queueRepositories = java.util.Map.copyOf(queueRepositories);
    java.util.function.Supplier<String> token =
        () ->
            secrets
                .get(tokenSecretName)
                .orElseThrow(
                    () ->
                        new GitHostException(
                            "the secret " + tokenSecretName + " holding the token is empty"));
    // A Lambda invocation is short: a few quick retries here, then SQS redelivers the message.
    GitHubApi.Retry retry = new GitHubApi.Retry(3, Duration.ofMillis(500), Duration.ofSeconds(10));
    this.notifiers =
        name -> new GitHubNotifier(new GitHubApi(apiBase, name, token, retry, Thread::sleep));
  }

  @Override
  public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
    List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
    for (SQSEvent.SQSMessage message : event.getRecords()) {
      try {
        String repository =
            trustedRepository(
                message.getBody(), attribute(message, "repository"), message.getEventSourceArn());
        notifiers
            .apply(repository)
            .deliver(StatusMessage.fromJson(message.getBody()), GitHubNotifier.Links.NONE);
      } catch (GitHostException | IllegalArgumentException e) {
        log(context, "status of message " + message.getMessageId() + " not delivered: " + e);
        failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
      }
    }
    return new SQSBatchResponse(failures);
  }

  /**
   * The repository a status message from {@code queueArn} may change: its queue's (a queue per
   * repository), else the only one configured.
   *
   * @param attributeRepository the message's {@code repository} attribute, or empty
   * @throws IllegalArgumentException when the body is not a {@code cairn.status/v1} message, no
   *     repository is configured for its queue, or it names a repository other than its queue's
   */
  String trustedRepository(String body, String attributeRepository, String queueArn) {
    StatusMessage.fromJson(body);
    String trusted =
        queueArn != null && queueRepositories.containsKey(queueArn)
            ? queueRepositories.get(queueArn)
            : queueRepositories.isEmpty() ? repository.orElse("") : "";
    if (trusted.isEmpty()) {
      throw new IllegalArgumentException(
          "no repository is configured for this message's queue: set "
              + QUEUE_REPOSITORIES
              + " or "
              + LambdaSettings.REPOSITORY);
    }
    // A message may still name its repository; naming another one is a forgery.
    for (String named :
        List.of(Json.parse(body).path("repository").asText(""), attributeRepository)) {
      if (!named.isEmpty() && !named.equalsIgnoreCase(trusted)) {
        throw new IllegalArgumentException(
            "the message names a repository other than its queue's; refused");
      }
    }
    return trusted;
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
