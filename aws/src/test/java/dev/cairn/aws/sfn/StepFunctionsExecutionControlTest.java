package dev.cairn.aws.sfn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.aws.AwsException;
import dev.cairn.aws.testing.EmulatorClients;
import dev.cairn.aws.testing.MotoExtension;
import java.net.URI;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * Execution control on moto's Step Functions API. moto keeps executions RUNNING until stopped (it
 * does not interpret the ASL here) and accepts task tokens without checking them, so these tests
 * cover the calls, idempotent starts, stopping and the error mapping; a token that resumes a
 * waiting task is covered by the local engine, not here.
 */
@ExtendWith(MotoExtension.class)
class StepFunctionsExecutionControlTest {
  private static final String DEFINITION =
      "{\"StartAt\":\"Wait\",\"States\":{\"Wait\":{\"Type\":\"Pass\",\"End\":true}}}";
  private static SfnClient sfn;
  private static String stateMachine;
  private final StepFunctionsExecutionControl control = new StepFunctionsExecutionControl(sfn);

  @BeforeAll
  static void createStateMachine() {
    sfn = EmulatorClients.stepFunctions();
    stateMachine =
        sfn.createStateMachine(
                b ->
                    b.name("cairn-" + UUID.randomUUID())
                        .definition(DEFINITION)
                        .roleArn("arn:aws:iam::123456789012:role/cairn-pipeline"))
            .stateMachineArn();
  }

  @AfterAll
  static void close() {
    sfn.close();
  }

  @Test
  void anExecutionStartsRunsAndIsStopped() {
    String name = "run-" + UUID.randomUUID();
    String arn = control.start(stateMachine, name, "{\"run\":{\"id\":\"r1\"}}");

    StepFunctionsExecutionControl.Execution running = control.describe(arn);
    assertThat(running.status()).isEqualTo(StepFunctionsExecutionControl.Status.RUNNING);
    assertThat(running.status().terminal()).isFalse();
    assertThat(running.name()).isEqualTo(name);
    assertThat(running.input()).isEqualTo("{\"run\":{\"id\":\"r1\"}}");
    assertThat(running.startedAt()).isNotNull();
    assertThat(running.stoppedAt()).isNull();

    control.stop(arn, "Cairn.Cancelled", "superseded by a newer commit");

    StepFunctionsExecutionControl.Execution stopped = control.describe(arn);
    assertThat(stopped.status()).isEqualTo(StepFunctionsExecutionControl.Status.ABORTED);
    assertThat(stopped.status().terminal()).isTrue();
    assertThat(stopped.stoppedAt()).isNotNull();
  }

  @Test
  void startingTheSameRunTwiceGivesTheSameExecutionAndOtherInputIsRefused() {
    String name = "run-" + UUID.randomUUID();
    String first = control.start(stateMachine, name, "{\"a\":1}");

    assertThat(control.start(stateMachine, name, "{\"a\":1}")).isEqualTo(first);
    assertThatThrownBy(() -> control.start(stateMachine, name, "{\"a\":2}"))
        .isInstanceOfSatisfying(
            AwsException.class,
            e -> {
              assertThat(e.retryable()).isFalse();
              assertThat(e.errorCode()).isEqualTo("ExecutionAlreadyExists");
            });
  }

  @Test
  void taskTokensAreAnswered() {
    // moto accepts any token; this checks the requests are well-formed and accepted.
    control.sendTaskSuccess("token-1", "{\"deploy\":true}");
    control.sendTaskFailure("token-2", "Cairn.Superseded", "x".repeat(40_000));
    control.sendTaskHeartbeat("token-3");

    assertThatThrownBy(() -> control.sendTaskSuccess("token-4", "not json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("output is not JSON");
  }

  @Test
  void unknownThingsNeedAPersonAndAnUnreachableServiceIsRetryable() {
    assertThatThrownBy(
            () ->
                control.start(
                    "arn:aws:states:us-east-1:123456789012:stateMachine:missing", "r", "{}"))
        .isInstanceOfSatisfying(AwsException.class, e -> assertThat(e.retryable()).isFalse())
        .hasMessageContaining("StateMachineDoesNotExist");
    assertThatThrownBy(
            () -> control.describe("arn:aws:states:us-east-1:123456789012:execution:missing:nope"))
        .isInstanceOfSatisfying(AwsException.class, e -> assertThat(e.retryable()).isFalse());
    try (SfnClient dead =
        EmulatorClients.configure(SfnClient.builder(), URI.create("http://127.0.0.1:1")).build()) {
      assertThatThrownBy(
              () -> new StepFunctionsExecutionControl(dead).start(stateMachine, "r", "{}"))
          .isInstanceOfSatisfying(AwsException.class, e -> assertThat(e.retryable()).isTrue());
    }
  }
}
