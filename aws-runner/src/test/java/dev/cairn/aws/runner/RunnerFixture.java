package dev.cairn.aws.runner;

import dev.cairn.aws.s3.S3ArtifactStore;
import dev.cairn.aws.state.S3AuditOutbox;
import dev.cairn.aws.state.S3EnvironmentStore;
import dev.cairn.aws.state.S3RunStore;
import dev.cairn.git.RemoteCredentials;
import dev.cairn.git.revert.GitReverter;
import dev.cairn.pipeline.port.ContainerImages;
import dev.cairn.pipeline.port.JobExecutor;
import dev.cairn.pipeline.port.PipelineListener;
import dev.cairn.pipeline.port.SecretStore;
import dev.cairn.pipeline.port.StatusPublisher;
import dev.cairn.pipeline.runtime.DeployTarget;
import dev.cairn.pipeline.runtime.PipelineRuntime;
import dev.cairn.pipeline.runtime.RuntimePorts;
import dev.cairn.pipeline.runtime.StatusPublishingListener;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Supplier;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A runner wired like {@link RunnerSetup} does, from adapters a test made (emulators, a git host on
 * loopback, local processes), with its stores at hand for assertions.
 *
 * @param runner the runner
 * @param runtime its runtime
 * @param runs the runs' facts and job results in the bucket
 * @param environments the environments' states in the bucket
 */
record RunnerFixture(
    Runner runner, PipelineRuntime runtime, S3RunStore runs, S3EnvironmentStore environments) {

  static RunnerFixture of(
      S3Client s3,
      String bucket,
      S3ArtifactStore artifacts,
      SecretStore secrets,
      String remote,
      Supplier<RemoteCredentials> credentials,
      JobExecutor jobs,
      DeployTarget target,
      StatusPublisher status,
      Path work,
      PrintStream out) {
    return of(
        s3, bucket, artifacts, secrets, remote, credentials, jobs, target, status, work, out, null);
  }

  /** As above, with the builder of release images ({@code build.image}), or null for none. */
  static RunnerFixture of(
      S3Client s3,
      String bucket,
      S3ArtifactStore artifacts,
      SecretStore secrets,
      String remote,
      Supplier<RemoteCredentials> credentials,
      JobExecutor jobs,
      DeployTarget target,
      StatusPublisher status,
      Path work,
      PrintStream out,
      ContainerImages images) {
    S3RunStore runs = new S3RunStore(s3, bucket, "");
    S3EnvironmentStore environments = S3EnvironmentStore.forJobs(s3, bucket, "");
    GitSource source;
    GitReverter reverter;
    try {
      source = new GitSource(remote, "main", credentials, work.resolve("git"));
      reverter =
          GitReverter.builder()
              .remote(remote)
              .branch("main")
              .credentials(credentials)
              .repository(work.resolve("revert").resolve("repository.git"))
              .build();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    RuntimePorts ports =
        RuntimePorts.builder()
            .runs(runs)
            .environments(environments)
            .jobs(jobs)
            .artifacts(artifacts)
            .secrets(secrets)
            .source(source)
            .target(target)
            .reverter(reverter)
            .listener(
                ((PipelineListener)
                        event ->
                            out.println("[" + event.kind().wireName() + "] " + event.message()))
                    .andThen(
                        new StatusPublishingListener(
                            status, runs, Clock.systemUTC(), out::println)))
            .audit(
                new S3AuditOutbox(s3, bucket, "", S3AuditOutbox.Delivery.NONE, Clock.systemUTC()))
            .logs(artifacts::uploadLog)
            .images(images)
            .workDirectory(work)
            .cairnVersion("test")
            .build();
    PipelineRuntime runtime = PipelineRuntime.withoutQueue(ports);
    Runner runner =
        new Runner(
            new Runner.Ports(
                runtime,
                secrets,
                jobs,
                artifacts::uploadLog,
                result -> runs.keepResult(result.run(), result.job(), result.toJsonNode()),
                source::treeOf,
                work,
                // As RunnerSetup: each build brings the states up to date with the trail.
                RunnerSetup.trailRecovery(remote, credentials, environments, work)),
            Clock.systemUTC(),
            out);
    return new RunnerFixture(runner, runtime, runs, environments);
  }
}
