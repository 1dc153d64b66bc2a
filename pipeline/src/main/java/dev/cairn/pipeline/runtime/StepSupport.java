package dev.cairn.pipeline.runtime;

import dev.cairn.pipeline.file.EnvironmentSpec;
import dev.cairn.pipeline.file.PipelineDefinition;
import dev.cairn.pipeline.file.PipelineFileException;
import dev.cairn.pipeline.file.PipelineFileParser;
import dev.cairn.pipeline.file.ServiceSpec;
import dev.cairn.pipeline.port.JobResult;
import dev.cairn.pipeline.port.Release;
import dev.cairn.pipeline.port.ReleaseSpec;
import dev.cairn.pipeline.port.RunEvent;
import dev.cairn.pipeline.port.ServiceEndpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the steps share: the ports, the audit recorder, and the few operations more than one step
 * needs (the run's pipeline, an environment's services, starting a release from an artifact).
 */
final class StepSupport {
  /** The pipeline file's name in the application repository. */
  static final String PIPELINE_FILE = "cairn.yml";

  final RuntimePorts ports;
  final AuditRecorder audit;

  StepSupport(RuntimePorts ports) {
    this.ports = ports;
    this.audit =
        new AuditRecorder(
            ports.audit(), ports.cairnVersion(), ports.secrets(), ports.listener(), ports.clock());
  }

  void event(String run, RunEvent.Kind kind, String environment, String message) {
    ports.listener().event(new RunEvent(run, kind, environment, message));
  }

  /** The pipeline a run was validated with (its file's text is in the run's facts). */
  PipelineDefinition pipeline(RunFacts facts) {
    if (facts.pipelineFile() == null) {
      throw new StepFailure(
          CairnError.INVALID_JOB, "the run " + facts.id() + " has no validated pipeline file");
    }
    return parse(facts.pipelineFile());
  }

  static PipelineDefinition parse(String text) {
    try {
      return PipelineFileParser.parse(PIPELINE_FILE, text);
    } catch (PipelineFileException e) {
      throw new StepFailure(CairnError.INVALID_PIPELINE, e.getMessage());
    }
  }

  /**
   * Keeps a failed release's own output with the run's logs (as {@code release-ENV.log}), where
   * {@code cairn logs RUN} finds it: the health check says that a release failed, its output why.
   */
  void keepReleaseOutput(String run, String environment) {
    String releaseId = ports.runs().get(run).deployment(environment).releaseId();
    if (releaseId == null || !(ports.target() instanceof DeployTarget.Processes target)) {
      return;
    }
    try {
      Optional<String> output = target.deployer().output(environment, releaseId);
      if (output.isEmpty()) {
        return;
      }
      Path copy = Files.createTempFile("cairn-release-", ".log");
      try {
        Files.writeString(copy, audit.redact(output.get()) + "\n");
        ports.logs().keep(run, "release-" + environment + ".log", copy);
      } finally {
        Files.deleteIfExists(copy);
      }
    } catch (IOException | RuntimeException e) {
      // The rollback does not depend on where the output is kept.
      event(
          run,
          RunEvent.Kind.AUDIT_FAILED,
          environment,
          "the release's output could not be kept: " + audit.redact(e.getMessage()));
    }
  }

  /** The environment's part of the run's pipeline. */
  EnvironmentSpec environment(RunFacts facts, String environment) {
    return pipeline(facts)
        .environment(environment)
        .orElseThrow(
            () ->
                new StepFailure(
                    CairnError.INVALID_PIPELINE,
                    "the pipeline has no environment named '" + environment + "'"));
  }

  /** The process target, or a failure naming what the environment's target cannot do. */
  DeployTarget.Processes processes(String what) {
    if (ports.target() instanceof DeployTarget.Processes processes) {
      return processes;
    }
    throw new StepFailure(CairnError.NOT_SUPPORTED, what + " is not possible on a stack target");
  }

  /**
   * Keeps the migration's log with the run's logs and says how it ended; a failed migration fails
   * the deployment (no switch), a killed one is retried as an infrastructure failure.
   */
  void migrated(String run, EnvironmentSpec spec, JobResult migration) {
    try {
      ports.logs().keep(run, "migrate-" + spec.name() + ".log", migration.log());
    } catch (IOException | RuntimeException e) {
      // Where the log is kept does not decide the deployment.
    }
    event(
        run,
        RunEvent.Kind.MIGRATED,
        spec.name(),
        migration.outcome() == JobResult.Outcome.SUCCEEDED ? "succeeded" : migration.message());
    if (migration.outcome() == JobResult.Outcome.KILLED) {
      throw BuildStep.killed("migration", migration);
    }
    if (migration.outcome() != JobResult.Outcome.SUCCEEDED) {
      throw new StepFailure(CairnError.MIGRATION_FAILED, migration.message());
    }
  }

  /** Provisions (or finds) the environment's services. */
  Map<String, ServiceEndpoint> services(EnvironmentSpec environment) {
    Map<String, ServiceEndpoint> endpoints = new HashMap<>();
    if (environment.services().isEmpty()) {
      return endpoints;
    }
    DeployTarget.Processes target = processes("provisioning services");
    if (target.services() == null) {
      throw new StepFailure(
          CairnError.INVALID_PIPELINE,
          "environment "
              + environment.name()
              + " declares services, which this driver does not provision");
    }
    for (ServiceSpec service : environment.services().values()) {
      endpoints.put(service.name(), target.services().ensure(environment.name(), service));
    }
    return endpoints;
  }

  /** Unpacks an artifact into a release directory, unless it is there already. */
  Path unpack(String artifact, String environment, String run) {
    Path directory = ports.releaseDirectory(environment, run);
    try {
      if (!Files.exists(directory)) {
        Files.createDirectories(directory.getParent());
        ports.requireArtifacts().extract(artifact, directory);
      }
      return directory;
    } catch (IOException e) {
      throw new StepFailure(
          CairnError.ARTIFACT_FAILED,
          "artifact " + artifact + " could not be unpacked: " + StepFailure.describe(e));
    }
  }

  /**
   * The release's variables: the job environment (not for an image) under the app's own, references
   * resolved.
   */
  Variables.Resolved releaseVariables(
      EnvironmentSpec environment,
      String commit,
      String artifact,
      Map<String, ServiceEndpoint> endpoints) {
    Variables.Resolved app =
        Variables.resolve(
            environment.app().env(),
            new Variables.Context(commit, environment.name(), artifact, endpoints),
            ports.secrets());
    // The job environment is the host's (PATH, JAVA_HOME of this machine): meaningless, even
    // harmful, inside an image, which brings its own.
    Map<String, String> env = new HashMap<>(isImage(artifact) ? Map.of() : ports.jobEnvironment());
    env.putAll(app.env());
    return new Variables.Resolved(env, app.masked());
  }

  /**
   * What to start for a release of {@code artifact}: the artifact unpacked into the run's release
   * directory and the app's start command, or, for an image ({@link #isImage}), the image and the
   * command that overrides its own (if any). Rollback and supervision go through here too, so a
   * container release is restarted from its image exactly as a process release from its artifact.
   */
  ReleaseSpec releaseSpec(
      EnvironmentSpec environment,
      String commit,
      String artifact,
      String run,
      Map<String, String> env) {
    String start = environment.app().start();
    if (isImage(artifact)) {
      String image = requireImage(artifact, commit);
      return new ReleaseSpec(
          environment.name(), commit, artifact, null, start, env, environment.app().port(), image);
    }
    if (start == null) {
      throw new StepFailure(
          CairnError.INVALID_PIPELINE,
          "the release of "
              + RunFacts.shortId(commit)
              + " is a process started from an artifact, and the pipeline file has no app.start"
              + " for "
              + environment.name());
    }
    Path directory = unpack(artifact, environment.name(), run);
    return new ReleaseSpec(
        environment.name(), commit, artifact, directory, start, env, environment.app().port());
  }

  /** The prefix that marks an artifact as a container image: {@code image:sha256:<hex>}. */
  static final String IMAGE_PREFIX = "image:";

  /** Whether the artifact is a container image rather than an archive of the artifact store. */
  static boolean isImage(String artifact) {
    return artifact != null && artifact.startsWith(IMAGE_PREFIX);
  }

  /**
   * The image id of an image artifact, checked to be still in the runtime's storage: an image
   * removed by hand ({@code podman rmi}, {@code podman image prune -a}) cannot be run again, and
   * the failure says so rather than what the runtime would print.
   */
  String requireImage(String artifact, String commit) {
    String image = artifact.substring(IMAGE_PREFIX.length());
    if (!ports.requireImages().exists(image)) {
      throw new StepFailure(
          CairnError.ARTIFACT_FAILED,
          "the image "
              + image
              + " of "
              + RunFacts.shortId(commit)
              + " is no longer in the container runtime's storage (removed or pruned by hand?);"
              + " deploying the commit again builds it again");
    }
    return image;
  }

  /** Starts a release of {@code commit} and waits until it is healthy; stops it if it is not. */
  Release startHealthy(
      EnvironmentSpec environment,
      String commit,
      String artifact,
      String run,
      Map<String, String> env,
      CairnError onUnhealthy) {
    DeployTarget.Processes target = processes("starting a release");
    Release release = target.deployer().start(releaseSpec(environment, commit, artifact, run, env));
    awaitHealthy(target, release, environment, commit, onUnhealthy);
    return release;
  }

  /**
   * Starts the last good release again as itself, from its stored artifact: no rebuild, same id,
   * port and proxy; what is left of its old process is killed first. What supervision does to a
   * live release that died, and a rollback to one.
   */
  Release restartAsItself(
      DeployTarget.Processes target,
      EnvironmentSpec spec,
      EnvironmentState.LastGood good,
      Release release) {
    Variables.Resolved variables =
        releaseVariables(spec, good.commit(), good.artifact(), services(spec));
    return target
        .deployer()
        .restart(
            release,
            releaseSpec(spec, good.commit(), good.artifact(), good.runId(), variables.env()));
  }

  void awaitHealthy(
      DeployTarget.Processes target,
      Release release,
      EnvironmentSpec environment,
      String commit,
      CairnError onUnhealthy) {
    if (!target
        .deployer()
        .awaitHealthy(release, environment.health(), environment.app().startTimeout())) {
      target.deployer().stop(release);
      throw new StepFailure(
          onUnhealthy,
          "the release of "
              + RunFacts.shortId(commit)
              + " did not pass its health check "
              + environment.health().path()
              + " within "
              + environment.app().startTimeout().toSeconds()
              + "s");
    }
  }
}
