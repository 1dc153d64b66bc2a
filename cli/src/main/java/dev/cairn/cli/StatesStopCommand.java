package dev.cairn.cli;

import dev.cairn.engine.execution.Engine;
import dev.cairn.engine.execution.ExecutionDescription;
import dev.cairn.engine.store.ExecutionStore;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn states stop}: aborts a recorded execution that is still running. */
@Command(
    name = "stop",
    mixinStandardHelpOptions = true,
    description = "Stop a recorded execution that is still running (status ABORTED).")
public final class StatesStopCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "EXECUTION", description = "The execution's ARN or name.")
  String execution;

  @Option(names = "--error", paramLabel = "ERROR", description = "The error to record.")
  String error;

  @Option(names = "--cause", paramLabel = "CAUSE", description = "The cause to record.")
  String cause;

  @Override
  public Integer call() throws Exception {
    ExecutionStore store = CairnHome.openExecutionStore();
    ExecutionDescription description = StatesListCommand.resolve(store, execution);
    if (description.status().isFinal()) {
      store.close();
      throw new UserInputException(
          description.executionArn() + " has already ended (" + description.status() + ")");
    }
    try (Engine engine = Engine.builder().store(store).build()) {
      engine.stop(description.executionArn(), error, cause);
      ExecutionDescription stopped = engine.completion(description.executionArn()).get();
      System.out.println(stopped.status() + " " + stopped.executionArn());
      return ExitCodes.OK;
    }
  }
}
