package dev.cairn.aws.lambda.run;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.aws.lambda.FunctionRuntime;
import dev.cairn.aws.lambda.audit.AuditNotDeliveredException;
import dev.cairn.pipeline.audit.AuditError;
import dev.cairn.pipeline.file.EnvironmentNames;
import dev.cairn.pipeline.json.Json;
import dev.cairn.pipeline.port.AuditDeliveryStatus;
import dev.cairn.pipeline.port.AuditLog;
import dev.cairn.pipeline.runtime.PipelineRuntime;
import dev.cairn.pipeline.runtime.RecordedOutcome;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The state machine's {@code cairn-record} function on AWS: records the outcome a Record state
 * reports ({@link PipelineRuntime#record}: the run's facts, the audit record with the commit, tree
 * and artifact from them, and for an environment the release of its deploy slot, which grants it to
 * the newest waiting run). Then it delivers the audit outbox — the records every step of the run
 * appended in S3 — to the trail in git ({@link AuditLog#flush}); while records remain undelivered
 * the invocation fails ({@link AuditNotDeliveredException}) and the state machine retries it, the
 * records staying in S3. Recording twice is safe: the outcome's record has the same id.
 *
 * <p>Input: {@code {"run": {"id": ...}, "environment": "..."?, "outcome": "deployed" |
 * "rolled-back" | "skipped" | "build-failed", "skipped": {"Error", "Cause"}?, "error": {"Error",
 * "Cause"}?}}. Output: {@code {"recorded": "<outcome>"}}.
 */
public final class RecordHandler implements RequestStreamHandler {
  private static final int CAUSE_LIMIT = 500;

  private final PipelineRuntime runtime;
  private final AuditLog outbox;

  /** The handler Lambda creates: configured by environment variables ({@link FunctionRuntime}). */
  public RecordHandler() {
    this(FunctionRuntime.fromEnvironment());
  }

  private RecordHandler(PipelineRuntime runtime) {
    this(runtime, runtime.ports().audit());
  }

  /**
   * A handler over a ready runtime.
   *
   * @param outbox the runtime's audit outbox, delivered after each record
   */
  public RecordHandler(PipelineRuntime runtime, AuditLog outbox) {
    this.runtime = runtime;
    this.outbox = outbox;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    JsonNode payload = Json.parse(new String(input.readAllBytes(), StandardCharsets.UTF_8));
    output.write(Json.write(record(payload)).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Records the outcome and delivers the audit records.
   *
   * @throws IllegalArgumentException when the payload names no run, an unknown outcome or an
   *     invalid environment
   * @throws AuditNotDeliveredException when records could not be delivered to the trail
   */
  public ObjectNode record(JsonNode payload) {
    String run = payload.path("run").path("id").asText("");
    if (run.isBlank()) {
      throw new IllegalArgumentException("the input has no \"run.id\"");
    }
    RecordedOutcome outcome = RecordedOutcome.of(payload.path("outcome").asText(""));
    String environment =
        payload.hasNonNull("environment")
            ? EnvironmentNames.require(payload.get("environment").asText())
            : null;
    JsonNode error =
        payload.path("skipped").isObject() ? payload.get("skipped") : payload.path("error");
    AuditError ends = runtime.record(run, environment, outcome, error(error));
    AuditDeliveryStatus status = outbox.flush();
    // Records other runs append meanwhile may wait for their own record state; what failed is
    // this delivery.
    if (status.consecutiveFailures() > 0) {
      throw new AuditNotDeliveredException(
          status.pending()
              + " audit record(s) of run "
              + run
              + " not delivered yet: "
              + status.lastError().orElse("unknown error"));
    }
    return PipelineRuntime.recordResult(outcome, ends);
  }

  /** The state machine's {@code {"Error", "Cause"}}, or null when there is none. */
  private static AuditError error(JsonNode error) {
    if (!error.isObject() || !error.hasNonNull("Error")) {
      return null;
    }
    String cause = error.path("Cause").asText("").lines().findFirst().orElse("");
    return new AuditError(
        error.get("Error").asText(),
        cause.isEmpty()
            ? null
            : cause.length() > CAUSE_LIMIT ? cause.substring(0, CAUSE_LIMIT) : cause);
  }
}
