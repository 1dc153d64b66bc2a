package dev.cairn.aws.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;

/**
 * Least privilege, checked on every policy of every stack: no wildcard action and no {@code
 * Resource: "*"} unless listed here with the reason it is needed.
 */
class IamPolicyTest {
  /** Wildcard actions allowed, with the reason. */
  static final Map<String, String> WILDCARD_ACTIONS =
      Map.of(
          "kms:*",
          "Key policies only: CDK's default key policy lets the account (through IAM) administer"
              + " the key, so that the key cannot become unmanageable.",
          "kms:GenerateDataKey*",
          "CDK's grant of the CodeBuild project's own encryption key (one key ARN): CodeBuild uses"
              + " GenerateDataKey and GenerateDataKeyWithoutPlaintext for artifacts and logs.",
          "kms:ReEncrypt*",
          "Same grant, same single key: ReEncryptFrom and ReEncryptTo.");

  /**
   * Actions allowed on resource {@code "*"}: they have no resource-level permissions in IAM, or the
   * resource does not exist yet when the policy is written.
   */
  static final Set<String> ACTIONS_WITHOUT_RESOURCES =
      Set.of(
          "xray:PutTraceSegments",
          "xray:PutTelemetryRecords",
          "xray:GetSamplingRules",
          "xray:GetSamplingTargets",
          // Step Functions' log delivery to CloudWatch Logs (vended logs) requires "*".
          "logs:CreateLogDelivery",
          "logs:GetLogDelivery",
          "logs:UpdateLogDelivery",
          "logs:DeleteLogDelivery",
          "logs:ListLogDeliveries",
          "logs:PutResourcePolicy",
          "logs:DescribeResourcePolicies",
          "logs:DescribeLogGroups",
          "ecr:GetAuthorizationToken",
          "batch:DescribeJobs",
          // The bake's target health and the migration task's log configuration.
          "elasticloadbalancing:DescribeTargetHealth",
          "ecs:DescribeTaskDefinition");

  private static Synthesized synthesized;

  @BeforeAll
  static void synth() {
    synthesized = Synthesized.get();
  }

  /** Every Allow statement of identity policies (true) and resource policies (false). */
  private static List<Statement> statements() {
    List<Statement> statements = new ArrayList<>();
    for (Stack stack : synthesized.stacks()) {
      JsonNode template = synthesized.json(stack);
      template
          .path("Resources")
          .properties()
          .forEach(
              e -> {
                String where = stack.getStackName() + "/" + e.getKey();
                JsonNode properties = e.getValue().path("Properties");
                switch (e.getValue().path("Type").asText()) {
                  case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy" ->
                      add(statements, where, properties.path("PolicyDocument"), true);
                  case "AWS::IAM::Role" ->
                      properties
                          .path("Policies")
                          .forEach(p -> add(statements, where, p.path("PolicyDocument"), true));
                  case "AWS::S3::BucketPolicy", "AWS::SQS::QueuePolicy", "AWS::SNS::TopicPolicy" ->
                      add(statements, where, properties.path("PolicyDocument"), false);
                  case "AWS::KMS::Key" ->
                      add(statements, where, properties.path("KeyPolicy"), false);
                  case "AWS::ECR::Repository" ->
                      add(statements, where, properties.path("RepositoryPolicyText"), false);
                  default -> {}
                }
              });
    }
    return statements;
  }

  private record Statement(String where, JsonNode statement, boolean identity) {
    List<String> actions() {
      List<String> actions = new ArrayList<>();
      JsonNode action = statement.path("Action");
      if (action.isArray()) {
        action.forEach(a -> actions.add(a.asText()));
      } else {
        actions.add(action.asText());
      }
      return actions;
    }

    boolean onEveryResource() {
      JsonNode resource = statement.path("Resource");
      if (resource.isArray()) {
        for (JsonNode r : resource) {
          if ("*".equals(r.asText())) {
            return true;
          }
        }
        return false;
      }
      return "*".equals(resource.asText());
    }
  }

  private static void add(List<Statement> into, String where, JsonNode document, boolean identity) {
    document
        .path("Statement")
        .forEach(
            s -> {
              if ("Allow".equals(s.path("Effect").asText())) {
                into.add(new Statement(where, s, identity));
              }
            });
  }

  @Test
  void theStacksHavePoliciesToCheck() {
    assertThat(statements()).hasSizeGreaterThan(40);
  }

  @Test
  void noWildcardActionUnlessAllowListedWithAReason() {
    List<String> offending = new ArrayList<>();
    for (Statement statement : statements()) {
      for (String action : statement.actions()) {
        if (action.contains("*") && !WILDCARD_ACTIONS.containsKey(action)) {
          offending.add(statement.where() + ": " + action);
        }
      }
    }
    assertThat(offending).isEmpty();
  }

  @Test
  void kmsStarOnlyInKeyPolicies() {
    for (Statement statement : statements()) {
      if (statement.actions().contains("kms:*")) {
        assertThat(statement.identity()).as(statement.where()).isFalse();
      }
    }
  }

  @Test
  void resourceStarOnlyForActionsWithoutResourceLevelPermissions() {
    List<String> offending = new ArrayList<>();
    for (Statement statement : statements()) {
      if (statement.identity() && statement.onEveryResource()) {
        for (String action : statement.actions()) {
          if (!ACTIONS_WITHOUT_RESOURCES.contains(action)) {
            offending.add(statement.where() + ": " + action);
          }
        }
      }
    }
    assertThat(offending).isEmpty();
  }

  @Test
  void noRoleCarriesAManagedPolicy() {
    for (Stack stack : synthesized.stacks()) {
      Synthesized.resources(synthesized.json(stack), "AWS::IAM::Role")
          .forEach(
              (id, role) ->
                  assertThat(role.path("Properties").path("ManagedPolicyArns").size())
                      .as(stack.getStackName() + "/" + id)
                      .isZero());
    }
  }
}
