package dev.cairn.engine.choice;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.definition.ValidationProblem;
import java.util.List;

/** Parses Choice rules (the objects in a Choice state's {@code Choices} array, minus Next). */
public final class ChoiceRules {
  private ChoiceRules() {}

  /**
   * Parses one boolean expression.
   *
   * @param rule the JSON object of the rule (a top-level rule may also carry {@code Next}, {@code
   *     Comment}, which are ignored here)
   * @param location the rule's location in the definition, e.g. {@code /States/Check/Choices/0}
   * @param problems where every problem found is added (parsing goes on to find them all)
   * @return the rule, or null when problems were added
   */
  public static ChoiceRule parse(JsonNode rule, String location, List<ValidationProblem> problems) {
    throw new UnsupportedOperationException("stub");
  }
}
