package dev.cairn.engine.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.error.StatesException;
import dev.cairn.engine.json.Json;
import dev.cairn.engine.store.InMemoryExecutionStore;
import dev.cairn.engine.task.TaskHandler;
import dev.cairn.engine.task.TaskHandlers;
import dev.cairn.engine.task.TaskRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EngineTest {
  private static final String WORK = "arn:aws:states:::cairn:work";
  private final List<Engine> engines = new ArrayList<>();

  @AfterEach
  void closeEngines() {
    engines.forEach(Engine::close);
  }

  private Engine engine(TaskHandlers handlers) {
    return engine(handlers, new InMemoryExecutionStore());
  }

  private Engine engine(TaskHandlers handlers, InMemoryExecutionStore store) {
    Engine engine = Engine.builder().taskHandlers(handlers).store(store).waitScale(0).build();
    engines.add(engine);
    return engine;
  }

  private static ExecutionDescription finished(Engine engine, String id) throws Exception {
    return engine.completion(id).get(30, TimeUnit.SECONDS);
  }

  private static JsonNode json(String text) {
    return Json.parse(text);
  }

  private static List<String> types(Engine engine, String id) {
    return engine.history(id).stream().map(e -> e.type().wireName()).toList();
  }

  @Test
  void anExecutionStartedWithoutANameGetsADistinctVersionFourUuid() throws Exception {
    Engine engine = engine(new TaskHandlers());
    String definition = "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"End\":true}}}";
    String first = engine.start(definition, "m", null, Json.object());
    String second = engine.start(definition, "m", null, Json.object());

    UUID name = UUID.fromString(first.substring(first.lastIndexOf(':') + 1));
    assertThat(name.version()).isEqualTo(4);
    assertThat(name.variant()).isEqualTo(2);
    assertThat(second).isNotEqualTo(first);
    assertThat(finished(engine, first).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
  }

  @Test
  void aTaskWaitingForItsTokenEndsWhenTheTokenIsReported() throws Exception {
    CompletableFuture<String> token = new CompletableFuture<>();
    TaskHandlers handlers =
        new TaskHandlers()
            .register(
                "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                request -> {
                  token.complete(request.parameters().get("token").asText());
                  return new CompletableFuture<>();
                });
    Engine engine = engine(handlers);
    String id =
        engine.start(
            """
            {"StartAt": "Ask", "States": {"Ask": {"Type": "Task",
              "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
              "Parameters": {"token.$": "$$.Task.Token"}, "ResultPath": "$.answer", "End": true}}}
            """,
            "approval",
            "first",
            json("{\"question\": \"deploy?\"}"));

    engine.sendTaskSuccess(token.get(10, TimeUnit.SECONDS), json("{\"approved\": true}"));

    ExecutionDescription result = finished(engine, id);
    assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(result.output())
        .isEqualTo(json("{\"question\": \"deploy?\", \"answer\": {\"approved\": true}}"));
    assertThat(types(engine, id))
        .containsExactly(
            "ExecutionStarted",
            "TaskStateEntered",
            "TaskScheduled",
            "TaskStarted",
            "TaskSucceeded",
            "TaskStateExited",
            "ExecutionSucceeded");
  }

  @Test
  void aReportedTaskFailureIsCaught() throws Exception {
    CompletableFuture<String> token = new CompletableFuture<>();
    TaskHandlers handlers =
        new TaskHandlers()
            .register(
                "*",
                request -> {
                  token.complete(request.taskToken());
                  return new CompletableFuture<>();
                });
    Engine engine = engine(handlers);
    String id =
        engine.start(
            """
            {"StartAt": "Ask", "States": {
              "Ask": {"Type": "Task", "Resource": "arn:aws:states:::cairn:ask.waitForTaskToken",
                "Catch": [{"ErrorEquals": ["Rejected"], "Next": "Rejected"}], "End": true},
              "Rejected": {"Type": "Pass", "End": true}}}
            """,
            "approval",
            null,
            json("{}"));

    engine.sendTaskFailure(token.get(10, TimeUnit.SECONDS), "Rejected", "not today");

    ExecutionDescription result = finished(engine, id);
    assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(result.output())
        .isEqualTo(json("{\"Error\": \"Rejected\", \"Cause\": \"not today\"}"));
  }

  @Test
  void failedAttemptsAreRetriedWithTheirOwnIdempotencyKeys() throws Exception {
    List<TaskRequest> requests = new CopyOnWriteArrayList<>();
    TaskHandlers handlers =
        new TaskHandlers()
            .register(
                WORK,
                request -> {
                  requests.add(request);
                  return request.attempt() < 2
                      ? CompletableFuture.failedFuture(new StatesException("Flaky", "try again"))
                      : CompletableFuture.completedFuture(json("{\"done\": true}"));
                });
    Engine engine = engine(handlers);
    String id =
        engine.start(
            """
            {"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": "%s",
              "Retry": [{"ErrorEquals": ["Flaky"], "IntervalSeconds": 5, "MaxAttempts": 2}],
              "End": true}}}
            """
                .formatted(WORK),
            "retrying",
            null,
            json("{}"));

    ExecutionDescription result = finished(engine, id);
    assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(requests).extracting(TaskRequest::attempt).containsExactly(0, 1, 2);
    assertThat(requests).extracting(TaskRequest::idempotencyKey).doesNotHaveDuplicates();
  }

  @Test
  void retriesStopAtMaxAttemptsAndTheErrorFailsTheExecution() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    TaskHandlers handlers =
        new TaskHandlers()
            .register(
                WORK,
                request -> {
                  calls.incrementAndGet();
                  return CompletableFuture.failedFuture(new StatesException("Broken", "always"));
                });
    Engine engine = engine(handlers);
    String id =
        engine.start(
            """
            {"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": "%s",
              "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 3, "BackoffRate": 1.5,
                         "MaxDelaySeconds": 2, "JitterStrategy": "FULL"}],
              "End": true}}}
            """
                .formatted(WORK),
            "failing",
            null,
            json("{}"));

    ExecutionDescription result = finished(engine, id);
    assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(result.error()).isEqualTo("Broken");
    assertThat(result.cause()).isEqualTo("always");
    assertThat(calls).hasValue(4);
  }

  @Test
  void aFailingParallelBranchFailsTheStateAndIsCaught() throws Exception {
    Engine engine = engine(new TaskHandlers());
    String id =
        engine.start(
            """
            {"StartAt": "Both", "States": {
              "Both": {"Type": "Parallel", "Branches": [
                  {"StartAt": "Fine", "States": {"Fine": {"Type": "Pass", "End": true}}},
                  {"StartAt": "Boom", "States": {"Boom": {"Type": "Fail", "Error": "Boom", "Cause": "b"}}}],
                "Catch": [{"ErrorEquals": ["Boom"], "ResultPath": "$.error", "Next": "Handled"}],
                "End": true},
              "Handled": {"Type": "Pass", "End": true}}}
            """,
            "parallel",
            null,
            json("{\"x\": 1}"));

    ExecutionDescription result = finished(engine, id);
    assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(result.output())
        .isEqualTo(json("{\"x\": 1, \"error\": {\"Error\": \"Boom\", \"Cause\": \"b\"}}"));
    assertThat(types(engine, id)).contains("ParallelStateFailed");
  }

  @Test
  void mapIterationsRespectMaxConcurrencyAndKeepItemOrder() throws Exception {
    AtomicInteger running = new AtomicInteger();
    List<Integer> concurrency = Collections.synchronizedList(new ArrayList<>());
    ConcurrentLinkedQueue<Runnable> pending = new ConcurrentLinkedQueue<>();
    TaskHandler handler =
        request -> {
          concurrency.add(running.incrementAndGet());
          CompletableFuture<JsonNode> result = new CompletableFuture<>();
          pending.add(
              () -> {
                running.decrementAndGet();
                result.complete(Json.NODES.numberNode(request.parameters().asInt() * 10));
              });
          return result;
        };
    Engine engine = engine(new TaskHandlers().register(WORK, handler));
    String id =
        engine.start(
            """
            {"StartAt": "Each", "States": {"Each": {"Type": "Map", "ItemsPath": "$.items",
              "MaxConcurrency": 2,
              "ItemProcessor": {"StartAt": "Work", "States": {
                "Work": {"Type": "Task", "Resource": "%s", "End": true}}},
              "End": true}}}
            """
                .formatted(WORK),
            "map",
            null,
            json("{\"items\": [1, 2, 3, 4, 5]}"));

    CompletableFuture<ExecutionDescription> done = engine.completion(id);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              Runnable next = pending.poll();
              if (next != null) {
                next.run();
              }
              return done.isDone();
            });
    ExecutionDescription result = done.get();
    assertThat(result.output()).isEqualTo(json("[10, 20, 30, 40, 50]"));
    assertThat(concurrency).hasSize(5).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(2));
  }

  @Test
  void aStoppedExecutionIsAbortedAndItsTaskCancelled() throws Exception {
    CompletableFuture<TaskRequest> dispatched = new CompletableFuture<>();
    CompletableFuture<TaskRequest> cancelled = new CompletableFuture<>();
    TaskHandler handler =
        new TaskHandler() {
          @Override
          public CompletionStage<JsonNode> invoke(TaskRequest request) {
            dispatched.complete(request);
            return new CompletableFuture<>();
          }

          @Override
          public void cancel(TaskRequest request) {
            cancelled.complete(request);
          }
        };
    Engine engine = engine(new TaskHandlers().register(WORK, handler));
    String id =
        engine.start(
            """
            {"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": "%s", "End": true}}}
            """
                .formatted(WORK),
            "stopping",
            null,
            json("{}"));
    dispatched.get(10, TimeUnit.SECONDS);

    engine.stop(id, "Operator", "changed my mind");

    ExecutionDescription result = finished(engine, id);
    assertThat(result.status()).isEqualTo(ExecutionStatus.ABORTED);
    assertThat(result.error()).isEqualTo("Operator");
    assertThat(cancelled.get(10, TimeUnit.SECONDS).idempotencyKey())
        .isEqualTo(dispatched.get().idempotencyKey());
  }

  @Test
  void aTaskThatRunsPastItsTimeoutFailsWithStatesTimeout() throws Exception {
    TaskHandlers handlers = new TaskHandlers().register(WORK, request -> new CompletableFuture<>());
    Engine engine = engine(handlers);
    String id =
        engine.start(
            """
            {"StartAt": "Work", "States": {
              "Work": {"Type": "Task", "Resource": "%s", "TimeoutSeconds": 1,
                "Catch": [{"ErrorEquals": ["States.Timeout"], "Next": "TimedOut"}], "End": true},
              "TimedOut": {"Type": "Pass", "End": true}}}
            """
                .formatted(WORK),
            "timeout",
            null,
            json("{}"));

    ExecutionDescription result = finished(engine, id);
    assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(result.output().get("Error").asText()).isEqualTo("States.Timeout");
    assertThat(types(engine, id)).contains("TaskTimedOut");
  }

  @Test
  void anExecutionPastItsTimeoutSecondsTimesOut() throws Exception {
    TaskHandlers handlers = new TaskHandlers().register(WORK, request -> new CompletableFuture<>());
    Engine engine = engine(handlers);
    String id =
        engine.start(
            """
            {"TimeoutSeconds": 1, "StartAt": "Work",
             "States": {"Work": {"Type": "Task", "Resource": "%s", "End": true}}}
            """
                .formatted(WORK),
            "slow",
            null,
            json("{}"));

    ExecutionDescription result = finished(engine, id);
    assertThat(result.status()).isEqualTo(ExecutionStatus.TIMED_OUT);
    assertThat(result.error()).isEqualTo("States.Timeout");
  }

  @Test
  void aRestartedEngineResumesInFlightTasksWithTheSameIdempotencyKey() throws Exception {
    InMemoryExecutionStore store = new InMemoryExecutionStore();
    CompletableFuture<TaskRequest> firstDispatch = new CompletableFuture<>();
    Engine first =
        engine(
            new TaskHandlers()
                .register(
                    WORK,
                    request -> {
                      firstDispatch.complete(request);
                      return new CompletableFuture<>();
                    }),
            store);
    String resumed =
        first.start(
            """
            {"StartAt": "Work", "States": {
              "Work": {"Type": "Task", "Resource": "%s", "Next": "After"},
              "After": {"Type": "Pass", "End": true}}}
            """
                .formatted(WORK),
            "resumed",
            "second",
            json("{\"v\": 1}"));
    TaskRequest beforeRestart = firstDispatch.get(10, TimeUnit.SECONDS);
    await().until(() -> store.history(resumed).size() == 4);
    first.close();

    List<TaskRequest> redispatched = new CopyOnWriteArrayList<>();
    Engine second =
        engine(
            new TaskHandlers()
                .register(
                    WORK,
                    request -> {
                      redispatched.add(request);
                      return CompletableFuture.completedFuture(json("{\"ok\": true}"));
                    }),
            store);

    ExecutionDescription result = finished(second, resumed);
    assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(redispatched)
        .extracting(TaskRequest::idempotencyKey)
        .containsExactly(beforeRestart.idempotencyKey());
    List<HistoryEvent> history = store.history(resumed);
    assertThat(history)
        .extracting(HistoryEvent::id)
        .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    assertThat(types(second, resumed)).containsOnlyOnce("ExecutionStarted", "TaskScheduled");
  }
}
