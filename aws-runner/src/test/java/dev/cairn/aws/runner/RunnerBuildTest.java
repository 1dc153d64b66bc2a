package dev.cairn.aws.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.aws.lambda.testing.GitHttpServer;
import dev.cairn.aws.s3.S3ArtifactStore;
import dev.cairn.aws.secrets.SecretsManagerSecretStore;
import dev.cairn.aws.sqs.SqsStatusPublisher;
import dev.cairn.aws.testing.EmulatorClients;
import dev.cairn.aws.testing.MotoExtension;
import dev.cairn.git.RemoteCredentials;
import dev.cairn.local.deploy.ProcessDeployer;
import dev.cairn.local.job.LocalJobExecutor;
import dev.cairn.pipeline.runtime.DeployTarget;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.function.Supplier;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.URIish;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The runner's build job against the emulators and a git host over HTTP: what it stores, what it
 * reuses, how it fails, and that secrets stay out of logs.
 */
@ExtendWith(MotoExtension.class)
class RunnerBuildTest {
  private static final String TOKEN = "ghp_runner-test-token";
  private static final String API_TOKEN = "s3cr3t-api-token-value";

  @TempDir Path dir;
  private final String id = UUID.randomUUID().toString().substring(0, 8);
  private final String bucket = "cairn-runner-" + id;
  private GitHttpServer gitHost;
  private String remote;
  private Git work;
  private S3Client s3;
  private S3ArtifactStore artifacts;
  private RunnerFixture fixture;
  private SecretsManagerSecretStore secrets;
  private final ByteArrayOutputStream output = new ByteArrayOutputStream();

  @BeforeEach
  void setUp() throws Exception {
    Path bare = dir.resolve("app.git");
    Git.init().setBare(true).setInitialBranch("main").setDirectory(bare.toFile()).call().close();
    gitHost = GitHttpServer.start(TOKEN);
    remote = gitHost.serve("octo/app", bare);
    work = Git.init().setInitialBranch("main").setDirectory(dir.resolve("work").toFile()).call();
    work.remoteAdd().setName("origin").setUri(new URIish(bare.toUri().toString())).call();
    s3 = EmulatorClients.s3();
    s3.createBucket(b -> b.bucket(bucket));
    artifacts =
        S3ArtifactStore.builder().s3(s3).bucket(bucket).scratch(dir.resolve("scratch")).build();
    secrets =
        SecretsManagerSecretStore.builder()
            .client(EmulatorClients.secretsManager())
            .prefix("cairn/runner-" + id + "/")
            .build();
    secrets.put("git-token", TOKEN);
  }

  @AfterEach
  void tearDown() {
    gitHost.close();
    work.close();
  }

  private Runner runner(String gitRemote) {
    Supplier<RemoteCredentials> credentials =
        () -> new RemoteCredentials("x-access-token", secrets.get("git-token").orElseThrow());
    String queue = EmulatorClients.sqs().createQueue(b -> b.queueName("s-" + id)).queueUrl();
    fixture =
        RunnerFixture.of(
            s3,
            bucket,
            artifacts,
            secrets,
            gitRemote,
            credentials,
            new LocalJobExecutor(LocalJobExecutor.Options.builder(dir.resolve("logs")).build()),
            new DeployTarget.Processes(
                new ProcessDeployer(dir.resolve("deployments"), secrets), null),
            new SqsStatusPublisher(EmulatorClients.sqs(), queue),
            dir.resolve("runner-" + UUID.randomUUID()),
            new PrintStream(output, true, StandardCharsets.UTF_8));
    return fixture.runner();
  }

  private RevCommit commit(String pipeline, String message) throws Exception {
    Path root = work.getRepository().getWorkTree().toPath();
    Files.writeString(root.resolve("cairn.yml"), pipeline);
    Files.writeString(root.resolve("main.txt"), "hello\n");
    work.add().addFilepattern(".").call();
    RevCommit commit =
        work.commit()
            .setMessage(message)
            .setAllowEmpty(true)
            .setAuthor("Dev", "dev@example.com")
            .setCommitter("Dev", "dev@example.com")
            .setSign(false)
            .call();
    work.push().setRemote("origin").add("main").call();
    return commit;
  }

  private static String pipeline(String steps, String env) {
    return "name: app\n"
        + "build:\n"
        + "  steps:\n"
        + steps
        + "  artifact: out/\n"
        + env
        + "environments:\n"
        + "  - name: production\n"
        + "    app: {start: 'true', port: 18999}\n"
        + "    health: {path: /health}\n";
  }

  private static final String COPY = "    - run: mkdir -p out && cp main.txt out/\n";

  private RunnerResult build(Runner runner, String run, RevCommit commit) {
    return runner.run(new RunnerJob(JobKind.BUILD, run, null, commit.getName(), null));
  }

  @Test
  void aBuildStoresItsArtifactLogAndResultInS3() throws Exception {
    RevCommit commit = commit(pipeline(COPY, ""), "one");

    RunnerResult result = build(runner(remote), "run-1", commit);

    assertThat(result.outcome()).as(result.cause()).isEqualTo(RunnerResult.Outcome.SUCCEEDED);
    assertThat(result.artifact()).startsWith("sha256:");
    assertThat(artifacts.contains(result.artifact())).isTrue();
    assertThat(
            s3.getObjectAsBytes(b -> b.bucket(bucket).key("logs/run-1/build.log")).asUtf8String())
        .contains("1 step succeeded");
    JsonNode stored = fixture.runs().result("run-1", "build").orElseThrow();
    assertThat(stored.path("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(stored.path("artifact").asText()).isEqualTo(result.artifact());
    assertThat(fixture.runs().get("run-1").tree()).isEqualTo(commit.getTree().getName());
  }

  @Test
  void aTreeBuiltBeforeIsReusedWithoutRunningTheSteps() throws Exception {
    RevCommit first = commit(pipeline(COPY, ""), "one");
    RunnerResult built = build(runner(remote), "run-1", first);
    RevCommit sameTree = commit(pipeline(COPY, ""), "same tree, new message");
    output.reset();

    RunnerResult reused = build(runner(remote), "run-2", sameTree);

    assertThat(sameTree.getTree()).isEqualTo(first.getTree());
    assertThat(reused.outcome()).isEqualTo(RunnerResult.Outcome.SUCCEEDED);
    assertThat(reused.artifact()).isEqualTo(built.artifact());
    assertThat(output.toString(StandardCharsets.UTF_8))
        .contains("[build-reused]")
        .doesNotContain("[build-output]");
  }

  @Test
  void secretsComeFromSecretsManagerAndAreMaskedInTheLog() throws Exception {
    secrets.put("api-token", API_TOKEN);
    RevCommit commit =
        commit(
            pipeline(
                "    - run: echo \"token=$API_TOKEN\"\n" + COPY,
                "  env:\n    API_TOKEN: \"${secrets.api-token}\"\n"),
            "uses a secret");

    RunnerResult result = build(runner(remote), "run-s", commit);

    assertThat(result.outcome()).isEqualTo(RunnerResult.Outcome.SUCCEEDED);
    String log =
        s3.getObjectAsBytes(b -> b.bucket(bucket).key("logs/run-s/build.log")).asUtf8String();
    assertThat(log).contains("token=***").doesNotContain(API_TOKEN);
    assertThat(output.toString(StandardCharsets.UTF_8))
        .doesNotContain(API_TOKEN)
        .doesNotContain(TOKEN);
  }

  @Test
  void aMissingSecretFailsTheBuildNamingIt() throws Exception {
    RevCommit commit =
        commit(pipeline(COPY, "  env:\n    X: \"${secrets.not-there}\"\n"), "missing secret");

    RunnerResult result = build(runner(remote), "run-m", commit);

    assertThat(result.outcome()).isEqualTo(RunnerResult.Outcome.FAILED);
    assertThat(result.outcome().exitCode()).isEqualTo(1);
    assertThat(result.error()).isEqualTo("Cairn.MissingSecret");
    assertThat(result.cause()).contains("'not-there'");
  }

  @Test
  void anInvalidPipelineFileFailsWithItsProblems() throws Exception {
    RevCommit commit = commit("name: app\nbuild:\n  stepz: []\n", "typo");

    RunnerResult result = build(runner(remote), "run-i", commit);

    assertThat(result.outcome()).isEqualTo(RunnerResult.Outcome.FAILED);
    assertThat(result.error()).isEqualTo("Cairn.InvalidPipeline");
    assertThat(result.cause()).contains("cairn.yml:3");
  }

  @Test
  void aFailingStepFailsTheBuildWithItsLogInS3() throws Exception {
    RevCommit commit = commit(pipeline("    - name: compile\n      run: exit 4\n", ""), "bad");

    RunnerResult result = build(runner(remote), "run-f", commit);

    assertThat(result.outcome()).isEqualTo(RunnerResult.Outcome.FAILED);
    assertThat(result.error()).isEqualTo("Cairn.BuildFailed");
    assertThat(result.cause()).contains("'compile'").contains("4");
    assertThat(fixture.runs().get("run-f").artifact()).isNull();
    assertThat(fixture.runs().get("run-f").buildFailure().error()).isEqualTo("Cairn.BuildFailed");
  }

  @Test
  void aBuildKilledBySigkillIsRetryableNotTheCommitsFailure() throws Exception {
    // The step's shell gets SIGKILL as the OOM killer would send it (the runner cannot tell who).
    RevCommit commit = commit(pipeline("    - name: compile\n      run: kill -9 $$\n", ""), "oom");

    RunnerResult result = build(runner(remote), "run-k", commit);

    assertThat(result.outcome()).isEqualTo(RunnerResult.Outcome.RETRYABLE);
    assertThat(result.error()).isEqualTo("Cairn.Transient");
    assertThat(result.cause()).isEqualTo("the build was killed from outside (signal 9); retrying");
    assertThat(fixture.runs().get("run-k").artifact()).isNull();
  }

  @Test
  void anUnreachableGitHostIsRetryableAndAWrongTokenIsNot() throws Exception {
    RevCommit commit = commit(pipeline(COPY, ""), "one");
    secrets.put("git-token", "wrong-token");

    RunnerResult refused = build(runner(remote), "run-a", commit);
    gitHost.close();
    secrets.put("git-token", TOKEN);
    RunnerResult unreachable = build(runner(remote), "run-u", commit);

    assertThat(refused.outcome()).isEqualTo(RunnerResult.Outcome.FAILED);
    assertThat(refused.error()).isEqualTo("Cairn.SourceUnavailable");
    assertThat(refused.cause()).doesNotContain("wrong-token");
    assertThat(unreachable.outcome()).isEqualTo(RunnerResult.Outcome.RETRYABLE);
    assertThat(unreachable.outcome().exitCode()).isEqualTo(3);
  }

  @Test
  void anEnvironmentJobOfARunNeverBuiltSaysSo() throws Exception {
    RunnerResult result =
        runner(remote).run(new RunnerJob(JobKind.APPLY, "run-x", "production", null, null));

    assertThat(result.outcome()).isEqualTo(RunnerResult.Outcome.FAILED);
    assertThat(result.error()).isEqualTo("Cairn.InvalidJob");
    assertThat(result.cause()).contains("run-x").contains("has not been built");
  }

  @Test
  void jobsAreCheckedBeforeAnythingRuns() {
    assertThatThrownBy(() -> new RunnerJob(JobKind.APPLY, "run-1", "", null, null))
        .hasMessage("apply needs --environment");
    assertThatThrownBy(() -> new RunnerJob(JobKind.BUILD, "../etc", null, null, null))
        .hasMessageContaining("--run");
    assertThatThrownBy(() -> new RunnerJob(JobKind.BUILD, "r", null, "abc", null))
        .hasMessageContaining("--commit");
    assertThat(new RunnerJob(JobKind.VERIFY, "r", "production", null, null).fileName())
        .isEqualTo("verify-production");
  }
}
