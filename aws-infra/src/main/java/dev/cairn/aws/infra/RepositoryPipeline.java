package dev.cairn.aws.infra;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.aws.batch.BuildHandOff;
import dev.cairn.engine.json.Json;
import dev.cairn.pipeline.compile.PipelineCompiler;
import dev.cairn.pipeline.file.PipelineDefinition;
import dev.cairn.pipeline.file.PipelineFileException;
import dev.cairn.pipeline.file.PipelineFileParser;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Size;
import software.amazon.awscdk.services.batch.Action;
import software.amazon.awscdk.services.batch.CustomReason;
import software.amazon.awscdk.services.batch.EcsFargateContainerDefinition;
import software.amazon.awscdk.services.batch.EcsJobDefinition;
import software.amazon.awscdk.services.batch.Reason;
import software.amazon.awscdk.services.batch.RetryStrategy;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.codebuild.Project;
import software.amazon.awscdk.services.ecr.Repository;
import software.amazon.awscdk.services.ecr.TagMutability;
import software.amazon.awscdk.services.ecs.AwsLogDriverProps;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.CpuArchitecture;
import software.amazon.awscdk.services.ecs.LogDriver;
import software.amazon.awscdk.services.events.EventField;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.RuleTargetInput;
import software.amazon.awscdk.services.events.targets.SfnStateMachine;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.DockerImageFunction;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.StateMachineType;

/**
 * The resources of one repository in the {@link PipelineStack}: its job role and runner job
 * definition, its image repository, status queue, functions, state machine, push rule and alarm.
 */
final class RepositoryPipeline {
  private RepositoryPipeline() {}

  /** Makes the resources of one repository in the stack. */
  static PipelineStack.Pipeline pipeline(PipelineStack stack, RepositoryConfig repository) {
    String name = stack.config.prefix() + "-" + repository.name();
    String id = Names.camel(repository.name());

    // The privileged job role (build hand-off, apply, verify, rollback): what the runner may touch
    // for this repository. It runs no build step: those run in the build job below, whose role has
    // none of Cairn's credentials (docs/security.md, "AWS").
    Role jobRole =
        Role.Builder.create(stack, id + "JobRole")
            .assumedBy(new ServicePrincipal("ecs-tasks.amazonaws.com"))
            .description("The Cairn runner's jobs for " + repository.github())
            .build();
    stack.allowRepositoryData(jobRole, repository);
    // The deploy queue (<repo>/queue/*) holds the waiting runs' task tokens and decides who
    // deploys; jobs run the application's own build steps with this role, so they may not touch it.
    jobRole.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .effect(Effect.DENY)
            .actions(List.of("s3:GetObject", "s3:PutObject", "s3:DeleteObject"))
            .resources(List.of(stack.artifacts.arnForObjects(repository.name() + "/queue/*")))
            .build());
    Queue statusQueue =
        Queue.Builder.create(stack, id + "StatusQueue")
            .encryption(QueueEncryption.KMS)
            .encryptionMasterKey(stack.key)
            .enforceSsl(true)
            .visibilityTimeout(Duration.minutes(3))
            .deadLetterQueue(
                DeadLetterQueue.builder().queue(stack.deadLetters).maxReceiveCount(5).build())
            .build();
    stack.notifier.addEventSource(
        SqsEventSource.Builder.create(statusQueue)
            .batchSize(10)
            .reportBatchItemFailures(true)
            .build());
    stack.statusQueueRepositories.put(statusQueue.getQueueArn(), repository.github());
    PipelineStack.allowIn(jobRole, List.of("sqs:SendMessage"), statusQueue.getQueueArn());
    // The application's secrets: its own prefix only (secret ARNs end in a random suffix).
    PipelineStack.allowIn(
        jobRole,
        List.of("secretsmanager:GetSecretValue"),
        stack.formatArn(
            ArnComponents.builder()
                .service("secretsmanager")
                .resource("secret")
                .resourceName(stack.secretPrefix(repository) + "*")
                .arnFormat(ArnFormat.COLON_RESOURCE_NAME)
                .build()));
    // The application's images: the repository's image project (ImageBuildProject) pushes each
    // release image, tagged by commit; tags are immutable, so a tag always names one image.
    Repository applicationImages =
        Repository.Builder.create(stack, id + "Images")
            .repositoryName(stack.config.prefix() + "/" + repository.name())
            .imageScanOnPush(true)
            .imageTagMutability(TagMutability.IMMUTABLE)
            .lifecycleRules(
                List.of(
                    software.amazon.awscdk.services.ecr.LifecycleRule.builder()
                        .description("Keep the 100 newest releases; rollback needs recent ones")
                        .maxImageCount(100)
                        .build()))
            .removalPolicy(RemovalPolicy.RETAIN)
            .build();
    // The runner pushes nothing itself: it starts the image project and reads the digest.
    Project imageProject =
        ImageBuildProject.create(stack, repository, id, applicationImages, jobRole);
    if (repository.deployRoleArn() != null) {
      // apply/rollback deploy the application's stacks by change set, as the given role.
      PipelineStack.allowIn(
          jobRole,
          List.of(
              "cloudformation:CreateChangeSet",
              "cloudformation:DescribeChangeSet",
              "cloudformation:ExecuteChangeSet",
              "cloudformation:DeleteChangeSet",
              "cloudformation:DescribeStacks",
              "cloudformation:DescribeStackEvents",
              "cloudformation:GetTemplate"),
          stack.formatArn(
              ArnComponents.builder()
                  .service("cloudformation")
                  .resource("stack")
                  .resourceName(repository.name() + "-*/*")
                  .build()));
      PipelineStack.allowIn(jobRole, List.of("iam:PassRole"), repository.deployRoleArn());
      // The migration task, its log and the bake's checks, on those stacks only.
      StackRuntimePolicy.grant(stack, jobRole, repository.name());
    }

    Role buildRole = buildRole(stack, repository, id);
    EcsJobDefinition buildDefinition =
        jobDefinition(
            stack,
            id + "Build",
            name + "-build",
            buildEnvironment(stack, repository),
            buildRole,
            repository.name() + "-build");
    // The privileged runner submits each build to the build job definition, follows it
    // (DescribeJobs has no resource-level permissions; TerminateJob is scoped to jobs) and reads
    // its output back from the job log group.
    PipelineStack.allowIn(jobRole, List.of("batch:SubmitJob"), stack.jobQueue.getJobQueueArn());
    PipelineStack.allowIn(
        jobRole, List.of("batch:SubmitJob"), buildDefinition.getJobDefinitionArn());
    jobRole.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .actions(List.of("batch:DescribeJobs"))
            .resources(List.of("*"))
            .build());
    PipelineStack.allowIn(
        jobRole,
        List.of("batch:TerminateJob"),
        stack.formatArn(
            ArnComponents.builder().service("batch").resource("job").resourceName("*").build()));
    PipelineStack.allowIn(jobRole, List.of("logs:GetLogEvents"), stack.jobLogs.getLogGroupArn());
    // It removes a build's hand-off once the build ended.
    PipelineStack.allowIn(
        jobRole,
        List.of("s3:DeleteObject"),
        stack.artifacts.arnForObjects(repository.name() + "/" + BuildHandOff.SOURCES + "*"));
    PipelineStack.allowIn(
        jobRole,
        List.of("s3:DeleteObject"),
        stack.artifacts.arnForObjects(repository.name() + "/" + BuildHandOff.UPLOADS + "*"));
    // Hand-offs left behind (a runner that died mid-build) expire.
    for (String handOff : List.of(BuildHandOff.SOURCES, BuildHandOff.UPLOADS)) {
      stack.artifacts.addLifecycleRule(
          software.amazon.awscdk.services.s3.LifecycleRule.builder()
              .id(repository.name() + "-" + handOff.replace("/", ""))
              .prefix(repository.name() + "/" + handOff)
              .expiration(Duration.days(1))
              .noncurrentVersionExpiration(Duration.days(1))
              .build());
    }
    Map<String, String> runnerEnvironment =
        runnerEnvironment(stack, repository, applicationImages, statusQueue);
    runnerEnvironment.put(
        BuildHandOff.BUILD_JOB_DEFINITION_VARIABLE, buildDefinition.getJobDefinitionArn());
    runnerEnvironment.put(BuildHandOff.JOB_QUEUE_VARIABLE, stack.jobQueue.getJobQueueArn());
    runnerEnvironment.put(BuildHandOff.JOB_LOG_GROUP_VARIABLE, stack.jobLogs.getLogGroupName());
    runnerEnvironment.put(ImageBuildProject.PROJECT_VARIABLE, imageProject.getProjectName());
    EcsJobDefinition jobDefinition =
        jobDefinition(
            stack, id + "Runner", name + "-runner", runnerEnvironment, jobRole, repository.name());

    Map<String, DockerImageFunction> functions = new LinkedHashMap<>();
    for (String role : List.of("validate", "queue", "plan", "record")) {
      DockerImageFunction function =
          stack.function(
              id + Names.camel(role),
              name + "-" + role,
              role,
              role.equals("record") ? 1024 : 512,
              Duration.seconds(role.equals("record") ? 120 : 30));
      function.addEnvironment("CAIRN_REPOSITORY", repository.github());
      function.addEnvironment("CAIRN_BRANCH", repository.branch());
      function.addEnvironment("CAIRN_ARTIFACT_BUCKET", stack.artifacts.getBucketName());
      function.addEnvironment("CAIRN_ARTIFACT_PREFIX", repository.name() + "/");
      function.addEnvironment("CAIRN_STATUS_QUEUE_URL", statusQueue.getQueueUrl());
      function.addEnvironment("CAIRN_STACK_PREFIX", repository.name() + "-");
      PipelineStack.allow(function, List.of("sqs:SendMessage"), statusQueue.getQueueArn());
      // Only the record function (delivers the audit outbox to the trail) reads the git token;
      // validate, queue and plan work on S3 alone. The queue learns bad commits from the states
      // there: record writes each bad mark it delivers, and the privileged runner's build job
      // brings the states up to date with the trail.
      if (role.equals("record")) {
        function.addEnvironment("CAIRN_GIT_REMOTE", repository.cloneUrl());
        function.addEnvironment("CAIRN_GIT_TOKEN_SECRET_ID", stack.gitToken.getSecretArn());
        stack.allowRepositoryData(function.getRole(), repository);
      } else {
        stack.allowRepositoryObjects(function.getRole(), repository);
      }
      functions.put(role, function);
    }
    // The record function empties the audit outbox once its records are on the trail.
    PipelineStack.allow(
        functions.get("record"),
        List.of("s3:DeleteObject"),
        stack.artifacts.arnForObjects(repository.name() + "/audit/outbox/*"));

    String machineName = name + "-pipeline";
    String machineArn =
        stack.formatArn(
            ArnComponents.builder()
                .service("states")
                .resource("stateMachine")
                .resourceName(machineName)
                .arnFormat(ArnFormat.COLON_RESOURCE_NAME)
                .build());
    // The queue answers a run's task token when the environment is free (or superseded, or the
    // commit bad); the record function releases the environment and so grants the next waiting run.
    for (String role : List.of("queue", "record")) {
      PipelineStack.allow(
          functions.get(role),
          List.of("states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat"),
          machineArn);
    }

    ObjectNode definition =
        PipelineCompiler.compile(readPipeline(repository), PipelineStack.placeholders());
    LogGroup machineLogs =
        stack.logGroup(
            id + "StateMachineLogs", "/" + stack.config.prefix() + "/states/" + repository.name());
    StateMachine machine =
        StateMachine.Builder.create(stack, id + "StateMachine")
            .stateMachineName(machineName)
            .stateMachineType(StateMachineType.STANDARD)
            .definitionBody(DefinitionBody.fromString(Json.write(definition)))
            .definitionSubstitutions(
                Map.of(
                    "JobQueue", stack.jobQueue.getJobQueueArn(),
                    "JobDefinition", jobDefinition.getJobDefinitionArn(),
                    "ValidateFunction", functions.get("validate").getFunctionArn(),
                    "QueueFunction", functions.get("queue").getFunctionArn(),
                    "PlanFunction", functions.get("plan").getFunctionArn(),
                    "RecordFunction", functions.get("record").getFunctionArn()))
            .tracingEnabled(true)
            .logs(
                LogOptions.builder()
                    .destination(machineLogs)
                    // Not ALL with execution data: inputs carry task tokens and run facts.
                    .level(LogLevel.ERROR)
                    .includeExecutionData(false)
                    .build())
            .build();
    machine.addToRolePolicy(
        PolicyStatement.Builder.create()
            .actions(List.of("lambda:InvokeFunction"))
            .resources(
                functions.values().stream().map(DockerImageFunction::getFunctionArn).toList())
            .build());
    machine.addToRolePolicy(
        PolicyStatement.Builder.create()
            .actions(List.of("batch:SubmitJob"))
            .resources(
                List.of(stack.jobQueue.getJobQueueArn(), jobDefinition.getJobDefinitionArn()))
            .build());
    // submitJob.sync: Step Functions follows the job with a managed EventBridge rule.
    machine.addToRolePolicy(
        PolicyStatement.Builder.create()
            .actions(List.of("events:PutTargets", "events:PutRule", "events:DescribeRule"))
            .resources(
                List.of(
                    stack.formatArn(
                        ArnComponents.builder()
                            .service("events")
                            .resource("rule")
                            .resourceName("StepFunctionsGetEventsForBatchJobsRule")
                            .build())))
            .build());
    // DescribeJobs has no resource-level permissions; TerminateJob does: jobs only.
    machine.addToRolePolicy(
        PolicyStatement.Builder.create()
            .actions(List.of("batch:DescribeJobs"))
            .resources(List.of("*"))
            .build());
    machine.addToRolePolicy(
        PolicyStatement.Builder.create()
            .actions(List.of("batch:TerminateJob"))
            .resources(
                List.of(
                    stack.formatArn(
                        ArnComponents.builder()
                            .service("batch")
                            .resource("job")
                            .resourceName("*")
                            .build())))
            .build());

    Rule rule =
        Rule.Builder.create(stack, id + "PushRule")
            .eventBus(stack.bus)
            .description(
                "A push to " + repository.github() + " " + repository.branch() + " starts a run")
            .eventPattern(
                EventPattern.builder()
                    .source(List.of(PipelineStack.EVENT_SOURCE))
                    .detailType(List.of(PipelineStack.EVENT_DETAIL_TYPE))
                    .detail(
                        Map.of(
                            "repository", List.of(repository.github()),
                            "ref", List.of("refs/heads/" + repository.branch())))
                    .build())
            .build();
    Nag.suppress(
        machine,
        "AwsSolutions-SF1",
        "Logging ALL events with execution data would write task tokens and run inputs to"
            + " CloudWatch Logs; errors are logged, and each execution's history is in Step"
            + " Functions itself.");
    rule.addTarget(
        SfnStateMachine.Builder.create(machine)
            .input(
                RuleTargetInput.fromObject(
                    Map.of(
                        "run",
                        Map.of(
                            "id", EventField.fromPath("$.detail.deliveryId"),
                            "commit", EventField.fromPath("$.detail.after"),
                            "message", EventField.fromPath("$.detail.message"),
                            "repository", EventField.fromPath("$.detail.repository"),
                            "trigger", "push",
                            "submittedAt", EventField.getTime()))))
            .retryAttempts(8)
            .maxEventAge(Duration.hours(2))
            .build());

    Alarm failed =
        stack.alarm(
            id + "FailedAlarm",
            "A run of " + repository.github() + " failed (build failed or rolled back)",
            machine.metricFailed());
    return new PipelineStack.Pipeline(
        repository,
        definition,
        machine,
        jobDefinition,
        jobRole,
        buildDefinition,
        buildRole,
        applicationImages,
        functions,
        rule,
        failed,
        statusQueue);
  }

  /**
   * A job definition of the runner image: the privileged runner's ({@code <name>-runner}) or the
   * build job's ({@code <name>-build}), which differ in their role and environment only.
   */
  private static EcsJobDefinition jobDefinition(
      PipelineStack stack,
      String id,
      String name,
      Map<String, String> environment,
      Role role,
      String streamPrefix) {
    return EcsJobDefinition.Builder.create(stack, id)
        .jobDefinitionName(name)
        .container(
            EcsFargateContainerDefinition.Builder.create(stack, id + "Container")
                .image(
                    ContainerImage.fromEcrRepository(
                        stack.runnerRepository, stack.imageTag.getValueAsString()))
                .cpu(1)
                .memory(Size.gibibytes(2))
                .fargateCpuArchitecture(CpuArchitecture.X86_64)
                .assignPublicIp(true)
                .command(
                    // The image's entrypoint is `cairn runner`: these are its arguments.
                    List.of(
                        "Ref::job",
                        "--run",
                        "Ref::run",
                        "--environment",
                        "Ref::environment",
                        "--reason",
                        "Ref::reason"))
                .environment(environment)
                .jobRole(role)
                .executionRole(stack.executionRole)
                .logging(
                    LogDriver.awsLogs(
                        AwsLogDriverProps.builder()
                            .logGroup(stack.jobLogs)
                            .streamPrefix(streamPrefix)
                            .build()))
                .build())
        // Batch substitutes Ref::name from these defaults when the state machine omits one.
        .parameters(Map.of("environment", "", "reason", ""))
        .timeout(Duration.hours(2))
        // Batch retries only what is not the job's fault: a reclaimed Spot task, an image pull that
        // failed, or the runner's "unavailable" exit code. A job that fails on its own is not
        // retried here (a failed build would just fail again); the state machine decides what
        // happens next.
        .retryAttempts(3)
        .retryStrategies(
            List.of(
                RetryStrategy.of(
                    Action.RETRY,
                    Reason.custom(
                        CustomReason.builder()
                            .onStatusReason("Your Spot Task was interrupted*")
                            .build())),
                RetryStrategy.of(Action.RETRY, Reason.SPOT_INSTANCE_RECLAIMED),
                RetryStrategy.of(Action.RETRY, Reason.CANNOT_PULL_CONTAINER),
                // The runner exits 3 when AWS or the git host was unavailable.
                RetryStrategy.of(
                    Action.RETRY, Reason.custom(CustomReason.builder().onExitCode("3").build())),
                RetryStrategy.of(
                    Action.EXIT, Reason.custom(CustomReason.builder().onReason("*").build()))))
        .propagateTags(true)
        .build();
  }

  /**
   * The build job's role: the untrusted build steps run with it, and on Fargate they can read its
   * credentials. So it may read its build's source and write its build's upload in the artifact
   * bucket ({@link BuildHandOff}: {@code <repo>/sources/*} read, {@code <repo>/uploads/*} write,
   * the bucket key to do both) and nothing else: no git token or other secret (the build's
   * secret-valued variables come with its source), no other object of the repository (not {@code
   * trees/}, {@code objects/}, {@code runs/} or the queue), no status queue, no ECR, no
   * CloudFormation, no PassRole, no Batch.
   */
  private static Role buildRole(PipelineStack stack, RepositoryConfig repository, String id) {
    Role role =
        Role.Builder.create(stack, id + "BuildRole")
            .assumedBy(new ServicePrincipal("ecs-tasks.amazonaws.com"))
            .description("The untrusted build steps of " + repository.github())
            .build();
    PipelineStack.allowIn(
        role,
        List.of("s3:GetObject"),
        stack.artifacts.arnForObjects(repository.name() + "/" + BuildHandOff.SOURCES + "*"));
    PipelineStack.allowIn(
        role,
        List.of("s3:PutObject"),
        stack.artifacts.arnForObjects(repository.name() + "/" + BuildHandOff.UPLOADS + "*"));
    PipelineStack.allowIn(
        role, List.of("kms:GenerateDataKey", "kms:Decrypt"), stack.key.getKeyArn());
    return role;
  }

  /** The build job's settings: the bucket, and that it is the build job. */
  private static Map<String, String> buildEnvironment(
      PipelineStack stack, RepositoryConfig repository) {
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put(BuildHandOff.JOB_ROLE_VARIABLE, BuildHandOff.BUILD_JOB_ROLE);
    environment.put("CAIRN_ARTIFACT_BUCKET", stack.artifacts.getBucketName());
    environment.put("CAIRN_ARTIFACT_PREFIX", repository.name() + "/");
    return environment;
  }

  private static PipelineDefinition readPipeline(RepositoryConfig repository) {
    try {
      return PipelineFileParser.parse(repository.pipelineFile());
    } catch (PipelineFileException e) {
      throw new AwsConfigException(
          "repository '"
              + repository.name()
              + "': the pipeline file is invalid:\n"
              + e.getMessage(),
          e);
    } catch (NoSuchFileException e) {
      throw new AwsConfigException(
          "repository '"
              + repository.name()
              + "': no pipeline file at "
              + repository.pipelineFile());
    } catch (IOException e) {
      throw new AwsConfigException(
          "repository '"
              + repository.name()
              + "': cannot read "
              + repository.pipelineFile()
              + " ("
              + e.getMessage()
              + ")",
          e);
    }
  }

  private static Map<String, String> runnerEnvironment(
      PipelineStack stack,
      RepositoryConfig repository,
      Repository applicationImages,
      Queue statusQueue) {
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("CAIRN_REPOSITORY", repository.github());
    environment.put("CAIRN_GIT_REMOTE", repository.cloneUrl());
    environment.put("CAIRN_BRANCH", repository.branch());
    environment.put("CAIRN_ARTIFACT_BUCKET", stack.artifacts.getBucketName());
    environment.put("CAIRN_ARTIFACT_PREFIX", repository.name() + "/");
    environment.put("CAIRN_STATUS_QUEUE_URL", statusQueue.getQueueUrl());
    environment.put("CAIRN_IMAGE_REPOSITORY", applicationImages.getRepositoryUri());
    environment.put("CAIRN_GIT_TOKEN_SECRET_ID", stack.gitToken.getSecretArn());
    environment.put("CAIRN_SECRET_PREFIX", stack.secretPrefix(repository));
    // Releases are CloudFormation stacks <repository>-<environment> (the runner's default
    // deployer; CAIRN_DEPLOYER=process is for trials on one machine): the only stacks the job role
    // may change.
    environment.put("CAIRN_STACK_PREFIX", repository.name() + "-");
    if (repository.deployRoleArn() != null) {
      // The role CloudFormation assumes to change the stacks (the only role the job may pass):
      // the job role itself may create none of the application's resources.
      environment.put("CAIRN_DEPLOY_ROLE_ARN", repository.deployRoleArn());
    }
    return environment;
  }
}
