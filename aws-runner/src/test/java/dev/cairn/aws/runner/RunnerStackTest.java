package dev.cairn.aws.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.aws.cloudformation.CloudFormationDeployer;
import dev.cairn.aws.lambda.testing.GitHttpServer;
import dev.cairn.aws.s3.S3ArtifactStore;
import dev.cairn.aws.secrets.SecretsManagerSecretStore;
import dev.cairn.aws.sqs.SqsStatusPublisher;
import dev.cairn.aws.testing.EmulatorClients;
import dev.cairn.aws.testing.MotoExtension;
import dev.cairn.git.RemoteCredentials;
import dev.cairn.local.job.LocalJobExecutor;
import dev.cairn.pipeline.runtime.DeployTarget;
import dev.cairn.pipeline.runtime.EnvironmentState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.URIish;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.Stack;

/**
 * Environments that are CloudFormation stacks (moto): apply deploys the commit's template with its
 * artifact by change set, rollback deploys the last good commit's template and artifact again.
 */
@ExtendWith(MotoExtension.class)
class RunnerStackTest {
  private static final String TOKEN = "ghp_stack-token";

  @TempDir Path dir;
  private final String id = UUID.randomUUID().toString().substring(0, 8);
  private GitHttpServer gitHost;
  private Git work;
  private CloudFormationClient cloudFormation;
  private Runner runner;
  private RunnerFixture fixture;

  @BeforeEach
  void setUp() throws Exception {
    Path bare = dir.resolve("app.git");
    Git.init().setBare(true).setInitialBranch("main").setDirectory(bare.toFile()).call().close();
    gitHost = GitHttpServer.start(TOKEN);
    String remote = gitHost.serve("octo/app", bare);
    work = Git.init().setInitialBranch("main").setDirectory(dir.resolve("work").toFile()).call();
    work.remoteAdd().setName("origin").setUri(new URIish(bare.toUri().toString())).call();
    var s3 = EmulatorClients.s3();
    String bucket = "cairn-stack-" + id;
    s3.createBucket(b -> b.bucket(bucket));
    S3ArtifactStore artifacts =
        S3ArtifactStore.builder().s3(s3).bucket(bucket).scratch(dir.resolve("scratch")).build();
    SecretsManagerSecretStore secrets =
        SecretsManagerSecretStore.builder()
            .client(EmulatorClients.secretsManager())
            .prefix("cairn/stack-" + id + "/")
            .build();
    cloudFormation = EmulatorClients.cloudFormation();
    String queue = EmulatorClients.sqs().createQueue(b -> b.queueName("st-" + id)).queueUrl();
    fixture =
        RunnerFixture.of(
            s3,
            bucket,
            artifacts,
            secrets,
            remote,
            () -> new RemoteCredentials("x-access-token", TOKEN),
            new LocalJobExecutor(LocalJobExecutor.Options.builder(dir.resolve("logs")).build()),
            new DeployTarget.Stack(
                CloudFormationDeployer.builder()
                    .cloudFormation(cloudFormation)
                    .pause(interval -> {})
                    .build(),
                "app-" + id + "-"),
            new SqsStatusPublisher(EmulatorClients.sqs(), queue),
            dir.resolve("runner"),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    runner = fixture.runner();
  }

  @AfterEach
  void tearDown() {
    gitHost.close();
    work.close();
    cloudFormation.close();
  }

  private static final String TEMPLATE =
      """
      {"AWSTemplateFormatVersion": "2010-09-09",
       "Parameters": {"CairnCommit": {"Type": "String"}, "CairnArtifact": {"Type": "String"}},
       "Resources": {"Release": {"Type": "AWS::SSM::Parameter",
         "Properties": {"Type": "String", "Value": {"Ref": "CairnArtifact"}}}}}
      """;

  private static final String PIPELINE =
      """
      name: app
      build:
        steps:
          - run: mkdir -p out && cp version.txt out/
        artifact: out/
      environments:
        - name: production
          app: {start: 'true', port: 18998}
          health: {path: /health}
      """;

  private RevCommit commit(String version, boolean withTemplate) throws Exception {
    Path root = work.getRepository().getWorkTree().toPath();
    Files.writeString(root.resolve("cairn.yml"), PIPELINE);
    Files.writeString(root.resolve("version.txt"), version);
    if (withTemplate) {
      Files.writeString(root.resolve("cairn.stack.json"), TEMPLATE);
    } else {
      Files.deleteIfExists(root.resolve("cairn.stack.json"));
    }
    work.add().addFilepattern(".").call();
    work.add().addFilepattern(".").setUpdate(true).call();
    RevCommit commit =
        work.commit()
            .setMessage(version)
            .setAuthor("Dev", "dev@example.com")
            .setCommitter("Dev", "dev@example.com")
            .setSign(false)
            .call();
    work.push().setRemote("origin").add("main").call();
    return commit;
  }

  /** Build, apply and verify, as the state machine does; returns the artifact. */
  private String deploy(String run, RevCommit commit) {
    RunnerResult built =
        runner.run(new RunnerJob(JobKind.BUILD, run, null, commit.getName(), null));
    assertThat(built.outcome()).as(built.cause()).isEqualTo(RunnerResult.Outcome.SUCCEEDED);
    RunnerResult applied = runner.run(new RunnerJob(JobKind.APPLY, run, "production", null, null));
    assertThat(applied.outcome()).as(applied.cause()).isEqualTo(RunnerResult.Outcome.SUCCEEDED);
    RunnerResult verified =
        runner.run(new RunnerJob(JobKind.VERIFY, run, "production", null, null));
    assertThat(verified.outcome()).isEqualTo(RunnerResult.Outcome.SUCCEEDED);
    return built.artifact();
  }

  private Map<String, String> stackParameters() {
    Stack stack =
        cloudFormation
            .describeStacks(b -> b.stackName("app-" + id + "-production"))
            .stacks()
            .get(0);
    return stack.parameters().stream()
        .collect(
            java.util.stream.Collectors.toMap(Parameter::parameterKey, Parameter::parameterValue));
  }

  @Test
  void applyDeploysTheCommitsTemplateAndRollbackTheLastGoodOnes() throws Exception {
    RevCommit first = commit("1", true);
    deploy("run-1", first);
    RevCommit good = commit("2", true);
    String goodArtifact = deploy("run-2", good);
    RevCommit bad = commit("3", true);
    String badArtifact = deploy("run-3", bad);
    // As if the bad release had failed its bake: the good one is still the last good release.
    fixture
        .environments()
        .update(
            "production",
            s ->
                s.withLastGood(
                    new EnvironmentState.LastGood(good.getName(), goodArtifact, "", "run-2"), 2));
    assertThat(stackParameters())
        .containsEntry(DeployTarget.Stack.COMMIT_PARAMETER, bad.getName())
        .containsEntry(DeployTarget.Stack.ARTIFACT_PARAMETER, badArtifact);

    RunnerResult rolledBack =
        runner.run(
            new RunnerJob(
                JobKind.ROLLBACK,
                "run-3",
                "production",
                null,
                "{\"Error\":\"Cairn.Unhealthy\",\"Cause\":\"circuit breaker\"}"));

    assertThat(rolledBack.outcome())
        .as(rolledBack.cause())
        .isEqualTo(RunnerResult.Outcome.SUCCEEDED);
    assertThat(stackParameters())
        .containsEntry(DeployTarget.Stack.COMMIT_PARAMETER, good.getName())
        .containsEntry(DeployTarget.Stack.ARTIFACT_PARAMETER, goodArtifact);
  }

  @Test
  void aCommitWithoutItsStackTemplateFailsTheBuild() throws Exception {
    RevCommit commit = commit("1", false);

    RunnerResult result =
        runner.run(new RunnerJob(JobKind.BUILD, "run-t", null, commit.getName(), null));

    assertThat(result.outcome()).isEqualTo(RunnerResult.Outcome.FAILED);
    assertThat(result.error()).isEqualTo("Cairn.InvalidPipeline");
    assertThat(result.cause()).contains("no stack template at cairn.stack.json");
  }

  @Test
  void destroyingAStackEnvironmentIsRefusedWithWhatToDo() {
    RunnerResult result =
        runner.run(new RunnerJob(JobKind.DESTROY, "run-d", "production", null, null));

    assertThat(result.outcome()).isEqualTo(RunnerResult.Outcome.FAILED);
    assertThat(result.cause()).contains("delete the stack app-" + id + "-production");
  }
}
