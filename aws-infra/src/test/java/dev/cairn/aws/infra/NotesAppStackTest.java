package dev.cairn.aws.infra;

import static dev.cairn.aws.infra.Synthesized.one;
import static dev.cairn.aws.infra.Synthesized.resources;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The notes example on ECS Fargate behind a load balancer, with RDS PostgreSQL. */
class NotesAppStackTest {
  private static JsonNode notes;
  private static Template template;

  @BeforeAll
  static void synth() {
    Synthesized synthesized = Synthesized.get();
    notes = synthesized.json(synthesized.app.notes());
    template = synthesized.template(synthesized.app.notes());
  }

  @Test
  void theImageIsAParameterSoTheApplyJobDeploysAReleaseByChangeSet() {
    JsonNode parameters = notes.path("Parameters");
    assertThat(parameters.has(NotesAppStack.IMAGE_TAG)).isTrue();
    assertThat(parameters.path(NotesAppStack.IMAGE_TAG).has("Default")).isFalse();
    // The pipeline stack's image repository for the repository named "notes".
    assertThat(parameters.path(NotesAppStack.IMAGE_REPOSITORY).path("Default").asText())
        .isEqualTo("cairn/notes");
    assertThat(parameters.has(NotesAppStack.COMMIT)).isTrue();
    // A plain change set deploys it: nothing may depend on the CDK bootstrap stack.
    assertThat(parameters.has("BootstrapVersion")).isFalse();
    assertThat(notes.has("Rules")).isFalse();
    JsonNode task = resources(notes, "AWS::ECS::TaskDefinition").values().iterator().next();
    JsonNode container = task.path("Properties").path("ContainerDefinitions").get(0);
    assertThat(container.path("Image").toString())
        .contains("\"Ref\":\"" + NotesAppStack.IMAGE_TAG + "\"")
        .contains("\"Ref\":\"" + NotesAppStack.IMAGE_REPOSITORY + "\"");
    assertThat(container.path("Secrets").toString()).contains("DATABASE_PASSWORD", "DATABASE_USER");
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
  void aLoadBalancerChecksTheHealthEndpoint() {
    template.resourceCountIs("AWS::ElasticLoadBalancingV2::LoadBalancer", 1);
    template.hasResourceProperties(
        "AWS::ElasticLoadBalancingV2::TargetGroup",
        Match.objectLike(Map.of("HealthCheckPath", "/health", "TargetType", "ip")));
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
  void logsAreRetained() {
    resources(notes, "AWS::Logs::LogGroup")
        .forEach(
            (id, group) ->
                assertThat(group.path("Properties").path("RetentionInDays").asInt())
                    .as(id)
                    .isEqualTo(30));
  }
}
