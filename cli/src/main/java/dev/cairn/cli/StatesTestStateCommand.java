package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.definition.InvalidDefinitionException;
import dev.cairn.engine.json.Json;
import dev.cairn.engine.teststate.InspectionLevel;
import dev.cairn.engine.teststate.TestState;
import dev.cairn.engine.teststate.TestStateRequest;
import dev.cairn.engine.teststate.TestStateResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cairn states test-state}: evaluates one state the way Step Functions' TestState API does
 * and prints its response.
 */
@Command(
    name = "test-state",
    mixinStandardHelpOptions = true,
    description = {
      "Evaluate one state on one input, like Step Functions' TestState API.",
      "Prints {status, output, error, cause, nextState, inspectionData} as one JSON object.",
      "Task, Map and Parallel states need a mock: their work is not done.",
      "JSONPath and JSONata states; --variables gives the variables the state sees."
    })
public final class StatesTestStateCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      paramLabel = "DEFINITION.json",
      description = "A single state, or a whole state machine (then --state names the state).")
  String definition;

  @Option(
      names = "--state",
      paramLabel = "NAME",
      description = "The state to test in a whole state machine (default: its StartAt).")
  String stateName;

  @Option(
      names = "--input",
      paramLabel = "FILE|-",
      description = "The state's input as JSON: a file, or - for standard input (default {}).")
  String input;

  @Option(
      names = "--mock-result",
      paramLabel = "FILE|JSON",
      description = "The mocked result of the state's work: a JSON file, or JSON text.")
  String mockResult;

  @Option(
      names = "--mock-error",
      paramLabel = "ERROR",
      description = "Mock the state's work failing with this error name.")
  String mockError;

  @Option(
      names = "--mock-cause",
      paramLabel = "CAUSE",
      description = "The cause of the --mock-error error.")
  String mockCause;

  @Option(
      names = "--inspection-level",
      paramLabel = "LEVEL",
      defaultValue = "INFO",
      description = "INFO, DEBUG or TRACE (default: ${DEFAULT-VALUE}).")
  InspectionLevel inspectionLevel;

  @Option(
      names = "--variables",
      paramLabel = "FILE|JSON",
      description =
          "The state machine variables the state sees on entry: a JSON object in a file, or as"
              + " JSON text (default: none).")
  String variables;

  @Option(
      names = "--retry-count",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "How often the matching Retrier has already retried (default: ${DEFAULT-VALUE}).")
  int retryCount;

  @Override
  public Integer call() {
    JsonNode definitionJson = parseJson(definition, CliFiles.read(definition, System.in));
    JsonNode stateInput =
        input == null
            ? CliFiles.parseInput("", null)
            : CliFiles.parseInput(input, CliFiles.read(input, System.in));
    if (retryCount < 0) {
      throw new UserInputException("--retry-count must be 0 or more, not " + retryCount);
    }
    TestStateRequest request =
        new TestStateRequest(
            definitionJson,
            stateName,
            stateInput,
            inspectionLevel,
            mock(),
            null,
            new TestStateRequest.StateConfiguration(retryCount, 0),
            variables());
    TestStateResult result;
    try {
      result = new TestState(Clock.systemUTC()).test(request);
    } catch (InvalidDefinitionException e) {
      throw new UserInputException(definition + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new UserInputException(definition + ": " + e.getMessage());
    }
    System.out.println(Json.write(result.toJson()));
    return ExitCodes.OK;
  }

  private Map<String, JsonNode> variables() {
    if (variables == null) {
      return Map.of();
    }
    JsonNode value =
        isFile(variables)
            ? parseJson(variables, CliFiles.read(variables, System.in))
            : parseJson("--variables", variables);
    if (!value.isObject()) {
      throw new UserInputException(
          "--variables must be a JSON object of variable names and values");
    }
    Map<String, JsonNode> values = new LinkedHashMap<>();
    value.properties().forEach(e -> values.put(e.getKey(), e.getValue()));
    return values;
  }

  private TestStateRequest.Mock mock() {
    if (mockResult != null && mockError != null) {
      throw new UserInputException("--mock-result and --mock-error exclude each other");
    }
    if (mockCause != null && mockError == null) {
      throw new UserInputException("--mock-cause needs --mock-error");
    }
    if (mockError != null) {
      return TestStateRequest.Mock.error(mockError, mockCause);
    }
    if (mockResult == null) {
      return null;
    }
    // A value naming an existing file is the file; anything else must be JSON text itself.
    if (isFile(mockResult)) {
      return TestStateRequest.Mock.result(
          parseJson(mockResult, CliFiles.read(mockResult, System.in)));
    }
    return TestStateRequest.Mock.result(parseJson("--mock-result", mockResult));
  }

  private static boolean isFile(String value) {
    try {
      return Files.isRegularFile(Path.of(value));
    } catch (InvalidPathException e) {
      return false;
    }
  }

  private static JsonNode parseJson(String source, String text) {
    try {
      return Json.parse(text);
    } catch (IllegalArgumentException e) {
      throw new UserInputException(
          (source.equals("-") ? "standard input" : source)
              + ": not valid JSON (nor an existing file): "
              + e.getMessage());
    }
  }
}
