package dev.cairn.aws.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.aws.AwsException;
import dev.cairn.aws.run.RunFacts;
import dev.cairn.git.GitRemoteException;
import dev.cairn.git.workspace.Workspace;
import dev.cairn.pipeline.audit.ReleaseMemory;
import dev.cairn.pipeline.file.EnvironmentSpec;
import dev.cairn.pipeline.file.PipelineDefinition;
import dev.cairn.pipeline.file.PipelineFileException;
import dev.cairn.pipeline.file.PipelineFileParser;
import dev.cairn.pipeline.file.References;
import dev.cairn.pipeline.file.ServiceSpec;
import dev.cairn.pipeline.file.UnresolvedReferenceException;
import dev.cairn.pipeline.json.Json;
import dev.cairn.pipeline.port.ArtifactStore;
import dev.cairn.pipeline.port.Deployer;
import dev.cairn.pipeline.port.JobExecutor;
import dev.cairn.pipeline.port.JobResult;
import dev.cairn.pipeline.port.JobSpec;
import dev.cairn.pipeline.port.Release;
import dev.cairn.pipeline.port.ReleaseSpec;
import dev.cairn.pipeline.port.SecretStore;
import dev.cairn.pipeline.port.ServiceEndpoint;
import dev.cairn.pipeline.port.ServiceProvisioner;
import dev.cairn.pipeline.port.StackRelease;
import dev.cairn.pipeline.port.StackResult;
import dev.cairn.pipeline.port.StatusMessage;
import dev.cairn.pipeline.port.StatusPublisher;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Runs one job of one run, the way the local pipeline does, through the ports: the commit is
 * fetched with JGit, steps run in the {@link JobExecutor} (plain processes in the Fargate
 * container, which is the sandbox there), artifacts go to the {@link ArtifactStore} (S3), logs to
 * S3, secrets come from the {@link SecretStore} (Secrets Manager), status messages go to the {@link
 * StatusPublisher} (SQS), releases are started and switched by the {@link Deployer}. What a later
 * job needs from an earlier one travels through {@link RunFacts} in the bucket.
 *
 * <p>{@link #run} never throws for a failing job: it returns a {@link RunnerResult} whose outcome
 * gives the process's exit code, and writes it to the bucket.
 */
public final class Runner {
  /** The pipeline file's name in the application repository. */
  public static final String PIPELINE_FILE = "cairn.yml";

  /**
   * What a runner works with.
   *
   * @param artifacts keeps artifacts (S3)
   * @param logs keeps job logs: (run, name, file) → URI
   * @param facts the runs' facts and results (S3)
   * @param secrets the user's secrets (Secrets Manager)
   * @param status where status messages go (SQS)
   * @param source opens the application's repository in a scratch directory
   * @param jobs runs steps
   * @param deployer starts and switches releases, or null when the environments are stacks
   * @param stacks deploys environments as CloudFormation stacks, or null when releases run through
   *     the deployer
   * @param services provisions services, or null when this runner has none (environments that
   *     declare services then fail with a clear message)
   * @param lastGood the environments' last good releases (the audit trail)
   * @param jobEnvironment variables every step gets under the pipeline's own
   */
  public record Ports(
      ArtifactStore artifacts,
      LogStore logs,
      RunFacts facts,
      SecretStore secrets,
      StatusPublisher status,
      SourceFactory source,
      JobExecutor jobs,
      Deployer deployer,
      StackTarget stacks,
      ServiceProvisioner services,
      LastGoodSource lastGood,
      Map<String, String> jobEnvironment) {
    public Ports {
      Objects.requireNonNull(artifacts, "artifacts");
      Objects.requireNonNull(logs, "logs");
      Objects.requireNonNull(facts, "facts");
      Objects.requireNonNull(secrets, "secrets");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(jobs, "jobs");
      if ((deployer == null) == (stacks == null)) {
        throw new IllegalArgumentException("exactly one of deployer and stacks is needed");
      }
      Objects.requireNonNull(lastGood, "lastGood");
      jobEnvironment = Map.copyOf(jobEnvironment);
    }
  }

  /** Keeps a job's log file. */
  @FunctionalInterface
  public interface LogStore {
    /** Stores the file as {@code name} of {@code run}; returns where it is (an URI). */
    String upload(String run, String name, Path file) throws IOException;
  }

  /** Opens the application's repository in a scratch directory. */
  @FunctionalInterface
  public interface SourceFactory {
    /** A source whose mirror lives under {@code scratch}. */
    GitSource open(Path scratch) throws IOException;
  }

  private final Ports ports;
  private final Path work;
  private final Clock clock;
  private final PrintStream out;

  /**
   * A runner.
   *
   * @param work the job's scratch directory (the container's disk)
   * @param out where step output is printed (Batch sends stdout to CloudWatch Logs)
   */
  public Runner(Ports ports, Path work, Clock clock, PrintStream out) {
    this.ports = ports;
    this.work = work;
    this.clock = clock;
    this.out = out;
  }

  /** Runs the job, records its result in the bucket and returns it. */
  public RunnerResult run(RunnerJob job) {
    return record(
        job,
        () ->
            switch (job.kind()) {
              case BUILD -> build(job);
              case PLAN -> plan(job);
              case APPLY -> apply(job);
              case VERIFY -> verify(job);
              case ROLLBACK -> rollback(job);
              case DESTROY -> destroy(job);
              case STEPS ->
                  throw new JobFailure(
                      "Cairn.InvalidJob", "a steps job needs its steps: run it with runSteps");
            });
  }

  /**
   * Runs a {@link JobKind#STEPS} job: the steps in order, in the job's scratch directory, with the
   * job's variables and its secret variables filled from the {@link SecretStore} (each from the
   * secret of the same name), secrets masked in the printed output and the uploaded log ({@code
   * steps.log}); stops at the first failing step. Records the result in the bucket and returns it.
   *
   * @throws IllegalArgumentException when {@code job} is not a steps job
   */
  public RunnerResult runSteps(RunnerJob job, StepsJob steps) {
    if (job.kind() != JobKind.STEPS) {
      throw new IllegalArgumentException("runSteps runs steps jobs, not " + job.kind().wireName());
    }
    return record(job, () -> steps(job, steps));
  }

  /** One job's work; the kinds of failure it may throw are those {@link #record} maps. */
  @FunctionalInterface
  private interface Work {
    RunnerResult run() throws IOException, GitRemoteException;
  }

  private RunnerResult record(RunnerJob job, Work work) {
    RunnerResult result;
    try {
      result = work.run();
    } catch (JobFailure failure) {
      result =
          failed(job, RunnerResult.Outcome.FAILED, failure.error(), failure.getMessage(), null);
    } catch (GitRemoteException e) {
      result =
          failed(
              job,
              e.retryable() ? RunnerResult.Outcome.RETRYABLE : RunnerResult.Outcome.FAILED,
              "Cairn.SourceUnavailable",
              e.getMessage(),
              null);
    } catch (AwsException e) {
      result =
          failed(
              job,
              e.retryable() ? RunnerResult.Outcome.RETRYABLE : RunnerResult.Outcome.FAILED,
              "Cairn.AwsFailed",
              e.getMessage(),
              null);
    } catch (IOException | UncheckedIOException e) {
      result = failed(job, RunnerResult.Outcome.RETRYABLE, "Cairn.Transient", e.getMessage(), null);
    }
    ports.facts().writeResult(result.run(), result.job(), result.toJsonNode());
    return result;
  }

  private RunnerResult failed(
      RunnerJob job, RunnerResult.Outcome outcome, String error, String cause, String log) {
    String commit = commitOrNull(job);
    if (commit != null && outcome == RunnerResult.Outcome.FAILED) {
      publish(job, commit, StatusMessage.State.FAILURE, describe(job) + " failed: " + cause);
    }
    return new RunnerResult(job.fileName(), job.run(), outcome, error, cause, null, log);
  }

  // ---------------------------------------------------------------- build

  private RunnerResult build(RunnerJob job) throws IOException, GitRemoteException {
    ObjectNode facts = ports.facts().read(job.run()).orElseGet(Json::object);
    String commit = job.commit() != null ? job.commit() : facts.path("commit").asText(null);
    if (commit == null) {
      throw new JobFailure(
          "Cairn.InvalidJob", "the run " + job.run() + " names no commit: pass --commit");
    }
    publish(job, commit, StatusMessage.State.PENDING, "building " + shortId(commit));
    Path scratch = scratch(job);
    Workspace workspace;
    try (GitSource source = ports.source().open(scratch)) {
      workspace = source.checkout(commit, "build");
    }
    String text = readPipelineFile(workspace.directory());
    PipelineDefinition pipeline = parse(text);
    String tree = workspace.treeId();
    String template =
        ports.stacks() == null ? null : readStackTemplate(workspace.directory(), commit);
    ports
        .facts()
        .update(
            job.run(),
            f -> {
              f.put("id", job.run());
              f.put("commit", commit);
              f.put("tree", tree);
              f.put("pipelineFile", text);
              if (template != null) {
                f.put("stackTemplate", template);
              }
            });

    Optional<String> reused = ports.artifacts().forTree(tree);
    if (reused.isPresent() && ports.artifacts().contains(reused.get())) {
      ports.facts().update(job.run(), f -> f.put("artifact", reused.get()));
      publish(
          job, commit, StatusMessage.State.SUCCESS, "tree already built: reusing " + reused.get());
      return RunnerResult.succeeded(job, reused.get(), null);
    }

    Set<String> masked = new HashSet<>();
    Map<String, String> env = new HashMap<>(ports.jobEnvironment());
    env.putAll(resolve(pipeline.build().env(), commit, null, null, Map.of(), masked));
    JobSpec spec =
        new JobSpec(
            job.run() + "-build",
            workspace.directory(),
            pipeline.build().steps(),
            env,
            pipeline.build().timeout(),
            pipeline.build().network(),
            masked);
    JobResult result = ports.jobs().run(spec, this::print).join();
    String log = ports.logs().upload(job.run(), "build.log", result.log());
    if (result.outcome() == JobResult.Outcome.KILLED) {
      // Killed from outside (the OOM killer, a signal): Batch retries it in a fresh container.
      return failed(
          job,
          RunnerResult.Outcome.RETRYABLE,
          "Cairn.Transient",
          "the build was killed from outside (signal " + result.signal() + "); retrying",
          log);
    }
    if (result.outcome() != JobResult.Outcome.SUCCEEDED) {
      return failed(job, RunnerResult.Outcome.FAILED, "Cairn.BuildFailed", result.message(), log);
    }
    Path artifactPath = workspace.directory().resolve(pipeline.build().artifact());
    if (!Files.exists(artifactPath)) {
      return failed(
          job,
          RunnerResult.Outcome.FAILED,
          "Cairn.BuildFailed",
          "the build did not produce its artifact " + pipeline.build().artifact(),
          log);
    }
    String digest = ports.artifacts().put(artifactPath);
    ports.artifacts().recordTree(tree, digest);
    ports.facts().update(job.run(), f -> f.put("artifact", digest));
    publish(job, commit, StatusMessage.State.SUCCESS, "built " + shortId(commit) + ": " + digest);
    return RunnerResult.succeeded(job, digest, log);
  }

  // ---------------------------------------------------------------- steps

  private RunnerResult steps(RunnerJob job, StepsJob steps) throws IOException {
    Set<String> masked = new HashSet<>();
    Map<String, String> env = new HashMap<>(ports.jobEnvironment());
    env.putAll(steps.env());
    for (String variable : steps.secretVariables()) {
      String value =
          ports
              .secrets()
              .get(variable)
              .orElseThrow(
                  () ->
                      new JobFailure(
                          "Cairn.MissingSecret",
                          "the secret '"
                              + variable
                              + "' (for the variable of that name) is not set in Secrets"
                              + " Manager"));
      masked.add(value);
      env.put(variable, value);
    }
    Path workspace = scratch(job).resolve("work");
    Files.createDirectories(workspace);
    JobResult result =
        ports
            .jobs()
            .run(
                new JobSpec(
                    job.run() + "-steps", workspace, steps.steps(), env, null, true, masked),
                this::print)
            .join();
    String log = ports.logs().upload(job.run(), job.fileName() + ".log", result.log());
    if (result.outcome() != JobResult.Outcome.SUCCEEDED) {
      return failed(job, RunnerResult.Outcome.FAILED, "Cairn.StepFailed", result.message(), log);
    }
    return RunnerResult.succeeded(job, null, log);
  }

  // ---------------------------------------------------------------- plan, apply, verify

  private RunnerResult plan(RunnerJob job) {
    RunContext run = context(job);
    ObjectNode plan = Json.object();
    plan.put("artifact", run.artifact());
    plan.put("commit", run.commit());
    if (ports.deployer() != null) {
      ports
          .deployer()
          .live(job.environment())
          .ifPresentOrElse(
              live -> plan.put("replaces", live.commit()), () -> plan.putNull("replaces"));
    } else {
      plan.put("stack", ports.stacks().stackName(job.environment()));
    }
    run.environment().services().keySet().forEach(s -> plan.withArray("services").add(s));
    plan.put("migrates", run.environment().migrate() != null);
    ports.facts().update(job.run(), f -> f.with("plans").set(job.environment(), plan));
    return RunnerResult.succeeded(job, run.artifact(), null);
  }

  private RunnerResult apply(RunnerJob job) throws IOException {
    if (ports.stacks() != null) {
      return applyStack(job);
    }
    RunContext run = context(job);
    String environment = job.environment();
    publish(
        job,
        run.commit(),
        StatusMessage.State.PENDING,
        "deploying " + shortId(run.commit()) + " to " + environment);
    Set<String> masked = new HashSet<>();
    Map<String, ServiceEndpoint> endpoints = services(run.environment(), masked);
    Path releaseDir = releaseDirectory(environment, job.run());
    if (!Files.exists(releaseDir)) {
      ports.artifacts().extract(run.artifact(), releaseDir);
    }
    Map<String, String> env =
        resolve(
            run.environment().app().env(),
            run.commit(),
            environment,
            run.artifact(),
            endpoints,
            masked);
    if (run.environment().migrate() != null) {
      Map<String, String> migrationEnv = new HashMap<>(ports.jobEnvironment());
      migrationEnv.putAll(env);
      var migrate = run.environment().migrate();
      JobResult migration =
          ports
              .jobs()
              .run(
                  new JobSpec(
                      job.run() + "-migrate-" + environment,
                      releaseDir,
                      List.of(migrate),
                      migrationEnv,
                      migrate.timeout() != null ? migrate.timeout() : Duration.ofMinutes(10),
                      true,
                      masked),
                  this::print)
              .join();
      ports.logs().upload(job.run(), "migrate-" + environment + ".log", migration.log());
      if (migration.outcome() != JobResult.Outcome.SUCCEEDED) {
        throw new JobFailure("Cairn.MigrationFailed", migration.message());
      }
    }
    Release release =
        ports
            .deployer()
            .start(
                new ReleaseSpec(
                    environment,
                    run.commit(),
                    run.artifact(),
                    releaseDir,
                    run.environment().app().start(),
                    env,
                    run.environment().app().port()));
    ports.facts().update(job.run(), f -> f.with("releases").put(environment, release.id()));
    if (!ports
        .deployer()
        .awaitHealthy(
            release, run.environment().health(), run.environment().app().startTimeout())) {
      ports.deployer().stop(release);
      throw new JobFailure(
          "Cairn.Unhealthy",
          "the release of "
              + shortId(run.commit())
              + " did not pass its health check "
              + run.environment().health().path()
              + " within "
              + run.environment().app().startTimeout().toSeconds()
              + "s");
    }
    ports.deployer().switchTraffic(release);
    ports.facts().update(job.run(), f -> f.with("switched").put(environment, true));
    publish(
        job,
        run.commit(),
        StatusMessage.State.PENDING,
        environment + " now serves " + shortId(run.commit()) + "; baking");
    return RunnerResult.succeeded(job, run.artifact(), null);
  }

  private RunnerResult verify(RunnerJob job) {
    if (ports.stacks() != null) {
      // On a stack, health belongs to ECS and the load balancer: the deployment circuit breaker
      // fails (and CloudFormation rolls back) the change set of a release that does not get
      // healthy.
      RunContext run = context(job);
      publish(
          job,
          run.commit(),
          StatusMessage.State.SUCCESS,
          "deployed " + shortId(run.commit()) + " to " + job.environment());
      return RunnerResult.succeeded(job, run.artifact(), null);
    }
    RunContext run = context(job);
    String environment = job.environment();
    Release release =
        releaseOf(job.run(), environment)
            .orElseThrow(
                () ->
                    new JobFailure(
                        "Cairn.VerifyFailed", "the release of this run is not running any more"));
    EnvironmentSpec spec = run.environment();
    Instant end = clock.instant().plus(spec.bake());
    long interval = Math.max(50, spec.health().interval().toMillis());
    int failures = 0;
    while (true) {
      if (ports.deployer().checkHealth(release, spec.health())) {
        failures = 0;
      } else if (++failures >= spec.health().failureThreshold()) {
        throw new JobFailure(
            "Cairn.VerifyFailed",
            "the release failed " + failures + " health checks in a row during the bake");
      }
      if (!clock.instant().isBefore(end)) {
        break;
      }
      pause(interval);
    }
    for (Release old : ports.deployer().running(environment)) {
      if (!old.id().equals(release.id())) {
        ports.deployer().stop(old);
      }
    }
    publish(
        job,
        run.commit(),
        StatusMessage.State.SUCCESS,
        "deployed " + shortId(run.commit()) + " to " + environment);
    return RunnerResult.succeeded(job, run.artifact(), null);
  }

  // ---------------------------------------------------------------- rollback, destroy

  private RunnerResult rollback(RunnerJob job) throws IOException {
    if (ports.stacks() != null) {
      return rollbackStack(job);
    }
    RunContext run = context(job);
    String environment = job.environment();
    ObjectNode facts = ports.facts().read(job.run()).orElseGet(Json::object);
    boolean switched = facts.path("switched").path(environment).asBoolean(false);
    Optional<Release> failedRelease = releaseOf(job.run(), environment);
    Optional<ReleaseMemory.Release> good =
        ports.lastGood().lastGood(environment).filter(g -> !g.commit().equals(run.commit()));
    if (switched && good.isPresent()) {
      Release target =
          ports.deployer().running(environment).stream()
              .filter(r -> r.commit().equals(good.get().commit()))
              .findFirst()
              .orElseGet(() -> restart(job, run, good.get()));
      ports.deployer().switchTraffic(target);
    }
    failedRelease.ifPresent(ports.deployer()::stop);
    good.ifPresent(
        g ->
            ports
                .facts()
                .update(job.run(), f -> f.with("rolledBackTo").put(environment, g.commit())));
    return rolledBack(
        job, run, good, "the failed release was stopped; no earlier release to return to");
  }

  /** Starts the last good release again from its stored artifact: no rebuild. */
  private Release restart(RunnerJob job, RunContext run, ReleaseMemory.Release good) {
    if (good.artifact() == null) {
      throw new JobFailure(
          "Cairn.RollbackFailed",
          "the last good release " + shortId(good.commit()) + " has no artifact recorded");
    }
    try {
      Path dir = releaseDirectory(job.environment(), "good-" + shortId(good.commit()));
      if (!Files.exists(dir)) {
        ports.artifacts().extract(good.artifact(), dir);
      }
      Set<String> masked = new HashSet<>();
      Map<String, String> env =
          resolve(
              run.environment().app().env(),
              good.commit(),
              job.environment(),
              good.artifact(),
              services(run.environment(), masked),
              masked);
      Release release =
          ports
              .deployer()
              .start(
                  new ReleaseSpec(
                      job.environment(),
                      good.commit(),
                      good.artifact(),
                      dir,
                      run.environment().app().start(),
                      env,
                      run.environment().app().port()));
      if (!ports
          .deployer()
          .awaitHealthy(
              release, run.environment().health(), run.environment().app().startTimeout())) {
        throw new JobFailure(
            "Cairn.RollbackFailed", "the last good release did not become healthy again");
      }
      return release;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private RunnerResult destroy(RunnerJob job) {
    if (ports.stacks() != null) {
      throw new JobFailure(
          "Cairn.NotSupported",
          "destroying a stack environment is not supported by the runner; delete the stack "
              + ports.stacks().stackName(job.environment())
              + " with CloudFormation");
    }
    for (Release release : ports.deployer().running(job.environment())) {
      ports.deployer().stop(release);
    }
    String commit = commitOrNull(job);
    if (commit != null) {
      publish(job, commit, StatusMessage.State.SUCCESS, job.environment() + " destroyed");
    }
    return RunnerResult.succeeded(job, null, null);
  }

  // ---------------------------------------------------------------- stacks

  private RunnerResult applyStack(RunnerJob job) {
    RunContext run = context(job);
    String template =
        ports
            .facts()
            .read(job.run())
            .map(f -> f.path("stackTemplate").asText(null))
            .orElseThrow(() -> new JobFailure("Cairn.InvalidJob", "the run has no stack template"));
    publish(
        job,
        run.commit(),
        StatusMessage.State.PENDING,
        "deploying " + shortId(run.commit()) + " to " + job.environment());
    deployStack(job.environment(), template, run.commit(), run.artifact(), "Cairn.DeployFailed");
    ports.facts().update(job.run(), f -> f.with("switched").put(job.environment(), true));
    return RunnerResult.succeeded(job, run.artifact(), null);
  }

  private RunnerResult rollbackStack(RunnerJob job) throws IOException {
    RunContext run = context(job);
    String environment = job.environment();
    Optional<ReleaseMemory.Release> good =
        ports.lastGood().lastGood(environment).filter(g -> !g.commit().equals(run.commit()));
    if (good.isPresent()) {
      if (good.get().artifact() == null) {
        throw new JobFailure(
            "Cairn.RollbackFailed",
            "the last good release " + shortId(good.get().commit()) + " has no artifact recorded");
      }
      String template;
      try (GitSource source = ports.source().open(scratch(job))) {
        Workspace workspace = source.checkout(good.get().commit(), "last-good");
        template = readStackTemplate(workspace.directory(), good.get().commit());
      } catch (GitRemoteException e) {
        throw new IOException(e.getMessage(), e);
      }
      deployStack(
          environment,
          template,
          good.get().commit(),
          good.get().artifact(),
          "Cairn.RollbackFailed");
      ports
          .facts()
          .update(job.run(), f -> f.with("rolledBackTo").put(environment, good.get().commit()));
    }
    return rolledBack(
        job, run, good, "no earlier release to return to; CloudFormation kept what the stack ran");
  }

  /** Reports a finished rollback (with the reason it was needed) and its result. */
  private RunnerResult rolledBack(
      RunnerJob job,
      RunContext run,
      Optional<ReleaseMemory.Release> good,
      String withoutEarlierRelease) {
    String reason = reasonOf(job.reason());
    publish(
        job,
        run.commit(),
        StatusMessage.State.FAILURE,
        good.map(g -> "rolled back " + job.environment() + " to " + shortId(g.commit()))
                .orElse(withoutEarlierRelease)
            + (reason == null ? "" : " (" + reason + ")"));
    return RunnerResult.succeeded(
        job, good.map(ReleaseMemory.Release::artifact).orElse(null), null);
  }

  private void deployStack(
      String environment, String template, String commit, String artifact, String error) {
    StackResult result;
    try {
      result =
          ports
              .stacks()
              .deployer()
              .deploy(
                  new StackRelease(
                      ports.stacks().stackName(environment),
                      template,
                      Map.of(
                          StackTarget.COMMIT_PARAMETER, commit,
                          StackTarget.ARTIFACT_PARAMETER, artifact),
                      commit,
                      artifact));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JobFailure(error, "interrupted while CloudFormation deployed the stack");
    }
    if (result.outcome() == StackResult.Outcome.FAILED) {
      throw new JobFailure(
          error,
          "CloudFormation did not deploy "
              + shortId(commit)
              + " to "
              + ports.stacks().stackName(environment)
              + ": "
              + result.reason());
    }
  }

  private String readStackTemplate(Path workspace, String commit) throws IOException {
    Path file = workspace.resolve(ports.stacks().templatePath()).normalize();
    if (!file.startsWith(workspace) || !Files.isRegularFile(file)) {
      throw new JobFailure(
          "Cairn.InvalidPipeline",
          "commit "
              + shortId(commit)
              + " has no stack template at "
              + ports.stacks().templatePath());
    }
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------- helpers

  /** The facts every environment job needs: commit, artifact, the environment's spec. */
  private record RunContext(String commit, String artifact, EnvironmentSpec environment) {}

  private RunContext context(RunnerJob job) {
    ObjectNode facts =
        ports
            .facts()
            .read(job.run())
            .orElseThrow(
                () ->
                    new JobFailure(
                        "Cairn.InvalidJob", "the run " + job.run() + " has not been built"));
    String artifact = facts.path("artifact").asText(null);
    String text = facts.path("pipelineFile").asText(null);
    if (artifact == null || text == null) {
      throw new JobFailure("Cairn.InvalidJob", "the run " + job.run() + " has no artifact");
    }
    EnvironmentSpec environment =
        parse(text)
            .environment(job.environment())
            .orElseThrow(
                () ->
                    new JobFailure(
                        "Cairn.InvalidPipeline",
                        "the pipeline has no environment named '" + job.environment() + "'"));
    return new RunContext(facts.path("commit").asText(), artifact, environment);
  }

  private Map<String, ServiceEndpoint> services(EnvironmentSpec environment, Set<String> masked) {
    Map<String, ServiceEndpoint> endpoints = new HashMap<>();
    if (environment.services().isEmpty()) {
      return endpoints;
    }
    if (ports.services() == null) {
      throw new JobFailure(
          "Cairn.InvalidPipeline",
          "environment "
              + environment.name()
              + " declares services, which this runner does not provision");
    }
    for (ServiceSpec service : environment.services().values()) {
      ServiceEndpoint endpoint = ports.services().ensure(environment.name(), service);
      endpoints.put(service.name(), endpoint);
      if (endpoint.password() != null) {
        masked.add(endpoint.password());
      }
    }
    return endpoints;
  }

  /**
   * Resolves {@code ${...}} references with the shared {@link References} resolver, the same as the
   * local pipeline; every secret used is added to {@code masked}.
   */
  private Map<String, String> resolve(
      Map<String, String> env,
      String commit,
      String environment,
      String artifact,
      Map<String, ServiceEndpoint> endpoints,
      Set<String> masked) {
    try {
      return References.resolveAll(
          env,
          expression -> {
            List<String> parts = List.of(expression.split("\\.", -1));
            return switch (parts.get(0)) {
              case "commit" -> commit;
              case "environment" -> environment == null ? "" : environment;
              case "artifact" -> artifact;
              case References.SECRETS -> {
                String name = expression.substring(References.SECRETS.length() + 1);
                String value =
                    ports
                        .secrets()
                        .get(name)
                        .orElseThrow(
                            () ->
                                new JobFailure(
                                    "Cairn.MissingSecret",
                                    "the secret '" + name + "' is not set in Secrets Manager"));
                masked.add(value);
                yield value;
              }
              case References.SERVICES -> serviceField(endpoints, parts);
              default -> null;
            };
          });
    } catch (UnresolvedReferenceException e) {
      throw new JobFailure("Cairn.InvalidPipeline", e.getMessage());
    }
  }

  private static String serviceField(Map<String, ServiceEndpoint> endpoints, List<String> parts) {
    if (parts.size() != 3 || !endpoints.containsKey(parts.get(1))) {
      return null;
    }
    ServiceEndpoint e = endpoints.get(parts.get(1));
    return switch (parts.get(2)) {
      case "url" -> e.url();
      case "host" -> e.host();
      case "port" -> String.valueOf(e.port());
      case "user" -> e.user();
      case "password" -> e.password();
      case "database" -> e.database();
      default -> null;
    };
  }

  private Optional<Release> releaseOf(String run, String environment) {
    String id =
        ports
            .facts()
            .read(run)
            .map(f -> f.path("releases").path(environment).asText(null))
            .orElse(null);
    if (id == null) {
      return Optional.empty();
    }
    return ports.deployer().running(environment).stream()
        .filter(r -> r.id().equals(id))
        .findFirst();
  }

  private static PipelineDefinition parse(String text) {
    try {
      return PipelineFileParser.parse(PIPELINE_FILE, text);
    } catch (PipelineFileException e) {
      throw new JobFailure("Cairn.InvalidPipeline", "invalid pipeline file:\n" + e.getMessage());
    }
  }

  private static String readPipelineFile(Path workspace) throws IOException {
    Path file = workspace.resolve(PIPELINE_FILE);
    if (!Files.isRegularFile(file)) {
      throw new JobFailure(
          "Cairn.InvalidPipeline", "the commit has no " + PIPELINE_FILE + " at its root");
    }
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  private String commitOrNull(RunnerJob job) {
    if (job.commit() != null) {
      return job.commit();
    }
    try {
      return ports.facts().read(job.run()).map(f -> f.path("commit").asText(null)).orElse(null);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private void publish(RunnerJob job, String commit, StatusMessage.State state, String text) {
    String line = text.lines().findFirst().orElse("");
    try {
      ports
          .status()
          .publish(
              new StatusMessage(
                  job.run(), commit, job.environment(), state, line, clock.instant()));
    } catch (RuntimeException e) {
      // A lost status message costs a stale commit status, never the job: the result is in S3.
      out.println("[cairn] status message not sent: " + e.getMessage());
    }
  }

  private void print(String step, String line) {
    out.println("[" + step + "] " + line);
  }

  private Path scratch(RunnerJob job) throws IOException {
    Path dir = work.resolve("jobs").resolve(job.run()).resolve(job.fileName());
    Files.createDirectories(dir);
    return dir;
  }

  private Path releaseDirectory(String environment, String name) throws IOException {
    Path dir = work.resolve("releases").resolve(environment);
    Files.createDirectories(dir);
    return dir.resolve(name);
  }

  private static String describe(RunnerJob job) {
    return job.environment() == null
        ? job.kind().wireName()
        : job.kind().wireName() + " of " + job.environment();
  }

  /** The cause of the error that led to a rollback, from the state machine's error JSON. */
  static String reasonOf(String errorJson) {
    if (errorJson == null) {
      return null;
    }
    try {
      JsonNode error = Json.parse(errorJson);
      String cause = error.path("Cause").asText("");
      String line = cause.lines().findFirst().orElse("");
      return error.path("Error").asText("error") + (line.isEmpty() ? "" : ": " + line);
    } catch (IllegalArgumentException e) {
      return errorJson.lines().findFirst().orElse("");
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JobFailure("Cairn.VerifyFailed", "interrupted during the bake");
    }
  }

  static String shortId(String commit) {
    return commit.length() > 7 ? commit.substring(0, 7) : commit;
  }
}
