package dev.cairn.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.cairn.engine.execution.ExecutionDescription;
import dev.cairn.engine.json.Json;
import dev.cairn.engine.store.ExecutionStore;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cairn states list}: the recorded executions, newest first. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "List the recorded executions, newest first.")
public final class StatesListCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print a JSON array of descriptions.")
  boolean json;

  @Override
  public Integer call() {
    try (ExecutionStore store = CairnHome.openExecutionStore()) {
      List<ExecutionDescription> executions = store.list();
      if (json) {
        ArrayNode array = Json.NODES.arrayNode();
        executions.forEach(e -> array.add(e.toJson()));
        System.out.println(Json.write(array));
      } else {
        for (ExecutionDescription e : executions) {
          System.out.printf("%-10s %-24s %s%n", e.status(), e.startDate(), e.executionArn());
        }
      }
      return ExitCodes.OK;
    }
  }

  /** Finds an execution by ARN or by name. */
  static ExecutionDescription resolve(ExecutionStore store, String arnOrName) {
    return store
        .find(arnOrName)
        .map(ExecutionStore.StoredExecution::description)
        .or(() -> store.list().stream().filter(e -> e.name().equals(arnOrName)).findFirst())
        .orElseThrow(() -> new UserInputException("no recorded execution is named " + arnOrName));
  }
}
