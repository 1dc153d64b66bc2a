package dev.cairn.engine.mock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.error.StatesErrors;
import dev.cairn.engine.error.StatesException;
import dev.cairn.engine.json.Json;
import dev.cairn.engine.task.TaskHandler;
import dev.cairn.engine.task.TaskRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A mock configuration file in Step Functions Local's format, so users can reuse the files they
 * have: {@code StateMachines.<name>.TestCases.<case>.<state> = <response name>} and {@code
 * MockedResponses.<response name>.<"0" | "1-2" | ...> = {"Return": value} | {"Throw": {"Error",
 * "Cause"}}}. The keys count the invocations of that state's task within one execution, from 0.
 */
public final class MockConfig {
  private final Map<String, Map<String, Map<String, String>>> testCasesByMachine;
  private final Map<String, List<Response>> responses;

  private MockConfig(
      Map<String, Map<String, Map<String, String>>> testCasesByMachine,
      Map<String, List<Response>> responses) {
    this.testCasesByMachine = testCasesByMachine;
    this.responses = responses;
  }

  /** One mocked invocation range: invocations {@code from..to} return or throw. */
  private record Response(int from, int to, JsonNode returned, String error, String cause) {}

  /**
   * Parses a mock configuration.
   *
   * @throws IllegalArgumentException naming the location and what was expected when the file is not
   *     of the format
   */
  public static MockConfig parse(String text) {
    JsonNode root = Json.parse(text);
    if (!root.isObject()) {
      throw new IllegalArgumentException("the mock configuration must be a JSON object");
    }
    Map<String, Map<String, Map<String, String>>> machines = new HashMap<>();
    JsonNode machinesNode = root.path("StateMachines");
    if (!machinesNode.isObject()) {
      throw new IllegalArgumentException("/StateMachines: expected an object of state machines");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = machinesNode.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> machine = it.next();
      JsonNode cases = machine.getValue().path("TestCases");
      String where = "/StateMachines/" + machine.getKey() + "/TestCases";
      if (!cases.isObject()) {
        throw new IllegalArgumentException(where + ": expected an object of test cases");
      }
      Map<String, Map<String, String>> byCase = new HashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> c = cases.fields(); c.hasNext(); ) {
        Map.Entry<String, JsonNode> testCase = c.next();
        Map<String, String> byState = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> s = testCase.getValue().fields();
            s.hasNext(); ) {
          Map.Entry<String, JsonNode> state = s.next();
          if (!state.getValue().isTextual()) {
            throw new IllegalArgumentException(
                where
                    + "/"
                    + testCase.getKey()
                    + "/"
                    + state.getKey()
                    + ": expected the name of a mocked response");
          }
          byState.put(state.getKey(), state.getValue().asText());
        }
        byCase.put(testCase.getKey(), byState);
      }
      machines.put(machine.getKey(), byCase);
    }
    Map<String, List<Response>> responses = new HashMap<>();
    JsonNode responsesNode = root.path("MockedResponses");
    if (!responsesNode.isObject()) {
      throw new IllegalArgumentException("/MockedResponses: expected an object of responses");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = responsesNode.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> response = it.next();
      responses.put(
          response.getKey(),
          parseResponses("/MockedResponses/" + response.getKey(), response.getValue()));
    }
    for (Map<String, Map<String, String>> byCase : machines.values()) {
      for (Map<String, String> byState : byCase.values()) {
        for (String responseName : byState.values()) {
          if (!responses.containsKey(responseName)) {
            throw new IllegalArgumentException(
                "the mocked response '" + responseName + "' is used but not defined");
          }
        }
      }
    }
    return new MockConfig(machines, responses);
  }

  private static List<Response> parseResponses(String where, JsonNode node) {
    if (!node.isObject()) {
      throw new IllegalArgumentException(where + ": expected an object keyed by invocation");
    }
    List<Response> result = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String at = where + "/" + entry.getKey();
      String[] range = entry.getKey().split("-", -1);
      int from;
      int to;
      try {
        from = Integer.parseInt(range[0].trim());
        to = range.length == 2 ? Integer.parseInt(range[1].trim()) : from;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            at + ": expected an invocation number or range like 1-3");
      }
      if (range.length > 2 || from < 0 || to < from) {
        throw new IllegalArgumentException(
            at + ": expected an invocation number or range like 1-3");
      }
      JsonNode value = entry.getValue();
      if (value.has("Return") == value.has("Throw")) {
        throw new IllegalArgumentException(at + ": expected exactly one of Return and Throw");
      }
      if (value.has("Return")) {
        result.add(new Response(from, to, value.get("Return"), null, null));
      } else {
        JsonNode thrown = value.get("Throw");
        result.add(
            new Response(
                from,
                to,
                null,
                thrown.path("Error").asText(StatesErrors.TASK_FAILED),
                thrown.path("Cause").isMissingNode() ? null : thrown.path("Cause").asText()));
      }
    }
    return result;
  }

  /**
   * The handler that answers a test case's mocked states.
   *
   * @param stateMachineName the state machine in the file, or null to find the one test case of
   *     that name
   * @throws IllegalArgumentException when the test case is not in the file, or ambiguous
   */
  public TaskHandler handlerFor(String stateMachineName, String testCase) {
    Map<String, String> byState = null;
    if (stateMachineName != null && testCasesByMachine.containsKey(stateMachineName)) {
      byState = testCasesByMachine.get(stateMachineName).get(testCase);
    } else {
      for (Map<String, Map<String, String>> byCase : testCasesByMachine.values()) {
        if (byCase.containsKey(testCase)) {
          if (byState != null) {
            throw new IllegalArgumentException(
                "the test case '"
                    + testCase
                    + "' is defined for several state machines; name one with --state-machine");
          }
          byState = byCase.get(testCase);
        }
      }
    }
    if (byState == null) {
      throw new IllegalArgumentException(
          "the test case '" + testCase + "' is not in the mock configuration");
    }
    return new MockHandler(Map.copyOf(byState), testCase);
  }

  /** Answers each invocation of a mocked state with the next mocked response. */
  private final class MockHandler implements TaskHandler {
    private final Map<String, String> responseByState;
    private final String testCase;
    private final Map<String, Integer> invocations = new HashMap<>();

    MockHandler(Map<String, String> responseByState, String testCase) {
      this.responseByState = responseByState;
      this.testCase = testCase;
    }

    @Override
    public CompletionStage<JsonNode> invoke(TaskRequest request) {
      String responseName = responseByState.get(request.stateName());
      if (responseName == null) {
        return CompletableFuture.failedFuture(
            new StatesException(
                StatesErrors.TASK_FAILED,
                "The state '"
                    + request.stateName()
                    + "' is not mocked in the test case '"
                    + testCase
                    + "'"));
      }
      int invocation;
      synchronized (invocations) {
        String key = request.executionId() + "\n" + request.stateName();
        invocation = invocations.merge(key, 1, Integer::sum) - 1;
      }
      for (Response response : responses.get(responseName)) {
        if (invocation >= response.from() && invocation <= response.to()) {
          return response.returned() != null
              ? CompletableFuture.completedFuture(response.returned())
              : CompletableFuture.failedFuture(
                  new StatesException(response.error(), response.cause()));
        }
      }
      return CompletableFuture.failedFuture(
          new StatesException(
              StatesErrors.TASK_FAILED,
              "The mocked response '"
                  + responseName
                  + "' has no entry for invocation "
                  + invocation
                  + " of the state '"
                  + request.stateName()
                  + "'"));
    }
  }
}
