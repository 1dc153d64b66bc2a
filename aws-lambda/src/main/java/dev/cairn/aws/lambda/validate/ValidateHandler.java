package dev.cairn.aws.lambda.validate;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.aws.lambda.FunctionRuntime;
import dev.cairn.pipeline.json.Json;
import dev.cairn.pipeline.runtime.PipelineRuntime;
import dev.cairn.pipeline.runtime.RunFacts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The state machine's {@code cairn-validate} function on AWS: checks the execution's run (id and a
 * full commit id), stores its facts the first time ({@link PipelineRuntime#started}) and numbers it
 * ({@link PipelineRuntime#validate}) so that the deploy queue can tell the newer of two runs; a
 * retried validation keeps the run's number. The pipeline file itself is validated by the build
 * job, which has the checkout.
 *
 * <p>Input: {@code {"run": {id, commit, tree?, message?, trigger?, pusher?, repository?}}}. Output:
 * {@code {"run": "<id>", "sequence": n}}. Fails with {@link IllegalArgumentException} (error name
 * on AWS: {@code IllegalArgumentException}) for a run without id or commit.
 */
public final class ValidateHandler implements RequestStreamHandler {
  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

  private final PipelineRuntime runtime;

  /** The handler Lambda creates: configured by environment variables ({@link FunctionRuntime}). */
  public ValidateHandler() {
    this(FunctionRuntime.fromEnvironment());
  }

  /** A handler over a ready runtime. */
  public ValidateHandler(PipelineRuntime runtime) {
    this.runtime = runtime;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    JsonNode payload = Json.parse(new String(input.readAllBytes(), StandardCharsets.UTF_8));
    output.write(Json.write(validate(payload)).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Records and numbers the run.
   *
   * @throws IllegalArgumentException naming what is wrong with the run
   */
  public ObjectNode validate(JsonNode payload) {
    JsonNode run = payload.path("run");
    String id = run.path("id").asText("");
    String commit = run.path("commit").asText("");
    if (!RUN_ID.matcher(id).matches()) {
      throw new IllegalArgumentException("the run has no valid id: \"" + id + "\"");
    }
    if (!COMMIT.matcher(commit).matches()) {
      throw new IllegalArgumentException("the run has no full commit id: \"" + commit + "\"");
    }
    if (runtime.ports().runs().find(id).isEmpty()) {
      // Numbered by validate below, once: a retried validation keeps the run's place.
      runtime.started(
          RunFacts.submitted(
                  id,
                  commit,
                  text(run, "tree"),
                  text(run, "message"),
                  RunFacts.Trigger.of(run.path("trigger").asText("push")),
                  text(run, "pusher"),
                  null,
                  0,
                  runtime.ports().clock().instant())
              .withRepository(text(run, "repository"), 0));
    }
    RunFacts facts = runtime.validate(id);
    ObjectNode result = Json.object();
    result.put("run", id);
    result.put("sequence", facts.sequence());
    return result;
  }

  private static String text(JsonNode run, String field) {
    return run.hasNonNull(field) ? run.get(field).asText() : null;
  }
}
