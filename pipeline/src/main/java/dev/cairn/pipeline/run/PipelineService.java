package dev.cairn.pipeline.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.engine.execution.Engine;
import dev.cairn.engine.execution.ExecutionDescription;
import dev.cairn.engine.store.ExecutionStore;
import dev.cairn.engine.task.LambdaTaskHandler;
import dev.cairn.engine.task.TaskHandlers;
import dev.cairn.pipeline.audit.AuditError;
import dev.cairn.pipeline.compile.PipelineCompiler;
import dev.cairn.pipeline.file.EnvironmentNames;
import dev.cairn.pipeline.file.EnvironmentSpec;
import dev.cairn.pipeline.file.PipelineDefinition;
import dev.cairn.pipeline.json.Json;
import dev.cairn.pipeline.port.RunEvent;
import dev.cairn.pipeline.runtime.CairnError;
import dev.cairn.pipeline.runtime.EnvironmentState;
import dev.cairn.pipeline.runtime.PipelineRuntime;
import dev.cairn.pipeline.runtime.RecordedOutcome;
import dev.cairn.pipeline.runtime.RunFacts;
import dev.cairn.pipeline.runtime.RunFactsJson;
import dev.cairn.pipeline.runtime.RuntimePorts;
import dev.cairn.pipeline.runtime.StepFailure;
import dev.cairn.pipeline.runtime.TaskTokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * The local driver of the pipeline: each run is one execution of the compiled state machine on
 * Cairn's engine, whose Task states are served in-process by the {@link PipelineRuntime} (the same
 * steps the AWS functions and runner call). This class only maps the engine's tasks to the steps,
 * starts runs and answers the deploy queue's task tokens through the engine.
 */
public final class PipelineService implements AutoCloseable {
  /** The pipeline file's name in the application repository. */
  public static final String PIPELINE_FILE = "cairn.yml";

  private final RuntimePorts ports;
  private final PipelineRuntime runtime;
  private final Engine engine;
  private final ExecutorService jobs = Executors.newVirtualThreadPerTaskExecutor();

  /**
   * Each run's execution ARN, as the engine named it at the start (or listed it after a restart):
   * the deploy queue asks whether a slot's holder has ended without reading its pipeline file.
   */
  private final java.util.Map<String, String> executions =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * The engine, once built: building it resumes the runs in progress, whose re-dispatched tasks may
   * call back into this service before the constructor has assigned {@link #engine}.
   */
  private final CompletableFuture<Engine> engineReady = new CompletableFuture<>();

  /**
   * Starts the service, resuming the runs that were in progress.
   *
   * @param store where the engine keeps executions (the runs)
   * @param ports the adapters the runtime works through
   */
  public PipelineService(ExecutionStore store, RuntimePorts ports) {
    this.ports = ports;
    this.runtime = new PipelineRuntime(ports, new EngineTokens(), this::hasEnded);
    // Known before the engine resumes them: a run resumed first may reach the deploy queue while
    // another resumed run holds the slot, and must not take that run for ended (it would deploy
    // beside it).
    for (ExecutionStore.StoredExecution running : store.running()) {
      executions.put(running.description().name(), running.description().executionArn());
    }
    this.engine = Engine.builder().store(store).taskHandlers(handlers()).build();
    engineReady.complete(engine);
    // Runs resumed after a restart end like the ones submitted here: slots released, run-ended.
    for (ExecutionDescription execution : engine.list()) {
      executions.put(execution.name(), execution.executionArn());
      if (!execution.status().isFinal()) {
        engine
            .completion(execution.executionArn())
            .thenAccept(description -> runEnded(execution.name(), description));
      }
    }
  }

  // ---------------------------------------------------------------- API

  /**
   * Starts a run for a commit and returns its id.
   *
   * @throws IllegalArgumentException when the request names an environment the commit's pipeline
   *     does not have (no run starts)
   */
  public String submit(RunRequest request) throws IOException {
    return submit(request, run -> {});
  }

  /**
   * Starts a run; {@code beforeStart} records what caused it (a manual action) after the run's
   * {@code run-started} record and before its first state runs, so that the audit trail tells the
   * cause before the work it caused, whatever the threads' timing.
   */
  private String submit(RunRequest request, java.util.function.Consumer<String> beforeStart)
      throws IOException {
    if (request.environment() != null) {
      EnvironmentNames.require(request.environment());
    }
    long number = ports.runs().nextSequence();
    String runId = String.format("%06d-%s", number, RunFacts.shortId(request.commit()));
    Path workspace = ports.workspace(runId);
    Files.createDirectories(workspace.getParent());
    ports.source().checkout(request.commit(), workspace);
    PipelineDefinition pipeline =
        onlyEnvironment(PipelineRuntime.readPipeline(workspace).orElse(null), request);
    RunFacts facts =
        RunFacts.submitted(
            runId,
            request.commit(),
            request.tree(),
            request.message(),
            RunFacts.Trigger.of(request.trigger()),
            request.actor(),
            request.environment(),
            number,
            ports.clock().instant());
    runtime.started(facts);
    beforeStart.accept(runId);
    ObjectNode machine =
        PipelineCompiler.compile(
            pipeline != null ? pipeline : new PipelineDefinition("invalid", null, List.of()));
    ObjectNode input = JsonNodeFactory.instance.objectNode();
    input.set("run", RunFactsJson.write(facts));
    String name = pipeline != null ? pipeline.name() : "pipeline";
    String arn = engine.start(Json.write(machine), name, runId, input);
    executions.put(runId, arn);
    engine.completion(arn).thenAccept(description -> runEnded(runId, description));
    return runId;
  }

  /**
   * Deploys a commit to one environment by hand, even if it is marked bad: a manual run, recorded
   * in the audit trail as a manual action of {@code actor}.
   *
   * @param actor who asked for it, or null when unknown
   * @param allowUnmerged the commit may be off the watched branch (the caller checked the rest);
   *     the manual action's record says so
   * @throws IllegalArgumentException when the commit's pipeline has no such environment
   */
  public String deploy(
      String environment,
      String commit,
      String tree,
      String message,
      String actor,
      boolean allowUnmerged)
      throws IOException {
    return submit(
        new RunRequest(commit, tree, message, "manual", environment, actor),
        runId -> runtime.manualDeploy(runId, environment, allowUnmerged));
  }

  /**
   * Rolls an environment back by hand: marks the commit it runs bad and deploys an earlier good
   * release from its stored artifact (no rebuild), recorded as a manual action of {@code actor}.
   *
   * @param toCommit the commit to return to, or null for the good release before the current one
   * @param treeOf the tree of a commit
   * @param actor who asked for it, or null when unknown
   * @param allowUnmerged {@code toCommit} may be off the watched branch; the record says so
   * @return the id of the run that redeploys it
   * @throws IllegalArgumentException when there is nothing to roll back to
   */
  public String rollback(
      String environment,
      String toCommit,
      Function<String, String> treeOf,
      String actor,
      boolean allowUnmerged)
      throws IOException {
    PipelineRuntime.ManualRollback rollback =
        runtime.manualRollback(EnvironmentNames.require(environment), toCommit);
    return submit(
        new RunRequest(
            rollback.target(),
            treeOf.apply(rollback.target()),
            "rollback of " + environment,
            "manual",
            environment,
            actor),
        runId -> runtime.recordManualRollback(runId, environment, rollback, allowUnmerged));
  }

  /**
   * One supervision check of an environment's live release between deployments: restarted from its
   * artifact when it exited or stopped answering, or rolled back by a run when it kept failing (see
   * {@link dev.cairn.pipeline.runtime.ReleaseSupervision}).
   *
   * @param treeOf the tree of a commit (so the rollback run reuses its artifact)
   */
  public dev.cairn.pipeline.runtime.ReleaseSupervision.Outcome supervise(
      String environment, Function<String, String> treeOf) {
    return runtime
        .supervision()
        .check(environment, (env, cause) -> rollBackFailing(env, cause, treeOf));
  }

  /**
   * The rollback supervision decided: the live commit is marked bad and a run deploys the previous
   * good release from its artifact, started by Cairn ({@code actor: cairn}).
   */
  private String rollBackFailing(String environment, String cause, Function<String, String> treeOf)
      throws IOException {
    PipelineRuntime.ManualRollback rollback = runtime.manualRollback(environment, null);
    return submit(
        new RunRequest(
            rollback.target(),
            treeOf.apply(rollback.target()),
            "rollback of " + environment + ": the live release kept failing",
            "manual",
            environment,
            "cairn"),
        runId -> runtime.recordSupervisedRollback(runId, environment, rollback, cause));
  }

  /** The pipeline limited to the one environment a request names. */
  private static PipelineDefinition onlyEnvironment(
      PipelineDefinition pipeline, RunRequest request) {
    if (pipeline == null || request.environment() == null) {
      return pipeline;
    }
    EnvironmentSpec environment =
        pipeline
            .environment(request.environment())
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "the pipeline has no environment named '" + request.environment() + "'"));
    return new PipelineDefinition(pipeline.name(), pipeline.build(), List.of(environment));
  }

  /** The engine that runs the pipelines' executions (for status queries). */
  public Engine engine() {
    return engine;
  }

  /** The engine's history of a run's execution, oldest first; empty for a run it does not know. */
  public List<dev.cairn.engine.execution.HistoryEvent> history(String runId) {
    String arn = executions.get(runId);
    return arn == null ? List.of() : engine.history(arn);
  }

  /** What Cairn knows of an environment: last good release, bad commits, deploy queue. */
  public EnvironmentState ledger(String environment) {
    return ports.environments().read(environment);
  }

  /** A run's facts. */
  public RunFacts run(String runId) {
    return ports.runs().get(runId);
  }

  /** A run's facts as JSON ({@code run.json}), for the API and the CLI. */
  public ObjectNode runFacts(String runId) {
    return ports.runs().find(runId).map(RunFactsJson::write).orElseGet(Json::object);
  }

  @Override
  public void close() {
    engine.close();
    jobs.shutdownNow();
  }

  // ---------------------------------------------------------------- the engine's tasks

  private TaskHandlers handlers() {
    LambdaTaskHandler lambda =
        new LambdaTaskHandler()
            .function(PipelineCompiler.VALIDATE, p -> now(() -> validate(p)))
            .function(PipelineCompiler.QUEUE, this::enqueue)
            .function(PipelineCompiler.PLAN, p -> now(() -> runtime.plan(run(p), environment(p))))
            .function(PipelineCompiler.RECORD, p -> now(() -> record(p)));
    TaskHandlers handlers = new TaskHandlers();
    handlers.register(PipelineCompiler.BATCH, request -> batch(request.parameters()));
    handlers.register("arn:aws:states:::lambda:invoke*", lambda);
    return handlers;
  }

  private JsonNode validate(JsonNode payload) {
    RunFacts facts = runtime.validate(run(payload));
    ObjectNode result = Json.object();
    result.put("run", facts.id());
    result.put("sequence", facts.sequence());
    return result;
  }

  private CompletionStage<JsonNode> batch(JsonNode parameters) {
    JsonNode job = parameters.path("Parameters");
    String runId = job.path("run").asText();
    String environment = job.path("environment").asText();
    return CompletableFuture.supplyAsync(
        () -> {
          switch (job.path("job").asText()) {
            case PipelineCompiler.BUILD_JOB -> runtime.build(runId);
            case PipelineCompiler.APPLY_JOB -> runtime.apply(runId, environment);
            case PipelineCompiler.VERIFY_JOB -> runtime.verify(runId, environment);
            case PipelineCompiler.ROLLBACK_JOB ->
                runtime.rollback(runId, environment, job.path("reason").asText(null));
            default ->
                throw new StepFailure(
                    CairnError.INVALID_JOB, "no job named " + job.path("job").asText());
          }
          ObjectNode status = Json.object();
          status.put("Status", "SUCCEEDED");
          return status;
        },
        jobs);
  }

  private CompletionStage<JsonNode> enqueue(JsonNode payload) {
    String runId = run(payload);
    String environment = environment(payload);
    String token = payload.path("token").asText();
    // Asynchronous: when Cairn restarts, this is re-dispatched while the engine is being built.
    engineReady
        .thenRunAsync(() -> runtime.enqueue(runId, environment, token), jobs)
        .exceptionally(
            failure -> {
              engineReady
                  .join()
                  .sendTaskFailure(
                      token,
                      CairnError.QUEUE_FAILED.errorName(),
                      "the deploy queue failed: " + failure.getMessage());
              return null;
            });
    // The task ends when its token is reported back; this result is ignored.
    return CompletableFuture.completedFuture(Json.object());
  }

  private JsonNode record(JsonNode payload) {
    String runId = run(payload);
    JsonNode environmentNode = payload.path("environment");
    String environment = environmentNode.isTextual() ? environmentNode.asText() : null;
    JsonNode error =
        payload.path("skipped").isObject() ? payload.get("skipped") : payload.path("error");
    AuditError cause =
        error.isObject() && error.hasNonNull("Error")
            ? new AuditError(error.get("Error").asText(), error.path("Cause").asText(null))
            : null;
    RecordedOutcome outcome = RecordedOutcome.of(payload.path("outcome").asText());
    return PipelineRuntime.recordResult(
        outcome, runtime.record(runId, environment, outcome, cause));
  }

  private void runEnded(String runId, ExecutionDescription description) {
    for (String environment : environments(runId)) {
      jobs.execute(() -> runtime.release(runId, environment));
    }
    ports
        .listener()
        .event(new RunEvent(runId, RunEvent.Kind.RUN_ENDED, null, description.status().name()));
  }

  private List<String> environments(String runId) {
    return PipelineRuntime.readPipeline(ports.workspace(runId))
        .map(p -> p.environments().stream().map(EnvironmentSpec::name).toList())
        .orElse(List.of());
  }

  /** True when the run's execution has ended (or is unknown): a slot it holds is free. */
  private boolean hasEnded(String runId) {
    String arn = executions.get(runId);
    if (arn == null) {
      return true;
    }
    Engine built = engineReady.getNow(null);
    if (built == null) {
      // The engine is being built and resumes the runs of a restart on this very thread (a
      // resumed run's queue task can ask about the run holding the slot): every run known by then
      // was running when the store was read, and none has ended yet.
      return false;
    }
    return built.describe(arn).map(d -> d.status().isFinal()).orElse(true);
  }

  private static String run(JsonNode payload) {
    return payload.path("run").path("id").asText();
  }

  private static String environment(JsonNode payload) {
    return payload.path("environment").asText();
  }

  private static CompletionStage<JsonNode> now(java.util.function.Supplier<JsonNode> step) {
    try {
      return CompletableFuture.completedFuture(step.get());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The deploy queue's tokens, answered through this engine. */
  private final class EngineTokens implements TaskTokens {
    @Override
    public void succeed(String token, JsonNode output) {
      try {
        engineReady.join().sendTaskSuccess(token, output);
      } catch (IllegalArgumentException e) {
        throw new GoneTokenException(e.getMessage());
      }
    }

    @Override
    public void fail(String token, String error, String cause) {
      try {
        engineReady.join().sendTaskFailure(token, error, cause);
      } catch (IllegalArgumentException e) {
        throw new GoneTokenException(e.getMessage());
      }
    }
  }
}
