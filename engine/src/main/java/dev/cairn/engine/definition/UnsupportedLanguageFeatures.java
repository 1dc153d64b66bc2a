package dev.cairn.engine.definition;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The one place that turns away JSONata and variables ({@code Assign}), which Cairn's engine does
 * not run yet. Supporting them means replacing this check (and teaching the state parsers their
 * fields); nothing else in the parser knows about them.
 *
 * <p>A definition using them gets one problem per feature, at its first use, instead of a cascade
 * of "field not allowed" problems for every JSONata field.
 */
final class UnsupportedLanguageFeatures {
  static final String JSONATA_MESSAGE =
      "JSONata is not supported by Cairn's engine yet (JSONPath only)";
  static final String VARIABLES_MESSAGE =
      "variables (Assign) are not supported by Cairn's engine yet";

  /** Fields that exist only in JSONata states. */
  private static final Set<String> JSONATA_STATE_FIELDS = Set.of("Arguments", "Output", "Items");

  /** Fields whose value JSONata evaluates when it is a {@code {% ... %}} string. */
  private static final Set<String> JSONATA_EXPRESSION_FIELDS =
      Set.of(
          "Seconds",
          "Timestamp",
          "Error",
          "Cause",
          "TimeoutSeconds",
          "HeartbeatSeconds",
          "MaxConcurrency",
          "ToleratedFailureCount",
          "ToleratedFailurePercentage");

  /** The first use of each feature, in the order they were met. */
  private final List<ValidationProblem> found = new ArrayList<>();

  private boolean jsonataFound;
  private boolean assignFound;

  private UnsupportedLanguageFeatures() {}

  /**
   * Looks through the whole definition, nested machines included.
   *
   * @return at most one problem for JSONata and one for variables; empty when neither is used
   */
  static List<ValidationProblem> check(JsonNode definition) {
    UnsupportedLanguageFeatures scan = new UnsupportedLanguageFeatures();
    scan.machine(definition, "");
    return List.copyOf(scan.found);
  }

  private void machine(JsonNode machine, String location) {
    if (machine == null || !machine.isObject()) {
      return;
    }
    JsonNode language = machine.get("QueryLanguage");
    if (language != null && isJsonata(language)) {
      jsonata(location + "/QueryLanguage");
    }
    JsonNode states = machine.get("States");
    if (states == null || !states.isObject()) {
      return;
    }
    states
        .properties()
        .forEach(entry -> state(entry.getValue(), location + "/States/" + entry.getKey()));
  }

  private void state(JsonNode state, String location) {
    if (!state.isObject()) {
      return;
    }
    // Document order, so that the first use reported is the first one a reader meets.
    state
        .properties()
        .forEach(
            field -> {
              String name = field.getKey();
              String at = location + "/" + name;
              if (name.equals("Assign")) {
                assign(at);
              } else if (name.equals("QueryLanguage") && isJsonata(field.getValue())
                  || JSONATA_STATE_FIELDS.contains(name)
                  || JSONATA_EXPRESSION_FIELDS.contains(name)
                      && isJsonataExpression(field.getValue())) {
                jsonata(at);
              }
            });
    elements(state.get("Choices"), location + "/Choices", true);
    elements(state.get("Catch"), location + "/Catch", false);
    JsonNode branches = state.get("Branches");
    if (branches != null && branches.isArray()) {
      for (int i = 0; i < branches.size(); i++) {
        machine(branches.get(i), location + "/Branches/" + i);
      }
    }
    machine(state.get("ItemProcessor"), location + "/ItemProcessor");
    machine(state.get("Iterator"), location + "/Iterator");
  }

  /** Choice rules and catchers may carry their own Assign and Output (and rules a Condition). */
  private void elements(JsonNode array, String location, boolean choiceRules) {
    if (array == null || !array.isArray()) {
      return;
    }
    for (int i = 0; i < array.size(); i++) {
      JsonNode element = array.get(i);
      String at = location + "/" + i;
      if (!element.isObject()) {
        continue;
      }
      if (element.has("Assign")) {
        assign(at + "/Assign");
      }
      if (element.has("Output")) {
        jsonata(at + "/Output");
      }
      if (choiceRules && element.has("Condition")) {
        jsonata(at + "/Condition");
      }
    }
  }

  private static boolean isJsonata(JsonNode queryLanguage) {
    return queryLanguage.isTextual() && queryLanguage.textValue().equals("JSONata");
  }

  private void assign(String location) {
    if (!assignFound) {
      assignFound = true;
      FieldReader.report(found, location, ValidationRules.UNSUPPORTED_FEATURE, VARIABLES_MESSAGE);
    }
  }

  private void jsonata(String location) {
    if (!jsonataFound) {
      jsonataFound = true;
      FieldReader.report(found, location, ValidationRules.UNSUPPORTED_FEATURE, JSONATA_MESSAGE);
    }
  }

  private static boolean isJsonataExpression(JsonNode value) {
    if (value == null || !value.isTextual()) {
      return false;
    }
    String text = value.textValue().strip();
    return text.startsWith("{%") && text.endsWith("%}");
  }
}
