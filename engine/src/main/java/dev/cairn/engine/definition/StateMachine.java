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
 */
public record StateMachine(
    String startAt,
    Map<String, State> states,
    Integer timeoutSeconds,
    String comment,
    JsonNode source) {
  public StateMachine {
    states = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(states));
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
