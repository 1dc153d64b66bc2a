package dev.cairn.aws.sfn;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.aws.AwsException;
import dev.cairn.pipeline.json.Json;
import dev.cairn.pipeline.runtime.TaskTokens;

/**
 * The deploy queue's task tokens answered through Step Functions' SendTaskSuccess and
 * SendTaskFailure. A token whose task is gone (TaskDoesNotExist, TaskTimedOut, InvalidToken) is
 * reported as {@link TaskTokens.GoneTokenException}, so the queue gives the slot to the next run.
 */
public final class StepFunctionsTaskTokens implements TaskTokens {
  private final StepFunctionsExecutionControl control;

  /** Tokens answered through {@code control}. */
  public StepFunctionsTaskTokens(StepFunctionsExecutionControl control) {
    this.control = control;
  }

  @Override
  public void succeed(String token, JsonNode output) {
    try {
      control.sendTaskSuccess(token, Json.write(output));
    } catch (AwsException e) {
      throw gone(e);
    }
  }

  @Override
  public void fail(String token, String error, String cause) {
    try {
      control.sendTaskFailure(token, error, cause);
    } catch (AwsException e) {
      throw gone(e);
    }
  }

  private static RuntimeException gone(AwsException e) {
    String code = String.valueOf(e.errorCode());
    if (code.equals("TaskDoesNotExist")
        || code.equals("TaskTimedOut")
        || code.equals("InvalidToken")) {
      return new GoneTokenException("the waiting task is gone (" + code + ")", e);
    }
    return e;
  }

  @Override
  public String toString() {
    return "StepFunctionsTaskTokens[" + control + "]";
  }
}
