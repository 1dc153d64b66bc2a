package dev.cairn.pipeline.runtime;

import dev.cairn.pipeline.port.ArtifactStore;
import dev.cairn.pipeline.port.AuditLog;
import dev.cairn.pipeline.port.ContainerImages;
import dev.cairn.pipeline.port.JobExecutor;
import dev.cairn.pipeline.port.PipelineListener;
import dev.cairn.pipeline.port.SecretStore;
import dev.cairn.pipeline.port.SourceCheckout;
import dev.cairn.pipeline.port.SourceReverter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * The adapters the runtime's steps work through; each driver builds its own (local: files in
 * CAIRN_HOME, bubblewrap jobs, the process deployer; AWS: S3, Secrets Manager, CloudFormation).
 *
 * @param runs the runs' facts
 * @param environments each environment's state (last good, bad commits, deploy queue)
 * @param jobs runs build steps and migrations; null in a driver that runs no job (the AWS
 *     functions: their steps never need one)
 * @param artifacts keeps artifacts by digest; null where no step needs them (the AWS functions)
 * @param secrets the application's secrets ({@code ${secrets.NAME}})
 * @param source checks out application commits; null where no step needs one (the AWS functions)
 * @param target where releases run; null where no step starts or deploys one (the AWS functions)
 * @param listener hears what happens
 * @param audit the audit trail, or null to record nothing
 * @param reverter pushes revert commits for {@code rollback.revert}, or null when this driver
 *     cannot
 * @param logs keeps job logs
 * @param jobEnvironment variables every build, migration and release gets under the pipeline's own
 * @param workDirectory where workspaces and unpacked releases go ({@code runs/<run>/workspace},
 *     {@code releases/<environment>/<run>})
 * @param clock the time
 * @param cairnVersion written into every audit record
 * @param isolation written into every {@code run-started} record: {@code none} when this driver
 *     runs builds, migrations and releases without a sandbox; null when they are sandboxed (or run
 *     in their own containers, on AWS)
 * @param images builds and runs container images for pipelines whose releases are images ({@code
 *     build.image}); null in a driver that has none (the AWS functions, a runner without an image
 *     project)
 */
public record RuntimePorts(
    RunStore runs,
    EnvironmentStore environments,
    JobExecutor jobs,
    ArtifactStore artifacts,
    SecretStore secrets,
    SourceCheckout source,
    DeployTarget target,
    PipelineListener listener,
    AuditLog audit,
    SourceReverter reverter,
    JobLogs logs,
    Map<String, String> jobEnvironment,
    Path workDirectory,
    Clock clock,
    String cairnVersion,
    String isolation,
    ContainerImages images) {

  /** Requires what every driver has; copies the map. */
  public RuntimePorts {
    Objects.requireNonNull(runs, "runs");
    Objects.requireNonNull(environments, "environments");
    Objects.requireNonNull(secrets, "secrets");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(logs, "logs");
    Objects.requireNonNull(workDirectory, "workDirectory");
    Objects.requireNonNull(clock, "clock");
    jobEnvironment = Map.copyOf(jobEnvironment);
  }

  /** A builder; see the record's components for what each port is. */
  public static Builder builder() {
    return new Builder();
  }

  /** The job executor, or a failure naming what this driver lacks. */
  public JobExecutor requireJobs() {
    return present(jobs, "job executor");
  }

  /** The artifact store, or a failure naming what this driver lacks. */
  public ArtifactStore requireArtifacts() {
    return present(artifacts, "artifact store");
  }

  /** The source checkout, or a failure naming what this driver lacks. */
  public SourceCheckout requireSource() {
    return present(source, "source checkout");
  }

  private static <T> T present(T port, String what) {
    if (port == null) {
      throw new StepFailure(
          CairnError.INVALID_JOB,
          "this driver has no " + what + ": the step must run where it has one (the runner)");
    }
    return port;
  }

  /**
   * The container runtime, or a failure saying why a container release cannot run here: the
   * pipeline file is valid, the machine is not (no runtime installed, or a driver without one).
   */
  public ContainerImages requireImages() {
    if (images == null) {
      throw new StepFailure(
          CairnError.INVALID_PIPELINE,
          "build.image: releases are container images, and this runtime cannot build or run them"
              + " (container releases need Podman on the local runtime, and on AWS a runner"
              + " given CAIRN_IMAGE_PROJECT and CAIRN_IMAGE_REPOSITORY, which the pipeline stack"
              + " sets)");
    }
    images
        .unavailable()
        .ifPresent(
            reason -> {
              throw new StepFailure(
                  CairnError.INVALID_PIPELINE,
                  "build.image: releases are container images, and this machine cannot build or"
                      + " run them: "
                      + reason);
            });
    return images;
  }

  /** The workspace a run's commit is checked out into. */
  public Path workspace(String run) {
    return workDirectory.resolve("runs").resolve(run).resolve("workspace");
  }

  /** The directory a release of {@code run} is unpacked into. */
  public Path releaseDirectory(String environment, String run) {
    return workDirectory.resolve("releases").resolve(environment).resolve(run);
  }

  /**
   * Builds {@link RuntimePorts}; the audit trail, the reverter and the job environment are
   * optional.
   */
  public static final class Builder {
    private RunStore runs;
    private EnvironmentStore environments;
    private JobExecutor jobs;
    private ArtifactStore artifacts;
    private SecretStore secrets;
    private SourceCheckout source;
    private DeployTarget target;
    private PipelineListener listener = PipelineListener.NONE;
    private AuditLog audit;
    private SourceReverter reverter;
    private JobLogs logs = JobLogs.IN_PLACE;
    private Map<String, String> jobEnvironment = Map.of();
    private Path workDirectory;
    private Clock clock = Clock.systemUTC();
    private String cairnVersion;
    private String isolation;
    private ContainerImages images;

    private Builder() {}

    /** Builds and runs container images (default: none). */
    public Builder images(ContainerImages value) {
      images = value;
      return this;
    }

    /** The runs' facts. */
    public Builder runs(RunStore value) {
      runs = value;
      return this;
    }

    /** The environments' states. */
    public Builder environments(EnvironmentStore value) {
      environments = value;
      return this;
    }

    /** The job executor. */
    public Builder jobs(JobExecutor value) {
      jobs = value;
      return this;
    }

    /** The artifact store. */
    public Builder artifacts(ArtifactStore value) {
      artifacts = value;
      return this;
    }

    /** The application's secrets. */
    public Builder secrets(SecretStore value) {
      secrets = value;
      return this;
    }

    /** Checks out commits. */
    public Builder source(SourceCheckout value) {
      source = value;
      return this;
    }

    /** Where releases run. */
    public Builder target(DeployTarget value) {
      target = value;
      return this;
    }

    /** Hears what happens (default: nothing). */
    public Builder listener(PipelineListener value) {
      listener = value;
      return this;
    }

    /** The audit trail (default: none). */
    public Builder audit(AuditLog value) {
      audit = value;
      return this;
    }

    /** Pushes revert commits (default: none). */
    public Builder reverter(SourceReverter value) {
      reverter = value;
      return this;
    }

    /** Keeps job logs (default: where the executor wrote them). */
    public Builder logs(JobLogs value) {
      logs = value;
      return this;
    }

    /** Variables every job and release gets (default: none). */
    public Builder jobEnvironment(Map<String, String> value) {
      jobEnvironment = value;
      return this;
    }

    /** Where workspaces and releases go. */
    public Builder workDirectory(Path value) {
      workDirectory = value;
      return this;
    }

    /** The clock (default: the system's, UTC). */
    public Builder clock(Clock value) {
      clock = value;
      return this;
    }

    /** Cairn's version for the audit records. */
    public Builder cairnVersion(String value) {
      cairnVersion = value;
      return this;
    }

    /**
     * How runs are isolated, for their records: {@code none} when not sandboxed (default: null).
     */
    public Builder isolation(String value) {
      isolation = value;
      return this;
    }

    /** The ports. */
    public RuntimePorts build() {
      return new RuntimePorts(
          runs,
          environments,
          jobs,
          artifacts,
          secrets,
          source,
          target,
          listener,
          audit,
          reverter,
          logs,
          jobEnvironment,
          workDirectory,
          clock,
          cairnVersion,
          isolation,
          images);
    }
  }
}
