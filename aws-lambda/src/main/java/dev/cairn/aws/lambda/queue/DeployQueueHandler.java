package dev.cairn.aws.lambda.queue;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.aws.lambda.FunctionRuntime;
import dev.cairn.pipeline.file.EnvironmentNames;
import dev.cairn.pipeline.json.Json;
import dev.cairn.pipeline.runtime.PipelineRuntime;
import dev.cairn.pipeline.runtime.QueueRules;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The state machine's {@code cairn-queue} function on AWS ({@code lambda:invoke.waitForTaskToken}):
 * puts the run in its environment's deploy queue ({@link PipelineRuntime#enqueue}, the core's
 * {@code DeployQueue}) with the task token, and returns at once. The queue state waits until the
 * token is answered: SendTaskSuccess when the run may deploy (now, or later when the record state
 * of the run holding the slot releases it), SendTaskFailure {@code Cairn.Superseded} or {@code
 * Cairn.Skipped} otherwise. The run's number and commit come from its facts ({@code cairn-validate}
 * stored them).
 *
 * <p>Input: {@code {"run": {"id": ...}, "environment": "...", "token": "..."}}. Output (ignored by
 * the state machine): {@code {"queued": "<run>", "environment": "...", "answered": ["<run>:
 * granted" | "superseded" | "skipped", ...]}} — never a token.
 */
public final class DeployQueueHandler implements RequestStreamHandler {
  private final PipelineRuntime runtime;

  /** The handler Lambda creates: configured by environment variables ({@link FunctionRuntime}). */
  public DeployQueueHandler() {
    this(FunctionRuntime.fromEnvironment());
  }

  /** A handler over a ready runtime. */
  public DeployQueueHandler(PipelineRuntime runtime) {
    this.runtime = runtime;
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
   * @throws IllegalArgumentException when the payload lacks the run, the environment or the token,
   *     or names an invalid environment (the message never holds the token)
   */
  public ObjectNode enqueue(JsonNode payload) {
    String run = require(payload.path("run"), "id", "run.id");
    String environment = EnvironmentNames.require(require(payload, "environment", "environment"));
    String token = require(payload, "token", "token");
    ObjectNode result = Json.object();
    result.put("queued", run);
    result.put("environment", environment);
    result.putArray("answered");
    for (QueueRules.Reply reply : runtime.enqueue(run, environment, token)) {
      result
          .withArray("answered")
          .add(reply.slot().run() + ": " + reply.answer().name().toLowerCase(Locale.ROOT));
    }
    return result;
  }

  static String require(JsonNode node, String field, String name) {
    String value = node.path(field).asText("");
    if (value.isBlank()) {
      throw new IllegalArgumentException("the input has no \"" + name + "\"");
    }
    return value;
  }
}
