package dev.cairn.aws.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The configuration of Cairn's AWS runtime (the Lambda functions and the runner's Batch jobs):
 * their environment variables, set by the CDK app. Reading one that is missing fails with a message
 * naming it, so a misconfigured function or job says what to fix.
 */
public final class LambdaSettings {
  /** The prefix of the application's secrets in Secrets Manager (default {@code cairn/}). */
  public static final String SECRET_PREFIX = "CAIRN_SECRET_PREFIX";

  /** The Secrets Manager secret (name or ARN) holding GitHub's webhook secret. */
  public static final String WEBHOOK_SECRET = "CAIRN_WEBHOOK_SECRET_ID";

  /**
   * The Secrets Manager secret (name or ARN) holding the git host token, for HTTPS fetches and
   * pushes and commit statuses.
   */
  public static final String GIT_TOKEN_SECRET = "CAIRN_GIT_TOKEN_SECRET_ID";

  /** The artifact bucket (also holds the webhook deliveries already seen). */
  public static final String ARTIFACT_BUCKET = "CAIRN_ARTIFACT_BUCKET";

  /** The repository's key prefix in the artifact bucket, e.g. {@code notes/} (default none). */
  public static final String ARTIFACT_PREFIX = "CAIRN_ARTIFACT_PREFIX";

  /** The EventBridge bus pushes are put on. */
  public static final String EVENT_BUS = "CAIRN_EVENT_BUS";

  /** The branch whose pushes start runs (default {@code main}). */
  public static final String BRANCH = "CAIRN_BRANCH";

  /** The repository ({@code owner/name}) whose pushes are accepted; any when unset. */
  public static final String REPOSITORY = "CAIRN_REPOSITORY";

  /** The application's git remote (HTTPS URL) the audit trail is pushed to and read from. */
  public static final String GIT_REMOTE = "CAIRN_GIT_REMOTE";

  /**
   * The GitHub API base URL (default {@code https://api.github.com}; GitHub Enterprise differs).
   */
  public static final String GITHUB_API = "CAIRN_GITHUB_API";

  /**
   * The repository's status queue (SQS URL): the runtime's status messages go there; none sent when
   * unset.
   */
  public static final String STATUS_QUEUE_URL = "CAIRN_STATUS_QUEUE_URL";

  /**
   * The name prefix of the environments' CloudFormation stacks, e.g. {@code notes-}; unset when the
   * environments are processes.
   */
  public static final String STACK_PREFIX = "CAIRN_STACK_PREFIX";

  /** A directory for the function's scratch files (default {@code /tmp/cairn}). */
  public static final String WORK_DIRECTORY = "CAIRN_WORK_DIRECTORY";

  private final Map<String, String> environment;

  /** Settings read from {@code environment}. */
  public LambdaSettings(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  /** Settings read from the process environment. */
  public static LambdaSettings fromEnvironment() {
    return new LambdaSettings(System.getenv());
  }

  /**
   * A required setting.
   *
   * @throws IllegalStateException naming the missing variable
   */
  public String require(String name) {
    return optional(name)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "the environment variable " + name + " is not set (see docs/aws.md)"));
  }

  /** An optional setting; blank counts as unset. */
  public Optional<String> optional(String name) {
    return Optional.ofNullable(environment.get(name)).filter(v -> !v.isBlank());
  }

  /** An optional setting with a default. */
  public String orDefault(String name, String fallback) {
    return optional(name).orElse(fallback);
  }

  /** {@value #ARTIFACT_PREFIX}, or none. */
  public String artifactPrefix() {
    return orDefault(ARTIFACT_PREFIX, "");
  }

  /** {@value #WORK_DIRECTORY}, or {@code /tmp/cairn} (Lambda's only writable directory). */
  public Path workDirectory() {
    return Path.of(orDefault(WORK_DIRECTORY, "/tmp/cairn"));
  }
}
