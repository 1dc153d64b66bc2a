package dev.cairn.engine.task;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletionStage;

/**
 * Does the work of Task states whose Resource it is registered for. Handlers run asynchronously: a
 * task may take an hour, and the engine never blocks a thread on it.
 *
 * <p>A handler may be invoked more than once for the same attempt (after a crash the engine
 * dispatches in-flight tasks again); {@link TaskRequest#idempotencyKey()} is the same each time, so
 * a handler can avoid doing the work twice.
 */
@FunctionalInterface
public interface TaskHandler {
  /**
   * Starts the work.
   *
   * @return a stage completed with the task's result, or exceptionally with a {@link
   *     dev.cairn.engine.error.StatesException} naming the error (any other exception becomes
   *     {@code States.TaskFailed}). For the {@code .waitForTaskToken} pattern the result is
   *     ignored: the task ends when its token is reported back through the engine.
   */
  CompletionStage<JsonNode> invoke(TaskRequest request);

  /**
   * Asks the work to stop because the execution was stopped, the task timed out or a sibling branch
   * failed. Best effort; the default does nothing.
   */
  default void cancel(TaskRequest request) {}
}
