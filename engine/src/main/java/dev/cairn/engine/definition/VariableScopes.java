package dev.cairn.engine.definition;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rule of variable scopes: a Parallel branch or a Map item processor is a scope of its own that
 * may read the variables of the scopes around it but must not assign a variable of the same name as
 * one of theirs (its results go back through its output instead).
 *
 * <p>Reads the raw definition, so that it also judges machines with other problems.
 */
final class VariableScopes {
  private static final List<String> PROCESSORS = List.of("ItemProcessor", "Iterator");
  private static final List<String> RULE_ARRAYS = List.of("Choices", "Catch");

  private VariableScopes() {}

  /** Adds a problem for every Assign of an inner scope that names a variable of an outer one. */
  static void check(JsonNode definition, List<ValidationProblem> problems) {
    machine(definition, "", Set.of(), problems);
  }

  private static void machine(
      JsonNode machine, String location, Set<String> outer, List<ValidationProblem> problems) {
    JsonNode states = machine == null ? null : machine.get("States");
    if (states == null || !states.isObject()) {
      return;
    }
    // Every name assigned anywhere in this scope, with where it is assigned.
    Map<String, String> own = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> state : states.properties()) {
      assigned(state.getValue(), location, state.getKey(), own);
    }
    own.forEach(
        (name, at) -> {
          if (outer.contains(name)) {
            FieldReader.report(
                problems,
                at,
                ValidationRules.INVALID_VALUE,
                "the variable '"
                    + name
                    + "' belongs to an outer scope: a Parallel branch or Map iteration can read it"
                    + " but not assign it (return the value through the state output instead)");
          }
        });
    Set<String> visible = new HashSet<>(outer);
    visible.addAll(own.keySet());
    for (Map.Entry<String, JsonNode> state : states.properties()) {
      JsonNode branches = state.getValue().get("Branches");
      if (branches != null && branches.isArray()) {
        String at = location + "/States/" + state.getKey();
        for (int i = 0; i < branches.size(); i++) {
          machine(branches.get(i), at + "/Branches/" + i, visible, problems);
        }
      }
      for (String processor : PROCESSORS) {
        JsonNode inner = state.getValue().get(processor);
        if (inner != null && inner.isObject()) {
          machine(
              inner, location + "/States/" + state.getKey() + "/" + processor, visible, problems);
        }
      }
    }
  }

  /**
   * The names a state assigns: its own Assign and those of its choice rules and catchers. Locations
   * are built only where there is an Assign: a machine of thousands of states has few.
   */
  private static void assigned(
      JsonNode state, String machineLocation, String stateName, Map<String, String> names) {
    if (!state.isObject()) {
      return;
    }
    JsonNode own = state.get("Assign");
    if (own != null && own.isObject()) {
      names(own, machineLocation + "/States/" + stateName + "/Assign", names);
    }
    for (String array : RULE_ARRAYS) {
      JsonNode elements = state.get(array);
      if (elements != null && elements.isArray()) {
        for (int i = 0; i < elements.size(); i++) {
          JsonNode assign = elements.get(i).get("Assign");
          if (assign != null && assign.isObject()) {
            names(
                assign,
                machineLocation + "/States/" + stateName + "/" + array + "/" + i + "/Assign",
                names);
          }
        }
      }
    }
  }

  private static void names(JsonNode assign, String location, Map<String, String> names) {
    for (String key : (Iterable<String>) assign::fieldNames) {
      String name = key.endsWith(".$") ? key.substring(0, key.length() - 2) : key;
      names.putIfAbsent(name, location + "/" + key);
    }
  }
}
