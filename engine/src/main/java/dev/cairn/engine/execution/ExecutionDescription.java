package dev.cairn.engine.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.engine.json.Json;
import java.time.Instant;

/**
 * What DescribeExecution tells of an execution.
 *
 * @param executionArn the execution's id
 * @param name the execution's name
 * @param stateMachineName the state machine's name
 * @param status its status
 * @param startDate when it started
 * @param stopDate when it ended, or null
 * @param input its input
 * @param output its output (SUCCEEDED only), or null
 * @param error the error name (FAILED, TIMED_OUT, ABORTED), or null
 * @param cause the cause, or null
 */
public record ExecutionDescription(
    String executionArn,
    String name,
    String stateMachineName,
    ExecutionStatus status,
    Instant startDate,
    Instant stopDate,
    JsonNode input,
    JsonNode output,
    String error,
    String cause) {

  /**
   * The result as {@code cairn states run --json} prints it: status, and output, error and cause
   * where present.
   */
  public ObjectNode toResultJson() {
    ObjectNode json = Json.object();
    json.put("status", status.name());
    if (output != null) {
      json.set("output", output);
    }
    if (error != null) {
      json.put("error", error);
    }
    if (cause != null) {
      json.put("cause", cause);
    }
    return json;
  }

  /** The description as JSON, shaped like DescribeExecution's response. */
  public ObjectNode toJson() {
    ObjectNode json = Json.object();
    json.put("executionArn", executionArn);
    json.put("name", name);
    json.put("stateMachineName", stateMachineName);
    json.put("status", status.name());
    json.put("startDate", startDate.toString());
    if (stopDate != null) {
      json.put("stopDate", stopDate.toString());
    }
    json.set("input", input);
    if (output != null) {
      json.set("output", output);
    }
    if (error != null) {
      json.put("error", error);
    }
    if (cause != null) {
      json.put("cause", cause);
    }
    return json;
  }
}
