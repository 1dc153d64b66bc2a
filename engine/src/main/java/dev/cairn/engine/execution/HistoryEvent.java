package dev.cairn.engine.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.engine.json.Json;
import java.time.Instant;

/**
 * One event of an execution's history, named and shaped like Step Functions' GetExecutionHistory:
 * {@code type} is e.g. {@link HistoryEventType#TASK_STATE_ENTERED} ({@code TaskStateEntered}) and
 * {@code details} holds what Step Functions puts in the matching {@code ...EventDetails} object.
 * Events are persisted before the engine acts on them; replaying them rebuilds the execution.
 *
 * @param id 1-based position in the history
 * @param previousEventId the event this one follows from (0 for the first)
 * @param timestamp when it happened
 * @param type the Step Functions event type
 * @param frame where in the execution it happened: empty for the top level, otherwise the Parallel
 *     branch or Map iteration (engine bookkeeping, not part of Step Functions' shape)
 * @param details the event details
 */
public record HistoryEvent(
    long id,
    long previousEventId,
    Instant timestamp,
    HistoryEventType type,
    String frame,
    ObjectNode details) {

  /** A text field of the details, or null. */
  public String text(String field) {
    JsonNode value = details.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  /**
   * The event as Step Functions' GetExecutionHistory shows it: {@code id}, {@code previousEventId},
   * {@code timestamp}, {@code type} and the {@code ...EventDetails} object.
   */
  public ObjectNode toStepFunctionsJson() {
    ObjectNode json = Json.object();
    json.put("id", id);
    json.put("previousEventId", previousEventId);
    json.put("timestamp", timestamp.toString());
    json.put("type", type.wireName());
    if (!details.isEmpty()) {
      ObjectNode shown = details;
      if (details.has(StateSemantics.HEARTBEAT_DETAIL)) {
        // Cairn's own mark for replay; Step Functions shows a heartbeat timeout as any timeout.
        shown = details.deepCopy();
        shown.remove(StateSemantics.HEARTBEAT_DETAIL);
      }
      json.set(type.detailsFieldName(), shown);
    }
    return json;
  }
}
