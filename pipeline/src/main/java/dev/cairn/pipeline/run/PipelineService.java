package dev.cairn.pipeline.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.engine.error.StatesException;
import dev.cairn.engine.execution.Engine;
import dev.cairn.engine.execution.ExecutionDescription;
import dev.cairn.engine.store.ExecutionStore;
import dev.cairn.engine.task.LambdaTaskHandler;
import dev.cairn.engine.task.TaskHandlers;
import dev.cairn.pipeline.audit.AuditEvent;
import dev.cairn.pipeline.audit.AuditTrigger;
import dev.cairn.pipeline.compile.PipelineCompiler;
import dev.cairn.pipeline.file.EnvironmentSpec;
import dev.cairn.pipeline.file.PipelineDefinition;
import dev.cairn.pipeline.file.RollbackSpec;
import dev.cairn.pipeline.file.ServiceSpec;
import dev.cairn.pipeline.json.Json;
import dev.cairn.pipeline.port.ArtifactStore;
import dev.cairn.pipeline.port.AuditLog;
import dev.cairn.pipeline.port.Deployer;
import dev.cairn.pipeline.port.JobExecutor;
import dev.cairn.pipeline.port.JobResult;
import dev.cairn.pipeline.port.JobSpec;
import dev.cairn.pipeline.port.PipelineListener;
import dev.cairn.pipeline.port.Release;
import dev.cairn.pipeline.port.ReleaseSpec;
import dev.cairn.pipeline.port.SecretStore;
import dev.cairn.pipeline.port.ServiceEndpoint;
import dev.cairn.pipeline.port.ServiceProvisioner;
import dev.cairn.pipeline.port.SourceCheckout;
import dev.cairn.pipeline.port.SourceReverter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs commits through the pipeline: each run is one execution of the compiled state machine on
 * Cairn's engine, whose Task states are served here by local handlers bound to the ports (jobs,
 * artifacts, secrets, services, releases). Per environment at most one run deploys at a time; when
 * several wait, the newest deploys and the others are superseded; a commit marked bad is never
 * deployed again automatically.
 */
public final class PipelineService implements AutoCloseable {
  /** The pipeline file's name in the application repository. */
  public static final String PIPELINE_FILE = "cairn.yml";

  private static final Pattern REFERENCE = Pattern.compile("\\$\\{([^}]*)}");

  private final Path home;
  private final Ports ports;
  private final Function<Path, PipelineDefinition> pipelineReader;
  private final Engine engine;
  private final ExecutorService jobs = Executors.newVirtualThreadPerTaskExecutor();
  private final ScheduledExecutorService ticks =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "cairn-bake");
            thread.setDaemon(true);
            return thread;
          });
  private final Map<String, List<Waiting>> waitingByEnvironment = new HashMap<>();
  private final AtomicInteger sequence;
  private final AuditRecorder audit;

  /**
   * The engine, once built: building it resumes the runs in progress, whose re-dispatched tasks may
   * call back into this service before the constructor has assigned {@link #engine}.
   */
  private final CompletableFuture<Engine> engineReady = new CompletableFuture<>();

  /**
   * The adapters a pipeline service works with.
   *
   * @param jobs runs build steps and migrations
   * @param artifacts keeps artifacts by digest
   * @param secrets keeps secrets
   * @param services provisions PostgreSQL and Redis
   * @param deployer runs releases behind the proxy
   * @param checkout checks out application commits
   * @param listener hears what happens
   * @param jobEnvironment environment variables every build, migration and release gets, under the
   *     pipeline's own (the toolchain: e.g. which JDK, where the machine's Maven repository is)
   * @param audit the audit trail every event is recorded in, or null to record nothing
   * @param cairnVersion the version of Cairn, written into every audit record
   * @param reverter pushes revert commits for the {@code rollback.revert} policy, or null when
   *     Cairn cannot push to the application repository (the policy then only logs)
   */
  public record Ports(
      JobExecutor jobs,
      ArtifactStore artifacts,
      SecretStore secrets,
      ServiceProvisioner services,
      Deployer deployer,
      SourceCheckout checkout,
      PipelineListener listener,
      Map<String, String> jobEnvironment,
      AuditLog audit,
      String cairnVersion,
      SourceReverter reverter) {
    public Ports {
      jobEnvironment = Map.copyOf(jobEnvironment);
    }

    /** Ports without an audit trail or revert commits. */
    public Ports(
        JobExecutor jobs,
        ArtifactStore artifacts,
        SecretStore secrets,
        ServiceProvisioner services,
        Deployer deployer,
        SourceCheckout checkout,
        PipelineListener listener,
        Map<String, String> jobEnvironment) {
      this(
          jobs,
          artifacts,
          secrets,
          services,
          deployer,
          checkout,
          listener,
          jobEnvironment,
          null,
          null,
          null);
    }
  }

  private record Waiting(String runId, long sequence, String commit, String token) {}

  /**
   * Starts the service, resuming the runs that were in progress.
   *
   * @param home CAIRN_HOME
   * @param store where the engine keeps executions (the runs)
   * @param pipelineReader reads a pipeline file; throws a RuntimeException whose message is the
   *     user-facing list of problems when the file is invalid
   */
  public PipelineService(
      Path home,
      ExecutionStore store,
      Ports ports,
      Function<Path, PipelineDefinition> pipelineReader) {
    this.home = home;
    this.ports = ports;
    this.pipelineReader = pipelineReader;
    this.sequence = new AtomicInteger(countRuns());
    this.audit =
        new AuditRecorder(
            ports.audit(),
            ports.cairnVersion(),
            ports.secrets(),
            ports.listener(),
            Clock.systemUTC());
    this.engine = Engine.builder().store(store).taskHandlers(handlers()).build();
    engineReady.complete(engine);
    // Runs resumed after a restart end like the ones submitted here: slots released, run-ended.
    for (ExecutionDescription execution : engine.list()) {
      if (!execution.status().isFinal()) {
        engine
            .completion(execution.executionArn())
            .thenAccept(description -> runEnded(execution.name(), description));
      }
    }
  }

  // ---------------------------------------------------------------- API

  /** Starts a run for a commit and returns its id. */
  public String submit(RunRequest request) throws IOException {
    long number = sequence.incrementAndGet();
    String runId = String.format("%06d-%s", number, shortId(request.commit()));
    Path runDir = runDir(runId);
    Path workspace = runDir.resolve("workspace");
    Files.createDirectories(runDir);
    ports.checkout().checkout(request.commit(), workspace);
    ObjectNode run = Json.object();
    run.put("id", runId);
    run.put("commit", request.commit());
    run.put("tree", request.tree());
    run.put("message", request.message());
    run.put("trigger", request.trigger());
    if (request.actor() != null) {
      run.put("actor", request.actor());
    }
    if (request.environment() != null) {
      run.put("environment", request.environment());
    }
    run.put("sequence", number);
    run.put("submittedAt", Instant.now().toString());
    JsonFiles.write(runDir.resolve("run.json"), run);

    PipelineDefinition pipeline = onlyEnvironment(readPipelineOrNull(workspace), request);
    ObjectNode machine =
        PipelineCompiler.compile(
            pipeline != null ? pipeline : new PipelineDefinition("invalid", null, List.of()));
    ObjectNode input = Json.object();
    input.set("run", run);
    // Only now: a request for an environment the pipeline does not have starts no run.
    audit.record(AuditEvent.RUN_STARTED, AuditRecorder.Run.of(run), null, null, null, b -> b);
    ports
        .listener()
        .event(runId, "run-started", null, shortId(request.commit()) + " " + request.message());
    engine.start(
        Json.write(machine), pipeline != null ? pipeline.name() : "pipeline", runId, input);
    engine
        .completion(executionArn(runId, pipeline))
        .thenAccept(description -> runEnded(runId, description));
    return runId;
  }

  /**
   * Deploys a commit to one environment by hand, even if it is marked bad: a manual run.
   *
   * @throws IllegalArgumentException when the commit's pipeline has no such environment
   */
  public String deploy(String environment, String commit, String tree, String message)
      throws IOException {
    return deploy(environment, commit, tree, message, null);
  }

  /**
   * Deploys a commit to one environment by hand, even if it is marked bad: a manual run, recorded
   * in the audit trail as a manual action of {@code actor}.
   *
   * @param actor who asked for it, or null when unknown
   * @throws IllegalArgumentException when the commit's pipeline has no such environment
   */
  public String deploy(String environment, String commit, String tree, String message, String actor)
      throws IOException {
    String runId = submit(new RunRequest(commit, tree, message, "manual", environment, actor));
    audit.record(
        AuditEvent.MANUAL_ACTION,
        AuditRecorder.Run.of(runFacts(runId)),
        environment,
        null,
        "deploy",
        b -> b.action("deploy"));
    return runId;
  }

  /**
   * Rolls an environment back by hand: marks the commit it runs bad and deploys an earlier good
   * release from its stored artifact (no rebuild).
   *
   * @param toCommit the commit to return to, or null for the good release before the current one
   * @return the id of the run that redeploys it
   * @throws IllegalArgumentException when there is nothing to roll back to
   */
  public String rollback(
      String environment, String toCommit, java.util.function.Function<String, String> treeOf)
      throws IOException {
    return rollback(environment, toCommit, treeOf, null);
  }

  /**
   * Rolls an environment back by hand, as {@link #rollback(String, String, Function)}, recorded in
   * the audit trail as a manual action of {@code actor} (and the current commit as marked bad by
   * them).
   *
   * @param actor who asked for it, or null when unknown
   */
  public String rollback(
      String environment,
      String toCommit,
      java.util.function.Function<String, String> treeOf,
      String actor)
      throws IOException {
    EnvironmentLedger ledger = ledger(environment);
    String target =
        toCommit != null
            ? toCommit
            : ledger
                .previousGood()
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "no earlier good release of " + environment + " to roll back to"));
    Optional<EnvironmentLedger.LastGood> current =
        ledger.lastGood().filter(good -> !good.commit().equals(target));
    current.ifPresent(good -> ledger.markBad(good.commit()));
    String runId =
        submit(
            new RunRequest(
                target,
                treeOf.apply(target),
                "rollback of " + environment,
                "manual",
                environment,
                actor));
    AuditRecorder.Run run = AuditRecorder.Run.of(runFacts(runId));
    // The records are about the commit rolled back from; the run's own are about the target.
    AuditRecorder.Run from =
        current
            .map(
                good ->
                    new AuditRecorder.Run(
                        run.id(), good.commit(), null, null, run.trigger(), run.submittedAt()))
            .orElse(run);
    audit.record(
        AuditEvent.MANUAL_ACTION,
        from,
        environment,
        null,
        "rollback",
        b -> b.action("rollback").rolledBackTo(target.equals(from.commit()) ? null : target));
    // Last, so that the commit's note says what it is now: bad in this environment.
    if (current.isPresent()) {
      audit.record(AuditEvent.MARKED_BAD, from, environment, null, "manual", b -> b);
    }
    return runId;
  }

  /** The pipeline limited to the one environment a request names. */
  private static PipelineDefinition onlyEnvironment(
      PipelineDefinition pipeline, RunRequest request) {
    if (pipeline == null || request.environment() == null) {
      return pipeline;
    }
    var environment =
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

  /** The ledger of an environment. */
  public EnvironmentLedger ledger(String environment) {
    return new EnvironmentLedger(home.resolve("environments").resolve(environment + ".json"));
  }

  /** A run's recorded facts (commit, artifact, release, outcomes). */
  public ObjectNode runFacts(String runId) {
    return JsonFiles.read(runDir(runId).resolve("run.json"));
  }

  @Override
  public void close() {
    engine.close();
    jobs.shutdownNow();
    ticks.shutdownNow();
  }

  // ---------------------------------------------------------------- handlers

  private TaskHandlers handlers() {
    LambdaTaskHandler lambda =
        new LambdaTaskHandler()
            .function(PipelineCompiler.VALIDATE, this::validate)
            .function(PipelineCompiler.QUEUE, this::enqueue)
            .function(PipelineCompiler.PLAN, this::plan)
            .function(PipelineCompiler.RECORD, this::record);
    TaskHandlers handlers = new TaskHandlers();
    handlers.register(PipelineCompiler.BATCH, request -> batch(request.parameters()));
    handlers.register("arn:aws:states:::lambda:invoke*", lambda);
    return handlers;
  }

  private CompletionStage<JsonNode> validate(JsonNode payload) {
    String runId = payload.path("run").path("id").asText();
    try {
      PipelineDefinition pipeline = pipelineReader.apply(workspace(runId).resolve(PIPELINE_FILE));
      ObjectNode result = Json.object();
      result.put("pipeline", pipeline.name());
      pipeline.environments().forEach(e -> result.withArray("environments").add(e.name()));
      return CompletableFuture.completedFuture(result);
    } catch (RuntimeException e) {
      // The problems (file:line:column each) are the developer's to fix: tell them, not only the
      // engine's history.
      ports
          .listener()
          .event(runId, "build-failed", null, "invalid pipeline file:\n" + e.getMessage());
      return failed("Cairn.InvalidPipeline", e.getMessage());
    }
  }

  private CompletionStage<JsonNode> batch(JsonNode parameters) {
    JsonNode job = parameters.path("Parameters");
    String runId = job.path("run").asText();
    String environment = job.path("environment").asText();
    return CompletableFuture.supplyAsync(
        () -> {
          switch (job.path("job").asText()) {
            case PipelineCompiler.BUILD_JOB -> build(runId);
            case PipelineCompiler.APPLY_JOB -> apply(runId, environment);
            case PipelineCompiler.VERIFY_JOB -> verify(runId, environment);
            case PipelineCompiler.ROLLBACK_JOB ->
                rollback(runId, environment, job.path("reason").asText(""));
            default ->
                throw new StatesException(
                    "Cairn.UnknownJob", "no job named " + job.path("job").asText());
          }
          ObjectNode status = Json.object();
          status.put("Status", "SUCCEEDED");
          return status;
        },
        jobs);
  }

  private void build(String runId) {
    Instant buildStarted = Instant.now();
    updateRun(runId, r -> r.put("buildStartedAt", buildStarted.toString()));
    ObjectNode run = runFacts(runId);
    PipelineDefinition pipeline = pipelineReader.apply(workspace(runId).resolve(PIPELINE_FILE));
    String tree = run.path("tree").asText();
    Optional<String> reused = tree.isEmpty() ? Optional.empty() : ports.artifacts().forTree(tree);
    if (reused.isPresent() && ports.artifacts().contains(reused.get())) {
      updateRun(runId, r -> r.put("artifact", reused.get()));
      ports
          .listener()
          .event(runId, "build-reused", null, "tree already built: reusing " + reused.get());
      recordBuilt(runId, buildStarted, reused.get());
      return;
    }
    Set<String> masked = new HashSet<>(ports.secrets().values());
    Map<String, String> env = new HashMap<>(ports.jobEnvironment());
    for (var entry : pipeline.build().env().entrySet()) {
      env.put(entry.getKey(), resolve(entry.getValue(), runId, null, Map.of(), masked));
    }
    JobSpec spec =
        new JobSpec(
            runId + "-build",
            workspace(runId),
            pipeline.build().steps(),
            env,
            pipeline.build().timeout(),
            pipeline.build().network(),
            masked);
    JobResult result =
        ports
            .jobs()
            .run(spec, (step, line) -> ports.listener().event(runId, "build-output", null, line))
            .join();
    updateRun(runId, r -> r.put("buildLog", String.valueOf(result.log())));
    if (result.outcome() != JobResult.Outcome.SUCCEEDED) {
      ports.listener().event(runId, "build-failed", null, result.message());
      throw new StatesException("Cairn.BuildFailed", result.message());
    }
    try {
      String digest = ports.artifacts().put(workspace(runId).resolve(pipeline.build().artifact()));
      if (!tree.isEmpty()) {
        ports.artifacts().recordTree(tree, digest);
      }
      updateRun(runId, r -> r.put("artifact", digest));
      ports.listener().event(runId, "build-succeeded", null, "artifact " + digest);
      recordBuilt(runId, buildStarted, digest);
    } catch (IOException e) {
      throw new StatesException("Cairn.ArtifactFailed", e.getMessage());
    }
  }

  private void recordBuilt(String runId, Instant started, String digest) {
    audit.record(
        AuditEvent.BUILD_SUCCEEDED,
        AuditRecorder.Run.of(runFacts(runId)),
        null,
        null,
        null,
        b -> b.startedAt(started).duration(audit.since(started)).artifact(digest));
  }

  // ---------------------------------------------------------------- the deploy queue

  private CompletionStage<JsonNode> enqueue(JsonNode payload) {
    String runId = payload.path("run").path("id").asText();
    long runSequence = payload.path("run").path("sequence").asLong();
    String commit = payload.path("run").path("commit").asText();
    String environment = payload.path("environment").asText();
    String token = payload.path("token").asText();
    boolean manual = "manual".equals(payload.path("run").path("trigger").asText());
    // Asynchronous: when Cairn restarts, this is re-dispatched while the engine is being built.
    engineReady
        .thenRunAsync(() -> admit(runId, runSequence, commit, environment, token, manual), jobs)
        .exceptionally(
            failure -> {
              readyEngine()
                  .sendTaskFailure(
                      token,
                      "Cairn.QueueFailed",
                      "the deploy queue failed: " + failure.getMessage());
              return null;
            });
    // The task ends when its token is reported back; this result is ignored.
    return CompletableFuture.completedFuture(Json.object());
  }

  private void admit(
      String runId,
      long runSequence,
      String commit,
      String environment,
      String token,
      boolean manual) {
    Engine engine = readyEngine();
    EnvironmentLedger ledger = ledger(environment);
    if (!manual && ledger.isBad(commit)) {
      report(runId, "skipped", environment, "commit is marked bad in " + environment);
      audit.record(
          AuditEvent.SKIPPED_BAD,
          AuditRecorder.Run.of(runFacts(runId)),
          environment,
          AuditRecorder.AUTOMATIC,
          null,
          b ->
              b.error(
                  audit.error(
                      PipelineCompiler.ERROR_SKIPPED,
                      "commit " + shortId(commit) + " is marked bad in " + environment)));
      engine.sendTaskFailure(
          token,
          PipelineCompiler.ERROR_SKIPPED,
          "commit " + shortId(commit) + " is marked bad in " + environment);
    } else {
      boolean outdated;
      synchronized (waitingByEnvironment) {
        // Checked under the queue's lock so that no newer run is granted in between: a run whose
        // build ends after a newer run took the slot must not deploy after it.
        outdated =
            !manual && Math.max(ledger.deployedSequence(), ledger.grantedSequence()) > runSequence;
        if (!outdated) {
          List<Waiting> waiting =
              waitingByEnvironment.computeIfAbsent(environment, e -> new ArrayList<>());
          waiting.removeIf(w -> w.runId().equals(runId));
          waiting.add(new Waiting(runId, runSequence, commit, token));
        }
      }
      if (outdated) {
        report(runId, "superseded", environment, "a newer commit is deploying or deployed");
        recordSuperseded(runId, environment, newerThan(ledger, runSequence));
        engine.sendTaskFailure(
            token, PipelineCompiler.ERROR_SUPERSEDED, "a newer commit is deploying or deployed");
      } else {
        pump(environment);
      }
    }
  }

  /** The commit that made a run outdated: the one deploying, else the one deployed, or null. */
  private String newerThan(EnvironmentLedger ledger, long runSequence) {
    Optional<String> holder = ledger.holder();
    if (holder.isPresent()) {
      ObjectNode facts = runFacts(holder.get());
      if (facts.path("sequence").asLong() > runSequence) {
        return facts.path("commit").asText(null);
      }
    }
    return ledger.lastGood().map(EnvironmentLedger.LastGood::commit).orElse(null);
  }

  private void recordSuperseded(String runId, String environment, String by) {
    audit.record(
        AuditEvent.SUPERSEDED,
        AuditRecorder.Run.of(runFacts(runId)),
        environment,
        AuditRecorder.AUTOMATIC,
        null,
        b -> b.supersededBy(by));
  }

  /** The engine; waits while it is being built (only ever from task threads). */
  private Engine readyEngine() {
    return engineReady.join();
  }

  /** Grants the environment's slot to the newest waiting run if it is free; supersedes the rest. */
  private void pump(String environment) {
    EnvironmentLedger ledger = ledger(environment);
    List<Waiting> superseded = new ArrayList<>();
    Waiting granted = null;
    synchronized (waitingByEnvironment) {
      List<Waiting> waiting = waitingByEnvironment.getOrDefault(environment, List.of());
      Optional<String> holder = ledger.holder();
      if (holder.isPresent() && !holderFinished(holder.get())) {
        // Cairn stopped after granting the slot and before the engine recorded it: the holder's
        // queue task was dispatched again and waits for a slot that is its own.
        Optional<Waiting> again =
            waiting.stream().filter(w -> w.runId().equals(holder.get())).findFirst();
        if (again.isEmpty()) {
          return;
        }
        waiting.remove(again.get());
        ObjectNode result = Json.object();
        result.put("granted", true);
        readyEngine().sendTaskSuccess(again.get().token(), result);
        return;
      }
      if (waiting.isEmpty()) {
        ledger.setHolder(null);
        return;
      }
      Waiting newest = waiting.get(0);
      for (Waiting candidate : waiting) {
        if (candidate.sequence() > newest.sequence()) {
          newest = candidate;
        }
      }
      for (Waiting candidate : waiting) {
        if (candidate != newest) {
          superseded.add(candidate);
        }
      }
      waiting.clear();
      granted = newest;
      ledger.setHolder(granted.runId());
      ledger.setGrantedSequence(granted.sequence());
    }
    for (Waiting candidate : superseded) {
      report(
          candidate.runId(),
          "superseded",
          environment,
          "superseded by " + shortId(granted.commit()));
      recordSuperseded(candidate.runId(), environment, granted.commit());
      readyEngine()
          .sendTaskFailure(
              candidate.token(),
              PipelineCompiler.ERROR_SUPERSEDED,
              "superseded by " + granted.commit());
    }
    ObjectNode result = Json.object();
    result.put("granted", true);
    readyEngine().sendTaskSuccess(granted.token(), result);
  }

  private boolean holderFinished(String runId) {
    return readyEngine()
        .describe(executionArnOf(runId))
        .map(d -> d.status().isFinal())
        .orElse(true);
  }

  private void release(String runId, String environment) {
    EnvironmentLedger ledger = ledger(environment);
    synchronized (waitingByEnvironment) {
      if (ledger.holder().filter(runId::equals).isPresent()) {
        ledger.setHolder(null);
      }
    }
    pump(environment);
  }

  private void runEnded(String runId, ExecutionDescription description) {
    PipelineDefinition pipeline = readPipelineOrNull(workspace(runId));
    if (pipeline != null) {
      for (EnvironmentSpec environment : pipeline.environments()) {
        release(runId, environment.name());
      }
    }
    ports.listener().event(runId, "run-ended", null, description.status().name());
  }

  // ---------------------------------------------------------------- plan, apply, verify

  private CompletionStage<JsonNode> plan(JsonNode payload) {
    String runId = payload.path("run").path("id").asText();
    String environment = payload.path("environment").asText();
    EnvironmentSpec spec = environmentSpec(runId, environment);
    ObjectNode plan = Json.object();
    plan.put("artifact", runFacts(runId).path("artifact").asText());
    Optional<String> previous =
        ledger(environment).lastGood().map(EnvironmentLedger.LastGood::commit);
    previous.ifPresent(commit -> plan.put("replaces", commit));
    spec.services().keySet().forEach(s -> plan.withArray("services").add(s));
    plan.put("migrate", spec.migrate() != null);
    Instant started = Instant.now();
    // Kept for the records of the deployment's outcome: by then the ledger may have moved on.
    updateRun(
        runId,
        r -> {
          if (!r.path("deployStartedAt").has(environment)) {
            r.with("deployStartedAt").put(environment, started.toString());
            previous.ifPresent(commit -> r.with("previousRelease").put(environment, commit));
          }
        });
    ports.listener().event(runId, "deploy-started", environment, "plan: " + Json.write(plan));
    ObjectNode facts = runFacts(runId);
    audit.record(
        AuditEvent.DEPLOYMENT_STARTED,
        AuditRecorder.Run.of(facts),
        environment,
        null,
        null,
        b -> b.previousRelease(previousRelease(facts, environment)).artifact(artifactOf(facts)));
    return CompletableFuture.completedFuture(plan);
  }

  private void apply(String runId, String environment) {
    EnvironmentSpec spec = environmentSpec(runId, environment);
    ObjectNode run = runFacts(runId);
    String commit = run.path("commit").asText();
    String artifact = run.path("artifact").asText();
    // Dispatched again after a restart: the release this run started may still be running.
    Optional<Release> started = releaseOf(runId, environment);
    if (started.isPresent() && run.path("switched").path(environment).asBoolean(false)) {
      // Cairn stopped after the switch, before the engine recorded the end of this task.
      if (!ports
          .deployer()
          .live(environment)
          .map(Release::id)
          .equals(Optional.of(started.get().id()))) {
        ports.deployer().switchTraffic(started.get());
      }
      return;
    }
    Set<String> masked = new HashSet<>(ports.secrets().values());
    Map<String, ServiceEndpoint> endpoints = new HashMap<>();
    for (ServiceSpec service : spec.services().values()) {
      ServiceEndpoint endpoint = ports.services().ensure(environment, service);
      endpoints.put(service.name(), endpoint);
      if (endpoint.password() != null) {
        masked.add(endpoint.password());
      }
    }
    Path releaseDir = home.resolve("releases").resolve(environment).resolve(runId);
    try {
      if (!Files.exists(releaseDir)) {
        ports.artifacts().extract(artifact, releaseDir);
      }
    } catch (IOException e) {
      throw new StatesException("Cairn.ArtifactFailed", e.getMessage());
    }
    Map<String, String> env = new HashMap<>(ports.jobEnvironment());
    for (var entry : spec.app().env().entrySet()) {
      env.put(entry.getKey(), resolve(entry.getValue(), runId, environment, endpoints, masked));
    }
    // A started release means its migration succeeded already.
    if (spec.migrate() != null && started.isEmpty()) {
      Map<String, String> migrationEnv = new HashMap<>(ports.jobEnvironment());
      migrationEnv.putAll(env);
      JobResult migration =
          ports
              .jobs()
              .run(
                  new JobSpec(
                      runId + "-migrate-" + environment,
                      releaseDir,
                      List.of(spec.migrate()),
                      migrationEnv,
                      spec.migrate().timeout() != null
                          ? spec.migrate().timeout()
                          : Duration.ofMinutes(10),
                      true,
                      masked),
                  (step, line) ->
                      ports.listener().event(runId, "migrate-output", environment, line))
              .join();
      if (migration.outcome() != JobResult.Outcome.SUCCEEDED) {
        throw new StatesException("Cairn.MigrationFailed", migration.message());
      }
    }
    Release release =
        started.orElseGet(
            () ->
                ports
                    .deployer()
                    .start(
                        new ReleaseSpec(
                            environment,
                            commit,
                            artifact,
                            releaseDir,
                            spec.app().start(),
                            env,
                            spec.app().port())));
    updateRun(runId, r -> r.with("releases").put(environment, release.id()));
    if (!ports.deployer().awaitHealthy(release, spec.health(), spec.app().startTimeout())) {
      ports.deployer().stop(release);
      throw new StatesException(
          "Cairn.Unhealthy",
          "the release of "
              + shortId(commit)
              + " did not pass its health check "
              + spec.health().path()
              + " within "
              + spec.app().startTimeout().toSeconds()
              + "s");
    }
    ports.deployer().switchTraffic(release);
    updateRun(runId, r -> r.with("switched").put(environment, true));
    ports
        .listener()
        .event(runId, "switched", environment, "traffic now goes to " + shortId(commit));
  }

  private void verify(String runId, String environment) {
    EnvironmentSpec spec = environmentSpec(runId, environment);
    Release release = releaseOf(runId, environment).orElseThrow();
    CompletableFuture<Void> baked = new CompletableFuture<>();
    Instant end = Instant.now().plus(spec.bake());
    AtomicInteger failures = new AtomicInteger();
    long intervalMillis = Math.max(50, spec.health().interval().toMillis());
    var check =
        ticks.scheduleAtFixedRate(
            () -> {
              if (baked.isDone()) {
                return;
              }
              boolean healthy = ports.deployer().checkHealth(release, spec.health());
              if (healthy) {
                failures.set(0);
              } else if (failures.incrementAndGet() >= spec.health().failureThreshold()) {
                baked.completeExceptionally(
                    new StatesException(
                        "Cairn.VerifyFailed",
                        "the release failed "
                            + failures.get()
                            + " health checks in a row during the bake"));
                return;
              }
              if (!Instant.now().isBefore(end)) {
                baked.complete(null);
              }
            },
            0,
            intervalMillis,
            TimeUnit.MILLISECONDS);
    try {
      baked.join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof StatesException states ? states : e;
    } finally {
      check.cancel(false);
    }
    ObjectNode run = runFacts(runId);
    ledger(environment)
        .setLastGood(
            new EnvironmentLedger.LastGood(
                run.path("commit").asText(), run.path("artifact").asText(), release.id(), runId),
            run.path("sequence").asLong());
    for (Release old : ports.deployer().running(environment)) {
      if (!old.id().equals(release.id())) {
        ports.deployer().stop(old);
      }
    }
  }

  /** The cause of the error that led to a rollback, from its JSON text. */
  private static String reasonOf(String errorJson) {
    if (errorJson.isBlank()) {
      return null;
    }
    try {
      JsonNode error = Json.parse(errorJson);
      String cause = error.path("Cause").asText("");
      return error.path("Error").asText("error") + (cause.isEmpty() ? "" : ": " + cause);
    } catch (IllegalArgumentException e) {
      return errorJson;
    }
  }

  private void rollback(String runId, String environment, String errorJson) {
    String reason = reasonOf(errorJson);
    EnvironmentSpec spec = environmentSpec(runId, environment);
    ObjectNode run = runFacts(runId);
    AuditRecorder.Run facts = AuditRecorder.Run.of(run);
    var error = audit.error(parseOrNull(errorJson));
    Instant deployStarted =
        AuditRecorder.instant(run.path("deployStartedAt").path(environment).asText(null));
    audit.record(
        AuditEvent.DEPLOYMENT_FAILED,
        facts,
        environment,
        null,
        null,
        b ->
            b.startedAt(deployStarted)
                .duration(audit.since(deployStarted))
                .error(error)
                .previousRelease(previousRelease(run, environment))
                .artifact(artifactOf(run)));
    Optional<Release> failed = releaseOf(runId, environment);
    Optional<EnvironmentLedger.LastGood> lastGood = ledger(environment).lastGood();
    boolean switched = run.path("switched").path(environment).asBoolean(false);
    if (switched && lastGood.isPresent()) {
      Release good =
          ports.deployer().running(environment).stream()
              .filter(r -> r.id().equals(lastGood.get().releaseId()))
              .findFirst()
              .orElseGet(() -> restart(runId, environment, spec, lastGood.get()));
      ports.deployer().switchTraffic(good);
    }
    failed.ifPresent(ports.deployer()::stop);
    String rolledBackTo = lastGood.map(EnvironmentLedger.LastGood::commit).orElse(null);
    audit.record(
        AuditEvent.ROLLED_BACK,
        facts,
        environment,
        AuditRecorder.AUTOMATIC,
        null,
        b -> b.error(error).rolledBackTo(rolledBackTo).artifact(artifactOf(run)));
    ledger(environment).markBad(run.path("commit").asText());
    audit.record(
        AuditEvent.MARKED_BAD,
        facts,
        environment,
        AuditRecorder.AUTOMATIC,
        null,
        b -> b.error(error));
    ports
        .listener()
        .event(
            runId,
            "rolled-back",
            environment,
            lastGood
                    .map(
                        g ->
                            "back to "
                                + shortId(g.commit())
                                + "; "
                                + shortId(run.path("commit").asText())
                                + " marked bad")
                    .orElse("no earlier release to return to; the failed release was stopped")
                + (reason == null ? "" : " (" + reason + ")"));
    revertIfAsked(runId, environment, spec.rollback().revert(), facts);
  }

  /**
   * The {@code rollback.revert} policy: pushes a commit reverting the rolled-back one, at most once
   * per run and environment (a rollback re-run after a crash does not push a second revert), and
   * only for runs of pushed commits (a manual deploy of an old commit is not reverted on main).
   */
  private void revertIfAsked(
      String runId, String environment, RollbackSpec.Revert policy, AuditRecorder.Run facts) {
    if (policy == RollbackSpec.Revert.OFF
        || facts.trigger().kind() == AuditTrigger.Kind.MANUAL
        || runFacts(runId).path("revertAttempted").has(environment)) {
      return;
    }
    updateRun(runId, r -> r.with("revertAttempted").put(environment, true));
    if (ports.reverter() == null) {
      report(runId, "revert-failed", environment, "this Cairn cannot push revert commits");
      return;
    }
    try {
      SourceReverter.Reverted reverted =
          ports.reverter().revert(facts.commit(), policy == RollbackSpec.Revert.MAIN);
      report(runId, "reverted", environment, reverted.explanation());
      audit.record(
          AuditEvent.REVERTED,
          facts,
          environment,
          AuditRecorder.AUTOMATIC,
          null,
          b -> b.revertCommit(reverted.commit()).revertBranch(reverted.branch()));
    } catch (IOException | RuntimeException e) {
      report(
          runId,
          "revert-failed",
          environment,
          "no revert commit was pushed: " + audit.redact(e.getMessage()));
    }
  }

  private static JsonNode parseOrNull(String json) {
    if (json == null || json.isBlank()) {
      return null;
    }
    try {
      return Json.parse(json);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String previousRelease(JsonNode run, String environment) {
    return run.path("previousRelease").path(environment).asText(null);
  }

  private static String artifactOf(JsonNode run) {
    String artifact = run.path("artifact").asText("");
    return artifact.isEmpty() ? null : artifact;
  }

  /** Starts the last good release again from its stored artifact: no rebuild. */
  private Release restart(
      String runId, String environment, EnvironmentSpec spec, EnvironmentLedger.LastGood good) {
    Path releaseDir = home.resolve("releases").resolve(environment).resolve(good.runId());
    try {
      if (!Files.exists(releaseDir)) {
        ports.artifacts().extract(good.artifact(), releaseDir);
      }
    } catch (IOException e) {
      throw new StatesException("Cairn.ArtifactFailed", e.getMessage());
    }
    Set<String> masked = new HashSet<>(ports.secrets().values());
    Map<String, ServiceEndpoint> endpoints = new HashMap<>();
    for (ServiceSpec service : spec.services().values()) {
      endpoints.put(service.name(), ports.services().ensure(environment, service));
    }
    Map<String, String> env = new HashMap<>(ports.jobEnvironment());
    for (var entry : spec.app().env().entrySet()) {
      env.put(
          entry.getKey(), resolve(entry.getValue(), good.runId(), environment, endpoints, masked));
    }
    Release release =
        ports
            .deployer()
            .start(
                new ReleaseSpec(
                    environment,
                    good.commit(),
                    good.artifact(),
                    releaseDir,
                    spec.app().start(),
                    env,
                    spec.app().port()));
    if (!ports.deployer().awaitHealthy(release, spec.health(), spec.app().startTimeout())) {
      throw new StatesException(
          "Cairn.RollbackFailed", "the last good release did not become healthy again");
    }
    return release;
  }

  private CompletionStage<JsonNode> record(JsonNode payload) {
    String runId = payload.path("run").path("id").asText();
    String environment =
        payload.path("environment").isMissingNode() ? null : payload.path("environment").asText();
    String outcome = payload.path("outcome").asText();
    updateRun(
        runId,
        r -> {
          if (environment == null) {
            r.put("outcome", outcome);
          } else {
            r.with("outcomes").put(environment, outcome);
          }
        });
    if ("deployed".equals(outcome)) {
      ports
          .listener()
          .event(
              runId,
              "deployed",
              environment,
              "deployed " + shortId(runFacts(runId).path("commit").asText()));
      recordDeployed(runId, environment);
    }
    if ("build-failed".equals(outcome)) {
      ObjectNode run = runFacts(runId);
      Instant started =
          AuditRecorder.instant(
              run.path("buildStartedAt").asText(run.path("submittedAt").asText(null)));
      var error = audit.error(payload.path("error"));
      audit.record(
          AuditEvent.BUILD_FAILED,
          AuditRecorder.Run.of(run),
          null,
          null,
          null,
          b -> b.startedAt(started).duration(audit.since(started)).error(error));
    }
    if (environment != null && !"skipped".equals(outcome)) {
      jobs.execute(() -> release(runId, environment));
    }
    ObjectNode result = Json.object();
    result.put("recorded", outcome);
    return CompletableFuture.completedFuture(result);
  }

  private static final DateTimeFormatter TAG_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private void recordDeployed(String runId, String environment) {
    ObjectNode run = runFacts(runId);
    Instant started =
        AuditRecorder.instant(run.path("deployStartedAt").path(environment).asText(null));
    PipelineDefinition pipeline = readPipelineOrNull(workspace(runId));
    String commit = run.path("commit").asText();
    // Unique per commit even when one environment gets two releases within a second.
    String tag =
        pipeline != null && pipeline.audit().tags()
            ? "cairn/" + environment + "/" + TAG_TIME.format(Instant.now()) + "-" + shortId(commit)
            : null;
    audit.record(
        AuditEvent.DEPLOYED,
        AuditRecorder.Run.of(run),
        environment,
        null,
        null,
        b ->
            b.startedAt(started)
                .duration(audit.since(started))
                .previousRelease(previousRelease(run, environment))
                .artifact(artifactOf(run))
                .releaseTag(tag));
  }

  // ---------------------------------------------------------------- helpers

  private String resolve(
      String text,
      String runId,
      String environment,
      Map<String, ServiceEndpoint> endpoints,
      Set<String> masked) {
    Matcher matcher = REFERENCE.matcher(text);
    StringBuilder result = new StringBuilder();
    while (matcher.find()) {
      String reference = matcher.group(1).trim();
      String value = lookup(reference, runId, environment, endpoints, masked);
      matcher.appendReplacement(result, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(result);
    return result.toString();
  }

  private String lookup(
      String reference,
      String runId,
      String environment,
      Map<String, ServiceEndpoint> endpoints,
      Set<String> masked) {
    String[] parts = reference.split("\\.");
    switch (parts[0]) {
      case "commit" -> {
        return runFacts(runId).path("commit").asText();
      }
      case "environment" -> {
        return environment == null ? "" : environment;
      }
      case "secrets" -> {
        String name = reference.substring("secrets.".length());
        String value =
            ports
                .secrets()
                .get(name)
                .orElseThrow(
                    () ->
                        new StatesException(
                            "Cairn.MissingSecret",
                            "the secret '"
                                + name
                                + "' is not set (cairn secrets set "
                                + name
                                + ")"));
        masked.add(value);
        return value;
      }
      case "services" -> {
        if (parts.length == 3 && endpoints.containsKey(parts[1])) {
          ServiceEndpoint endpoint = endpoints.get(parts[1]);
          return switch (parts[2]) {
            case "url" -> endpoint.url();
            case "host" -> endpoint.host();
            case "port" -> String.valueOf(endpoint.port());
            case "user" -> endpoint.user();
            case "password" -> endpoint.password();
            case "database" -> endpoint.database();
            default -> throw unknownReference(reference);
          };
        }
        throw unknownReference(reference);
      }
      default -> throw unknownReference(reference);
    }
  }

  private static StatesException unknownReference(String reference) {
    return new StatesException("Cairn.InvalidPipeline", "unknown reference ${" + reference + "}");
  }

  private Optional<Release> releaseOf(String runId, String environment) {
    String releaseId = runFacts(runId).path("releases").path(environment).asText(null);
    if (releaseId == null) {
      return Optional.empty();
    }
    return ports.deployer().running(environment).stream()
        .filter(r -> r.id().equals(releaseId))
        .findFirst();
  }

  private EnvironmentSpec environmentSpec(String runId, String environment) {
    PipelineDefinition pipeline = pipelineReader.apply(workspace(runId).resolve(PIPELINE_FILE));
    return pipeline
        .environment(environment)
        .orElseThrow(
            () ->
                new StatesException(
                    "Cairn.InvalidPipeline", "no environment named " + environment));
  }

  private PipelineDefinition readPipelineOrNull(Path workspace) {
    try {
      return pipelineReader.apply(workspace.resolve(PIPELINE_FILE));
    } catch (RuntimeException e) {
      return null;
    }
  }

  private synchronized void updateRun(
      String runId, java.util.function.Consumer<ObjectNode> change) {
    Path file = runDir(runId).resolve("run.json");
    ObjectNode run = JsonFiles.read(file);
    change.accept(run);
    JsonFiles.write(file, run);
  }

  private void report(String runId, String kind, String environment, String message) {
    ports.listener().event(runId, kind, environment, message);
  }

  private Path runDir(String runId) {
    return home.resolve("runs").resolve(runId);
  }

  private Path workspace(String runId) {
    return runDir(runId).resolve("workspace");
  }

  private int countRuns() {
    Path runs = home.resolve("runs");
    if (!Files.isDirectory(runs)) {
      return 0;
    }
    try (var entries = Files.list(runs)) {
      return (int) entries.count();
    } catch (IOException e) {
      return 0;
    }
  }

  private static String executionArn(String runId, PipelineDefinition pipeline) {
    return "arn:aws:states:local:000000000000:execution:"
        + (pipeline != null ? pipeline.name() : "pipeline")
        + ":"
        + runId;
  }

  private String executionArnOf(String runId) {
    return executionArn(runId, readPipelineOrNull(workspace(runId)));
  }

  static String shortId(String commit) {
    return commit.length() > 7 ? commit.substring(0, 7) : commit;
  }

  private static <T> CompletionStage<T> failed(String error, String cause) {
    return CompletableFuture.failedFuture(new StatesException(error, cause));
  }
}
