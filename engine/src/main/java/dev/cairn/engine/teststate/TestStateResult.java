package dev.cairn.engine.teststate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.engine.json.Json;

/**
 * What testing one state produced, shaped like the TestState API's response.
 *
 * @param status the outcome
 * @param output the state's output (SUCCEEDED, CAUGHT_ERROR), else null
 * @param error the error name (FAILED, CAUGHT_ERROR, RETRIABLE), else null
 * @param cause the error's cause, or null
 * @param nextState the state that would run next (SUCCEEDED unless the state ends its machine,
 *     CAUGHT_ERROR), else null
 * @param inspectionData the values of the state's data flow steps; empty at INFO level
 */
public record TestStateResult(
    TestStatus status,
    JsonNode output,
    String error,
    String cause,
    String nextState,
    ObjectNode inspectionData) {
  /**
   * The result as one JSON object: {@code status}, then {@code output}, {@code error}, {@code
   * cause}, {@code nextState} and {@code inspectionData} where they have a value.
   */
  public ObjectNode toJson() {
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
    if (nextState != null) {
      json.put("nextState", nextState);
    }
    if (inspectionData != null && !inspectionData.isEmpty()) {
      json.set("inspectionData", inspectionData);
    }
    return json;
  }
}
