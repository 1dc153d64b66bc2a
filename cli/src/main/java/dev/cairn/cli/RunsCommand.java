package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.cli.loop.RunsView;
import dev.cairn.engine.store.SqliteExecutionStore;
import dev.cairn.pipeline.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cairn runs}: the pipeline runs in CAIRN_HOME, newest first. */
@Command(
    name = "runs",
    mixinStandardHelpOptions = true,
    description =
        "List the pipeline runs, newest first, each failed one with why (read from CAIRN_HOME).")
public final class RunsCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print a JSON array.")
  boolean json;

  @Option(
      names = "--limit",
      defaultValue = "50",
      description = "At most this many (default: ${DEFAULT-VALUE}).")
  int limit;

  /** At most this many lines of a failed run's cause (e.g. the pipeline file's problems). */
  static final int REASON_LINES = 5;

  @Override
  public Integer call() {
    ArrayNode runs = read(CairnHome.path());
    ArrayNode shown = Json.array();
    for (int i = 0; i < Math.min(limit, runs.size()); i++) {
      shown.add(runs.get(i));
    }
    if (json) {
      System.out.println(Json.write(shown));
    } else if (shown.isEmpty()) {
      System.out.println("no runs yet");
    } else {
      for (JsonNode run : shown) {
        System.out.println(RunsView.line(run));
        // Why it failed, under it: the reason is what people look for in a failed run.
        for (String line : RunsView.reason(run.get("failure"), REASON_LINES)) {
          System.out.println("    " + line);
        }
        if (run.path("failure").has("log")) {
          System.out.println("    (its output: cairn logs " + run.path("id").asText() + ")");
        }
      }
    }
    return ExitCodes.OK;
  }

  static ArrayNode read(Path home) {
    Path database = home.resolve("engine").resolve("runs.db");
    if (!Files.exists(database)) {
      return Json.array();
    }
    try (SqliteExecutionStore store = SqliteExecutionStore.open(database)) {
      return RunsView.of(store.list(), id -> runFacts(home, id));
    }
  }

  static ObjectNode runFacts(Path home, String runId) {
    Path file = home.resolve("runs").resolve(runId).resolve("run.json");
    try {
      return Files.exists(file) ? (ObjectNode) Json.parse(Files.readString(file)) : Json.object();
    } catch (java.io.IOException | ClassCastException e) {
      return Json.object();
    }
  }
}
