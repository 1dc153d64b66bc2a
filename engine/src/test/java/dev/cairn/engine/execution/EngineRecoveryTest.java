package dev.cairn.engine.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.engine.json.Json;
import dev.cairn.engine.store.SqliteExecutionStore;
import dev.cairn.engine.task.TaskHandlers;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills an engine with SIGKILL while a task is in flight, starts a new engine on the same SQLite
 * store, and checks that it finishes the execution: the task is dispatched again with the same
 * idempotency key, and the history goes on without repeating itself.
 */
class EngineRecoveryTest {
  static final String SLOW = "arn:aws:states:::cairn:slow";
  static final String DEFINITION =
      """
      {"StartAt": "Before", "States": {
        "Before": {"Type": "Pass", "Result": {"step": 1}, "ResultPath": "$.before", "Next": "Slow"},
        "Slow": {"Type": "Task", "Resource": "arn:aws:states:::cairn:slow",
                 "ResultPath": "$.slow", "Next": "After"},
        "After": {"Type": "Pass", "End": true}}}
      """;

  @TempDir Path dir;

  @Test
  void aNewEngineFinishesWhatAKilledOneStarted() throws Exception {
    Path file = dir.resolve("executions.db");
    String keyBeforeKill = runUntilDispatchedThenKill(file);
    String id = "arn:aws:states:local:000000000000:execution:recovery:before-the-crash";
    List<HistoryEvent> beforeRestart;
    try (SqliteExecutionStore store = SqliteExecutionStore.open(file)) {
      beforeRestart = store.history(id);
    }
    assertThat(beforeRestart)
        .extracting(e -> e.type().wireName())
        .as("the task was in flight when the engine was killed")
        .endsWith("TaskScheduled", "TaskStarted");

    List<String> redispatched = new CopyOnWriteArrayList<>();
    TaskHandlers handlers =
        new TaskHandlers()
            .register(
                SLOW,
                request -> {
                  redispatched.add(request.idempotencyKey());
                  return CompletableFuture.completedFuture(Json.parse("{\"done\":true}"));
                });
    try (Engine engine =
        Engine.builder().store(SqliteExecutionStore.open(file)).taskHandlers(handlers).build()) {
      ExecutionDescription finished = engine.completion(id).get(30, TimeUnit.SECONDS);

      assertThat(finished.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(finished.output())
          .isEqualTo(
              Json.parse("{\"deploy\":\"v1\",\"before\":{\"step\":1},\"slow\":{\"done\":true}}"));
      assertThat(redispatched).containsExactly(keyBeforeKill);

      List<HistoryEvent> history = engine.history(id);
      assertThat(history)
          .extracting(HistoryEvent::id)
          .containsExactlyElementsOf(LongStream.rangeClosed(1, history.size()).boxed().toList());
      assertThat(
              history.stream()
                  .collect(Collectors.groupingBy(e -> e.type().wireName(), Collectors.counting())))
          .as("each event once: nothing was repeated by the replay")
          .containsEntry("ExecutionStarted", 1L)
          .containsEntry("PassStateEntered", 2L)
          .containsEntry("PassStateExited", 2L)
          .containsEntry("TaskStateEntered", 1L)
          .containsEntry("TaskScheduled", 1L)
          .containsEntry("TaskStarted", 1L)
          .containsEntry("TaskSucceeded", 1L)
          .containsEntry("TaskStateExited", 1L)
          .containsEntry("ExecutionSucceeded", 1L);
      assertThat(history.get(history.size() - 1).type().wireName()).isEqualTo("ExecutionSucceeded");
      assertThat(history.subList(0, beforeRestart.size()))
          .as("the new engine went on from the recorded history, leaving it as it was")
          .isEqualTo(beforeRestart);
    }
  }

  /** Runs {@link EngineCrashMain} until its task is dispatched, kills it, returns the key. */
  private static String runUntilDispatchedThenKill(Path file) throws Exception {
    Process child =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElseThrow(),
                "-cp",
                System.getProperty("java.class.path"),
                EngineCrashMain.class.getName(),
                file.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("DISPATCHED ")) {
          child.destroyForcibly();
          assertThat(child.onExit().get(30, TimeUnit.SECONDS).exitValue()).isNotZero();
          return line.substring("DISPATCHED ".length());
        }
      }
      throw new AssertionError("the engine process ended without dispatching the task");
    } finally {
      child.destroyForcibly();
    }
  }
}
