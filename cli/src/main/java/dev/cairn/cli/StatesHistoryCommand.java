package dev.cairn.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.cairn.engine.execution.ExecutionDescription;
import dev.cairn.engine.execution.HistoryEvent;
import dev.cairn.engine.json.Json;
import dev.cairn.engine.store.ExecutionStore;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn states history}: an execution's events, like GetExecutionHistory. */
@Command(
    name = "history",
    mixinStandardHelpOptions = true,
    description = "Show a recorded execution's events (like GetExecutionHistory).")
public final class StatesHistoryCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "EXECUTION", description = "The execution's ARN or name.")
  String execution;

  @Option(names = "--json", description = "Print {\"events\": [...]} shaped like Step Functions.")
  boolean json;

  @Override
  public Integer call() {
    try (ExecutionStore store = CairnHome.openExecutionStore()) {
      ExecutionDescription description = StatesListCommand.resolve(store, execution);
      var events = store.history(description.executionArn());
      if (json) {
        ArrayNode array = Json.NODES.arrayNode();
        events.forEach(e -> array.add(e.toStepFunctionsJson()));
        System.out.println(Json.write(Json.object().set("events", array)));
      } else {
        for (HistoryEvent e : events) {
          String name = e.text("name");
          System.out.printf(
              "%5d  %s  %-28s %s%n",
              e.id(), e.timestamp(), e.type().wireName(), name == null ? "" : name);
        }
      }
      return ExitCodes.OK;
    }
  }
}
