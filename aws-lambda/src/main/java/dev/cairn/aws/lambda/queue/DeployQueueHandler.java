package dev.cairn.aws.lambda.queue;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.aws.config.AwsClients;
import dev.cairn.aws.config.LambdaSettings;
import dev.cairn.aws.run.RunFacts;
import dev.cairn.aws.sfn.StepFunctionsExecutionControl;
import dev.cairn.git.GitToken;
import dev.cairn.git.audit.TrailLastGood;
import dev.cairn.pipeline.json.Json;
import dev.cairn.pipeline.port.SecretStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * The state machine's {@code cairn-queue} function on AWS ({@code lambda:invoke.waitForTaskToken}):
 * puts the run in its environment's deploy queue ({@link DeployQueue}) with the task token, and
 * returns at once. The queue state waits until the token is answered: SendTaskSuccess when the run
 * may deploy (now, or later when the record state of the run holding the slot releases it),
 * SendTaskFailure {@code Cairn.Superseded} or {@code Cairn.Skipped} otherwise.
 *
 * <p>Input: {@code {"run": {id, commit, trigger, repository, sequence?}, "environment": "...",
 * "token": "..."}}. The run's sequence number comes from the run or from its facts ({@code
 * cairn-validate} assigns it). Output (ignored by the state machine): {@code {"queued": "<run>",
 * "answered": ["granted" | "superseded" | "skipped", ...]}}.
 */
public final class DeployQueueHandler implements RequestStreamHandler {
  private final DeployQueue queue;
  private final RunFacts facts;
  private final BadCommits badCommits;

  /**
   * The handler Lambda creates: configured by environment variables (see {@link LambdaSettings});
   * the audit trail is consulted for bad commits when {@code CAIRN_GIT_REMOTE} is set.
   */
  public DeployQueueHandler() {
    this(LambdaSettings.fromEnvironment(), S3Client.create(), AwsClients.secrets());
  }

  private DeployQueueHandler(LambdaSettings settings, S3Client s3, SecretStore secrets) {
    this(
        queueFromSettings(s3, settings),
        RunFacts.fromSettings(s3, settings),
        settings
            .optional(LambdaSettings.GIT_REMOTE)
            .map(remote -> BadCommits.fromTrail(remote, trail(settings, secrets)))
            .orElse(BadCommits.none()));
  }

  /** A handler with explicit collaborators. */
  public DeployQueueHandler(DeployQueue queue, RunFacts facts, BadCommits badCommits) {
    this.queue = queue;
    this.facts = facts;
    this.badCommits = badCommits;
  }

  /** The queue the production functions use: S3 in the settings' bucket, Step Functions tokens. */
  public static DeployQueue queueFromSettings(S3Client s3, LambdaSettings settings) {
    return new DeployQueue(
        new S3QueueStore(
            s3, settings.require(LambdaSettings.ARTIFACT_BUCKET), settings.artifactPrefix()),
        TaskTokens.stepFunctions(new StepFunctionsExecutionControl(SfnClient.create())));
  }

  private static TrailLastGood trail(LambdaSettings settings, SecretStore secrets) {
    String tokenSecret = settings.require(LambdaSettings.GIT_TOKEN_SECRET);
    return new TrailLastGood(
        settings.workDirectory().resolve("queue-trail-cache.git"),
        GitToken.credentials(secrets, tokenSecret),
        Duration.ofSeconds(20));
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    JsonNode payload = Json.parse(new String(input.readAllBytes(), StandardCharsets.UTF_8));
    output.write(Json.write(enqueue(payload)).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Queues the run.
   *
   * @throws IllegalArgumentException when the payload lacks the run, its commit, the environment,
   *     the token or a sequence number (the message never holds the token)
   */
  public ObjectNode enqueue(JsonNode payload) {
    JsonNode run = payload.path("run");
    String runId = require(run, "id", "run.id");
    String environment = require(payload, "environment", "environment");
    String token = require(payload, "token", "token");
    ObjectNode known = facts.read(runId).orElseGet(Json::object);
    String commit = known.path("commit").asText(run.path("commit").asText(""));
    if (commit.isEmpty()) {
      throw new IllegalArgumentException("run " + runId + " names no commit");
    }
    long sequence = run.path("sequence").asLong(known.path("sequence").asLong(0));
    if (sequence <= 0) {
      throw new IllegalArgumentException(
          "run " + runId + " has no sequence number (cairn-validate assigns it)");
    }
    boolean manual = "manual".equals(run.path("trigger").asText());
    String repository = run.path("repository").asText(known.path("repository").asText(""));
    boolean bad = !manual && badCommits.isBad(repository, environment, commit);
    var answers =
        queue.enqueue(
            environment, new QueueState.Slot(runId, sequence, commit, token), manual, bad);
    ObjectNode result = Json.object();
    result.put("queued", runId);
    result.put("environment", environment);
    answers.forEach(
        a ->
            result
                .withArray("answered")
                .add(a.slot().run() + ": " + a.kind().name().toLowerCase(java.util.Locale.ROOT)));
    return result;
  }

  private static String require(JsonNode node, String field, String name) {
    String value = node.path(field).asText("");
    if (value.isBlank()) {
      throw new IllegalArgumentException("the queue's input has no \"" + name + "\"");
    }
    return value;
  }
}
