package dev.cairn.engine.task;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletionStage;

/**
 * The code behind a Lambda function, as {@link LambdaTaskHandler} invokes it: the event payload in,
 * the response payload out.
 *
 * <p>To fail the invocation the way a Lambda runtime reports an unhandled exception, complete the
 * stage exceptionally with a {@link LambdaFunctionError}; any other exception is reported with its
 * class name as the error type.
 */
@FunctionalInterface
public interface LambdaFunction {
  /**
   * Runs the function.
   *
   * @param payload the event (a JSON value; {@code {}} when the task passes none)
   * @return a stage completed with the response payload
   */
  CompletionStage<JsonNode> invoke(JsonNode payload);
}
