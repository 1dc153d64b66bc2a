package dev.cairn.aws.lambda;

import dev.cairn.aws.config.AwsClients;
import dev.cairn.aws.config.LambdaSettings;
import dev.cairn.aws.lambda.audit.AuditWriterHandler;
import dev.cairn.aws.secrets.SecretsManagerSecretStore;
import dev.cairn.aws.sfn.StepFunctionsExecutionControl;
import dev.cairn.aws.sfn.StepFunctionsTaskTokens;
import dev.cairn.aws.sqs.SqsStatusPublisher;
import dev.cairn.aws.state.S3AuditOutbox;
import dev.cairn.aws.state.S3EnvironmentStore;
import dev.cairn.aws.state.S3RunStore;
import dev.cairn.pipeline.audit.TrailEntry;
import dev.cairn.pipeline.port.PipelineListener;
import dev.cairn.pipeline.port.SecretStore;
import dev.cairn.pipeline.port.StackDeployer;
import dev.cairn.pipeline.port.StackRelease;
import dev.cairn.pipeline.port.StackResult;
import dev.cairn.pipeline.runtime.CairnError;
import dev.cairn.pipeline.runtime.DeployTarget;
import dev.cairn.pipeline.runtime.EnvironmentRecovery;
import dev.cairn.pipeline.runtime.EnvironmentStore;
import dev.cairn.pipeline.runtime.PipelineRuntime;
import dev.cairn.pipeline.runtime.RunStore;
import dev.cairn.pipeline.runtime.RuntimePorts;
import dev.cairn.pipeline.runtime.StatusPublishingListener;
import dev.cairn.pipeline.runtime.StepFailure;
import dev.cairn.pipeline.runtime.TaskTokens;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Builds the {@link PipelineRuntime} the state machine's functions ({@code cairn-validate}, {@code
 * cairn-queue}, {@code cairn-plan}, {@code cairn-record}) call: the same runtime as the local loop,
 * over the AWS adapters. The functions run no job, keep no artifact and check nothing out (the
 * runner's Batch jobs do), so those ports are absent and a step that needs one fails with a clear
 * message.
 *
 * <ul>
 *   <li>runs and environments: {@link S3RunStore}, {@link S3EnvironmentStore} in the artifact
 *       bucket under the repository's prefix;
 *   <li>secrets: {@link SecretsManagerSecretStore} under the application's prefix;
 *   <li>audit: an {@link S3AuditOutbox} delivered by the {@link AuditWriterHandler} when the git
 *       token is configured (the record function, the only one given it), which first writes the
 *       bad marks of the records into the environments' states ({@link #markingBad}); the others
 *       only append;
 *   <li>listener: status messages on the repository's queue, when one is configured;
 *   <li>target: the environments' stacks, when a stack prefix is configured (plan names the stack);
 *   <li>tokens: Step Functions. The deploy queue decides from the environments' states alone: the
 *       record function writes there every bad mark it delivers to the trail, and the runner's
 *       build job brings the states up to date with the trail (a lost or stale state) before a run
 *       reaches the queue. So {@code cairn-queue} needs no git token.
 * </ul>
 */
public final class FunctionRuntime {
  private static final System.Logger LOG = System.getLogger(FunctionRuntime.class.getName());
  private static final Duration GIT_TIMEOUT = Duration.ofSeconds(20);

  private FunctionRuntime() {}

  /**
   * The AWS clients the functions' runtime uses.
   *
   * @param s3 the artifact bucket
   * @param stepFunctions answers task tokens
   * @param secrets the application's and Cairn's own secrets
   * @param sqs the status queue, or null when none is configured
   */
  public record Clients(
      S3Client s3, SfnClient stepFunctions, SecretsManagerClient secrets, SqsClient sqs) {
    /** Requires all but the status queue's client. */
    public Clients {
      Objects.requireNonNull(s3, "s3");
      Objects.requireNonNull(stepFunctions, "stepFunctions");
      Objects.requireNonNull(secrets, "secrets");
    }

    /** The default clients (region and credentials from the function's environment). */
    public static Clients create(LambdaSettings settings) {
      return new Clients(
          S3Client.create(),
          SfnClient.create(),
          SecretsManagerClient.create(),
          settings.optional(LambdaSettings.STATUS_QUEUE_URL).isPresent()
              ? SqsClient.create()
              : null);
    }
  }

  /** The runtime of the function Lambda runs, configured by its environment variables. */
  public static PipelineRuntime fromEnvironment() {
    LambdaSettings settings = LambdaSettings.fromEnvironment();
    return create(settings, Clients.create(settings), Clock.systemUTC());
  }

  /**
   * A runtime over {@code clients}, configured by {@code settings} (see {@link LambdaSettings}).
   *
   * @throws IllegalStateException naming a required setting that is missing
   */
  public static PipelineRuntime create(LambdaSettings settings, Clients clients, Clock clock) {
    return create(
        settings,
        clients.s3(),
        new StepFunctionsTaskTokens(new StepFunctionsExecutionControl(clients.stepFunctions())),
        AwsClients.secretsById(clients.secrets()),
        SecretsManagerSecretStore.builder()
            .client(clients.secrets())
            .prefix(settings.orDefault(LambdaSettings.SECRET_PREFIX, "cairn/"))
            .clock(clock)
            .build(),
        clients.sqs(),
        clock);
  }

  /**
   * A runtime over explicit collaborators (tests: emulators and in-memory secrets).
   *
   * @param tokens answers the deploy queue's task tokens
   * @param ownSecrets Cairn's own secrets by full id (the git token)
   * @param appSecrets the application's secrets ({@code ${secrets.NAME}})
   * @param sqs the status queue's client, or null for no status messages
   * @throws IllegalStateException naming a required setting that is missing
   */
  public static PipelineRuntime create(
      LambdaSettings settings,
      S3Client s3,
      TaskTokens tokens,
      SecretStore ownSecrets,
      SecretStore appSecrets,
      SqsClient sqs,
      Clock clock) {
    String bucket = settings.require(LambdaSettings.ARTIFACT_BUCKET);
    String prefix = settings.artifactPrefix();
    String repository = settings.optional(LambdaSettings.REPOSITORY).orElse(null);
    S3RunStore runs = new S3RunStore(s3, bucket, prefix);
    EnvironmentStore environments = S3EnvironmentStore.forFunctions(s3, bucket, prefix);
    // Only the function given the git token (record) delivers to the trail.
    boolean trail =
        settings.optional(LambdaSettings.GIT_REMOTE).isPresent()
            && settings.optional(LambdaSettings.GIT_TOKEN_SECRET).isPresent();
    S3AuditOutbox.Delivery delivery = S3AuditOutbox.Delivery.NONE;
    if (trail) {
      AuditWriterHandler writer =
          new AuditWriterHandler(
              ownSecrets,
              new AuditWriterHandler.Config(
                  settings.require(LambdaSettings.GIT_REMOTE),
                  settings.require(LambdaSettings.GIT_TOKEN_SECRET),
                  settings.workDirectory(),
                  GIT_TIMEOUT));
      String named = repository == null ? "" : repository;
      delivery = markingBad(environments, records -> writer.writeAll(records, named));
    }
    RuntimePorts ports =
        RuntimePorts.builder()
            .runs(runs)
            .environments(environments)
            .secrets(appSecrets)
            .audit(new S3AuditOutbox(s3, bucket, prefix, delivery, clock))
            .listener(listener(settings, sqs, runs, repository, clock))
            .target(target(settings))
            .workDirectory(settings.workDirectory())
            .clock(clock)
            .cairnVersion(version())
            .build();
    // A run whose execution ended while holding a slot: its token is gone, so the queue gives the
    // slot to the next run when it answers it (GoneTokenException); no execution lookup needed.
    return new PipelineRuntime(ports, tokens, run -> false);
  }

  /**
   * The record function's delivery: the bad marks the records make ({@link
   * EnvironmentRecovery#markBad}: deployment failed, rolled back, marked bad) are written into the
   * environments' states first, then the records go to the trail. So a commit the trail marks bad
   * is one the deploy queue, which reads only the states, never deploys automatically. Marks first:
   * when the push fails the records stay in the outbox and the retry writes the same marks again,
   * which changes nothing.
   *
   * @param environments the environments' states the deploy queue reads
   * @param delivery delivers the records to the trail
   */
  public static S3AuditOutbox.Delivery markingBad(
      EnvironmentStore environments, S3AuditOutbox.Delivery delivery) {
    return records -> {
      // Not on the trail yet: no audit commit to name.
      EnvironmentRecovery.markBad(
          environments, records.stream().map(r -> TrailEntry.of(r, "")).toList());
      delivery.deliver(records);
    };
  }

  private static PipelineListener listener(
      LambdaSettings settings, SqsClient sqs, RunStore runs, String repository, Clock clock) {
    return settings
        .optional(LambdaSettings.STATUS_QUEUE_URL)
        .filter(url -> sqs != null)
        .<PipelineListener>map(
            url ->
                new StatusPublishingListener(
                    new SqsStatusPublisher(sqs, url, repository),
                    runs,
                    clock,
                    message -> LOG.log(System.Logger.Level.WARNING, message)))
        .orElse(PipelineListener.NONE);
  }

  private static DeployTarget target(LambdaSettings settings) {
    return settings
        .optional(LambdaSettings.STACK_PREFIX)
        .<DeployTarget>map(
            prefix ->
                new DeployTarget.Stack(
                    new StackDeployer() {
                      @Override
                      public StackResult deploy(StackRelease release) {
                        throw new StepFailure(
                            CairnError.INVALID_JOB,
                            "the functions deploy no stack: the runner's apply job does");
                      }

                      @Override
                      public Map<String, String> outputs(String stackName) {
                        throw new StepFailure(
                            CairnError.INVALID_JOB,
                            "the functions read no stack: the runner's jobs do");
                      }
                    },
                    prefix))
        .orElse(null);
  }

  private static String version() {
    String version = FunctionRuntime.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }
}
