package dev.cairn.engine.teststate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What to test: one state, its input, and how its work and surroundings are simulated.
 *
 * @param definition a single state, or a whole state machine (then {@code stateName} names the
 *     state, which may be inside a Parallel branch or a Map item processor)
 * @param stateName the state to test in a whole machine, or null for a single-state definition
 * @param input the state's input
 * @param inspectionLevel how much of the data flow to report
 * @param mock the simulated result or error of the state's work, or null
 * @param context the context object ({@code $$}) to use, or null for a generated one
 * @param stateConfiguration retry and Map settings that the test assumes, or null
 * @param variables the state machine variables the state sees on entry (empty for none)
 */
public record TestStateRequest(
    JsonNode definition,
    String stateName,
    JsonNode input,
    InspectionLevel inspectionLevel,
    Mock mock,
    JsonNode context,
    StateConfiguration stateConfiguration,
    Map<String, JsonNode> variables) {
  public TestStateRequest {
    Objects.requireNonNull(definition, "definition");
    variables = variables == null ? Map.of() : Map.copyOf(variables);
    input = input == null ? Json.object() : input;
    inspectionLevel = inspectionLevel == null ? InspectionLevel.INFO : inspectionLevel;
    stateConfiguration = stateConfiguration == null ? StateConfiguration.NONE : stateConfiguration;
  }

  /** A request without variables. */
  public TestStateRequest(
      JsonNode definition,
      String stateName,
      JsonNode input,
      InspectionLevel inspectionLevel,
      Mock mock,
      JsonNode context,
      StateConfiguration stateConfiguration) {
    this(
        definition, stateName, input, inspectionLevel, mock, context, stateConfiguration, Map.of());
  }

  /** A request for a single-state definition, at INFO level, without mock. */
  public static TestStateRequest of(JsonNode definition, JsonNode input) {
    return new TestStateRequest(definition, null, input, null, null, null, null);
  }

  /** The same request with another mock. */
  public TestStateRequest withMock(Mock newMock) {
    return new TestStateRequest(
        definition,
        stateName,
        input,
        inspectionLevel,
        newMock,
        context,
        stateConfiguration,
        variables);
  }

  /** The same request at another inspection level. */
  public TestStateRequest withInspectionLevel(InspectionLevel level) {
    return new TestStateRequest(
        definition, stateName, input, level, mock, context, stateConfiguration, variables);
  }

  /** The same request with other state configuration. */
  public TestStateRequest withStateConfiguration(StateConfiguration configuration) {
    return new TestStateRequest(
        definition, stateName, input, inspectionLevel, mock, context, configuration, variables);
  }

  /**
   * The simulated outcome of a state's work (a Task's call, a Map's iterations, a Parallel's
   * branches): exactly one of a result or an error.
   *
   * @param result the result, or null
   * @param error the error name, or null
   * @param cause the error's cause, or null
   */
  public record Mock(JsonNode result, String error, String cause) {
    public Mock {
      if ((result == null) == (error == null)) {
        throw new IllegalArgumentException("a mock has either a result or an error, not both");
      }
    }

    /** The work returns {@code result}. */
    public static Mock result(JsonNode result) {
      return new Mock(Objects.requireNonNull(result, "result"), null, null);
    }

    /** The work fails with {@code error} and {@code cause}. */
    public static Mock error(String error, String cause) {
      return new Mock(null, Objects.requireNonNull(error, "error"), cause);
    }
  }

  /**
   * What the test assumes about the state's history.
   *
   * @param retrierRetryCount how often the matching Retrier has already retried (default 0)
   * @param mapIterationFailureCount how many Map iterations failed (default 0), judged against the
   *     state's tolerated failure count or percentage
   * @param mapItemReaderData the items a Map state's ItemReader reads (an array), or null
   */
  public record StateConfiguration(
      int retrierRetryCount, int mapIterationFailureCount, JsonNode mapItemReaderData) {
    /** No retries so far, no failed iterations. */
    public static final StateConfiguration NONE = new StateConfiguration(0, 0);

    /** No items for an ItemReader. */
    public StateConfiguration(int retrierRetryCount, int mapIterationFailureCount) {
      this(retrierRetryCount, mapIterationFailureCount, null);
    }

    public StateConfiguration {
      if (retrierRetryCount < 0 || mapIterationFailureCount < 0) {
        throw new IllegalArgumentException("retry and failure counts cannot be negative");
      }
    }
  }

  /**
   * Reads a request shaped like the TestState API's: {@code definition}, {@code stateName}, {@code
   * input}, {@code inspectionLevel}, {@code mock} ({@code result} as JSON text, or {@code
   * errorOutput} with {@code error} and {@code cause}), {@code context} and {@code
   * stateConfiguration}. The definition, the mock's result and the context, which the API takes as
   * JSON text, may also be given as JSON; the input is taken as the JSON value it is.
   *
   * @throws IllegalArgumentException when a field is malformed
   */
  public static TestStateRequest fromJson(JsonNode request) {
    JsonNode variables = jsonValue(request.path("variables"));
    if (variables != null && !variables.isObject()) {
      throw new IllegalArgumentException("variables must be a JSON object of names and values");
    }
    Map<String, JsonNode> variableValues = new LinkedHashMap<>();
    if (variables != null) {
      variables.properties().forEach(e -> variableValues.put(e.getKey(), e.getValue()));
    }
    JsonNode definition = jsonValue(request.path("definition"));
    if (definition == null) {
      throw new IllegalArgumentException("the request has no definition");
    }
    InspectionLevel level = null;
    if (request.hasNonNull("inspectionLevel")) {
      try {
        level = InspectionLevel.valueOf(request.get("inspectionLevel").asText());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "inspectionLevel must be INFO, DEBUG or TRACE, not "
                + request.get("inspectionLevel").asText(),
            e);
      }
    }
    JsonNode configuration = request.path("stateConfiguration");
    return new TestStateRequest(
        definition,
        request.hasNonNull("stateName") ? request.get("stateName").asText() : null,
        request.hasNonNull("input") ? request.get("input") : null,
        level,
        mockOf(request.path("mock")),
        jsonValue(request.path("context")),
        new StateConfiguration(
            configuration.path("retrierRetryCount").asInt(0),
            configuration.path("mapIterationFailureCount").asInt(0),
            jsonValue(configuration.path("mapItemReaderData"))),
        variableValues);
  }

  private static Mock mockOf(JsonNode mock) {
    if (mock.isMissingNode() || mock.isNull()) {
      return null;
    }
    if (mock.has("result")) {
      return Mock.result(jsonValue(mock.get("result")));
    }
    JsonNode errorOutput = mock.path("errorOutput");
    if (errorOutput.isObject()) {
      return Mock.error(
          errorOutput.path("error").asText(null), errorOutput.path("cause").asText(null));
    }
    throw new IllegalArgumentException("a mock needs a result or an errorOutput");
  }

  /** The API passes JSON documents as text; a text field is parsed, any other value kept. */
  private static JsonNode jsonValue(JsonNode field) {
    if (field.isMissingNode() || field.isNull()) {
      return null;
    }
    if (field.isTextual()) {
      try {
        return Json.parse(field.asText());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("not a JSON document: " + field.asText(), e);
      }
    }
    return field;
  }
}
