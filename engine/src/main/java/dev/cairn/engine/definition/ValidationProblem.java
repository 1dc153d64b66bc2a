package dev.cairn.engine.definition;

/**
 * One reason a state machine definition is rejected.
 *
 * @param location where, as a path into the definition, e.g. {@code /States/Build/Retry/0} (the
 *     slash-separated JSON pointer, with state names as written)
 * @param rule a short stable name of the broken rule, e.g. {@code MISSING_TRANSITION_TARGET},
 *     {@code INVALID_JSONPATH}; scripts may match on it
 * @param message what is wrong and what was expected, for people
 */
public record ValidationProblem(String location, String rule, String message) {
  @Override
  public String toString() {
    return location + ": " + message + " [" + rule + "]";
  }
}
