package dev.cairn.cli.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.engine.execution.ExecutionDescription;
import dev.cairn.pipeline.json.Json;
import java.util.List;
import java.util.function.Function;

/** The runs as {@code GET /api/runs} and {@code cairn runs --json} show them: newest first. */
public final class RunsView {
  private RunsView() {}

  /**
   * @param executions the pipeline executions, newest first
   * @param facts a run's recorded facts (run.json) by run id
   */
  public static ArrayNode of(
      List<ExecutionDescription> executions, Function<String, ObjectNode> facts) {
    ArrayNode runs = Json.array();
    for (ExecutionDescription execution : executions) {
      ObjectNode run = runs.addObject();
      ObjectNode known = facts.apply(execution.name());
      run.put("id", execution.name());
      run.put("commit", known.path("commit").asText());
      run.put("message", known.path("message").asText());
      run.put("trigger", known.path("trigger").asText());
      run.put("status", execution.status().name());
      if (execution.error() != null) {
        run.put("error", execution.error());
      }
      if (known.has("artifact")) {
        run.put("artifact", known.get("artifact").asText());
      }
      if (known.has("outcomes")) {
        run.set("outcomes", known.get("outcomes"));
      }
      run.put("startedAt", execution.startDate().toString());
      if (execution.stopDate() != null) {
        run.put("endedAt", execution.stopDate().toString());
      }
    }
    return runs;
  }

  /** One line per run, for people. */
  public static String line(JsonNode run) {
    String outcome =
        run.has("outcomes")
            ? run.get("outcomes").toString().replaceAll("[{}\"]", "").replace(":", " ")
            : run.path("error").asText(run.path("status").asText());
    String commit = run.path("commit").asText();
    return String.format(
        "%-16s %-9s %-10s %-28s %s",
        run.path("id").asText(),
        commit.length() > 7 ? commit.substring(0, 7) : commit,
        run.path("status").asText(),
        outcome,
        run.path("message").asText());
  }
}
