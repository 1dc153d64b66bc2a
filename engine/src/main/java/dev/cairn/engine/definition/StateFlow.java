package dev.cairn.engine.definition;

import dev.cairn.engine.expression.Expression;
import dev.cairn.engine.expression.JsonataTemplate;
import java.util.List;
import java.util.Map;

/**
 * What a state has besides its JSONPath data flow: its query language, its variable assignments
 * and, in a JSONata state, the expressions of its fields.
 *
 * @param jsonata whether the state's query language is JSONata
 * @param assign the state's top-level Assign (a JSONata template or a JSONPath payload template),
 *     or null
 * @param fields a JSONata state's evaluated fields by name ({@code Arguments}, {@code Output},
 *     {@code Items}, {@code ItemSelector}, and those of {@code TimeoutSeconds}, {@code
 *     HeartbeatSeconds}, {@code Seconds}, {@code Timestamp}, {@code MaxConcurrency}, {@code
 *     ToleratedFailureCount}, {@code ToleratedFailurePercentage}, {@code Error} and {@code Cause}
 *     that hold an expression)
 * @param choices per element of a Choice state's Choices: its Condition (JSONata), Assign, Output
 * @param catchers per element of Catch: its Assign and Output
 */
public record StateFlow(
    boolean jsonata,
    Expression assign,
    Map<String, JsonataTemplate> fields,
    List<Rule> choices,
    List<Rule> catchers) {
  /** A JSONPath state without Assign. */
  public static final StateFlow JSONPATH =
      new StateFlow(false, null, Map.of(), List.of(), List.of());

  public StateFlow {
    fields = Map.copyOf(fields);
    choices = List.copyOf(choices);
    catchers = List.copyOf(catchers);
  }

  /** A JSONata field's template, or null when the state does not evaluate it. */
  public JsonataTemplate field(String name) {
    return fields.get(name);
  }

  /** The extras of Choices element {@code index}; an empty rule when there are none. */
  public Rule choice(int index) {
    return index < choices.size() ? choices.get(index) : Rule.NONE;
  }

  /** The extras of Catch element {@code index}; an empty rule when there are none. */
  public Rule catcher(int index) {
    return index < catchers.size() ? catchers.get(index) : Rule.NONE;
  }

  /**
   * The parts of a choice rule or catcher that are not JSONPath data flow.
   *
   * @param condition a JSONata choice rule's Condition, or null
   * @param assign its Assign, or null
   * @param output a JSONata rule's or catcher's Output, or null
   */
  public record Rule(JsonataTemplate condition, Expression assign, JsonataTemplate output) {
    /** Nothing besides JSONPath. */
    public static final Rule NONE = new Rule(null, null, null);
  }
}
