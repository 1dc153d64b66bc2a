package dev.cairn.aws.lambda.plan;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.aws.lambda.FunctionRuntime;
import dev.cairn.pipeline.file.EnvironmentNames;
import dev.cairn.pipeline.json.Json;
import dev.cairn.pipeline.runtime.PipelineRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The state machine's {@code cairn-plan} function on AWS: what the run's deployment to an
 * environment will change ({@link PipelineRuntime#plan}: the artifact, the commit it replaces — the
 * environment's last good one —, the stack, services and migration), and the record that the
 * deployment started. It reads the environment's state in S3 and needs no git credentials.
 *
 * <p>Input: {@code {"run": {"id": ...}, "environment": "..."}}. Output: the plan, {@code
 * {"artifact", "commit", "replaces", "stack"?, "services"?, "migrate"}}.
 */
public final class PlanHandler implements RequestStreamHandler {
  private final PipelineRuntime runtime;

  /** The handler Lambda creates: configured by environment variables ({@link FunctionRuntime}). */
  public PlanHandler() {
    this(FunctionRuntime.fromEnvironment());
  }

  /** A handler over a ready runtime. */
  public PlanHandler(PipelineRuntime runtime) {
    this.runtime = runtime;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    JsonNode payload = Json.parse(new String(input.readAllBytes(), StandardCharsets.UTF_8));
    output.write(Json.write(plan(payload)).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Plans the deployment.
   *
   * @throws IllegalArgumentException when the payload names no run or no valid environment
   */
  public ObjectNode plan(JsonNode payload) {
    String run = payload.path("run").path("id").asText("");
    if (run.isBlank()) {
      throw new IllegalArgumentException("the input has no \"run.id\"");
    }
    String environment = EnvironmentNames.require(payload.path("environment").asText(null));
    return runtime.plan(run, environment);
  }
}
