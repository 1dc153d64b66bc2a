package dev.cairn.engine.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.json.Json;
import dev.cairn.engine.store.InMemoryExecutionStore;
import dev.cairn.engine.task.TaskHandlers;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A task that stops sending heartbeats fails as Step Functions fails it: with {@code
 * States.Timeout} (recorded against AWS, and the specification's Task state section), which {@code
 * States.Timeout} and {@code States.HeartbeatTimeout} in Retry and Catch match and {@code
 * States.TaskFailed} does not. Each test waits for a real 1-second heartbeat timeout.
 */
class HeartbeatTimeoutTest {
  private static final String SILENT = "arn:aws:states:::cairn:silent";
  private static final String NEXT = "arn:aws:states:::cairn:next";
  private final List<Engine> engines = new ArrayList<>();

  @AfterEach
  void close() {
    engines.forEach(Engine::close);
  }

  private Engine engine(InMemoryExecutionStore store, TaskHandlers handlers) {
    Engine engine = Engine.builder().taskHandlers(handlers).store(store).waitScale(0).build();
    engines.add(engine);
    return engine;
  }

  /** The silent task never completes nor heartbeats; the next one blocks forever as well. */
  private static TaskHandlers silent() {
    return new TaskHandlers()
        .register(SILENT, request -> new CompletableFuture<>())
        .register(NEXT, request -> new CompletableFuture<>());
  }

  private static String machine(String errorEquals) {
    if (errorEquals == null) {
      return """
          {"StartAt": "Work", "States": {
            "Work": {"Type": "Task", "Resource": "%s", "HeartbeatSeconds": 1, "End": true}}}
          """
          .formatted(SILENT);
    }
    return """
        {"StartAt": "Work", "States": {
          "Work": {"Type": "Task", "Resource": "%s", "HeartbeatSeconds": 1,
            "Catch": [{"ErrorEquals": ["%s"], "Next": "Caught"}], "End": true},
          "Caught": {"Type": "Pass", "End": true}}}
        """
        .formatted(SILENT, errorEquals);
  }

  private ExecutionDescription run(String definition) throws Exception {
    Engine engine = engine(new InMemoryExecutionStore(), silent());
    String id = engine.start(definition, "heartbeat", null, Json.object());
    return engine.completion(id).get(30, TimeUnit.SECONDS);
  }

  @Test
  void anUncaughtHeartbeatTimeoutFailsTheExecutionWithStatesTimeout() throws Exception {
    Engine engine = engine(new InMemoryExecutionStore(), silent());
    String id = engine.start(machine(null), "heartbeat", null, Json.object());
    ExecutionDescription result = engine.completion(id).get(30, TimeUnit.SECONDS);

    assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(result.error()).isEqualTo("States.Timeout");
    assertThat(result.cause()).isNull();
    HistoryEvent timedOut =
        engine.history(id).stream()
            .filter(e -> e.type() == HistoryEventType.TASK_TIMED_OUT)
            .findFirst()
            .orElseThrow();
    JsonNode shown = timedOut.toStepFunctionsJson().get("taskTimedOutEventDetails");
    assertThat(shown.get("error").asText()).isEqualTo("States.Timeout");
    assertThat(shown.has(StateSemantics.HEARTBEAT_DETAIL)).isFalse();
  }

  @Test
  void statesTimeoutCatchesAHeartbeatTimeout() throws Exception {
    ExecutionDescription result = run(machine("States.Timeout"));

    assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(result.output().get("Error").asText()).isEqualTo("States.Timeout");
  }

  @Test
  void statesHeartbeatTimeoutCatchesAHeartbeatTimeoutReportedAsStatesTimeout() throws Exception {
    ExecutionDescription result = run(machine("States.HeartbeatTimeout"));

    assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(result.output().get("Error").asText()).isEqualTo("States.Timeout");
  }

  @Test
  void statesTaskFailedDoesNotCatchAHeartbeatTimeout() throws Exception {
    ExecutionDescription result = run(machine("States.TaskFailed"));

    assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(result.error()).isEqualTo("States.Timeout");
  }

  @Test
  void aReplayMatchesACaughtHeartbeatTimeoutAsTheFirstRunDid() throws Exception {
    InMemoryExecutionStore store = new InMemoryExecutionStore();
    Engine first = engine(store, silent());
    String definition =
        """
        {"StartAt": "Work", "States": {
          "Work": {"Type": "Task", "Resource": "%s", "HeartbeatSeconds": 1,
            "Catch": [{"ErrorEquals": ["States.HeartbeatTimeout"], "Next": "After"}], "End": true},
          "After": {"Type": "Task", "Resource": "%s", "End": true}}}
        """
            .formatted(SILENT, NEXT);
    String id = first.start(definition, "replayed", null, Json.object());
    await()
        .atMost(30, TimeUnit.SECONDS)
        .until(() -> first.history(id).stream().anyMatch(e -> isScheduled(e, NEXT)));
    first.close();

    Engine second =
        engine(
            store,
            new TaskHandlers()
                .register(NEXT, request -> CompletableFuture.completedFuture(Json.object())));

    ExecutionDescription result = second.completion(id).get(30, TimeUnit.SECONDS);
    assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
  }

  private static boolean isScheduled(HistoryEvent event, String resource) {
    return event.type() == HistoryEventType.TASK_SCHEDULED
        && resource.endsWith(":" + event.text("resource"));
  }
}
