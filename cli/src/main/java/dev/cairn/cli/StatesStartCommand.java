package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.execution.Engine;
import dev.cairn.engine.execution.ExecutionDescription;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cairn states start}: a recorded execution in CAIRN_HOME. It runs in this process until it
 * ends; if the process dies, {@code cairn states resume} carries it on from its history.
 */
@Command(
    name = "start",
    mixinStandardHelpOptions = true,
    description = {
      "Start a recorded execution (kept in CAIRN_HOME) and run it until it ends.",
      "If this process is killed, 'cairn states resume' carries the execution on."
    })
public final class StatesStartCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DEFINITION.json", description = "The ASL definition.")
  String definition;

  @Option(
      names = "--input",
      paramLabel = "FILE|-",
      description = "The execution input (default {}).")
  String input;

  @Option(names = "--name", paramLabel = "NAME", description = "The execution's name.")
  String executionName;

  @Option(
      names = "--wait-scale",
      paramLabel = "FACTOR",
      defaultValue = "1",
      description = "Multiplies Wait states and retry intervals (default: ${DEFAULT-VALUE}).")
  double waitScale;

  @Option(names = "--json", description = "Print the result as one JSON object.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    String text = CliFiles.read(definition, System.in);
    CliFiles.parseDefinition(definition, text);
    JsonNode executionInput =
        input == null
            ? CliFiles.parseInput("", null)
            : CliFiles.parseInput(input, CliFiles.read(input, System.in));
    try (Engine engine =
        Engine.builder().store(CairnHome.openExecutionStore()).waitScale(waitScale).build()) {
      String id =
          engine.start(text, CliFiles.machineName(definition), executionName, executionInput);
      System.err.println("started " + id);
      ExecutionDescription result = engine.completion(id).get();
      return ExecutionPrinter.printResult(result, json, System.out);
    }
  }
}
