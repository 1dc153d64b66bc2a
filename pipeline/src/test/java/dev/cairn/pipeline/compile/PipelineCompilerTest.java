package dev.cairn.pipeline.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.engine.definition.DefinitionParser;
import dev.cairn.engine.error.StatesException;
import dev.cairn.engine.execution.Engine;
import dev.cairn.engine.execution.ExecutionDescription;
import dev.cairn.engine.execution.ExecutionStatus;
import dev.cairn.engine.execution.HistoryEvent;
import dev.cairn.engine.task.LambdaTaskHandler;
import dev.cairn.engine.task.TaskHandlers;
import dev.cairn.pipeline.file.AppSpec;
import dev.cairn.pipeline.file.BuildSpec;
import dev.cairn.pipeline.file.EnvironmentSpec;
import dev.cairn.pipeline.file.HealthSpec;
import dev.cairn.pipeline.file.PipelineDefinition;
import dev.cairn.pipeline.file.RollbackSpec;
import dev.cairn.pipeline.file.StepSpec;
import dev.cairn.pipeline.json.Json;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The compiled state machine, run on the engine with recording handlers standing in for jobs. */
class PipelineCompilerTest {
  private static final PipelineDefinition PIPELINE =
      new PipelineDefinition(
          "notes",
          new BuildSpec(
              List.of(new StepSpec("package", "mvn package", null)),
              "target/notes.jar",
              Duration.ofMinutes(10),
              false,
              Map.of()),
          List.of(environment("staging"), environment("production")));

  private static EnvironmentSpec environment(String name) {
    return new EnvironmentSpec(
        name,
        Map.of(),
        new AppSpec("java -jar notes.jar", 8080, Map.of(), Duration.ofSeconds(30)),
        null,
        new HealthSpec("/health", Duration.ofSeconds(1), Duration.ofSeconds(2), 3),
        Duration.ofSeconds(10),
        new RollbackSpec(true));
  }

  /** Runs the pipeline's machine; jobs named in {@code failing} fail; returns the calls made. */
  private static Result run(Set<String> failing) throws Exception {
    List<String> calls = new CopyOnWriteArrayList<>();
    LambdaTaskHandler lambda = new LambdaTaskHandler();
    for (String function :
        List.of(PipelineCompiler.VALIDATE, PipelineCompiler.PLAN, PipelineCompiler.RECORD)) {
      lambda.function(
          function,
          payload -> {
            calls.add(
                function
                    + (payload.has("environment") ? " " + payload.get("environment").asText() : "")
                    + (payload.has("outcome") ? " " + payload.get("outcome").asText() : ""));
            ObjectNode result = Json.object();
            if (payload.path("outcome").asText().equals("build-failed")) {
              // As the runtime's record does: the build's own reason, from the run's facts.
              result.put("error", "Cairn.InvalidPipeline");
              result.put("cause", "cairn.yml:3:1: unknown key 'bild'");
            }
            return CompletableFuture.completedFuture(result);
          });
    }
    TaskHandlers handlers = new TaskHandlers();
    Engine[] engine = new Engine[1];
    lambda.function(
        PipelineCompiler.QUEUE,
        payload -> {
          String name = "queue " + payload.get("environment").asText();
          calls.add(name);
          if (failing.contains(name)) {
            return CompletableFuture.failedFuture(
                new StatesException("Lambda.ServiceException", "the queue function is broken"));
          }
          engine[0].sendTaskSuccess(payload.get("token").asText(), Json.object());
          return CompletableFuture.completedFuture(Json.object());
        });
    handlers.register("arn:aws:states:::lambda:invoke*", lambda);
    handlers.register(
        PipelineCompiler.BATCH,
        request -> {
          JsonNode job = request.parameters().get("Parameters");
          String name =
              job.get("job").asText()
                  + (job.get("environment").asText().isEmpty()
                      ? ""
                      : " " + job.get("environment").asText());
          calls.add(name);
          if (failing.contains(name)) {
            return CompletableFuture.failedFuture(new StatesException("Cairn.Failed", name));
          }
          return CompletableFuture.completedFuture(Json.parse("{\"Status\": \"SUCCEEDED\"}"));
        });
    try (Engine started = Engine.builder().taskHandlers(handlers).waitScale(0).build()) {
      engine[0] = started;
      String definition = Json.write(PipelineCompiler.compile(PIPELINE));
      String id =
          started.start(
              definition,
              "notes",
              "run-1",
              Json.parse("{\"run\": {\"id\": \"run-1\", \"commit\": \"abc\", \"sequence\": 1}}"));
      ExecutionDescription result = started.completion(id).get(30, TimeUnit.SECONDS);
      return new Result(result, calls, started.history(id));
    }
  }

  private record Result(
      ExecutionDescription execution, List<String> calls, List<HistoryEvent> history) {}

  @Test
  void theCompiledMachineIsValidAmazonStatesLanguage() {
    var machine = DefinitionParser.parse(Json.write(PipelineCompiler.compile(PIPELINE)));
    assertThat(machine.states())
        .containsKeys("Validate", "Build", "staging: apply", "production: rollback");
  }

  @Test
  void aGoodCommitIsBuiltOnceAndPromotedThroughEveryEnvironmentInOrder() throws Exception {
    Result result = run(Set.of());

    assertThat(result.execution().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(result.calls())
        .containsExactly(
            "cairn-validate",
            "build",
            "queue staging",
            "cairn-plan staging",
            "apply staging",
            "verify staging",
            "cairn-record staging deployed",
            "queue production",
            "cairn-plan production",
            "apply production",
            "verify production",
            "cairn-record production deployed");
  }

  @Test
  void aFailedBuildDeploysNothing() throws Exception {
    Result result = run(Set.of("build"));

    assertThat(result.execution().status()).isEqualTo(ExecutionStatus.FAILED);
    // The run fails with the reason its record gives, not a generic name of its own.
    assertThat(result.execution().error()).isEqualTo("Cairn.InvalidPipeline");
    assertThat(result.execution().cause()).isEqualTo("cairn.yml:3:1: unknown key 'bild'");
    assertThat(result.calls())
        .containsExactly("cairn-validate", "build", "cairn-record build-failed")
        .noneMatch(call -> call.startsWith("apply"));
  }

  @Test
  void aReleaseFailingItsBakeIsRolledBackAndStopsThePromotion() throws Exception {
    Result result = run(Set.of("verify staging"));

    assertThat(result.execution().status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(result.execution().error()).isEqualTo("Cairn.RolledBack");
    assertThat(result.calls())
        .containsSubsequence(
            "apply staging",
            "verify staging",
            "rollback staging",
            "cairn-record staging rolled-back")
        .noneMatch(call -> call.endsWith("production"));
  }

  @Test
  void aFailedApplyIsRolledBackToo() throws Exception {
    Result result = run(Set.of("apply production"));

    assertThat(result.execution().error()).isEqualTo("Cairn.RolledBack");
    assertThat(result.calls())
        .contains("cairn-record staging deployed")
        .containsSubsequence(
            "apply production", "rollback production", "cairn-record production rolled-back")
        .doesNotContain("verify production");
  }

  @Test
  void aBrokenQueueFailsTheRunInsteadOfRecordingASkip() throws Exception {
    Result result = run(Set.of("queue production"));

    assertThat(result.execution().status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(result.execution().error()).isEqualTo(PipelineCompiler.ERROR_QUEUE_FAILED);
    assertThat(result.calls())
        .contains("cairn-record staging deployed", "queue production")
        .noneMatch(call -> call.endsWith("production skipped"))
        .noneMatch(call -> call.startsWith("apply production"));
  }

  @Test
  void theDefaultTargetKeepsTheLocalNames() {
    assertThat(PipelineCompiler.compile(PIPELINE, CompileTarget.LOCAL))
        .isEqualTo(PipelineCompiler.compile(PIPELINE));
    assertThat(Json.write(PipelineCompiler.compile(PIPELINE)))
        .contains("\"JobQueue\":\"cairn\"", "\"JobDefinition\":\"cairn-runner\"");
  }

  @Test
  void anotherTargetChangesOnlyTheResourceNames() {
    CompileTarget aws =
        CompileTarget.builder()
            .jobQueue("arn:queue")
            .jobDefinition("arn:runner")
            .validateFunction("arn:validate")
            .queueFunction("arn:queue-fn")
            .planFunction("arn:plan")
            .recordFunction("arn:record")
            .build();
    String compiled = Json.write(PipelineCompiler.compile(PIPELINE, aws));

    assertThat(compiled).doesNotContain("cairn-validate", "cairn-runner", "\"JobQueue\":\"cairn\"");
    String renamedBack =
        compiled
            .replace("\"arn:queue\"", "\"cairn\"")
            .replace("\"arn:runner\"", "\"cairn-runner\"")
            .replace("\"arn:validate\"", "\"" + PipelineCompiler.VALIDATE + "\"")
            .replace("\"arn:queue-fn\"", "\"" + PipelineCompiler.QUEUE + "\"")
            .replace("\"arn:plan\"", "\"" + PipelineCompiler.PLAN + "\"")
            .replace("\"arn:record\"", "\"" + PipelineCompiler.RECORD + "\"");
    assertThat(renamedBack).isEqualTo(Json.write(PipelineCompiler.compile(PIPELINE)));
  }

  @Test
  void aBlankNameIsRejected() {
    assertThatThrownBy(() -> CompileTarget.builder().jobQueue(" ").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("jobQueue must not be blank");
  }
}
