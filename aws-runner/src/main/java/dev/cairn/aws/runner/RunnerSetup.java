package dev.cairn.aws.runner;

import dev.cairn.aws.RemoteWork;
import dev.cairn.aws.batch.BatchJobExecutor;
import dev.cairn.aws.batch.BuildHandOff;
import dev.cairn.aws.cloudformation.CloudFormationDeployer;
import dev.cairn.aws.config.AwsClients;
import dev.cairn.aws.config.LambdaSettings;
import dev.cairn.aws.ecs.AwsStackHealth;
import dev.cairn.aws.ecs.EcsStackTasks;
import dev.cairn.aws.s3.S3ArtifactStore;
import dev.cairn.aws.secrets.SecretsManagerSecretStore;
import dev.cairn.aws.sqs.SqsStatusPublisher;
import dev.cairn.aws.state.S3AuditOutbox;
import dev.cairn.aws.state.S3EnvironmentStore;
import dev.cairn.aws.state.S3RunStore;
import dev.cairn.git.RemoteCredentials;
import dev.cairn.git.audit.TrailLastGood;
import dev.cairn.git.revert.GitReverter;
import dev.cairn.pipeline.port.ContainerImages;
import dev.cairn.pipeline.port.Deployer;
import dev.cairn.pipeline.port.JobExecutor;
import dev.cairn.pipeline.port.PipelineListener;
import dev.cairn.pipeline.port.SecretStore;
import dev.cairn.pipeline.runtime.DeployTarget;
import dev.cairn.pipeline.runtime.PipelineRuntime;
import dev.cairn.pipeline.runtime.RuntimePorts;
import dev.cairn.pipeline.runtime.StatusPublishingListener;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Builds a {@link Runner} from the container's environment variables (set by the Batch job
 * definition) and the AWS SDK's standard settings (region, the job role's credentials, {@code
 * AWS_ENDPOINT_URL} for trials against emulators). See docs/aws.md, "Runner".
 */
public final class RunnerSetup {
  /** The SQS queue status messages go to. */
  public static final String STATUS_QUEUE_URL = "CAIRN_STATUS_QUEUE_URL";

  /**
   * Where releases run: {@code cloudformation} (the default: each environment is a stack, deployed
   * by change set from the template its {@code aws.template} names in the commit) or {@code
   * process} (releases as processes beside the runner, for trials on one machine: tests, the
   * emulated AWS driver).
   */
  public static final String DEPLOYER = "CAIRN_DEPLOYER";

  /** For {@code cloudformation}: the stacks' name prefix; the stack is prefix + environment. */
  public static final String STACK_PREFIX = "CAIRN_STACK_PREFIX";

  /**
   * The repository's ECR repository URI: a release image's digest {@code sha256:<hex>} runs as
   * {@code <CAIRN_IMAGE_REPOSITORY>@sha256:<hex>} (the stack parameter {@code CairnImage}).
   */
  public static final String IMAGE_REPOSITORY = "CAIRN_IMAGE_REPOSITORY";

  /**
   * The CloudFormation service role every change set names (the repository's {@code
   * deployRoleArn}): CloudFormation creates the application's resources with its permissions, which
   * the job role does not have. Unset, CloudFormation acts with the job role's own.
   */
  public static final String DEPLOY_ROLE_ARN = "CAIRN_DEPLOY_ROLE_ARN";

  /**
   * {@code build} in the unprivileged build job definition: the runner runs only the build steps
   * the privileged runner hands over ({@link #fromEnvironment}), with no git token, no status queue
   * and no Secrets Manager.
   */
  public static final String JOB_ROLE = BuildHandOff.JOB_ROLE_VARIABLE;

  /**
   * The build job definition: when set, the privileged runner runs every build (and any other job)
   * as a Batch job with it, through {@link IsolatedBuildExecutor}; unset (trials on one machine),
   * the steps run in the runner's own container.
   */
  public static final String BUILD_JOB_DEFINITION = BuildHandOff.BUILD_JOB_DEFINITION_VARIABLE;

  /** The Batch job queue the build jobs are submitted to. */
  public static final String JOB_QUEUE = BuildHandOff.JOB_QUEUE_VARIABLE;

  /** The CloudWatch Logs group the build jobs log to (their output is read back from it). */
  public static final String JOB_LOG_GROUP = BuildHandOff.JOB_LOG_GROUP_VARIABLE;

  private RunnerSetup() {}

  /**
   * What runs processes on the runner's own machine, given by the command that starts the runner
   * (the {@code cairn runner} command wires {@code cairn-local}'s), so that this module does not
   * depend on the local adapter.
   *
   * @param jobs the executor of build and step jobs, given its log directory
   * @param processes the deployer of {@code CAIRN_DEPLOYER=process}, given its directory and the
   *     application's secrets
   */
  public record Machine(
      Function<Path, JobExecutor> jobs, BiFunction<Path, SecretStore, Deployer> processes) {}

  /**
   * The runner the environment describes.
   *
   * @param machine what runs the jobs' processes (and releases, for {@code process})
   * @throws IllegalStateException naming a missing or bad variable
   */
  public static Runner fromEnvironment(
      Map<String, String> environment, PrintStream out, Machine machine) throws IOException {
    if (BuildHandOff.BUILD_JOB_ROLE.equals(environment.get(JOB_ROLE))) {
      return buildJob(environment, out, machine);
    }
    Settings settings = Settings.read(environment);
    Path work = settings.work();
    Files.createDirectories(work);
    S3Client s3 = S3Client.create();
    SecretsManagerClient secretsManager = SecretsManagerClient.create();
    // The application's secrets (${secrets.NAME}) live under its prefix; the git token is Cairn's
    // own and named by its id.
    SecretStore secrets =
        SecretsManagerSecretStore.builder()
            .client(secretsManager)
            .prefix(settings.secretPrefix())
            .build();
    SecretStore own = AwsClients.secretsById(secretsManager);
    Supplier<RemoteCredentials> credentials =
        () ->
            own.get(settings.tokenId())
                .map(t -> new RemoteCredentials("x-access-token", t))
                .orElse(null);
    S3ArtifactStore artifacts =
        S3ArtifactStore.builder()
            .s3(s3)
            .bucket(settings.bucket())
            .prefix(settings.prefix())
            .scratch(work.resolve("s3"))
            .build();
    DeployTarget target =
        settings.stackPrefix() == null
            ? new DeployTarget.Processes(
                machine.processes().apply(work.resolve("deployments"), secrets), null)
            : new DeployTarget.Stack(
                CloudFormationDeployer.builder()
                    .cloudFormation(CloudFormationClient.create())
                    .roleArn(settings.deployRoleArn())
                    .build(),
                settings.stackPrefix(),
                settings.imageRepository(),
                // The migration runs as a task of the stack; its output comes from CloudWatch Logs.
                EcsStackTasks.builder()
                    .ecs(EcsClient.create())
                    .logs(CloudWatchLogsClient.create())
                    .logDirectory(work.resolve("tasks"))
                    .build(),
                new AwsStackHealth(
                    ElasticLoadBalancingV2Client.create(), CloudWatchClient.create()));
    S3RunStore runs = new S3RunStore(s3, settings.bucket(), settings.prefix());
    S3EnvironmentStore environments =
        S3EnvironmentStore.forJobs(s3, settings.bucket(), settings.prefix());
    GitSource source =
        new GitSource(settings.remote(), settings.branch(), credentials, work.resolve("git"));
    JobExecutor jobs =
        settings.buildJobDefinition() == null
            ? machine.jobs().apply(work.resolve("logs"))
            // Untrusted steps never run here, where the git token and the repository's objects
            // are: they run in the build job, whose role has neither.
            : new IsolatedBuildExecutor(
                new S3HandOff(s3, settings.bucket()),
                settings.prefix(),
                BatchJobExecutor.builder()
                    .batch(BatchClient.create())
                    .logs(CloudWatchLogsClient.create())
                    .jobQueue(settings.jobQueue())
                    .jobDefinition(settings.buildJobDefinition())
                    .logGroup(settings.jobLogGroup())
                    .logDirectory(work.resolve("logs"))
                    .build(),
                work.resolve("handoff"));
    ContainerImages images =
        RunnerImages.fromEnvironment(
            environment, s3, settings.bucket(), settings.prefix(), work.resolve("images"));
    PipelineListener printed =
        event ->
            out.println(
                "["
                    + event.kind().wireName()
                    + (event.environment() == null ? "" : " " + event.environment())
                    + "] "
                    + event.message());
    RuntimePorts ports =
        RuntimePorts.builder()
            .runs(runs)
            .environments(environments)
            .jobs(jobs)
            .artifacts(artifacts)
            .secrets(secrets)
            .source(
                new GitSource(
                    settings.remote(), settings.branch(), credentials, work.resolve("git")))
            .target(target)
            // The rollback job pushes the revert commits of rollback.revert with the token it
            // fetches with; GitHub's push webhook then starts the revert's run, as any push's.
            .reverter(
                GitReverter.builder()
                    .remote(settings.remote())
                    .branch(settings.branch())
                    .credentials(credentials)
                    .repository(work.resolve("revert").resolve("repository.git"))
                    .build())
            .listener(
                printed.andThen(
                    new StatusPublishingListener(
                        new SqsStatusPublisher(
                            SqsClient.create(), settings.statusQueueUrl(), settings.repository()),
                        runs,
                        Clock.systemUTC(),
                        out::println)))
            // Records wait in the bucket; the record function delivers them with the git token,
            // which the runner's jobs never need.
            .audit(
                new S3AuditOutbox(
                    s3,
                    settings.bucket(),
                    settings.prefix(),
                    S3AuditOutbox.Delivery.NONE,
                    Clock.systemUTC()))
            .logs(artifacts::uploadLog)
            // Release images (build.image): built by the repository's CodeBuild project into ECR.
            .images(images)
            .workDirectory(work)
            .cairnVersion(RunnerSetup.class.getPackage().getImplementationVersion())
            .build();
    return new Runner(
        new Runner.Ports(
            PipelineRuntime.withoutQueue(ports),
            secrets,
            jobs,
            artifacts::uploadLog,
            result -> runs.keepResult(result.run(), result.job(), result.toJsonNode()),
            source::treeOf,
            work,
            trailRecovery(settings.remote(), credentials, environments, work)),
        Clock.systemUTC(),
        out,
        java.util.stream.Stream.of(jobs, images)
            .filter(RemoteWork.class::isInstance)
            .map(RemoteWork.class::cast)
            .toList());
  }

  /**
   * The privileged runner's recovery from the audit trail ({@link Runner.Recovery}), with the token
   * it fetches the repository with. Records on AWS are not signed (the record function holds no
   * signing key), so every record counts, as locally without a key.
   */
  static Runner.Recovery trailRecovery(
      String remote,
      Supplier<RemoteCredentials> credentials,
      S3EnvironmentStore environments,
      Path work) {
    TrailLastGood trail =
        new TrailLastGood(work.resolve("trail.git"), credentials, Duration.ofSeconds(20));
    return () -> trail.recover(remote, environments, List.of());
  }

  /**
   * The unprivileged build job's runner: it runs the steps of a build handed over in the bucket and
   * nothing else. It reads only the bucket and the work directory's settings: its role has no
   * secret, no queue and no other object to give it.
   */
  private static Runner buildJob(Map<String, String> environment, PrintStream out, Machine machine)
      throws IOException {
    LambdaSettings s = new LambdaSettings(environment);
    String bucket = s.require(LambdaSettings.ARTIFACT_BUCKET);
    Path work = s.workDirectory();
    Files.createDirectories(work);
    return new Runner(
        new Runner.Ports(
            null,
            NO_SECRETS,
            machine.jobs().apply(work.resolve("logs")),
            // The log is read from CloudWatch Logs by the privileged runner, which keeps it.
            dev.cairn.pipeline.runtime.JobLogs.IN_PLACE,
            result -> {},
            commit -> {
              throw new IOException("the build job looks up no commit");
            },
            work,
            new S3HandOff(S3Client.create(), bucket),
            Runner.Recovery.NONE),
        Clock.systemUTC(),
        out);
  }

  /** The build job's secrets: none; what its build needs comes with the hand-off. */
  static final SecretStore NO_SECRETS =
      new SecretStore() {
        @Override
        public java.util.Optional<String> get(String name) {
          return java.util.Optional.empty();
        }

        @Override
        public void put(String name, String value) {
          throw new UnsupportedOperationException("the build job stores no secret");
        }

        @Override
        public String getOrGenerate(String name) {
          throw new UnsupportedOperationException("the build job stores no secret");
        }

        @Override
        public java.util.Set<String> values() {
          return java.util.Set.of();
        }
      };

  /**
   * The runner's settings, all read and checked before any AWS client is made, so that a
   * misconfigured job definition fails with the variable's name, not with an SDK error.
   *
   * @param work the scratch directory
   * @param bucket the artifact bucket
   * @param prefix the repository's key prefix ("" for none)
   * @param remote the application's remote
   * @param branch its main branch
   * @param tokenId the git token's secret id
   * @param secretPrefix the prefix of the application's secrets
   * @param statusQueueUrl the status queue
   * @param stackPrefix for {@code cloudformation}: the stacks' prefix; null for {@code process}
   * @param imageRepository the release images' repository URI, or null
   * @param deployRoleArn the CloudFormation service role the change sets name, or null
   * @param repository the repository ({@code owner/name}) named in status messages, or null
   * @param buildJobDefinition the build job definition, or null to run steps in this container
   * @param jobQueue the job queue of the build jobs (with {@code buildJobDefinition})
   * @param jobLogGroup the build jobs' log group (with {@code buildJobDefinition})
   */
  public record Settings(
      Path work,
      String bucket,
      String prefix,
      String remote,
      String branch,
      String tokenId,
      String secretPrefix,
      String statusQueueUrl,
      String stackPrefix,
      String imageRepository,
      String deployRoleArn,
      String repository,
      String buildJobDefinition,
      String jobQueue,
      String jobLogGroup) {

    /**
     * Reads the settings.
     *
     * @throws IllegalStateException naming the first missing or bad variable
     */
    public static Settings read(Map<String, String> environment) {
      LambdaSettings s = new LambdaSettings(environment);
      String deployer = s.orDefault(DEPLOYER, "cloudformation");
      if (!deployer.equals("cloudformation") && !deployer.equals("process")) {
        throw new IllegalStateException(
            DEPLOYER + "=" + deployer + " is not known (use cloudformation or process)");
      }
      boolean buildJobs = s.optional(BUILD_JOB_DEFINITION).isPresent();
      return new Settings(
          s.workDirectory(),
          s.require(LambdaSettings.ARTIFACT_BUCKET),
          s.artifactPrefix(),
          s.require(LambdaSettings.GIT_REMOTE),
          s.orDefault(LambdaSettings.BRANCH, "main"),
          s.require(LambdaSettings.GIT_TOKEN_SECRET),
          s.orDefault(LambdaSettings.SECRET_PREFIX, "cairn/"),
          s.require(STATUS_QUEUE_URL),
          deployer.equals("cloudformation") ? s.require(STACK_PREFIX) : null,
          s.optional(IMAGE_REPOSITORY).orElse(null),
          s.optional(DEPLOY_ROLE_ARN).orElse(null),
          s.optional(LambdaSettings.REPOSITORY).orElse(null),
          buildJobs ? s.require(BUILD_JOB_DEFINITION) : null,
          buildJobs ? s.require(JOB_QUEUE) : null,
          buildJobs ? s.require(JOB_LOG_GROUP) : null);
    }
  }
}
