package dev.cairn.engine.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.conformance.Corpus.Case;
import dev.cairn.engine.execution.Engine;
import dev.cairn.engine.execution.ExecutionDescription;
import dev.cairn.engine.json.Json;
import dev.cairn.engine.store.InMemoryExecutionStore;
import dev.cairn.engine.task.LambdaTaskHandler;
import dev.cairn.engine.task.TaskHandlers;
import dev.cairn.engine.teststate.TestState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs corpus cases on one engine (TestState cases on its TestState API) and judges the results.
 * Every case is started up front, so the few that wait for a real task timeout overlap with the
 * rest instead of adding up.
 */
final class CaseRunner implements AutoCloseable {
  /**
   * A guard against an execution that never ends (an engine bug), not a performance threshold: far
   * above the longest real wait of the corpus (5 s task timeouts).
   */
  private static final Duration HANG_GUARD = Duration.ofSeconds(120);

  /** Task timeouts are real seconds; cases that would wait longer than this are not run. */
  static final int MAX_REAL_TIMEOUT_SECONDS = 5;

  /** What became of a case. */
  record Outcome(boolean passed, String mismatch) {
    static final Outcome PASSED = new Outcome(true, null);

    static Outcome failed(String mismatch) {
      return new Outcome(false, mismatch);
    }
  }

  private final Engine engine;
  private final TestState testState;
  private final Instant deadline;
  private final Map<String, CompletableFuture<Outcome>> outcomes = new ConcurrentHashMap<>();

  CaseRunner(List<Case> cases) {
    LambdaTaskHandler lambdas =
        new LambdaTaskHandler("us-east-1", "111111111111", Clock.systemUTC());
    for (Case c : cases) {
      Iterator<Map.Entry<String, JsonNode>> behaviours = c.json().path("taskBehaviour").fields();
      while (behaviours.hasNext()) {
        Map.Entry<String, JsonNode> behaviour = behaviours.next();
        lambdas.function(behaviour.getKey(), CorpusLambdas.of(behaviour.getValue()));
      }
    }
    TaskHandlers handlers = lambdas.registerOn(new TaskHandlers());
    this.testState = new TestState(Clock.systemUTC(), handlers);
    this.engine =
        Engine.builder()
            .store(new InMemoryExecutionStore())
            .taskHandlers(handlers)
            // Waits and retry intervals are instant; task timeouts stay real (not scaled).
            .waitScale(0)
            .build();
    this.deadline = Instant.now().plus(HANG_GUARD);
    int index = 0;
    for (Case c : cases) {
      outcomes.put(c.name(), start(c, index++));
    }
  }

  /** The case's outcome, once its execution has ended. */
  Outcome outcome(Case c) {
    CompletableFuture<Outcome> future = outcomes.get(c.name());
    if (future == null) {
      return Outcome.failed("the case was not started");
    }
    long wait = Math.max(1000, Duration.between(Instant.now(), deadline).toMillis());
    try {
      return future.get(wait, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return Outcome.failed("the execution did not end within the hang guard of " + HANG_GUARD);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.failed("interrupted while waiting for the execution");
    } catch (ExecutionException e) {
      return Outcome.failed("the harness failed: " + e.getCause());
    }
  }

  private CompletableFuture<Outcome> start(Case c, int index) {
    if (c.testState()) {
      return CompletableFuture.supplyAsync(() -> TestStateCheck.run(testState, c));
    }
    Optional<String> notRunnable = tooSlow(c);
    if (notRunnable.isPresent()) {
      return CompletableFuture.completedFuture(Outcome.failed(notRunnable.get()));
    }
    String definition = Json.write(c.json().path("definition"));
    JsonNode input = c.json().path("input");
    String executionId;
    try {
      executionId = engine.start(definition, "conformance-" + index, "case-" + index, input);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(
          Outcome.failed("the engine refused to start it: " + describe(e)));
    }
    return engine
        .completion(executionId)
        .thenApply(description -> judge(c, description))
        .exceptionally(e -> Outcome.failed("the engine failed: " + describe(e)));
  }

  /** Cases whose task would wait for a long real timeout are not run, to keep the suite fast. */
  private static Optional<String> tooSlow(Case c) {
    boolean sleeps = false;
    for (JsonNode behaviour : c.json().path("taskBehaviour")) {
      sleeps |= "sleep".equals(behaviour.path("kind").asText());
    }
    if (!sleeps) {
      return Optional.empty();
    }
    Optional<Integer> longest =
        c.json().path("definition").findValues("TimeoutSeconds").stream()
            .filter(JsonNode::isNumber)
            .map(JsonNode::asInt)
            .max(Integer::compare);
    if (longest.isPresent() && longest.get() > MAX_REAL_TIMEOUT_SECONDS) {
      return Optional.of(
          "not run: it waits for a real task timeout of "
              + longest.get()
              + " s (more than "
              + MAX_REAL_TIMEOUT_SECONDS
              + " s)");
    }
    return Optional.empty();
  }

  private static Outcome judge(Case c, ExecutionDescription actual) {
    JsonNode expected = c.expected();
    JsonMatcher matcher = new JsonMatcher(c.placeholders());
    String expectedStatus = expected.path("status").asText();
    if (!expectedStatus.equals(actual.status().name())) {
      StringBuilder message =
          new StringBuilder("status: expected " + expectedStatus + " but was " + actual.status());
      if (actual.error() != null || actual.cause() != null) {
        message.append(" (error=").append(actual.error());
        message.append(", cause=").append(actual.cause()).append(')');
      }
      if (actual.output() != null) {
        message.append(" (output=").append(JsonMatcher.abbreviate(actual.output())).append(')');
      }
      return Outcome.failed(message.toString());
    }
    if ("SUCCEEDED".equals(expectedStatus)) {
      if (expected.has("output")) {
        Optional<String> mismatch = matcher.mismatch(expected.get("output"), actual.output());
        if (mismatch.isPresent()) {
          return Outcome.failed("output " + mismatch.get());
        }
      }
      return Outcome.PASSED;
    }
    Optional<String> errorMismatch = text("error", expected.path("error"), actual.error(), matcher);
    if (errorMismatch.isPresent()) {
      return Outcome.failed(errorMismatch.get());
    }
    if (expected.has("causeJson")) {
      JsonNode cause;
      try {
        cause = actual.cause() == null ? null : Json.parse(actual.cause());
      } catch (IllegalArgumentException e) {
        return Outcome.failed("cause: expected a JSON document but was " + actual.cause());
      }
      Optional<String> mismatch = matcher.mismatch(expected.get("causeJson"), cause);
      if (mismatch.isPresent()) {
        return Outcome.failed("cause (JSON) " + mismatch.get());
      }
    } else {
      Optional<String> causeMismatch =
          text("cause", expected.path("cause"), actual.cause(), matcher);
      if (causeMismatch.isPresent()) {
        return Outcome.failed(causeMismatch.get());
      }
    }
    return Outcome.PASSED;
  }

  /** Compares an error or cause; AWS omitting it means the engine must omit it too. */
  private static Optional<String> text(
      String what, JsonNode expected, String actual, JsonMatcher matcher) {
    if (expected.isMissingNode() || expected.isNull()) {
      return actual == null
          ? Optional.empty()
          : Optional.of(what + ": expected none but was " + JsonMatcher.abbreviate(actual));
    }
    return matcher.matchesText(expected.asText(), actual)
        ? Optional.empty()
        : Optional.of(
            what
                + ": expected "
                + JsonMatcher.abbreviate(expected.asText())
                + " but was "
                + (actual == null ? "none" : JsonMatcher.abbreviate(actual)));
  }

  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null
        && (root instanceof CompletionException || root instanceof ExecutionException)) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  @Override
  public void close() {
    engine.close();
  }
}
