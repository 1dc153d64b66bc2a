package dev.cairn.cli;

import dev.cairn.engine.execution.ExecutionDescription;
import dev.cairn.engine.json.Json;
import dev.cairn.engine.store.ExecutionStore;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code cairn states describe}: one recorded execution, like DescribeExecution. */
@Command(
    name = "describe",
    mixinStandardHelpOptions = true,
    description = "Show a recorded execution as JSON (like DescribeExecution).")
public final class StatesDescribeCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "EXECUTION", description = "The execution's ARN or name.")
  String execution;

  @Override
  public Integer call() {
    try (ExecutionStore store = CairnHome.openExecutionStore()) {
      ExecutionDescription description = StatesListCommand.resolve(store, execution);
      System.out.println(Json.writePretty(description.toJson()));
      return ExitCodes.OK;
    }
  }
}
