package dev.cairn.aws.cloudformation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.aws.AwsException;
import dev.cairn.aws.testing.EmulatorClients;
import dev.cairn.aws.testing.MotoExtension;
import dev.cairn.pipeline.port.StackRelease;
import dev.cairn.pipeline.port.StackResult;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackEvent;

/**
 * The deployer on moto's CloudFormation: change sets are created, executed and recognised as empty
 * there. moto never fails or rolls back an execution, so the FAILED-by-rollback path is covered
 * only by the status table below.
 */
@ExtendWith(MotoExtension.class)
class CloudFormationDeployerTest {
  private static CloudFormationClient cloudFormation;

  @BeforeAll
  static void connect() {
    cloudFormation = EmulatorClients.cloudFormation();
  }

  @AfterAll
  static void close() {
    cloudFormation.close();
  }

  private static CloudFormationDeployer deployer() {
    // moto settles at once; the pause never needs to wait.
    return CloudFormationDeployer.builder().cloudFormation(cloudFormation).pause(i -> {}).build();
  }

  private static String template(String extraOutput) {
    return "{\"AWSTemplateFormatVersion\":\"2010-09-09\","
        + "\"Parameters\":{\"ImageDigest\":{\"Type\":\"String\"}},"
        + "\"Resources\":{\"Release\":{\"Type\":\"AWS::SSM::Parameter\",\"Properties\":{"
        + "\"Type\":\"String\",\"Value\":{\"Ref\":\"ImageDigest\"}}}"
        + extraOutput
        + "}}";
  }

  private static StackRelease release(String stack, String template, String digest, String c) {
    return new StackRelease(stack, template, Map.of("ImageDigest", digest), c, digest);
  }

  private static String parameter(String stack) {
    Stack s = cloudFormation.describeStacks(b -> b.stackName(stack)).stacks().get(0);
    return s.parameters().stream()
        .filter(p -> p.parameterKey().equals("ImageDigest"))
        .map(Parameter::parameterValue)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void deploysCreatesThenUpdatesAndRollsBackToTheLastGoodRelease() throws Exception {
    String stack = "notes-" + UUID.randomUUID().toString().substring(0, 8);
    CloudFormationDeployer deployer = deployer();
    StackRelease first = release(stack, template(""), "sha256:" + "0".repeat(64), "0".repeat(40));
    StackRelease good = release(stack, template(""), "sha256:" + "a".repeat(64), "a".repeat(40));
    StackRelease next = release(stack, template(""), "sha256:" + "b".repeat(64), "b".repeat(40));

    StackResult created = deployer.deploy(first);
    assertThat(created.outcome()).isEqualTo(StackResult.Outcome.DEPLOYED);
    assertThat(created.stackStatus()).isEqualTo("CREATE_COMPLETE");
    assertThat(created.stackId()).contains(stack);
    assertThat(parameter(stack)).isEqualTo(first.artifact());
    // moto compares a new change set with the parameters the stack was *created* with, not its
    // current ones; so the release rolled back to must differ from the first one here.
    assertThat(deployer.deploy(good).outcome()).isEqualTo(StackResult.Outcome.DEPLOYED);

    StackResult updated = deployer.deploy(next);
    assertThat(updated.outcome()).isEqualTo(StackResult.Outcome.DEPLOYED);
    assertThat(updated.stackStatus()).isEqualTo("UPDATE_COMPLETE");
    assertThat(parameter(stack)).isEqualTo(next.artifact());

    StackResult rolledBack = deployer.rollback(good);
    assertThat(rolledBack.outcome()).isEqualTo(StackResult.Outcome.DEPLOYED);
    assertThat(parameter(stack)).isEqualTo(good.artifact());
    assertThat(cloudFormation.describeStacks(b -> b.stackName(stack)).stacks().get(0).tags())
        .anySatisfy(t -> assertThat(t.key()).isEqualTo("cairn:commit"));
  }

  @Test
  void everyChangeSetNamesTheDeployRole() throws Exception {
    String stack = "notes-" + UUID.randomUUID().toString().substring(0, 8);
    String role = "arn:aws:iam::123456789012:role/notes-cloudformation-deploy";
    CloudFormationDeployer deployer =
        CloudFormationDeployer.builder()
            .cloudFormation(cloudFormation)
            .roleArn(role)
            .pause(i -> {})
            .build();

    StackResult created =
        deployer.deploy(release(stack, template(""), "sha256:" + "c".repeat(64), "c".repeat(40)));

    assertThat(created.outcome()).isEqualTo(StackResult.Outcome.DEPLOYED);
    assertThat(cloudFormation.describeStacks(b -> b.stackName(stack)).stacks().get(0).roleARN())
        .isEqualTo(role);
  }

  @Test
  void deployingWhatRunsIsNoChangeAndLeavesNoChangeSet() throws Exception {
    String stack = "notes-" + UUID.randomUUID().toString().substring(0, 8);
    CloudFormationDeployer deployer = deployer();
    StackRelease release = release(stack, template(""), "sha256:" + "c".repeat(64), "c".repeat(40));
    deployer.deploy(release);

    StackResult again = deployer.deploy(release);

    assertThat(again.outcome()).isEqualTo(StackResult.Outcome.NO_CHANGES);
    assertThat(cloudFormation.listChangeSets(b -> b.stackName(stack)).summaries())
        .noneMatch(s -> "FAILED".equals(s.statusAsString()));
  }

  @Test
  void anUnreachableCloudFormationIsRetryable() {
    try (CloudFormationClient dead =
        EmulatorClients.configure(CloudFormationClient.builder(), URI.create("http://127.0.0.1:1"))
            .build()) {
      CloudFormationDeployer deployer =
          CloudFormationDeployer.builder().cloudFormation(dead).pause(i -> {}).build();

      assertThatThrownBy(
              () -> deployer.deploy(release("s", template(""), "sha256:x", "c".repeat(40))))
          .isInstanceOfSatisfying(AwsException.class, e -> assertThat(e.retryable()).isTrue());
    }
  }

  @ParameterizedTest
  @CsvSource({
    "CREATE_IN_PROGRESS, IN_PROGRESS",
    "UPDATE_IN_PROGRESS, IN_PROGRESS",
    "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS, IN_PROGRESS",
    "UPDATE_ROLLBACK_IN_PROGRESS, IN_PROGRESS",
    "ROLLBACK_IN_PROGRESS, IN_PROGRESS",
    "REVIEW_IN_PROGRESS, SETTLED",
    "CREATE_COMPLETE, SETTLED",
    "UPDATE_COMPLETE, SETTLED",
    "UPDATE_ROLLBACK_COMPLETE, SETTLED",
    "IMPORT_COMPLETE, SETTLED",
    "ROLLBACK_COMPLETE, STUCK",
    "CREATE_FAILED, STUCK",
    "UPDATE_ROLLBACK_FAILED, STUCK",
    "DELETE_COMPLETE, STUCK",
  })
  void stackStatusesMapOntoPhases(String status, CloudFormationDeployer.Phase phase) {
    assertThat(CloudFormationDeployer.phase(status)).isEqualTo(phase);
  }

  @Test
  void theCauseOfAFailedDeploymentIsTheFirstResourceThatFailedSinceItStarted() {
    java.time.Instant start = java.time.Instant.parse("2026-01-01T10:00:00Z");
    java.util.List<StackEvent> newestFirst =
        java.util.List.of(
            event("notes", "UPDATE_ROLLBACK_COMPLETE", null, start.plusSeconds(90)),
            event("Service", "UPDATE_FAILED", "Resource update cancelled", start.plusSeconds(60)),
            event(
                "TaskDefinition",
                "UPDATE_FAILED",
                "Invalid request provided: image not found",
                start.plusSeconds(30)),
            event("notes", "UPDATE_IN_PROGRESS", "User Initiated", start.plusSeconds(1)),
            event(
                "Old",
                "CREATE_FAILED",
                "an earlier deployment's failure",
                start.minusSeconds(600)));

    assertThat(CloudFormationDeployer.firstFailure(newestFirst, start))
        .contains("TaskDefinition: Invalid request provided: image not found");
    assertThat(CloudFormationDeployer.firstFailure(newestFirst.subList(3, 5), start)).isEmpty();
  }

  private static StackEvent event(
      String resource, String status, String reason, java.time.Instant at) {
    return StackEvent.builder()
        .logicalResourceId(resource)
        .resourceStatus(status)
        .resourceStatusReason(reason)
        .timestamp(at)
        .build();
  }
}
