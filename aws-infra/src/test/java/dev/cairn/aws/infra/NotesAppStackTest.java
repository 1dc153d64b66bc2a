package dev.cairn.aws.infra;

import static dev.cairn.aws.infra.Synthesized.one;
import static dev.cairn.aws.infra.Synthesized.resources;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.pipeline.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The notes example's template against the contract between Cairn's runtime and an application's
 * stack (docs/aws.md): the parameters apply and rollback pass, the service without an image, the
 * migration task definition, the alarm the bake watches, and the outputs the runner reads.
 */
class NotesAppStackTest {
  private static final String DIGEST = "sha256:" + "ab".repeat(32);

  private static JsonNode notes;
  private static Template template;

  @BeforeAll
  static void synth() {
    Synthesized synthesized = Synthesized.get();
    notes = synthesized.json(synthesized.notes.stack());
    template = synthesized.template(synthesized.notes.stack());
  }

  private static String ref(String name) {
    return "{\"Ref\":\"" + name + "\"}";
  }

  private static JsonNode container(String taskPrefix) {
    JsonNode task = one(notes, "AWS::ECS::TaskDefinition", taskPrefix).getValue();
    JsonNode containers = task.path("Properties").path("ContainerDefinitions");
    assertThat(containers.size()).isEqualTo(1);
    return containers.get(0);
  }

  private static JsonNode output(String name) {
    JsonNode output = notes.path("Outputs").path(name);
    assertThat(output.isMissingNode()).as("output " + name).isFalse();
    return output.path("Value");
  }

  @Test
  void theTemplateDeclaresExactlyTheParametersCairnPasses() {
    List<String> names = new ArrayList<>();
    notes.path("Parameters").fieldNames().forEachRemaining(names::add);
    assertThat(names)
        .containsExactlyInAnyOrder(
            "CairnCommit", "CairnArtifact", "CairnImage", "CairnMigrationImage");
    // Every one has a default: the stack can be created by hand, and CloudFormation accepts a
    // deployment that passes only some of them.
    for (String name : names) {
      assertThat(notes.path("Parameters").path(name).has("Default")).as(name).isTrue();
    }
    assertThat(notes.path("Parameters").path("CairnImage").path("Default").asText()).isEmpty();
    // A plain change set deploys it: nothing may depend on the CDK bootstrap stack.
    assertThat(notes.has("Rules")).isFalse();
  }

  @Test
  void theImagesAreReferencesByDigestOrEmpty() {
    for (String name : List.of("CairnImage", "CairnMigrationImage")) {
      Pattern allowed =
          Pattern.compile(notes.path("Parameters").path(name).path("AllowedPattern").asText());
      assertThat(allowed.matcher("").matches()).isTrue();
      assertThat(
              allowed
                  .matcher("123456789012.dkr.ecr.eu-west-1.amazonaws.com/cairn/notes@" + DIGEST)
                  .matches())
          .isTrue();
      // A moving tag would let a rollback run other code than the release it names.
      assertThat(
              allowed
                  .matcher("123456789012.dkr.ecr.eu-west-1.amazonaws.com/cairn/notes:v1")
                  .matches())
          .isFalse();
      assertThat(allowed.matcher("cairn/notes@sha256:abc").matches()).isFalse();
    }
  }

  @Test
  void withoutAnImageTheServiceRunsNoTask() {
    assertThat(Json.write(notes.path("Conditions").path(NotesAppStack.HAS_IMAGE)))
        .isEqualTo("{\"Fn::Not\":[{\"Fn::Equals\":[" + ref("CairnImage") + ",\"\"]}]}");
    JsonNode service = one(notes, "AWS::ECS::Service", "Service").getValue();
    assertThat(Json.write(service.path("Properties").path("DesiredCount")))
        .isEqualTo("{\"Fn::If\":[\"HasImage\",2,0]}");
    // ECS refuses an empty image: the task definition names one that is never pulled.
    assertThat(Json.write(container("ServiceTaskDef").path("Image")))
        .isEqualTo(
            "{\"Fn::If\":[\"HasImage\","
                + ref("CairnImage")
                + ",\""
                + NotesAppStack.NO_IMAGE
                + "\"]}");
  }

  @Test
  void theServiceRollsBackAFailingDeploymentByItself() {
    template.hasResourceProperties(
        "AWS::ECS::Service",
        Match.objectLike(
            Map.of(
                "LaunchType",
                "FARGATE",
                "DeploymentConfiguration",
                Match.objectLike(
                    Map.of(
                        "DeploymentCircuitBreaker", Map.of("Enable", true, "Rollback", true))))));
  }

  @Test
  void theMigrationTaskRunsTheMigrationImageWithTheDatabaseSecretFromSecretsManager() {
    JsonNode migrate = container("Migration");
    assertThat(migrate.path("Name").asText()).isEqualTo(NotesAppStack.MIGRATION_CONTAINER);
    assertThat(Json.write(migrate.path("Image")))
        .isEqualTo(
            "{\"Fn::If\":[\"HasMigrationImage\","
                + ref("CairnMigrationImage")
                + ",\""
                + NotesAppStack.NO_IMAGE
                + "\"]}");
    String secretAttachment =
        one(notes, "AWS::SecretsManager::SecretTargetAttachment", "DatabaseSecretAttachment")
            .getKey();
    List<String> secretNames = new ArrayList<>();
    for (JsonNode secret : migrate.path("Secrets")) {
      secretNames.add(secret.path("Name").asText());
      // valueFrom: the ARN of the database secret and a JSON key, resolved by ECS at start.
      assertThat(Json.write(secret.path("ValueFrom"))).contains(ref(secretAttachment));
      assertThat(secret.has("Value")).isFalse();
    }
    assertThat(secretNames).containsExactlyInAnyOrder("DATABASE_USER", "DATABASE_PASSWORD");
    // No secret in the plain environment, and nothing there points at one.
    for (JsonNode variable : migrate.path("Environment")) {
      assertThat(variable.path("Name").asText()).doesNotContain("PASSWORD", "USER", "SECRET");
      assertThat(Json.write(variable.path("Value"))).doesNotContain("Secret");
    }
    assertThat(Json.write(migrate.path("Environment")))
        .contains(ref("CairnCommit"), ref("CairnArtifact"));
    // The service gets the same secrets the same way.
    assertThat(Json.write(container("ServiceTaskDef").path("Secrets")))
        .contains("DATABASE_PASSWORD", ref(secretAttachment));

    JsonNode logging = migrate.path("LogConfiguration");
    assertThat(logging.path("LogDriver").asText()).isEqualTo("awslogs");
    String logGroup = one(notes, "AWS::Logs::LogGroup", "MigrationLogs").getKey();
    assertThat(Json.write(logging.path("Options").path("awslogs-group"))).isEqualTo(ref(logGroup));
    JsonNode task = one(notes, "AWS::ECS::TaskDefinition", "Migration").getValue();
    assertThat(task.path("Properties").path("RequiresCompatibilities").toString())
        .contains("FARGATE");
    assertThat(task.path("Properties").path("NetworkMode").asText()).isEqualTo("awsvpc");
  }

  @Test
  void aCommitChangesTheMigrationNotTheRunningService() {
    // apply deploys the new commit's migration while the service keeps the live image: nothing
    // of the service may depend on the commit or the artifact, or that deployment restarts it.
    JsonNode service = one(notes, "AWS::ECS::TaskDefinition", "ServiceTaskDef").getValue();
    assertThat(Json.write(service)).doesNotContain(ref("CairnCommit"), ref("CairnArtifact"));
    assertThat(Json.write(service)).doesNotContain(ref("CairnMigrationImage"));
  }

  @Test
  void theTasksPullFromTheNotesRepositoryOnly() {
    for (var policy : resources(notes, "AWS::IAM::Policy").entrySet()) {
      for (JsonNode statement :
          policy.getValue().path("Properties").path("PolicyDocument").path("Statement")) {
        if (statement.path("Action").toString().contains("ecr:BatchGetImage")) {
          assertThat(Json.write(statement.path("Resource")))
              .as(policy.getKey())
              .contains(":repository/" + NotesAppStack.DEFAULT_IMAGE_REPOSITORY + "\"");
        }
      }
    }
  }

  @Test
  void theTasksRunInPrivateSubnetsInTheGroupTheDatabaseAdmits() {
    String tasks = one(notes, "AWS::EC2::SecurityGroup", "Tasks").getKey();
    JsonNode network =
        one(notes, "AWS::ECS::Service", "Service")
            .getValue()
            .path("Properties")
            .path("NetworkConfiguration")
            .path("AwsvpcConfiguration");
    assertThat(network.path("AssignPublicIp").asText()).isEqualTo("DISABLED");
    assertThat(Json.write(network.path("SecurityGroups")))
        .isEqualTo("[{\"Fn::GetAtt\":[\"" + tasks + "\",\"GroupId\"]}]");
    JsonNode subnets = network.path("Subnets");
    assertThat(subnets.size()).isEqualTo(2);
    for (JsonNode subnet : subnets) {
      assertThat(subnet.path("Ref").asText()).startsWith("Vpctasks");
    }
    assertThat(Json.write(output("CairnSubnets")))
        .isEqualTo("{\"Fn::Join\":[\",\"," + Json.write(subnets) + "]}");
    assertThat(Json.write(output("CairnSecurityGroups")))
        .isEqualTo("{\"Fn::GetAtt\":[\"" + tasks + "\",\"GroupId\"]}");
    // The database's group admits the tasks' group on its port.
    boolean admitted = false;
    for (JsonNode ingress : resources(notes, "AWS::EC2::SecurityGroupIngress").values()) {
      JsonNode properties = ingress.path("Properties");
      if (Json.write(properties.path("GroupId")).contains("DatabaseSecurityGroup")
          && Json.write(properties.path("SourceSecurityGroupId")).contains(tasks)) {
        admitted = true;
      }
    }
    assertThat(admitted).isTrue();
  }

  @Test
  void aLoadBalancerChecksTheHealthEndpoint() {
    template.resourceCountIs("AWS::ElasticLoadBalancingV2::LoadBalancer", 1);
    template.hasResourceProperties(
        "AWS::ElasticLoadBalancingV2::TargetGroup",
        Match.objectLike(Map.of("HealthCheckPath", "/health", "TargetType", "ip")));
  }

  @Test
  void theAlarmCountsTheServicesOwn5xxAnswersPerMinute() {
    var alarm = one(notes, "AWS::CloudWatch::Alarm", "Target5xx");
    JsonNode properties = alarm.getValue().path("Properties");
    assertThat(properties.path("Namespace").asText()).isEqualTo("AWS/ApplicationELB");
    assertThat(properties.path("MetricName").asText()).isEqualTo("HTTPCode_Target_5XX_Count");
    assertThat(properties.path("Statistic").asText()).isEqualTo("Sum");
    assertThat(properties.path("Period").asInt()).isEqualTo(60);
    assertThat(properties.path("Threshold").asDouble()).isEqualTo(5.0);
    assertThat(properties.path("EvaluationPeriods").asInt()).isEqualTo(1);
    assertThat(properties.path("ComparisonOperator").asText())
        .isEqualTo("GreaterThanOrEqualToThreshold");
    // No traffic is no evidence against a release.
    assertThat(properties.path("TreatMissingData").asText()).isEqualTo("notBreaching");
    String targetGroup = one(notes, "AWS::ElasticLoadBalancingV2::TargetGroup", "Service").getKey();
    assertThat(Json.write(properties.path("Dimensions")))
        .contains("\"LoadBalancer\"", "\"TargetGroup\"", targetGroup);
    assertThat(Json.write(properties.path("AlarmName"))).contains("AWS::StackName", "-target-5xx");
    assertThat(Json.write(output("CairnAlarms"))).isEqualTo(ref(alarm.getKey()));
  }

  @Test
  void theOutputsAreTheContractsNames() {
    List<String> names = new ArrayList<>();
    notes.path("Outputs").fieldNames().forEachRemaining(names::add);
    assertThat(names)
        .containsExactlyInAnyOrder(
            "CairnCluster",
            "CairnMigrationTaskDefinition",
            "CairnMigrationContainer",
            "CairnSubnets",
            "CairnSecurityGroups",
            "CairnTargetGroup",
            "CairnAlarms",
            "Url");
    String cluster = one(notes, "AWS::ECS::Cluster", "Cluster").getKey();
    assertThat(Json.write(output("CairnCluster")))
        .isEqualTo("{\"Fn::GetAtt\":[\"" + cluster + "\",\"Arn\"]}");
    String migration = one(notes, "AWS::ECS::TaskDefinition", "Migration").getKey();
    assertThat(Json.write(output("CairnMigrationTaskDefinition"))).isEqualTo(ref(migration));
    assertThat(output("CairnMigrationContainer").asText())
        .isEqualTo(NotesAppStack.MIGRATION_CONTAINER);
    String targetGroup = one(notes, "AWS::ElasticLoadBalancingV2::TargetGroup", "Service").getKey();
    assertThat(Json.write(output("CairnTargetGroup"))).isEqualTo(ref(targetGroup));
  }

  @Test
  void theDatabaseIsEncryptedPrivateAndItsCredentialsAreASecret() {
    JsonNode database = one(notes, "AWS::RDS::DBInstance", "Database").getValue();
    JsonNode properties = database.path("Properties");
    assertThat(properties.path("Engine").asText()).isEqualTo("postgres");
    assertThat(properties.path("StorageEncrypted").asBoolean()).isTrue();
    assertThat(properties.path("PubliclyAccessible").asBoolean(false)).isFalse();
    assertThat(properties.path("DeletionProtection").asBoolean()).isTrue();
    assertThat(properties.path("MasterUserPassword").toString()).contains("resolve:secretsmanager");
    assertThat(resources(notes, "AWS::SecretsManager::Secret")).hasSize(1);
  }

  @Test
  void logsAreRetainedInGroupsNamedAfterTheStack() {
    resources(notes, "AWS::Logs::LogGroup")
        .forEach(
            (id, group) ->
                assertThat(group.path("Properties").path("RetentionInDays").asInt())
                    .as(id)
                    .isEqualTo(30));
    for (String prefix : List.of("ServiceLogs", "MigrationLogs")) {
      assertThat(
              Json.write(
                  one(notes, "AWS::Logs::LogGroup", prefix)
                      .getValue()
                      .path("Properties")
                      .path("LogGroupName")))
          .contains("AWS::StackName");
    }
  }
}
