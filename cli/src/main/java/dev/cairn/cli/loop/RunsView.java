package dev.cairn.cli.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.engine.execution.ExecutionDescription;
import dev.cairn.pipeline.json.Json;
import dev.cairn.pipeline.runtime.CairnError;
import java.util.ArrayList;
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
      ObjectNode failure = failure(known, execution.error(), execution.cause());
      if (failure != null) {
        run.set("failure", failure);
      }
      run.put("startedAt", execution.startDate().toString());
      if (execution.stopDate() != null) {
        run.put("endedAt", execution.stopDate().toString());
      }
    }
    return runs;
  }

  /**
   * Why a run failed, the same for every surface (runs, logs, status, the API): {@code {"error",
   * "cause", "environment"?, "log"?}}. The cause is whole (every problem of an invalid pipeline
   * file, as {@code cairn.yml:LINE:COL: message}); {@code log} names the run's log that shows the
   * failing output (the build's, a migration's, or the failed release's own output).
   *
   * @param facts the run's facts ({@code run.json})
   * @param error the execution's error, or null
   * @param cause the execution's cause, or null
   * @return the failure, or null when the run has not failed
   */
  public static ObjectNode failure(JsonNode facts, String error, String cause) {
    ObjectNode failure = Json.object();
    JsonNode build = facts.path("buildFailure");
    if (build.isObject()) {
      failure.put("error", build.path("error").asText());
      failure.put("cause", build.path("cause").asText(""));
      if (CairnError.BUILD_FAILED.errorName().equals(build.path("error").asText())) {
        failure.put("log", "build.log");
      }
      return failure;
    }
    var failed = facts.path("deploymentFailures").fields();
    if (failed.hasNext()) {
      // A run stops at its first environment that fails: there is at most one.
      var first = failed.next();
      String environment = first.getKey();
      String name = first.getValue().path("error").asText();
      failure.put("environment", environment);
      failure.put("error", name);
      failure.put("cause", first.getValue().path("cause").asText(""));
      failure.put(
          "log",
          (CairnError.MIGRATION_FAILED.errorName().equals(name) ? "migrate-" : "release-")
              + environment
              + ".log");
      return failure;
    }
    if (error == null) {
      return null;
    }
    failure.put("error", error);
    failure.put("cause", cause == null ? "" : cause);
    return failure;
  }

  /**
   * A run's failure for people: {@code [ENV: ]ERROR}, then the cause's lines (an invalid pipeline
   * file's problems each on its own line), at most {@code maxLines} of them.
   */
  public static List<String> reason(JsonNode failure, int maxLines) {
    List<String> lines = new ArrayList<>();
    if (failure == null || !failure.isObject()) {
      return lines;
    }
    String where = failure.has("environment") ? failure.path("environment").asText() + ": " : "";
    List<String> cause = failure.path("cause").asText("").strip().lines().toList();
    if (cause.size() == 1) {
      lines.add(where + failure.path("error").asText() + ": " + cause.get(0));
      return lines;
    }
    lines.add(where + failure.path("error").asText());
    int shown = Math.min(cause.size(), maxLines);
    lines.addAll(cause.subList(0, shown));
    if (cause.size() > shown) {
      lines.add("… " + (cause.size() - shown) + " more");
    }
    return lines;
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
