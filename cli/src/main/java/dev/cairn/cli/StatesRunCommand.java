package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.definition.StateMachine;
import dev.cairn.engine.execution.Engine;
import dev.cairn.engine.execution.ExecutionDescription;
import dev.cairn.engine.mock.MockConfig;
import dev.cairn.engine.task.TaskHandlers;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn states run}: one execution, in-process, in memory; prints its result. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run one execution of a state machine in this process and print its result.",
      "Nothing is kept afterwards; use 'cairn states start' for a recorded execution."
    })
public final class StatesRunCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DEFINITION.json", description = "The ASL definition.")
  String definition;

  @Option(
      names = "--input",
      paramLabel = "FILE|-",
      description = "The execution input as JSON: a file, or - for standard input (default {}).")
  String input;

  @Option(
      names = "--wait-scale",
      paramLabel = "FACTOR",
      defaultValue = "1",
      description =
          "Multiplies Wait states and retry intervals; 0 makes them instant (default: ${DEFAULT-VALUE}).")
  double waitScale;

  @Option(
      names = "--mock-config",
      paramLabel = "FILE",
      description = "A Step Functions Local mock configuration file answering Task states.")
  String mockConfig;

  @Option(
      names = "--test-case",
      paramLabel = "NAME",
      description = "The test case of the mock configuration to use.")
  String testCase;

  @Option(
      names = "--state-machine",
      paramLabel = "NAME",
      description =
          "The state machine of the mock configuration (default: the one that has the test case).")
  String mockStateMachine;

  @Option(names = "--name", paramLabel = "NAME", description = "The execution's name.")
  String executionName;

  @Option(
      names = "--json",
      description =
          "Print exactly one JSON object {status, output, error, cause} and exit 0 whatever the status.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    String text = CliFiles.read(definition, System.in);
    // Parsed and validated once, here, where an invalid definition gets the file's name in its
    // message; the engine takes the parsed machine.
    StateMachine machine = CliFiles.parseDefinition(definition, text);
    JsonNode executionInput =
        input == null
            ? CliFiles.parseInput("", null)
            : CliFiles.parseInput(input, CliFiles.read(input, System.in));
    TaskHandlers handlers = taskHandlers();
    try (Engine engine =
        Engine.builder().taskHandlers(handlers).waitScale(waitScale).threads(1).build()) {
      String id =
          engine.start(
              machine, text, CliFiles.machineName(definition), executionName, executionInput);
      ExecutionDescription result = engine.completion(id).get();
      return ExecutionPrinter.printResult(result, json, System.out);
    }
  }

  private TaskHandlers taskHandlers() {
    TaskHandlers handlers = new TaskHandlers();
    if (mockConfig == null && testCase == null) {
      return handlers;
    }
    if (mockConfig == null || testCase == null) {
      throw new UserInputException("--mock-config and --test-case go together");
    }
    MockConfig config;
    try {
      config = MockConfig.parse(CliFiles.read(mockConfig, System.in));
    } catch (IllegalArgumentException e) {
      throw new UserInputException(mockConfig + ": " + e.getMessage());
    }
    return handlers.register("*", config.handlerFor(mockStateMachine, testCase));
  }
}
