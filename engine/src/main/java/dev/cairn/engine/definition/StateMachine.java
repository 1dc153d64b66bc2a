package dev.cairn.engine.definition;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * A parsed and validated state machine: the whole definition, a Parallel branch, or a Map item
 * processor.
 *
 * @param startAt the first state's name
 * @param states every state by name, in definition order
 * @param timeoutSeconds the execution's time limit (top-level only), or null for none
 * @param comment the Comment, or null
 * @param source the JSON it was parsed from
 * @param flows each state's query language, Assign and JSONata fields, by state name (a state
 *     missing here is a JSONPath state without Assign)
 */
public record StateMachine(
    String startAt,
    Map<String, State> states,
    Integer timeoutSeconds,
    String comment,
    JsonNode source,
    Map<String, StateFlow> flows) {
  public StateMachine {
    states = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(states));
    flows = Map.copyOf(flows);
  }

  /** A JSONPath-only machine without variables. */
  public StateMachine(
      String startAt,
      Map<String, State> states,
      Integer timeoutSeconds,
      String comment,
      JsonNode source) {
    this(startAt, states, timeoutSeconds, comment, source, Map.of());
  }

  /** The query language, Assign and JSONata fields of a state. */
  public StateFlow flow(String name) {
    return flows.getOrDefault(name, StateFlow.JSONPATH);
  }

  /** The state of that name; the definition was validated, so transitions always resolve. */
  public State state(String name) {
    State state = states.get(name);
    if (state == null) {
      throw new IllegalArgumentException("no state named '" + name + "'");
    }
    return state;
  }
}
