package dev.cairn.aws.infra;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.aws.lambda.plan.PlanHandler;
import dev.cairn.aws.lambda.queue.DeployQueueHandler;
import dev.cairn.aws.lambda.run.RecordHandler;
import dev.cairn.aws.lambda.status.StatusNotifierHandler;
import dev.cairn.aws.lambda.validate.ValidateHandler;
import dev.cairn.aws.lambda.webhook.GitHubWebhookHandler;
import dev.cairn.pipeline.compile.CompileTarget;
import dev.cairn.pipeline.compile.PipelineCompiler;
import dev.cairn.pipeline.file.PipelineDefinition;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.batch.EcsJobDefinition;
import software.amazon.awscdk.services.batch.FargateComputeEnvironment;
import software.amazon.awscdk.services.batch.JobQueue;
import software.amazon.awscdk.services.batch.OrderedComputeEnvironment;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.ec2.FlowLogDestination;
import software.amazon.awscdk.services.ec2.FlowLogOptions;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ecr.Repository;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.DockerImageCode;
import software.amazon.awscdk.services.lambda.DockerImageFunction;
import software.amazon.awscdk.services.lambda.EcrImageCodeProps;
import software.amazon.awscdk.services.lambda.FunctionUrl;
import software.amazon.awscdk.services.lambda.FunctionUrlAuthType;
import software.amazon.awscdk.services.lambda.FunctionUrlOptions;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.constructs.Construct;

/**
 * The pipeline stack: everything that runs commits through Cairn's pipeline on AWS.
 *
 * <p>Shared by every repository: the artifact bucket (and its access-log bucket), the status queue
 * and its dead-letter queue, the EventBridge bus, the secrets, the VPC and Batch compute
 * environment and job queue, the webhook receiver (with a function URL) and the status notifier,
 * the alarm topic. Per repository: the ECR repository of the application's release images, the
 * privileged runner's job definition and job role, the build job's job definition and role (the
 * untrusted build steps: its build's source and upload only), the four functions the compiled state
 * machine calls (validate, queue = deploy queue, plan = last-good lookup, record = audit record and
 * queue release), the state machine itself, the EventBridge rule that starts it on a push, and its
 * alarm.
 *
 * <p>The state machine's definition is {@link PipelineCompiler#compile(PipelineDefinition,
 * CompileTarget)} of the repository's pipeline file with {@link #placeholders()} as names; the
 * placeholders are replaced by the real ARNs through CloudFormation's {@code
 * DefinitionSubstitutions}, so the JSON is the compiler's, byte for byte.
 */
public final class PipelineStack extends Stack {
  /** The {@code source} of push events (set by the webhook receiver). */
  public static final String EVENT_SOURCE = "cairn.github";

  /** The {@code detail-type} of push events. */
  public static final String EVENT_DETAIL_TYPE = "cairn.push";

  /**
   * Lambda handlers in the Lambda image, by function role (see docs/aws.md, "Lambda functions").
   */
  public static final Map<String, String> HANDLERS =
      Map.of(
          "webhook", handler(GitHubWebhookHandler.class),
          "notifier", handler(StatusNotifierHandler.class),
          "validate", handler(ValidateHandler.class),
          "queue", handler(DeployQueueHandler.class),
          "plan", handler(PlanHandler.class),
          "record", handler(RecordHandler.class));

  /** A Lambda image command: the handler class's name, so a renamed class cannot be missed. */
  private static String handler(Class<?> type) {
    return type.getName() + "::handleRequest";
  }

  final CairnAwsConfig config;
  final Key key;
  final Bucket artifacts;
  // Each repository's status queue and the repository it speaks for: the notifier trusts the
  // queue a message came from, never the message (a job can only send to its own queue).
  final Map<String, String> statusQueueRepositories = new LinkedHashMap<>();
  final Queue deadLetters;
  final EventBus bus;
  private final Secret webhookSecret;
  final Secret gitToken;
  final JobQueue jobQueue;
  final Topic alarms;
  private final DockerImageFunction webhook;
  final DockerImageFunction notifier;
  private final FunctionUrl webhookUrl;
  final Repository runnerRepository;
  final Repository lambdaRepository;
  final CfnParameter imageTag;
  final Role executionRole;
  final LogGroup jobLogs;
  private final Map<String, Pipeline> pipelines = new LinkedHashMap<>();

  /**
   * What was made for one repository: {@code jobDefinition} and {@code jobRole} are the privileged
   * runner's (build hand-off, apply, verify, rollback), {@code buildDefinition} and {@code
   * buildRole} the unprivileged build job's.
   */
  public record Pipeline(
      RepositoryConfig repository,
      ObjectNode definition,
      StateMachine stateMachine,
      EcsJobDefinition jobDefinition,
      Role jobRole,
      EcsJobDefinition buildDefinition,
      Role buildRole,
      Repository imageRepository,
      Map<String, DockerImageFunction> functions,
      Rule rule,
      Alarm failedAlarm,
      Queue statusQueue) {}

  /** The names the compiled machines use: CloudFormation substitution placeholders. */
  public static CompileTarget placeholders() {
    return CompileTarget.builder()
        .jobQueue("${JobQueue}")
        .jobDefinition("${JobDefinition}")
        .validateFunction("${ValidateFunction}")
        .queueFunction("${QueueFunction}")
        .planFunction("${PlanFunction}")
        .recordFunction("${RecordFunction}")
        .build();
  }

  /** Defines the pipeline stack, running the images of {@code images}. */
  public PipelineStack(
      Construct scope, String id, StackProps props, CairnAwsConfig config, ImagesStack images) {
    super(scope, id, props);
    this.config = config;
    this.runnerRepository = images.runnerRepository();
    this.lambdaRepository = images.lambdaRepository();
    String prefix = config.prefix();

    imageTag =
        CfnParameter.Builder.create(this, "ImageTag")
            .type("String")
            .defaultValue(config.imageTag())
            .allowedPattern("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
            .description("The ECR tag of the runner and Lambda images (tags are immutable)")
            .build();

    key =
        Key.Builder.create(this, "PipelineKey")
            .description("Encrypts Cairn's artifacts, status messages and alarm notifications")
            .enableKeyRotation(true)
            .removalPolicy(RemovalPolicy.RETAIN)
            .build();
    // CloudWatch alarms publish to the encrypted topic: the service needs the key for that.
    key.addToResourcePolicy(
        PolicyStatement.Builder.create()
            .principals(List.of(new ServicePrincipal("cloudwatch.amazonaws.com")))
            .actions(List.of("kms:Decrypt", "kms:GenerateDataKey"))
            .resources(List.of("*"))
            // Only for this account's alarms: no other account's CloudWatch acts on this key.
            .conditions(
                Map.of(
                    "StringEquals",
                    Map.of("aws:SourceAccount", getAccount()),
                    "ArnLike",
                    Map.of(
                        "aws:SourceArn",
                        formatArn(
                            ArnComponents.builder()
                                .service("cloudwatch")
                                .resource("alarm")
                                .resourceName("*")
                                .arnFormat(ArnFormat.COLON_RESOURCE_NAME)
                                .build()))))
            .build());

    // ---- storage -------------------------------------------------------------------------
    Bucket accessLogs =
        Bucket.Builder.create(this, "AccessLogs")
            .encryption(BucketEncryption.S3_MANAGED)
            .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
            .enforceSsl(true)
            .lifecycleRules(
                List.of(LifecycleRule.builder().id("expire").expiration(Duration.days(90)).build()))
            .removalPolicy(RemovalPolicy.RETAIN)
            .build();
    Nag.suppress(
        accessLogs,
        "AwsSolutions-S1",
        "This is the access-log bucket of the artifact bucket; logging it into itself would loop.");
    artifacts =
        Bucket.Builder.create(this, "Artifacts")
            .encryption(BucketEncryption.KMS)
            .encryptionKey(key)
            .bucketKeyEnabled(true)
            .versioned(true)
            .enforceSsl(true)
            .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
            .serverAccessLogsBucket(accessLogs)
            .serverAccessLogsPrefix("artifacts/")
            .lifecycleRules(
                List.of(
                    LifecycleRule.builder()
                        .id("old-versions")
                        .noncurrentVersionExpiration(Duration.days(30))
                        .abortIncompleteMultipartUploadAfter(Duration.days(7))
                        .build(),
                    LifecycleRule.builder()
                        .id("webhook-deliveries")
                        .prefix("deliveries/")
                        // A marker refuses a replayed push for as long as it lives: keep it long.
                        .expiration(Duration.days(400))
                        .build(),
                    LifecycleRule.builder()
                        .id("job-logs")
                        .prefix("logs/")
                        .expiration(Duration.days(90))
                        .build()))
            .removalPolicy(RemovalPolicy.RETAIN)
            .build();

    // ---- status messages -----------------------------------------------------------------
    deadLetters =
        Queue.Builder.create(this, "StatusDeadLetters")
            .encryption(QueueEncryption.KMS)
            .encryptionMasterKey(key)
            .enforceSsl(true)
            .retentionPeriod(Duration.days(14))
            .build();
    Nag.suppress(
        deadLetters,
        "AwsSolutions-SQS3",
        "This is the dead-letter queue of the status queue; its depth raises an alarm.");

    bus = EventBus.Builder.create(this, "Bus").eventBusName(prefix).build();

    // ---- secrets -------------------------------------------------------------------------
    webhookSecret =
        Secret.Builder.create(this, "WebhookSecret")
            .secretName(prefix + "/github/webhook-secret")
            .description("The GitHub webhook secret: paste its value into the repository's webhook")
            .generateSecretString(
                SecretStringGenerator.builder().passwordLength(40).excludePunctuation(true).build())
            .build();
    gitToken =
        Secret.Builder.create(this, "GitToken")
            .secretName(prefix + "/github/token")
            .description(
                "A GitHub token (contents: write, statuses: write) for the audit trail and commit"
                    + " statuses: set its value after the first deploy")
            .build();
    for (Secret secret : List.of(webhookSecret, gitToken)) {
      Nag.suppress(
          secret,
          "AwsSolutions-SMG4",
          "GitHub webhook secrets and tokens are issued by GitHub, not AWS: a rotation Lambda"
              + " cannot change them on GitHub's side. Rotate by hand (docs/aws.md, Operating).");
    }

    // ---- alarms --------------------------------------------------------------------------
    alarms = Topic.Builder.create(this, "Alarms").masterKey(key).enforceSsl(true).build();
    if (config.alarmEmail() != null) {
      alarms.addSubscription(new EmailSubscription(config.alarmEmail()));
    }
    alarm(
        "StatusDeadLettersAlarm",
        "Status messages could not be delivered as commit statuses",
        deadLetters.metricApproximateNumberOfMessagesVisible());

    // ---- jobs: Batch on Fargate ------------------------------------------------------------
    LogGroup flowLogs = logGroup("FlowLogs", "/" + prefix + "/vpc/flow-logs");
    Vpc vpc =
        Vpc.Builder.create(this, "Vpc")
            .maxAzs(2)
            // Jobs reach GitHub, ECR and S3 through the internet gateway: no NAT gateway to pay.
            .natGateways(0)
            .subnetConfiguration(
                List.of(
                    SubnetConfiguration.builder()
                        .name("jobs")
                        .subnetType(SubnetType.PUBLIC)
                        .cidrMask(24)
                        .build()))
            .restrictDefaultSecurityGroup(false)
            .flowLogs(
                Map.of(
                    "FlowLog",
                    FlowLogOptions.builder()
                        .destination(FlowLogDestination.toCloudWatchLogs(flowLogs))
                        .build()))
            .build();
    SecurityGroup jobsGroup =
        SecurityGroup.Builder.create(this, "JobsSecurityGroup")
            .vpc(vpc)
            .description("Cairn jobs: no inbound traffic, outbound to fetch code and images")
            .allowAllOutbound(true)
            .build();
    FargateComputeEnvironment compute =
        FargateComputeEnvironment.Builder.create(this, "Compute")
            .vpc(vpc)
            .vpcSubnets(SubnetSelection.builder().subnetType(SubnetType.PUBLIC).build())
            .securityGroups(List.of(jobsGroup))
            .spot(config.spot())
            .maxvCpus(16)
            .build();
    jobQueue =
        JobQueue.Builder.create(this, "JobQueue")
            .jobQueueName(prefix)
            .computeEnvironments(
                List.of(
                    OrderedComputeEnvironment.builder()
                        .computeEnvironment(compute)
                        .order(1)
                        .build()))
            .build();
    jobLogs = logGroup("JobLogs", "/" + prefix + "/jobs");
    executionRole =
        Role.Builder.create(this, "JobExecutionRole")
            .assumedBy(new ServicePrincipal("ecs-tasks.amazonaws.com"))
            .description("Pulls the runner image and writes job logs")
            .build();

    // ---- shared functions ----------------------------------------------------------------
    webhook = function("Webhook", prefix + "-webhook", "webhook", 512, Duration.seconds(15));
    // The URL is public: a flood of requests must not take every Lambda of the account.
    ((software.amazon.awscdk.services.lambda.CfnFunction) webhook.getNode().getDefaultChild())
        .setReservedConcurrentExecutions(10);
    webhook.addEnvironment("CAIRN_WEBHOOK_SECRET_ID", webhookSecret.getSecretArn());
    webhook.addEnvironment("CAIRN_ARTIFACT_BUCKET", artifacts.getBucketName());
    webhook.addEnvironment("CAIRN_EVENT_BUS", bus.getEventBusName());
    if (config.repositories().size() == 1) {
      webhook.addEnvironment("CAIRN_REPOSITORY", config.repositories().get(0).github());
    }
    // One branch for all: the function drops other pushes before they cost an event. Several:
    // it forwards every push and each repository's rule (filtered on its ref) picks its own.
    webhook.addEnvironment(
        "CAIRN_BRANCH",
        config.repositories().stream().map(RepositoryConfig::branch).distinct().count() == 1
            ? config.repositories().get(0).branch()
            : "*");
    allow(webhook, List.of("events:PutEvents"), bus.getEventBusArn());
    allow(webhook, List.of("secretsmanager:GetSecretValue"), webhookSecret.getSecretArn());
    allow(
        webhook,
        List.of("s3:PutObject", "s3:DeleteObject"),
        artifacts.arnForObjects("deliveries/*"));
    allow(webhook, List.of("kms:GenerateDataKey", "kms:Decrypt"), key.getKeyArn());
    webhookUrl =
        webhook.addFunctionUrl(
            FunctionUrlOptions.builder()
                // GitHub cannot sign requests with SigV4: the handler checks GitHub's HMAC.
                .authType(FunctionUrlAuthType.NONE)
                .build());

    notifier =
        function("Notifier", prefix + "-status-notifier", "notifier", 512, Duration.seconds(60));
    notifier.addEnvironment("CAIRN_GIT_TOKEN_SECRET_ID", gitToken.getSecretArn());
    allow(notifier, List.of("secretsmanager:GetSecretValue"), gitToken.getSecretArn());

    // ---- per repository ------------------------------------------------------------------
    for (RepositoryConfig repository : config.repositories()) {
      pipelines.put(repository.name(), RepositoryPipeline.pipeline(this, repository));
    }
    notifier.addEnvironment(
        "CAIRN_STATUS_QUEUE_REPOSITORIES",
        String.join(
            ",",
            statusQueueRepositories.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .toList()));

    CfnOutput.Builder.create(this, "WebhookUrl")
        .description("The payload URL of the GitHub webhook (content type application/json)")
        .value(webhookUrl.getUrl())
        .build();
    CfnOutput.Builder.create(this, "ArtifactBucket").value(artifacts.getBucketName()).build();
    CfnOutput.Builder.create(this, "WebhookSecretArn").value(webhookSecret.getSecretArn()).build();
    CfnOutput.Builder.create(this, "GitTokenSecretArn").value(gitToken.getSecretArn()).build();

    suppressCommonFindings();
  }

  /**
   * Where the application's own secrets ({@code ${secrets.NAME}} in its pipeline file) live in
   * Secrets Manager: under {@code <prefix>/apps/<repository>/}, apart from Cairn's own secrets.
   */
  String secretPrefix(RepositoryConfig repository) {
    return config.prefix() + "/apps/" + repository.name() + "/";
  }

  /** Read and write the repository's own objects in the artifact bucket; read the git token. */
  void allowRepositoryData(IRole role, RepositoryConfig repository) {
    allowRepositoryObjects(role, repository);
    allowIn(role, List.of("secretsmanager:GetSecretValue"), gitToken.getSecretArn());
  }

  /** Read and write the repository's own objects in the artifact bucket (no git token). */
  void allowRepositoryObjects(IRole role, RepositoryConfig repository) {
    allowIn(
        role,
        List.of("s3:GetObject", "s3:PutObject", "s3:GetObjectVersion"),
        artifacts.arnForObjects(repository.name() + "/*"));
    role.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .actions(List.of("s3:ListBucket"))
            .resources(List.of(artifacts.getBucketArn()))
            .conditions(
                Map.of("StringLike", Map.of("s3:prefix", List.of(repository.name() + "/*"))))
            .build());
    allowIn(role, List.of("kms:GenerateDataKey", "kms:Decrypt"), key.getKeyArn());
  }

  DockerImageFunction function(
      String id, String functionName, String handler, int memory, Duration timeout) {
    LogGroup logs = logGroup(id + "Logs", "/aws/lambda/" + functionName);
    Role role =
        Role.Builder.create(this, id + "Role")
            .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
            .description("The " + functionName + " function")
            .build();
    // Written out instead of AWSLambdaBasicExecutionRole: logs of this function only.
    role.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .actions(List.of("logs:CreateLogStream", "logs:PutLogEvents"))
            .resources(List.of(logs.getLogGroupArn()))
            .build());
    return DockerImageFunction.Builder.create(this, id)
        .functionName(functionName)
        .code(
            DockerImageCode.fromEcr(
                lambdaRepository,
                EcrImageCodeProps.builder()
                    .tagOrDigest(imageTag.getValueAsString())
                    .cmd(List.of(HANDLERS.get(handler)))
                    .build()))
        .architecture(Architecture.X86_64)
        .memorySize(memory)
        .timeout(timeout)
        .tracing(Tracing.ACTIVE)
        .role(role)
        .logGroup(logs)
        .build();
  }

  LogGroup logGroup(String id, String name) {
    return LogGroup.Builder.create(this, id)
        .logGroupName(name)
        .retention(RetentionDays.ONE_MONTH)
        .removalPolicy(RemovalPolicy.DESTROY)
        .build();
  }

  Alarm alarm(String id, String description, IMetric metric) {
    Alarm alarm =
        Alarm.Builder.create(this, id)
            .alarmDescription(description)
            .metric(metric)
            .threshold(1)
            .evaluationPeriods(1)
            .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
            .treatMissingData(TreatMissingData.NOT_BREACHING)
            .build();
    alarm.addAlarmAction(new SnsAction(alarms));
    return alarm;
  }

  static void allow(DockerImageFunction function, List<String> actions, String resource) {
    allowIn(function.getRole(), actions, resource);
  }

  static void allowIn(IRole role, List<String> actions, String resource) {
    role.addToPrincipalPolicy(
        PolicyStatement.Builder.create().actions(actions).resources(List.of(resource)).build());
  }

  private void suppressCommonFindings() {
    Nag.suppressIam5(
        this,
        "Resource '*' only for actions without resource-level permissions (AWS design):"
            + " X-Ray (PutTraceSegments, PutTelemetryRecords, GetSamplingRules, GetSamplingTargets),"
            + " Step Functions' log delivery (logs:*LogDelivery*, *ResourcePolic*, DescribeLogGroups),"
            + " ecr:GetAuthorizationToken (image pulls), batch:DescribeJobs"
            + " (Step Functions' submitJob.sync integration). IamPolicyTest checks that no other"
            + " action has resource '*'.",
        "^Resource::\\*$");
    Nag.suppressIam5(
        this,
        "batch:TerminateJob (submitJob.sync stops a job whose run is stopped) on job ARNs only:"
            + " job ids are generated when submitted.",
        "^Resource::arn:<AWS::Partition>:batch:<AWS::Region>:<AWS::AccountId>:job/\\*$");
    Nag.suppressIam5(
        this,
        "Object ARNs under one key prefix: a repository's own objects (<name>/*), the audit"
            + " records its record function delivers and deletes (<name>/audit/outbox/*), the"
            + " build hand-offs (<name>/sources/*, read by the build job; <name>/uploads/*,"
            + " written by it; each build's keys carry a random ticket) and the webhook"
            + " receiver's delivery markers (deliveries/*); object keys are not known in advance.",
        "^Resource::<Artifacts[A-Za-z0-9]+\\.Arn>/[a-z][a-z0-9-]*/(audit/outbox/|sources/|uploads/)?\\*$");
    Nag.suppressIam5(
        this,
        "The apply job changes only the application's own stacks, named <repository>-<environment>;"
            + " stack ARNs end in a generated id.",
        "^Resource::arn:<AWS::Partition>:cloudformation:<AWS::Region>:<AWS::AccountId>:stack/[a-z][a-z0-9-]*-\\*/\\*$");
    Nag.suppressIam5(
        this,
        "A repository's jobs read the application's own secrets, named under"
            + " <prefix>/apps/<repository>/; secret ARNs end in a random suffix.",
        "^Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:[a-z][a-z0-9-]*/apps/[a-z][a-z0-9-]*/\\*$");
  }

  /** What was made for each repository, by repository name. */
  public Map<String, Pipeline> pipelines() {
    return Map.copyOf(pipelines);
  }

  /** The artifact bucket. */
  public Bucket artifacts() {
    return artifacts;
  }

  /** The status queue the runner reports on. */
  public Queue statusQueue(String repository) {
    return pipelines.get(repository).statusQueue();
  }

  /** The status queue's dead-letter queue. */
  public Queue deadLetters() {
    return deadLetters;
  }

  /** The bus push events are put on. */
  public EventBus bus() {
    return bus;
  }

  /** The Batch job queue. */
  public JobQueue jobQueue() {
    return jobQueue;
  }

  /** The webhook receiver. */
  public DockerImageFunction webhook() {
    return webhook;
  }

  /** The status notifier. */
  public DockerImageFunction notifier() {
    return notifier;
  }

  /** The topic alarms notify. */
  public Topic alarms() {
    return alarms;
  }

  /** The webhook secret. */
  public Secret webhookSecret() {
    return webhookSecret;
  }

  /** The git token secret. */
  public Secret gitToken() {
    return gitToken;
  }
}
