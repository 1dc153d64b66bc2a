package dev.cairn.aws.sfn;

import dev.cairn.aws.AwsErrors;
import dev.cairn.aws.AwsException;
import dev.cairn.pipeline.json.Json;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;

/**
 * Starts, watches and stops executions of the pipeline's state machine on Step Functions, and
 * answers the task tokens the state machine waits on (the per-environment deploy queue: the
 * execution pauses on a {@code .waitForTaskToken} task until Cairn lets it through).
 *
 * <p>Failures are {@link AwsException}s. For the token calls, an {@link AwsException#errorCode()}
 * of {@code TaskTimedOut}, {@code TaskDoesNotExist} or {@code InvalidToken} means the waiting
 * execution is gone (timed out, stopped or never existed): drop the token, retrying cannot help.
 */
public final class StepFunctionsExecutionControl {
  /** Step Functions' limit on a task failure's error name. */
  private static final int MAX_ERROR = 256;

  /** Step Functions' limit on a task failure's cause. */
  private static final int MAX_CAUSE = 32_768;

  private final SfnClient sfn;

  /** Control through this client. */
  public StepFunctionsExecutionControl(SfnClient sfn) {
    this.sfn = Objects.requireNonNull(sfn, "sfn");
  }

  /** The status of an execution. */
  public enum Status {
    /** Still going. */
    RUNNING,
    /** Ended well. */
    SUCCEEDED,
    /** Ended with an error. */
    FAILED,
    /** Ran past the state machine's time limit. */
    TIMED_OUT,
    /** Stopped by {@link #stop} (or a person). */
    ABORTED,
    /** Failed and waiting to be redriven. */
    PENDING_REDRIVE;

    /** True when the execution will not change any more by itself. */
    public boolean terminal() {
      return this != RUNNING;
    }
  }

  /**
   * What Step Functions says about an execution.
   *
   * @param arn the execution's ARN
   * @param name its name
   * @param status its status
   * @param input its input (JSON)
   * @param output its output (JSON), or null unless it succeeded
   * @param error the error name when it failed or was stopped with one, or null
   * @param cause the error's cause, or null
   * @param startedAt when it started
   * @param stoppedAt when it ended, or null while running
   */
  public record Execution(
      String arn,
      String name,
      Status status,
      String input,
      String output,
      String error,
      String cause,
      Instant startedAt,
      Instant stoppedAt) {}

  /**
   * Starts an execution. Starting again with the same name and input returns the same execution
   * (Step Functions' idempotency), so a retried trigger does not deploy twice.
   *
   * @param stateMachineArn the state machine
   * @param name the execution's name (unique per state machine for 90 days; e.g. run id)
   * @param input the input document (JSON)
   * @return the execution's ARN
   * @throws IllegalArgumentException when {@code input} is not JSON
   * @throws AwsException e.g. {@code ExecutionAlreadyExists} (same name, other input: needs a
   *     person), {@code StateMachineDoesNotExist}, throttling (retryable)
   */
  public String start(String stateMachineArn, String name, String input) {
    requireJson("input", input);
    try {
      return sfn.startExecution(b -> b.stateMachineArn(stateMachineArn).name(name).input(input))
          .executionArn();
    } catch (SdkException e) {
      throw AwsErrors.translate(
          "Step Functions StartExecution of " + name + " on " + stateMachineArn, e, true);
    }
  }

  /**
   * Describes an execution.
   *
   * @throws AwsException e.g. {@code ExecutionDoesNotExist} (needs a person)
   */
  public Execution describe(String executionArn) {
    DescribeExecutionResponse r;
    try {
      r = sfn.describeExecution(b -> b.executionArn(executionArn));
    } catch (SdkException e) {
      throw AwsErrors.translate("Step Functions DescribeExecution of " + executionArn, e, true);
    }
    return new Execution(
        r.executionArn(),
        r.name(),
        Status.valueOf(r.statusAsString().toUpperCase(Locale.ROOT)),
        r.input(),
        r.output(),
        blankToNull(r.error()),
        blankToNull(r.cause()),
        r.startDate(),
        r.stopDate());
  }

  /**
   * Stops an execution (it ends ABORTED). Stopping one that has ended does nothing.
   *
   * @param error an error name recorded on the execution, e.g. {@code Cairn.Cancelled}
   * @param cause why, for people
   * @throws AwsException e.g. {@code ExecutionDoesNotExist}
   */
  public void stop(String executionArn, String error, String cause) {
    try {
      sfn.stopExecution(
          b ->
              b.executionArn(executionArn)
                  .error(truncate(error, MAX_ERROR))
                  .cause(truncate(cause, MAX_CAUSE)));
    } catch (SdkException e) {
      throw AwsErrors.translate("Step Functions StopExecution of " + executionArn, e, true);
    }
  }

  /**
   * Lets the task waiting on {@code token} go on, with {@code output} as its result.
   *
   * @throws IllegalArgumentException when {@code output} is not JSON
   * @throws AwsException see the class comment for the token errors
   */
  public void sendTaskSuccess(String token, String output) {
    requireJson("output", output);
    try {
      sfn.sendTaskSuccess(b -> b.taskToken(token).output(output));
    } catch (SdkException e) {
      // The token is a credential for the waiting task: never part of a message.
      throw AwsErrors.translate("Step Functions SendTaskSuccess", e, true);
    }
  }

  /**
   * Fails the task waiting on {@code token} with an error its state's Catch/Retry can match.
   *
   * @param error the error name, e.g. {@code Cairn.Superseded}
   * @param cause for people
   * @throws AwsException see the class comment for the token errors
   */
  public void sendTaskFailure(String token, String error, String cause) {
    try {
      sfn.sendTaskFailure(
          b ->
              b.taskToken(token)
                  .error(truncate(error, MAX_ERROR))
                  .cause(truncate(cause, MAX_CAUSE)));
    } catch (SdkException e) {
      throw AwsErrors.translate("Step Functions SendTaskFailure (" + error + ")", e, true);
    }
  }

  /**
   * Tells Step Functions the task waiting on {@code token} is still being worked on (resets its
   * heartbeat timeout).
   *
   * @throws AwsException see the class comment for the token errors
   */
  public void sendTaskHeartbeat(String token) {
    try {
      sfn.sendTaskHeartbeat(b -> b.taskToken(token));
    } catch (SdkException e) {
      throw AwsErrors.translate("Step Functions SendTaskHeartbeat", e, true);
    }
  }

  private static void requireJson(String what, String text) {
    try {
      Json.parse(Objects.requireNonNull(text, what));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(what + " is not JSON: " + e.getMessage(), e);
    }
  }

  private static String truncate(String text, int max) {
    if (text == null) {
      return null;
    }
    return text.length() <= max ? text : text.substring(0, max);
  }

  private static String blankToNull(String text) {
    return text == null || text.isEmpty() ? null : text;
  }

  @Override
  public String toString() {
    return "StepFunctionsExecutionControl";
  }
}
