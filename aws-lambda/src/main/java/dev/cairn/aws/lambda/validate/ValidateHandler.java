package dev.cairn.aws.lambda.validate;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.aws.lambda.FunctionRuntime;
import dev.cairn.pipeline.file.EnvironmentNames;
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
 * <p>Input: {@code {"run": {id, commit, tree?, message?, trigger?, pusher?, repository?,
 * environment?, action?}}}. Output: {@code {"run": "<id>", "sequence": n}}. Fails with {@link
 * IllegalArgumentException} (error name on AWS: {@code IllegalArgumentException}) for a run without
 * id or commit.
 *
 * <p>A run a person starts by hand ({@code trigger: manual}) names its {@code environment} and its
 * {@code action}, recorded as the local runtime records them, after {@code run-started} and before
 * the run's first job: {@code deploy} (the commit is deployed even when marked bad) or {@code
 * rollback}, whose {@code commit} may be left out (the good release before the current one): the
 * commit the environment runs is marked bad before the run deploys the target again.
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
    Action action = Action.of(run);
    if (!(action == Action.ROLLBACK && commit.isEmpty()) && !COMMIT.matcher(commit).matches()) {
      throw new IllegalArgumentException("the run has no full commit id: \"" + commit + "\"");
    }
    if (runtime.ports().runs().find(id).isEmpty()) {
      start(id, run, action);
    }
    RunFacts facts = runtime.validate(id);
    ObjectNode result = Json.object();
    result.put("run", id);
    result.put("sequence", facts.sequence());
    return result;
  }

  /** What a person asked for by hand, or {@link #PUSHED} for a run of a pushed commit. */
  private enum Action {
    PUSHED,
    DEPLOY,
    ROLLBACK;

    static Action of(JsonNode run) {
      if (!run.path("trigger").asText("push").equals(RunFacts.Trigger.MANUAL.wireName())) {
        return PUSHED;
      }
      return switch (run.path("action").asText("deploy")) {
        case "deploy" -> DEPLOY;
        case "rollback" -> ROLLBACK;
        default ->
            throw new IllegalArgumentException(
                "the run's action must be deploy or rollback, not \""
                    + run.path("action").asText()
                    + "\"");
      };
    }
  }

  /**
   * Stores the run's facts, records that it started and, for a manual action, the action; numbered
   * by {@code validate} afterwards, once: a retried validation keeps the run's place.
   */
  private void start(String id, JsonNode run, Action action) {
    String environment =
        action == Action.PUSHED ? null : EnvironmentNames.require(text(run, "environment"));
    String commit = text(run, "commit");
    PipelineRuntime.ManualRollback rollback = null;
    String message = text(run, "message");
    if (action == Action.ROLLBACK) {
      // Decided before the run starts, as locally: the commit that runs now is marked bad.
      rollback =
          runtime.manualRollback(environment, commit == null || commit.isEmpty() ? null : commit);
      commit = rollback.target();
      message = message == null ? "rollback of " + environment : message;
    }
    runtime.started(
        RunFacts.submitted(
                id,
                commit,
                text(run, "tree"),
                message,
                RunFacts.Trigger.of(run.path("trigger").asText("push")),
                text(run, "pusher"),
                environment,
                0,
                runtime.ports().clock().instant())
            .withRepository(text(run, "repository"), 0));
    switch (action) {
      case DEPLOY -> runtime.manualDeploy(id, environment);
      case ROLLBACK -> runtime.recordManualRollback(id, environment, rollback);
      case PUSHED -> {}
    }
  }

  private static String text(JsonNode run, String field) {
    return run.hasNonNull(field) ? run.get(field).asText() : null;
  }
}
