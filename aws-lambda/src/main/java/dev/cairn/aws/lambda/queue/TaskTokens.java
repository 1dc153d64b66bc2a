package dev.cairn.aws.lambda.queue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.aws.sfn.StepFunctionsExecutionControl;
import dev.cairn.pipeline.json.Json;

/**
 * Answers the task tokens the queue states wait on: on AWS through Step Functions ({@link
 * #stepFunctions}); in the end-to-end test through Cairn's engine. Tokens are credentials for the
 * waiting task: implementations never put them in a message.
 */
public interface TaskTokens {
  /**
   * Lets the task waiting on {@code token} go on with {@code output}.
   *
   * @throws GoneTokenException when the task no longer waits (its execution stopped or timed out)
   */
  void succeed(String token, JsonNode output);

  /**
   * Fails the task waiting on {@code token} with {@code error}, which its state's Catch matches.
   *
   * @throws GoneTokenException when the task no longer waits
   */
  void fail(String token, String error, String cause);

  /** A task that no longer waits for its token: nobody can be granted through it. */
  final class GoneTokenException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An exception with a message that holds no token. */
    public GoneTokenException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Tokens answered through Step Functions' SendTaskSuccess and SendTaskFailure. */
  static TaskTokens stepFunctions(StepFunctionsExecutionControl control) {
    return new TaskTokens() {
      @Override
      public void succeed(String token, JsonNode output) {
        try {
          control.sendTaskSuccess(token, Json.write(output));
        } catch (dev.cairn.aws.AwsException e) {
          throw gone(e);
        }
      }

      @Override
      public void fail(String token, String error, String cause) {
        try {
          control.sendTaskFailure(token, error, cause);
        } catch (dev.cairn.aws.AwsException e) {
          throw gone(e);
        }
      }

      private RuntimeException gone(dev.cairn.aws.AwsException e) {
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
        return "TaskTokens[" + control + "]";
      }
    };
  }
}
