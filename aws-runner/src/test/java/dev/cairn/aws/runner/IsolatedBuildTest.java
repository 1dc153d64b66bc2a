package dev.cairn.aws.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.aws.batch.BuildHandOff;
import dev.cairn.aws.testing.EmulatorClients;
import dev.cairn.local.job.LocalJobExecutor;
import dev.cairn.pipeline.file.StepSpec;
import dev.cairn.pipeline.port.JobExecutor;
import dev.cairn.pipeline.port.JobOutput;
import dev.cairn.pipeline.port.JobResult;
import dev.cairn.pipeline.port.JobSpec;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The build hand-off on S3Mock: the privileged side ({@link IsolatedBuildExecutor}) and the build
 * job ({@code cairn runner steps} in-process, with the build role's S3 access: {@link
 * InProcessBuildJobs}). Only the artifact comes back, secrets travel in the hand-off and stay
 * masked, and a build job's hostile output — a link out of the workspace, a forged upload that
 * names paths outside, no upload at all — fails the build without touching anything outside.
 */
class IsolatedBuildTest {
  private static final String SECRET = "s3cr3t-build-value-42";

  @TempDir Path dir;
  private final String bucket = "cairn-handoff-" + UUID.randomUUID().toString().substring(0, 8);
  private S3Client s3;
  private Path workspace;
  private final List<String> lines = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    s3 = EmulatorClients.s3();
    s3.createBucket(b -> b.bucket(bucket));
    workspace = dir.resolve("runs/000001-abc/workspace");
    Files.createDirectories(workspace.resolve("src"));
    Files.writeString(workspace.resolve("src/a.txt"), "from the commit\n");
    Files.createSymbolicLink(workspace.resolve("current"), Path.of("src"));
  }

  private InProcessBuildJobs buildJobs() {
    return new InProcessBuildJobs(
        bucket,
        "notes/",
        new LocalJobExecutor(LocalJobExecutor.Options.builder(dir.resolve("logs")).build()),
        dir.resolve("build-jobs"));
  }

  private JobResult build(JobExecutor remote, String script, String output) {
    JobSpec spec =
        new JobSpec(
            "000001-abc-build",
            workspace,
            List.of(new StepSpec("package", script, null)),
            Map.of("TOKEN", SECRET, "PLAIN", "visible"),
            Duration.ofMinutes(1),
            false,
            Set.of(SECRET),
            output);
    JobOutput collect = (step, line) -> lines.add(line);
    return new IsolatedBuildExecutor(
            new S3HandOff(s3, bucket), "notes/", remote, dir.resolve("handoff"))
        .run(spec, collect)
        .join();
  }

  private List<String> keys() {
    return s3.listObjectsV2(b -> b.bucket(bucket)).contents().stream().map(o -> o.key()).toList();
  }

  @Test
  void theBuildRunsOnACopyAndOnlyItsArtifactComesBack() throws IOException {
    InProcessBuildJobs jobs = buildJobs();
    JobResult result =
        build(
            jobs,
            "test -L current && test \"$TOKEN\" = '"
                + SECRET
                + "' && echo \"token $TOKEN plain $PLAIN\" && mkdir -p out"
                + " && cp current/a.txt out/ && echo junk > stray.txt",
            "out");

    assertThat(result.outcome()).as(result.message()).isEqualTo(JobResult.Outcome.SUCCEEDED);
    assertThat(workspace.resolve("out/a.txt")).hasContent("from the commit");
    // Only the artifact path is brought back: the build's other writes stay in its container.
    assertThat(workspace.resolve("stray.txt")).doesNotExist();
    assertThat(String.join("\n", lines)).contains("token *** plain visible").doesNotContain(SECRET);
    // The hand-off is gone, and the build job asked for nothing its role would refuse.
    assertThat(keys()).isEmpty();
    assertThat(jobs.refused()).isEmpty();
  }

  @Test
  void aSingleFileOrTheWholeWorkspaceComeBackAsBuilt() throws IOException {
    JobResult file = build(buildJobs(), "mkdir -p dist && echo jar > dist/app.jar", "dist/app.jar");
    assertThat(file.outcome()).as(file.message()).isEqualTo(JobResult.Outcome.SUCCEEDED);
    assertThat(workspace.resolve("dist/app.jar")).hasContent("jar");

    JobResult whole = build(buildJobs(), "rm current && echo built > built.txt", ".");
    assertThat(whole.outcome()).as(whole.message()).isEqualTo(JobResult.Outcome.SUCCEEDED);
    assertThat(workspace.resolve("built.txt")).hasContent("built");
    assertThat(workspace.resolve("src/a.txt")).hasContent("from the commit");
    assertThat(workspace.resolve("current")).doesNotExist();
  }

  @Test
  void aFailedBuildSaysWhyNotBatchsExitCode() {
    JobResult result = build(buildJobs(), "echo compiling; exit 7", "out");

    assertThat(result.outcome()).isEqualTo(JobResult.Outcome.FAILED);
    assertThat(result.message()).contains("exited with 7").doesNotContain("Batch job");
    assertThat(keys()).isEmpty();
  }

  @Test
  void anArtifactLeavingTheWorkspaceThroughALinkIsRefusedInTheBuildJob() {
    JobResult result = build(buildJobs(), "ln -s /etc out", "out");

    assertThat(result.outcome()).isEqualTo(JobResult.Outcome.FAILED);
    assertThat(result.message()).contains("leads outside the workspace");
    assertThat(workspace.resolve("out")).doesNotExist();
  }

  @Test
  void theBuildRoleCannotWriteTreesOrObjects() {
    InProcessBuildJobs jobs = buildJobs();
    S3HandOff asTheBuild = new S3HandOff(jobs.confined(), bucket);
    Path file = dir.resolve("poison");
    try {
      Files.writeString(file, "poison");
      for (String key : List.of("notes/trees/" + "a".repeat(40), "trees/x", "notes/objects/x")) {
        try {
          asTheBuild.put(key, file, Map.of());
          throw new AssertionError("the build job could write " + key);
        } catch (IOException refused) {
          assertThat(refused.getMessage()).contains("403");
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertThat(jobs.refused()).hasSize(3);
    assertThat(keys()).isEmpty();
  }

  @Test
  void aForgedUploadNamingPathsOutsideIsRefused() throws IOException {
    // A build job that "succeeds" with an upload whose archive names a path above the workspace.
    JobExecutor forger =
        new JobExecutor() {
          @Override
          public CompletableFuture<JobResult> run(JobSpec spec, JobOutput output) {
            String key = spec.env().get(BuildHandOff.UPLOAD_VARIABLE);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream data = new DataOutputStream(bytes)) {
              data.write("CAIRNAR1".getBytes(StandardCharsets.US_ASCII));
              data.writeByte('f');
              byte[] name = "../../../../escaped.txt".getBytes(StandardCharsets.UTF_8);
              data.writeInt(name.length);
              data.write(name);
              data.writeLong(4);
              data.write("evil".getBytes(StandardCharsets.UTF_8));
              data.writeByte('e');
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
            s3.putObject(
                b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes.toByteArray()));
            return CompletableFuture.completedFuture(
                new JobResult(JobResult.Outcome.SUCCEEDED, null, 0, null, "job succeeded"));
          }

          @Override
          public void cancel(String jobId) {}
        };

    JobResult result = build(forger, "true", "out");

    assertThat(result.outcome()).isEqualTo(JobResult.Outcome.FAILED);
    assertThat(result.message()).contains("upload could not be read");
    try (var files = Files.walk(dir)) {
      assertThat(files.filter(p -> p.getFileName().toString().equals("escaped.txt"))).isEmpty();
    }
    assertThat(keys()).isEmpty();
  }

  @Test
  void aBuildJobThatCouldNotWorkForNowIsRetriedNotTheCommitsFailure() {
    // The build job's S3 was unreachable (after Batch's retries): it reports Cairn.Transient.
    JobExecutor unlucky =
        new JobExecutor() {
          @Override
          public CompletableFuture<JobResult> run(JobSpec spec, JobOutput output) {
            String key = spec.env().get(BuildHandOff.RESULT_VARIABLE);
            s3.putObject(
                b -> b.bucket(bucket).key(key),
                RequestBody.fromString(
                    "{\"status\":\"FAILED\",\"error\":\"Cairn.Transient\","
                        + "\"cause\":\"S3 unreachable\"}"));
            return CompletableFuture.completedFuture(
                new JobResult(JobResult.Outcome.FAILED, null, 3, null, "exit code 3"));
          }

          @Override
          public void cancel(String jobId) {}
        };

    assertThatThrownBy(() -> build(unlucky, "true", "out"))
        .isInstanceOf(java.util.concurrent.CompletionException.class)
        .hasCauseInstanceOf(java.io.UncheckedIOException.class)
        .hasMessageContaining("could not do its work for now: S3 unreachable");
    assertThat(keys()).isEmpty();
  }

  @Test
  void aBuildJobThatUploadedNothingFailsTheBuild() {
    JobExecutor silent =
        new JobExecutor() {
          @Override
          public CompletableFuture<JobResult> run(JobSpec spec, JobOutput output) {
            return CompletableFuture.completedFuture(
                new JobResult(JobResult.Outcome.SUCCEEDED, null, 0, null, "job succeeded"));
          }

          @Override
          public void cancel(String jobId) {}
        };

    JobResult result = build(silent, "true", "out");

    assertThat(result.outcome()).isEqualTo(JobResult.Outcome.FAILED);
    assertThat(result.message()).contains("uploaded no artifact");
  }
}
