package dev.cairn.aws.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.aws.cloudformation.CloudFormationDeployer;
import dev.cairn.aws.ecs.AwsStackHealth;
import dev.cairn.aws.ecs.EcsStackTasks;
import dev.cairn.aws.lambda.testing.GitHttpServer;
import dev.cairn.aws.s3.S3ArtifactStore;
import dev.cairn.aws.secrets.SecretsManagerSecretStore;
import dev.cairn.aws.sqs.SqsStatusPublisher;
import dev.cairn.aws.testing.CloudWatchAlarmsStub;
import dev.cairn.aws.testing.EmulatorClients;
import dev.cairn.aws.testing.MotoExtension;
import dev.cairn.git.RemoteCredentials;
import dev.cairn.local.job.LocalJobExecutor;
import dev.cairn.pipeline.port.ContainerImages;
import dev.cairn.pipeline.port.JobOutput;
import dev.cairn.pipeline.port.JobResult;
import dev.cairn.pipeline.runtime.DeployTarget;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;

/**
 * An image release on a stack environment, the runner's jobs as the state machine runs them,
 * against moto: build (the image recorded in moto's ECR: the CodeBuild image build is another piece
 * of work, so this test's {@link ContainerImages} puts a manifest per commit and the digest is the
 * artifact) → apply (the stack deployed with the new migration image, the migration as an ECS task,
 * the stack deployed with the new image) → verify (the bake: target group healthy, alarm OK) → a
 * bad commit whose 5xx alarm goes to ALARM during the bake → rollback to the last good digest.
 *
 * <p>What moto only records: it runs no container (the task goes to STOPPED with exit code 0 as it
 * is described), it reports a registered target healthy without checking it (the test registers the
 * target ECS would), it does not recompute a stack's outputs on update, and it re-registers the
 * task definition under a new family on update (so the migration task runs the definition the
 * creation's outputs name). The alarm's state lives on a loopback server speaking CloudWatch's
 * protocol ({@link CloudWatchAlarmsStub}): moto does not serve the one the SDK uses.
 */
@ExtendWith(MotoExtension.class)
class RunnerImageStackTest {
  private static final String TOKEN = "ghp_image-stack-token";

  @TempDir Path dir;
  private final String id = UUID.randomUUID().toString().substring(0, 8);
  private String repositoryUri;
  private GitHttpServer gitHost;
  private Git work;
  private CloudFormationClient cloudFormation;
  private EcsClient ecs;
  private EcrClient ecr;
  private ElasticLoadBalancingV2Client elb;
  private CloudWatchAlarmsStub alarms;
  private CloudWatchClient cloudWatch;
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
    String bucket = "cairn-image-" + id;
    s3.createBucket(b -> b.bucket(bucket));
    cloudFormation = EmulatorClients.cloudFormation();
    ecs = EmulatorClients.ecs();
    elb = EmulatorClients.elasticLoadBalancing();
    ecr = EmulatorClients.ecr();
    repositoryUri =
        ecr.createRepository(b -> b.repositoryName("cairn/app-" + id)).repository().repositoryUri();
    alarms = new CloudWatchAlarmsStub();
    cloudWatch = alarms.client();
    String queue = EmulatorClients.sqs().createQueue(b -> b.queueName("im-" + id)).queueUrl();
    fixture =
        RunnerFixture.of(
            s3,
            bucket,
            S3ArtifactStore.builder().s3(s3).bucket(bucket).scratch(dir.resolve("s3")).build(),
            SecretsManagerSecretStore.builder()
                .client(EmulatorClients.secretsManager())
                .prefix("cairn/image-" + id + "/")
                .build(),
            remote,
            () -> new RemoteCredentials("x-access-token", TOKEN),
            new LocalJobExecutor(LocalJobExecutor.Options.builder(dir.resolve("logs")).build()),
            new DeployTarget.Stack(
                CloudFormationDeployer.builder()
                    .cloudFormation(cloudFormation)
                    .pause(interval -> {})
                    .build(),
                "app-" + id + "-",
                repositoryUri,
                EcsStackTasks.builder()
                    .ecs(ecs)
                    .logs(EmulatorClients.logs())
                    .logDirectory(dir.resolve("tasks"))
                    .pollInterval(Duration.ofMillis(1))
                    .pause(interval -> {})
                    .build(),
                new AwsStackHealth(elb, cloudWatch)),
            new SqsStatusPublisher(EmulatorClients.sqs(), queue),
            dir.resolve("runner"),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new EcrImages());
    runner = fixture.runner();
  }

  @AfterEach
  void tearDown() {
    gitHost.close();
    work.close();
    cloudFormation.close();
    ecs.close();
    ecr.close();
    elb.close();
    cloudWatch.close();
    alarms.close();
  }

  private String stack() {
    return "app-" + id + "-production";
  }

  private String alarm() {
    return MotoAppStack.alarm(stack());
  }

  private static final String PIPELINE =
      """
      name: app
      build:
        steps:
          - run: echo built > built.txt
        image: {}
      environments:
        - name: production
          services:
            db: {type: postgres}
          app:
            port: 18997
            env: {DATABASE_URL: '${services.db.url}'}
          migrate: {run: ./migrate up}
          health: {path: /health, interval: 100ms, failure-threshold: 2}
          bake: 1s
          aws:
            template: deploy/stack.json
      """;

  private RevCommit commit(String version) throws Exception {
    Path root = work.getRepository().getWorkTree().toPath();
    Files.writeString(root.resolve("cairn.yml"), PIPELINE);
    Files.writeString(root.resolve("Containerfile"), "FROM scratch\nCOPY built.txt /\n");
    Files.writeString(root.resolve("version.txt"), version);
    Files.createDirectories(root.resolve("deploy"));
    Files.writeString(root.resolve("deploy/stack.json"), MotoAppStack.TEMPLATE);
    work.add().addFilepattern(".").call();
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

  private RunnerResult job(JobKind kind, String run, String commit, String reason) {
    return runner.run(
        new RunnerJob(kind, run, kind == JobKind.BUILD ? null : "production", commit, reason));
  }

  private Map<String, String> stackParameters() {
    return MotoAppStack.parameters(cloudFormation, stack());
  }

  private Map<String, String> outputs() {
    return MotoAppStack.outputs(cloudFormation, stack());
  }

  private List<Task> migrationTasks() {
    String cluster = outputs().get("CairnCluster");
    List<String> arns = ecs.listTasks(b -> b.cluster(cluster)).taskArns();
    return arns.isEmpty()
        ? List.of()
        : ecs.describeTasks(b -> b.cluster(cluster).tasks(arns)).tasks();
  }

  @Test
  void anImageReleaseMigratesBakesAndABadOneRollsBackToTheLastGoodDigest() throws Exception {
    MotoAppStack.create(cloudFormation, stack());
    RevCommit good = commit("1");
    RunnerResult built = job(JobKind.BUILD, "run-1", good.getName(), null);
    assertThat(built.outcome()).as(built.cause()).isEqualTo(RunnerResult.Outcome.SUCCEEDED);
    assertThat(built.artifact()).startsWith("image:sha256:");
    String goodImage = repositoryUri + "@" + built.artifact().substring("image:".length());

    RunnerResult applied = job(JobKind.APPLY, "run-1", null, null);
    assertThat(applied.outcome()).as(applied.cause()).isEqualTo(RunnerResult.Outcome.SUCCEEDED);
    assertThat(stackParameters())
        .containsEntry("CairnImage", goodImage)
        .containsEntry("CairnMigrationImage", goodImage)
        .containsEntry("CairnCommit", good.getName());
    assertThat(migrationTasks())
        .singleElement()
        .satisfies(
            task -> {
              assertThat(task.lastStatus()).isEqualTo("STOPPED");
              assertThat(task.launchTypeAsString()).isEqualTo("FARGATE");
              assertThat(task.overrides().containerOverrides().get(0).command())
                  .containsExactly("/bin/sh", "-c", "./migrate up");
            });
    MotoAppStack.registerTarget(elb, cloudFormation, stack());

    RunnerResult verified = job(JobKind.VERIFY, "run-1", null, null);
    assertThat(verified.outcome()).as(verified.cause()).isEqualTo(RunnerResult.Outcome.SUCCEEDED);
    assertThat(alarms.paths).isNotEmpty();
    assertThat(fixture.environments().read("production").lastGood().orElseThrow().artifact())
        .isEqualTo(built.artifact());

    RevCommit bad = commit("2");
    RunnerResult badBuild = job(JobKind.BUILD, "run-2", bad.getName(), null);
    assertThat(badBuild.outcome()).as(badBuild.cause()).isEqualTo(RunnerResult.Outcome.SUCCEEDED);
    String badImage = repositoryUri + "@" + badBuild.artifact().substring("image:".length());
    assertThat(badImage).isNotEqualTo(goodImage);
    RunnerResult badApply = job(JobKind.APPLY, "run-2", null, null);
    assertThat(badApply.outcome()).as(badApply.cause()).isEqualTo(RunnerResult.Outcome.SUCCEEDED);
    assertThat(stackParameters()).containsEntry("CairnImage", badImage);
    assertThat(migrationTasks()).hasSize(2);

    // Its 5xx alarm goes off a moment into the bake.
    int before = alarms.paths.size();
    alarms.alarmAfter(alarm(), 1);
    RunnerResult badVerify = job(JobKind.VERIFY, "run-2", null, null);
    assertThat(badVerify.outcome()).isEqualTo(RunnerResult.Outcome.FAILED);
    assertThat(badVerify.error()).isEqualTo("Cairn.VerifyFailed");
    assertThat(badVerify.cause()).contains("alarm " + alarm()).contains("fired during the bake");
    assertThat(alarms.paths.size() - before).isGreaterThanOrEqualTo(2);

    RunnerResult rolledBack =
        job(
            JobKind.ROLLBACK,
            "run-2",
            null,
            "{\"Error\":\"States.TaskFailed\",\"Cause\":\"the verify job failed\"}");
    assertThat(rolledBack.outcome())
        .as(rolledBack.cause())
        .isEqualTo(RunnerResult.Outcome.SUCCEEDED);
    assertThat(stackParameters())
        .containsEntry("CairnImage", goodImage)
        .containsEntry("CairnMigrationImage", goodImage)
        .containsEntry("CairnCommit", good.getName())
        .containsEntry("CairnArtifact", built.artifact());
    // No migration on the way back.
    assertThat(migrationTasks()).hasSize(2);
    assertThat(fixture.environments().read("production").bad()).contains(bad.getName());
  }

  /**
   * "Builds" a release image by recording a manifest in moto's ECR, tagged with the commit (from
   * the tag Cairn asks for): the digest ECR gives it is the image's id.
   */
  private final class EcrImages implements ContainerImages {
    @Override
    public Optional<String> unavailable() {
      return Optional.empty();
    }

    @Override
    public Built build(ImageBuild build, JobOutput output) {
      String commit = build.tag().substring(build.tag().lastIndexOf(':') + 1);
      String manifest =
          "{\"schemaVersion\": 2, \"mediaType\":"
              + " \"application/vnd.oci.image.manifest.v1+json\", \"annotations\":"
              + " {\"commit\": \""
              + commit
              + "\"}}";
      String digest =
          ecr.putImage(
                  b -> b.repositoryName("cairn/app-" + id).imageManifest(manifest).imageTag(commit))
              .image()
              .imageId()
              .imageDigest();
      output.line("image", "pushed " + repositoryUri + ":" + commit + " " + digest);
      return new Built(new JobResult(JobResult.Outcome.SUCCEEDED, null, 0, null, "built"), digest);
    }

    @Override
    public Optional<String> forTree(String tree) {
      return Optional.empty();
    }

    @Override
    public boolean exists(String imageId) {
      return true;
    }

    @Override
    public JobResult run(OneOff run, JobOutput output) {
      throw new AssertionError("on a stack the migration is an ECS task");
    }
  }
}
