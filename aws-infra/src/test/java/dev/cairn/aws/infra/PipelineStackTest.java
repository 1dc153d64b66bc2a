package dev.cairn.aws.infra;

import static dev.cairn.aws.infra.Synthesized.one;
import static dev.cairn.aws.infra.Synthesized.resources;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.definition.DefinitionParser;
import dev.cairn.pipeline.compile.CompileTarget;
import dev.cairn.pipeline.compile.PipelineCompiler;
import dev.cairn.pipeline.file.PipelineFileParser;
import dev.cairn.pipeline.json.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The pipeline and images stacks: every component present, wired, traced, encrypted, retained. */
class PipelineStackTest {
  private static Synthesized synthesized;
  private static JsonNode pipeline;
  private static Template pipelineTemplate;
  private static JsonNode images;

  @BeforeAll
  static void synth() {
    synthesized = Synthesized.get();
    pipeline = synthesized.json(synthesized.app.pipeline());
    pipelineTemplate = synthesized.template(synthesized.app.pipeline());
    images = synthesized.json(synthesized.app.images());
  }

  private static String logicalId(String type, String prefix) {
    return one(pipeline, type, prefix).getKey();
  }

  private static JsonNode ref(String logicalId) {
    return Json.parse("{\"Ref\": \"" + logicalId + "\"}");
  }

  private static JsonNode getAtt(String logicalId, String attribute) {
    return Json.parse("{\"Fn::GetAtt\": [\"" + logicalId + "\", \"" + attribute + "\"]}");
  }

  @Test
  void theStateMachineRunsTheCompiledPipelineWithTheStacksResourceNames() throws Exception {
    JsonNode machine =
        one(pipeline, "AWS::StepFunctions::StateMachine", "NotesStateMachine").getValue();
    JsonNode properties = machine.path("Properties");

    String expected =
        Json.write(
            PipelineCompiler.compile(
                PipelineFileParser.parse(Path.of("../examples/notes/cairn.yml")),
                PipelineStack.placeholders()));
    assertThat(properties.path("DefinitionString").asText()).isEqualTo(expected);

    // Substituting the placeholders by local names gives exactly what the local engine runs.
    String local =
        expected
            .replace("${JobQueue}", CompileTarget.LOCAL.jobQueue())
            .replace("${JobDefinition}", CompileTarget.LOCAL.jobDefinition())
            .replace("${ValidateFunction}", CompileTarget.LOCAL.validateFunction())
            .replace("${QueueFunction}", CompileTarget.LOCAL.queueFunction())
            .replace("${PlanFunction}", CompileTarget.LOCAL.planFunction())
            .replace("${RecordFunction}", CompileTarget.LOCAL.recordFunction());
    assertThat(local)
        .isEqualTo(
            Json.write(
                PipelineCompiler.compile(
                    PipelineFileParser.parse(Path.of("../examples/notes/cairn.yml")))));
    DefinitionParser.parse(local);

    JsonNode substitutions = properties.path("DefinitionSubstitutions");
    assertThat(substitutions.path("JobQueue"))
        .isEqualTo(getAtt(logicalId("AWS::Batch::JobQueue", "JobQueue"), "JobQueueArn"));
    assertThat(substitutions.path("JobDefinition"))
        .isEqualTo(ref(logicalId("AWS::Batch::JobDefinition", "NotesRunner")));
    for (String role : List.of("Validate", "Queue", "Plan", "Record")) {
      assertThat(substitutions.path(role + "Function"))
          .as(role)
          .isEqualTo(getAtt(logicalId("AWS::Lambda::Function", "Notes" + role), "Arn"));
    }
    assertThat(properties.path("TracingConfiguration").path("Enabled").asBoolean()).isTrue();
    assertThat(properties.path("LoggingConfiguration").path("Level").asText()).isEqualTo("ERROR");
    assertThat(properties.path("StateMachineType").asText()).isEqualTo("STANDARD");
  }

  @Test
  void aPushRuleOnTheBusStartsTheStateMachineWithTheRunAsInput() {
    String machine = logicalId("AWS::StepFunctions::StateMachine", "NotesStateMachine");
    JsonNode rule =
        one(pipeline, "AWS::Events::Rule", "NotesPushRule").getValue().path("Properties");
    assertThat(rule.path("EventBusName")).isEqualTo(ref(logicalId("AWS::Events::EventBus", "Bus")));
    JsonNode pattern = rule.path("EventPattern");
    assertThat(pattern.path("source").get(0).asText()).isEqualTo(PipelineStack.EVENT_SOURCE);
    assertThat(pattern.path("detail-type").get(0).asText())
        .isEqualTo(PipelineStack.EVENT_DETAIL_TYPE);
    assertThat(pattern.path("detail").path("repository").get(0).asText())
        .isEqualTo("your-org/notes");
    assertThat(pattern.path("detail").path("ref").get(0).asText()).isEqualTo("refs/heads/main");

    JsonNode target = rule.path("Targets").get(0);
    assertThat(target.path("Arn")).isEqualTo(ref(machine));
    JsonNode transformer = target.path("InputTransformer");
    assertThat(transformer.path("InputPathsMap").path("detail-after").asText())
        .isEqualTo("$.detail.after");
    assertThat(transformer.path("InputTemplate").asText())
        .contains("\"run\"", "\"commit\":<detail-after>", "\"trigger\":\"push\"");
    // The rule's role may start this machine, nothing else.
    pipelineTemplate.hasResourceProperties(
        "AWS::IAM::Policy",
        Match.objectLike(
            Map.of(
                "PolicyDocument",
                Map.of(
                    "Statement",
                    List.of(
                        Map.of(
                            "Action",
                            "states:StartExecution",
                            "Effect",
                            "Allow",
                            "Resource",
                            Map.of("Ref", machine)))))));
  }

  @Test
  void theStatusQueueFeedsTheNotifierAndHasAnEncryptedDeadLetterQueue() {
    String queue = logicalId("AWS::SQS::Queue", "NotesStatusQueue");
    String deadLetters = logicalId("AWS::SQS::Queue", "StatusDeadLetters");
    String key = logicalId("AWS::KMS::Key", "PipelineKey");
    JsonNode mapping =
        resources(pipeline, "AWS::Lambda::EventSourceMapping").values().iterator().next();
    assertThat(mapping.path("Properties").path("EventSourceArn")).isEqualTo(getAtt(queue, "Arn"));
    assertThat(mapping.path("Properties").path("FunctionName"))
        .isEqualTo(ref(logicalId("AWS::Lambda::Function", "Notifier")));
    assertThat(mapping.path("Properties").path("FunctionResponseTypes").get(0).asText())
        .isEqualTo("ReportBatchItemFailures");

    JsonNode queueProperties = pipeline.path("Resources").path(queue).path("Properties");
    assertThat(queueProperties.path("RedrivePolicy").path("deadLetterTargetArn"))
        .isEqualTo(getAtt(deadLetters, "Arn"));
    for (String q : List.of(queue, deadLetters)) {
      assertThat(pipeline.path("Resources").path(q).path("Properties").path("KmsMasterKeyId"))
          .isEqualTo(getAtt(key, "Arn"));
    }
  }

  @Test
  void theArtifactBucketIsEncryptedVersionedExpiringLoggedAndTlsOnly() {
    String bucket = logicalId("AWS::S3::Bucket", "Artifacts");
    JsonNode properties = pipeline.path("Resources").path(bucket).path("Properties");
    JsonNode encryption =
        properties.path("BucketEncryption").path("ServerSideEncryptionConfiguration").get(0);
    assertThat(encryption.path("ServerSideEncryptionByDefault").path("SSEAlgorithm").asText())
        .isEqualTo("aws:kms");
    assertThat(properties.path("VersioningConfiguration").path("Status").asText())
        .isEqualTo("Enabled");
    // Old versions, delivery markers, job logs, and each repository's build hand-offs (sources/
    // and uploads/ of the two repositories), which expire after a day.
    assertThat(properties.path("LifecycleConfiguration").path("Rules").size()).isEqualTo(3 + 4);
    assertThat(properties.path("LifecycleConfiguration").path("Rules").toString())
        .contains("\"Prefix\":\"notes/sources/\"", "\"Prefix\":\"notes-eu/uploads/\"");
    assertThat(properties.path("LoggingConfiguration").path("DestinationBucketName"))
        .isEqualTo(ref(logicalId("AWS::S3::Bucket", "AccessLogs")));

    pipelineTemplate.hasResourceProperties(
        "AWS::S3::BucketPolicy",
        Match.objectLike(
            Map.of(
                "Bucket",
                Map.of("Ref", bucket),
                "PolicyDocument",
                Match.objectLike(
                    Map.of(
                        "Statement",
                        Match.arrayWith(
                            List.of(
                                Match.objectLike(
                                    Map.of(
                                        "Effect",
                                        "Deny",
                                        "Condition",
                                        Map.of(
                                            "Bool",
                                            Map.of("aws:SecureTransport", "false")))))))))));
  }

  @Test
  void jobsRunOnBatchFargateWithTheRunnerImageAndTheirOwnRole() {
    JsonNode compute =
        resources(pipeline, "AWS::Batch::ComputeEnvironment").values().iterator().next();
    assertThat(compute.path("Properties").path("ComputeResources").path("Type").asText())
        .isEqualTo("FARGATE_SPOT");
    JsonNode queue = one(pipeline, "AWS::Batch::JobQueue", "JobQueue").getValue();
    assertThat(
            queue
                .path("Properties")
                .path("ComputeEnvironmentOrder")
                .get(0)
                .path("ComputeEnvironment")
                .path("Fn::GetAtt")
                .get(0)
                .asText())
        .isEqualTo(
            resources(pipeline, "AWS::Batch::ComputeEnvironment").keySet().iterator().next());

    JsonNode job = one(pipeline, "AWS::Batch::JobDefinition", "NotesRunner").getValue();
    JsonNode container = job.path("Properties").path("ContainerProperties");
    assertThat(job.path("Properties").path("PlatformCapabilities").get(0).asText())
        .isEqualTo("FARGATE");
    assertThat(Json.write(container.path("Image"))).contains("ImageTag");
    // The image's entrypoint is `cairn runner`; the command is its arguments.
    assertThat(container.path("Command").get(0).asText()).isEqualTo("Ref::job");
    assertThat(container.path("Command").toString())
        .contains("\"--run\",\"Ref::run\"", "\"--environment\",\"Ref::environment\"");
    assertThat(job.path("Properties").path("Parameters").path("environment").asText()).isEmpty();
    assertThat(container.path("Environment").toString())
        .contains("{\"Name\":\"CAIRN_SECRET_PREFIX\",\"Value\":\"cairn/apps/notes/\"}")
        .contains("{\"Name\":\"CAIRN_ARTIFACT_PREFIX\",\"Value\":\"notes/\"}")
        .contains("{\"Name\":\"CAIRN_REPOSITORY\",\"Value\":\"your-org/notes\"}")
        // The runner deploys stacks by default: CAIRN_DEPLOYER=process is for trials only, and the
        // template is each environment's aws.template, not the job's.
        .doesNotContain("CAIRN_DEPLOYER", "CAIRN_STACK_TEMPLATE")
        // The job role may change the stacks <repository>-* only.
        .contains("{\"Name\":\"CAIRN_STACK_PREFIX\",\"Value\":\"notes-\"}");
    assertThat(container.path("JobRoleArn"))
        .isEqualTo(getAtt(logicalId("AWS::IAM::Role", "NotesJobRole"), "Arn"));
    assertThat(container.path("LogConfiguration").path("LogDriver").asText()).isEqualTo("awslogs");

    // Retried only when it was not the job's fault; anything else ends the job.
    JsonNode retry = job.path("Properties").path("RetryStrategy");
    assertThat(retry.path("Attempts").asInt()).isEqualTo(3);
    JsonNode rules = retry.path("EvaluateOnExit");
    assertThat(rules.toString())
        .contains("Your Spot Task was interrupted*", "CannotPullContainer", "\"OnExitCode\":\"3\"");
    JsonNode last = rules.get(rules.size() - 1);
    assertThat(last.path("Action").asText()).isEqualToIgnoringCase("EXIT");
    assertThat(last.path("OnReason").asText()).isEqualTo("*");
  }

  @Test
  void everyFunctionIsAContainerImageTracedWithItsOwnRetainedLogGroup() {
    Map<String, JsonNode> functions = resources(pipeline, "AWS::Lambda::Function");
    // Shared: webhook and notifier; per repository: validate, queue, plan, record.
    assertThat(functions).hasSize(2 + 2 * 4);
    for (var function : functions.entrySet()) {
      JsonNode properties = function.getValue().path("Properties");
      assertThat(properties.path("PackageType").asText()).as(function.getKey()).isEqualTo("Image");
      assertThat(properties.path("TracingConfig").path("Mode").asText())
          .as(function.getKey())
          .isEqualTo("Active");
      assertThat(properties.path("ImageConfig").path("Command").get(0).asText())
          .as(function.getKey())
          .isIn(PipelineStack.HANDLERS.values());
      assertThat(properties.path("LoggingConfig").path("LogGroup").path("Ref").asText())
          .as(function.getKey())
          // Logical ids end in an 8-character hash: "WebhookB701416B" logs to "WebhookLogs...".
          .startsWith(function.getKey().substring(0, function.getKey().length() - 8) + "Logs");
    }
    JsonNode url = resources(pipeline, "AWS::Lambda::Url").values().iterator().next();
    assertThat(url.path("Properties").path("AuthType").asText()).isEqualTo("NONE");
    assertThat(url.path("Properties").path("TargetFunctionArn"))
        .isEqualTo(getAtt(logicalId("AWS::Lambda::Function", "Webhook"), "Arn"));
  }

  @Test
  void everyLogGroupHasARetention() {
    for (JsonNode template : List.of(pipeline, images)) {
      Map<String, JsonNode> groups = resources(template, "AWS::Logs::LogGroup");
      assertThat(groups).isNotEmpty();
      groups.forEach(
          (id, group) ->
              assertThat(group.path("Properties").path("RetentionInDays").asInt())
                  .as(id)
                  .isEqualTo(30));
    }
  }

  @Test
  void failedExecutionsAndDeadLettersRaiseAlarmsOnTheEncryptedTopic() {
    String topic = logicalId("AWS::SNS::Topic", "Alarms");
    assertThat(pipeline.path("Resources").path(topic).path("Properties").path("KmsMasterKeyId"))
        .isEqualTo(getAtt(logicalId("AWS::KMS::Key", "PipelineKey"), "Arn"));
    JsonNode failed = one(pipeline, "AWS::CloudWatch::Alarm", "NotesFailedAlarm").getValue();
    assertThat(failed.path("Properties").path("MetricName").asText()).isEqualTo("ExecutionsFailed");
    assertThat(failed.path("Properties").path("AlarmActions").get(0)).isEqualTo(ref(topic));
    assertThat(
            failed.path("Properties").path("Dimensions").get(0).path("Value").path("Ref").asText())
        .isEqualTo(logicalId("AWS::StepFunctions::StateMachine", "NotesStateMachine"));
    JsonNode dlq = one(pipeline, "AWS::CloudWatch::Alarm", "StatusDeadLettersAlarm").getValue();
    assertThat(dlq.path("Properties").path("MetricName").asText())
        .isEqualTo("ApproximateNumberOfMessagesVisible");
    assertThat(dlq.path("Properties").path("AlarmActions").get(0)).isEqualTo(ref(topic));
  }

  @Test
  void theSecretsExistAndOnlyTheirReadersMayReadThem() {
    assertThat(resources(pipeline, "AWS::SecretsManager::Secret")).hasSize(2);
    String token = logicalId("AWS::SecretsManager::Secret", "GitToken");
    long readers =
        resources(pipeline, "AWS::IAM::Policy").values().stream()
            .filter(
                p ->
                    p.toString().contains("secretsmanager:GetSecretValue")
                        && p.toString().contains("\"Ref\":\"" + token + "\""))
            .count();
    // The notifier, and per repository the runner's job role and the record function
    // (BuildRoleStackTest names them).
    assertThat(readers).isEqualTo(1 + 2 * 2);
    // The plan, validate and queue functions work on S3 alone.
    for (String function :
        List.of(
            "NotesPlanRoleDefaultPolicy",
            "NotesValidateRoleDefaultPolicy",
            "NotesQueueRoleDefaultPolicy")) {
      assertThat(document(one(pipeline, "AWS::IAM::Policy", function)))
          .as(function)
          .doesNotContain("\"Ref\":\"" + token + "\"");
    }
    assertThat(document(one(pipeline, "AWS::IAM::Policy", "NotesRecordRoleDefaultPolicy")))
        .contains("\"Ref\":\"" + token + "\"")
        .contains("s3:DeleteObject", "/notes/audit/outbox/*");
  }

  @Test
  void theImagesStackHasScannedImmutableRepositoriesAndAnEncryptedBuild() {
    Map<String, JsonNode> repositories = resources(images, "AWS::ECR::Repository");
    assertThat(repositories).hasSize(2);
    repositories.forEach(
        (id, repository) -> {
          JsonNode properties = repository.path("Properties");
          assertThat(properties.path("ImageTagMutability").asText()).as(id).isEqualTo("IMMUTABLE");
          assertThat(properties.path("ImageScanningConfiguration").path("ScanOnPush").asBoolean())
              .as(id)
              .isTrue();
        });
    JsonNode project =
        resources(images, "AWS::CodeBuild::Project").values().iterator().next().path("Properties");
    assertThat(project.path("Source").path("BuildSpec").asText()).isEqualTo(ImagesStack.BUILDSPEC);
    assertThat(project.path("Source").path("Type").asText()).isEqualTo("GITHUB");
    assertThat(project.path("EncryptionKey").isMissingNode()).isFalse();
    assertThat(project.path("Environment").path("PrivilegedMode").asBoolean()).isTrue();
    assertThat(project.path("Environment").toString())
        .contains("RUNNER_REPOSITORY_URI", "LAMBDA_REPOSITORY_URI");
  }

  @Test
  void eachRepositoryHasItsOwnMachineRuleJobDefinitionAndAlarmOnSharedInfrastructure() {
    assertThat(resources(pipeline, "AWS::StepFunctions::StateMachine")).hasSize(2);
    // Per repository: the privileged runner's and the build job's.
    assertThat(resources(pipeline, "AWS::Batch::JobDefinition")).hasSize(2 * 2);
    assertThat(resources(pipeline, "AWS::Batch::JobQueue")).hasSize(1);
    assertThat(resources(pipeline, "AWS::S3::Bucket")).hasSize(2); // artifacts + access logs
    assertThat(resources(pipeline, "AWS::CloudWatch::Alarm")).hasSize(1 + 2);

    JsonNode rule =
        one(pipeline, "AWS::Events::Rule", "NotesEuPushRule").getValue().path("Properties");
    assertThat(rule.path("EventPattern").path("detail").path("repository").get(0).asText())
        .isEqualTo("your-org/notes-eu");
    assertThat(rule.path("EventPattern").path("detail").path("ref").get(0).asText())
        .isEqualTo("refs/heads/release");
    assertThat(rule.path("Targets").get(0).path("Arn"))
        .isEqualTo(ref(logicalId("AWS::StepFunctions::StateMachine", "NotesEuStateMachine")));
    JsonNode substitutions =
        one(pipeline, "AWS::StepFunctions::StateMachine", "NotesEuStateMachine")
            .getValue()
            .path("Properties")
            .path("DefinitionSubstitutions");
    assertThat(substitutions.path("JobDefinition"))
        .isEqualTo(ref(logicalId("AWS::Batch::JobDefinition", "NotesEuRunner")));

    // The receiver serves both repositories: the rules, not the receiver, filter them.
    JsonNode variables =
        one(pipeline, "AWS::Lambda::Function", "Webhook")
            .getValue()
            .path("Properties")
            .path("Environment")
            .path("Variables");
    assertThat(variables.has("CAIRN_REPOSITORY")).isFalse();
    // Their branches differ: the receiver forwards every branch and each rule picks its ref.
    assertThat(variables.path("CAIRN_BRANCH").asText()).isEqualTo("*");
    assertThat(variables.has("CAIRN_EVENT_BUS")).isTrue();
  }

  private static String document(Map.Entry<String, JsonNode> policy) {
    return policy.getValue().path("Properties").path("PolicyDocument").toString();
  }

  @Test
  void aJobRoleReachesOnlyItsOwnRepositorysObjects() {
    String bucket = logicalId("AWS::S3::Bucket", "Artifacts");
    String policy = document(one(pipeline, "AWS::IAM::Policy", "NotesEuJobRoleDefaultPolicy"));
    assertThat(policy)
        .contains("{\"Fn::GetAtt\":[\"" + bucket + "\",\"Arn\"]},\"/notes-eu/*\"")
        .doesNotContain("\"/notes/*\"")
        // No deploy role configured for this repository: no CloudFormation, no PassRole.
        .doesNotContain("cloudformation:", "iam:PassRole");
    assertThat(document(one(pipeline, "AWS::IAM::Policy", "NotesJobRoleDefaultPolicy")))
        .contains("cloudformation:ExecuteChangeSet", "iam:PassRole", "stack/notes-*/*")
        .contains("secret:cairn/apps/notes/*")
        .doesNotContain("secret:cairn/apps/notes-eu/*");
  }

  /** The statement of a policy that allows {@code action}, as compact JSON. */
  private static String statementWith(Map.Entry<String, JsonNode> policy, String action) {
    for (JsonNode statement :
        policy.getValue().path("Properties").path("PolicyDocument").path("Statement")) {
      if (statement.path("Action").toString().contains("\"" + action + "\"")) {
        return statement.toString();
      }
    }
    throw new AssertionError("no statement allows " + action);
  }

  @Test
  void theJobRoleRunsMigrationTasksAndWatchesTheBakeOnItsOwnStacksOnly() {
    var policy = one(pipeline, "AWS::IAM::Policy", "NotesJobRoleDefaultPolicy");
    // RunTask: any task definition, but only in the clusters of the stacks notes-*.
    assertThat(statementWith(policy, "ecs:RunTask"))
        .contains(":task-definition/*\"")
        .contains("\"ArnLike\":{\"ecs:cluster\":")
        .contains(":cluster/notes-*\"");
    assertThat(statementWith(policy, "ecs:DescribeTasks"))
        .contains("ecs:StopTask")
        .contains(":task/notes-*/*\"");
    // The tasks' roles are the stacks' own, passed to ECS tasks only (the deploy role's PassRole
    // is a statement of its own).
    String passRole =
        policy
            .getValue()
            .path("Properties")
            .path("PolicyDocument")
            .path("Statement")
            .findParents("Condition")
            .stream()
            .map(JsonNode::toString)
            .filter(s -> s.contains("iam:PassRole"))
            .findFirst()
            .orElseThrow();
    assertThat(passRole)
        .contains(":role/notes-*\"")
        .contains("{\"iam:PassedToService\":\"ecs-tasks.amazonaws.com\"}");
    assertThat(statementWith(policy, "logs:GetLogEvents")).isNotNull();
    assertThat(document(policy)).contains(":log-group:notes-*:log-stream:*\"");
    assertThat(statementWith(policy, "cloudwatch:DescribeAlarms")).contains(":alarm:notes-*\"");
    assertThat(statementWith(policy, "elasticloadbalancing:DescribeTargetHealth"))
        .contains("ecs:DescribeTaskDefinition")
        .contains("\"Resource\":\"*\"");
    assertThat(statementWith(policy, "cloudformation:DescribeStacks")).contains("stack/notes-*/*");
    // A repository without a deploy role deploys no stack, and gets none of it.
    assertThat(document(one(pipeline, "AWS::IAM::Policy", "NotesEuJobRoleDefaultPolicy")))
        .doesNotContain("ecs:RunTask", "cloudwatch:DescribeAlarms", "DescribeTargetHealth");
  }

  @Test
  void theRunnerIsToldTheDeployRoleItMayPass() {
    String role = synthesized.config.repositories().get(0).deployRoleArn();
    assertThat(role).isNotNull();
    assertThat(runnerEnvironment("NotesRunner"))
        .contains("{\"Name\":\"CAIRN_DEPLOY_ROLE_ARN\",\"Value\":\"" + role + "\"}");
    assertThat(runnerEnvironment("NotesEuRunner")).doesNotContain("CAIRN_DEPLOY_ROLE_ARN");
  }

  private static String runnerEnvironment(String prefix) {
    return one(pipeline, "AWS::Batch::JobDefinition", prefix)
        .getValue()
        .path("Properties")
        .path("ContainerProperties")
        .path("Environment")
        .toString();
  }

  @Test
  void eachRepositoryHasAnImmutableImageRepositoryOnlyItsImageProjectMayPushTo() {
    String images = logicalId("AWS::ECR::Repository", "NotesImages");
    JsonNode properties = pipeline.path("Resources").path(images).path("Properties");
    assertThat(properties.path("RepositoryName").asText()).isEqualTo("cairn/notes");
    assertThat(properties.path("ImageTagMutability").asText()).isEqualTo("IMMUTABLE");
    assertThat(properties.path("ImageScanningConfiguration").path("ScanOnPush").asBoolean())
        .isTrue();
    String arn = getAtt(images, "Arn").toString();
    assertThat(document(one(pipeline, "AWS::IAM::Policy", "NotesImageBuildRoleDefaultPolicy")))
        .contains("ecr:PutImage", arn);
    // The runner reads the pushed image's digest; it pushes nothing itself.
    assertThat(document(one(pipeline, "AWS::IAM::Policy", "NotesJobRoleDefaultPolicy")))
        .contains("ecr:DescribeImages", arn)
        .doesNotContain("ecr:PutImage");
    assertThat(document(one(pipeline, "AWS::IAM::Policy", "NotesEuJobRoleDefaultPolicy")))
        .doesNotContain(arn);
    assertThat(document(one(pipeline, "AWS::IAM::Policy", "NotesEuImageBuildRoleDefaultPolicy")))
        .doesNotContain(arn);
    assertThat(
            one(pipeline, "AWS::Batch::JobDefinition", "NotesRunner")
                .getValue()
                .path("Properties")
                .path("ContainerProperties")
                .path("Environment")
                .toString())
        .contains("CAIRN_IMAGE_REPOSITORY", "CAIRN_IMAGE_PROJECT");
  }

  @Test
  void theNotifierMayDecryptTheStatusQueue() {
    String key = logicalId("AWS::KMS::Key", "PipelineKey");
    String policy = document(one(pipeline, "AWS::IAM::Policy", "NotifierRoleDefaultPolicy"));
    assertThat(policy).contains("sqs:ReceiveMessage", "sqs:DeleteMessage", "kms:Decrypt", key);
  }

  @Test
  void theQueueAndRecordFunctionsRunTheirHandlersAndMayAnswerTheMachinesTaskTokens() {
    assertThat(command("NotesQueue"))
        .isEqualTo("dev.cairn.aws.lambda.queue.DeployQueueHandler::handleRequest");
    assertThat(command("NotesRecord"))
        .isEqualTo("dev.cairn.aws.lambda.run.RecordHandler::handleRequest");
    assertThat(command("NotesValidate"))
        .isEqualTo("dev.cairn.aws.lambda.validate.ValidateHandler::handleRequest");
    assertThat(command("NotesPlan"))
        .isEqualTo("dev.cairn.aws.lambda.plan.PlanHandler::handleRequest");
    for (String function : List.of("NotesQueue", "NotesRecord")) {
      String policy = document(one(pipeline, "AWS::IAM::Policy", function + "RoleDefaultPolicy"));
      assertThat(policy)
          .as(function)
          .contains("states:SendTaskSuccess", "states:SendTaskFailure")
          .contains("stateMachine:cairn-notes-pipeline")
          .doesNotContain("stateMachine:cairn-notes-eu-pipeline")
          // The queue state in S3 lies in the repository's prefix.
          .contains("\"/notes/*\"");
      JsonNode variables =
          one(pipeline, "AWS::Lambda::Function", function)
              .getValue()
              .path("Properties")
              .path("Environment")
              .path("Variables");
      assertThat(variables.path("CAIRN_ARTIFACT_PREFIX").asText()).isEqualTo("notes/");
      assertThat(variables.has("CAIRN_ARTIFACT_BUCKET")).isTrue();
    }
    // Jobs run the application's build steps: they may not read or change the queue's state.
    JsonNode statements =
        one(pipeline, "AWS::IAM::Policy", "NotesJobRoleDefaultPolicy")
            .getValue()
            .path("Properties")
            .path("PolicyDocument")
            .path("Statement");
    assertThat(statements)
        .anySatisfy(
            st -> {
              assertThat(st.path("Effect").asText()).isEqualTo("Deny");
              assertThat(st.path("Action").toString()).contains("s3:GetObject", "s3:PutObject");
              assertThat(st.path("Resource").toString()).contains("/notes/queue/*");
            });
    // Neither the validate nor the plan function answers tokens.
    assertThat(document(one(pipeline, "AWS::IAM::Policy", "NotesPlanRoleDefaultPolicy")))
        .doesNotContain("states:SendTask");
  }

  private static String command(String function) {
    return one(pipeline, "AWS::Lambda::Function", function)
        .getValue()
        .path("Properties")
        .path("ImageConfig")
        .path("Command")
        .get(0)
        .asText();
  }
}
