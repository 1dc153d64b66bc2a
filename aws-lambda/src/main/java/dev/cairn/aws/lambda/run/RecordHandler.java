package dev.cairn.aws.lambda.run;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.aws.config.LambdaSettings;
import dev.cairn.aws.lambda.audit.AuditWriterHandler;
import dev.cairn.aws.lambda.queue.DeployQueue;
import dev.cairn.aws.lambda.queue.DeployQueueHandler;
import dev.cairn.aws.run.RunFacts;
import dev.cairn.pipeline.audit.AuditError;
import dev.cairn.pipeline.audit.AuditEvent;
import dev.cairn.pipeline.audit.AuditRecord;
import dev.cairn.pipeline.audit.AuditTrigger;
import dev.cairn.pipeline.compile.PipelineCompiler;
import dev.cairn.pipeline.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The state machine's {@code cairn-record} function on AWS: turns the outcome a Record state
 * reports ({@code {"run": {...}, "environment": "...", "outcome": "deployed", "error": {...}}})
 * into a {@code cairn.audit/v1} record, with the commit, tree and artifact from the run's facts in
 * S3, and appends it to the trail through the {@link AuditWriterHandler} (synchronously: the
 * invocation fails, and is retried, while the git host cannot be reached). Then, for an outcome in
 * an environment, it releases the environment's deploy slot ({@link DeployQueue#release}), which
 * grants it to the newest waiting run; a rolled-back commit is marked bad in the queue.
 *
 * <p>Output: {@code {"recorded": "<outcome>", "record": "<id>"}}.
 */
public final class RecordHandler implements RequestStreamHandler {
  private final RunFacts facts;
  private final AuditWriterHandler writer;
  private final Clock clock;
  private final String cairnVersion;
  private final DeployQueue queue;

  /**
   * The handler Lambda creates: configured by environment variables (see {@link LambdaSettings}).
   */
  public RecordHandler() {
    this(LambdaSettings.fromEnvironment(), S3Client.create());
  }

  // One S3 client for the facts and the queue: each client starts its own connection pool, and
  // this runs in the function's cold start.
  private RecordHandler(LambdaSettings settings, S3Client s3) {
    this(
        RunFacts.fromSettings(s3, settings),
        new AuditWriterHandler(),
        Clock.systemUTC(),
        DeployQueueHandler.queueFromSettings(s3, settings));
  }

  /** A handler with explicit collaborators that releases no deploy queue. */
  public RecordHandler(RunFacts facts, AuditWriterHandler writer, Clock clock) {
    this(facts, writer, clock, null);
  }

  /**
   * A handler with explicit collaborators.
   *
   * @param queue the deploy queue whose environment slot a recorded deployment outcome releases, or
   *     null
   */
  public RecordHandler(RunFacts facts, AuditWriterHandler writer, Clock clock, DeployQueue queue) {
    this.facts = facts;
    this.writer = writer;
    this.clock = clock;
    this.queue = queue;
    String version = RecordHandler.class.getPackage().getImplementationVersion();
    this.cairnVersion = version == null ? "dev" : version;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    JsonNode payload = Json.parse(new String(input.readAllBytes(), StandardCharsets.UTF_8));
    output.write(Json.write(record(payload)).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Records the outcome.
   *
   * @throws IllegalArgumentException when the payload names an unknown outcome or a run without a
   *     commit
   * @throws IOException when the record could not be appended
   */
  public ObjectNode record(JsonNode payload) throws IOException {
    JsonNode run = payload.path("run");
    String runId = run.path("id").asText("");
    String outcome = payload.path("outcome").asText("");
    String environment =
        payload.hasNonNull("environment") ? payload.get("environment").asText() : null;
    ObjectNode known = facts.read(runId).orElseGet(Json::object);
    String commit = known.path("commit").asText(run.path("commit").asText(""));
    if (commit.isEmpty()) {
      throw new IllegalArgumentException("run " + runId + " names no commit");
    }
    AuditEvent event =
        switch (outcome) {
          case "build-failed" -> AuditEvent.BUILD_FAILED;
          case "deployed" -> AuditEvent.DEPLOYED;
          case "rolled-back" -> AuditEvent.ROLLED_BACK;
          case "skipped" ->
              PipelineCompiler.ERROR_SKIPPED.equals(payload.path("skipped").path("Error").asText())
                  ? AuditEvent.SKIPPED_BAD
                  : AuditEvent.SUPERSEDED;
          default -> throw new IllegalArgumentException("unknown outcome '" + outcome + "'");
        };
    AuditRecord.Builder record =
        AuditRecord.builder()
            .id(AuditRecord.newId(clock))
            .event(event)
            .occurredAt(clock.instant())
            .run(runId)
            .trigger(trigger(run))
            .commit(commit)
            .environment(environment)
            .cairnVersion(cairnVersion);
    if (known.hasNonNull("tree")) {
      record.tree(known.get("tree").asText());
    }
    if (known.hasNonNull("artifact")) {
      record.artifact(known.get("artifact").asText());
    }
    if (run.hasNonNull("message")) {
      record.commitSubject(run.get("message").asText().lines().findFirst().orElse(""));
    }
    JsonNode error = payload.path("error");
    JsonNode buildResult = facts.result(runId, "build").orElse(null);
    if (event == AuditEvent.BUILD_FAILED
        && buildResult != null
        && buildResult.hasNonNull("error")) {
      // The state machine passes no error to "Record build failed"; the build job's result in S3
      // says what failed, more precisely than Batch's States.TaskFailed.
      String cause = buildResult.path("cause").asText("");
      record.error(
          new AuditError(
              buildResult.get("error").asText(), cause.isEmpty() ? null : firstLine(cause)));
    } else if (payload.path("skipped").hasNonNull("Error")) {
      JsonNode skipped = payload.path("skipped");
      String cause = skipped.path("Cause").asText("");
      record.error(
          new AuditError(skipped.get("Error").asText(), cause.isEmpty() ? null : firstLine(cause)));
    } else if (error.isObject() && error.hasNonNull("Error")) {
      String cause = error.path("Cause").asText("");
      record.error(
          new AuditError(error.get("Error").asText(), cause.isEmpty() ? null : firstLine(cause)));
    }
    if (environment != null && known.path("rolledBackTo").hasNonNull(environment)) {
      record.rolledBackTo(known.path("rolledBackTo").get(environment).asText());
    }
    AuditRecord written =
        writer.write(record.build().toJsonNode(), run.path("repository").asText(""));
    if (queue != null && environment != null) {
      // After the record: the next run's plan and rollback read the trail, which now has it. A
      // rolled-back commit is marked bad in the queue too, so no run deploys it again.
      queue.release(environment, runId, event == AuditEvent.ROLLED_BACK ? commit : null);
    }
    ObjectNode result = Json.object();
    result.put("recorded", outcome);
    result.put("record", written.id());
    return result;
  }

  private static AuditTrigger trigger(JsonNode run) {
    String kind = run.path("trigger").asText("push");
    return new AuditTrigger(
        AuditTrigger.Kind.fromWireName(kind).orElse(AuditTrigger.Kind.PUSH),
        run.path("pusher").asText(null));
  }

  private static String firstLine(String text) {
    String line = text.lines().findFirst().orElse("");
    return line.length() > 500 ? line.substring(0, 500) : line;
  }
}
