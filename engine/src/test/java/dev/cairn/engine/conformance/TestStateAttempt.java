package dev.cairn.engine.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.engine.conformance.CaseRunner.Outcome;
import dev.cairn.engine.conformance.Corpus.Case;
import dev.cairn.engine.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Approximates the TestState API until the engine has one: the state under test is run as the only
 * state of a machine, which reproduces its output, error and cause. What only TestState reports
 * (mocked results, inspection data, the next state, CAUGHT_ERROR and RETRIABLE statuses) cannot be
 * checked that way, so such cases are reported as failing for that reason rather than skipped.
 */
final class TestStateAttempt {
  /** The reason cases that need the real API fail. */
  static final String NOT_IMPLEMENTED = "TestState API not implemented yet";

  private static final Set<String> TERMINAL_TYPES = Set.of("Choice", "Succeed", "Fail");

  private TestStateAttempt() {}

  /** Why the case cannot be approximated by an execution, if it cannot. */
  static Optional<String> unsupported(Case c) {
    JsonNode request = c.json().path("request");
    List<String> needs = new ArrayList<>();
    for (String field : List.of("mock", "stateConfiguration", "variables", "context")) {
      if (request.has(field)) {
        needs.add(field);
      }
    }
    String status = c.expected().path("status").asText();
    if (!"SUCCEEDED".equals(status) && !"FAILED".equals(status)) {
      needs.add("status " + status);
    }
    if (!needs.isEmpty()) {
      return Optional.of(NOT_IMPLEMENTED + " (needs " + String.join(", ", needs) + ")");
    }
    if (stateUnderTest(c).isEmpty()) {
      return Optional.of(
          "the state " + request.path("stateName").asText() + " is not in the definition");
    }
    return Optional.empty();
  }

  /** A machine whose only state is the state under test, ending after it. */
  static ObjectNode machineOf(Case c) {
    JsonNode request = c.json().path("request");
    ObjectNode state = stateUnderTest(c).orElseThrow().deepCopy();
    if (!TERMINAL_TYPES.contains(state.path("Type").asText())) {
      state.remove("Next");
      state.put("End", true);
    }
    String name = request.has("stateName") ? request.get("stateName").asText() : "TestState";
    ObjectNode machine = Json.object();
    JsonNode queryLanguage = request.path("definition").path("QueryLanguage");
    if (request.has("stateName") && queryLanguage.isTextual()) {
      machine.set("QueryLanguage", queryLanguage);
    }
    machine.put("StartAt", name);
    machine.putObject("States").set(name, state);
    return machine;
  }

  /**
   * The verdict on a case whose output, error and cause matched: it passes unless AWS also returned
   * what an execution cannot show.
   */
  static Outcome unverified(Case c) {
    List<String> unchecked = new ArrayList<>();
    for (String field : List.of("inspectionData", "nextState")) {
      if (c.expected().has(field)) {
        unchecked.add(field);
      }
    }
    return unchecked.isEmpty()
        ? Outcome.PASSED
        : Outcome.failed(
            NOT_IMPLEMENTED
                + " (output matched, but "
                + String.join(" and ", unchecked)
                + " cannot be checked)");
  }

  private static Optional<JsonNode> stateUnderTest(Case c) {
    JsonNode request = c.json().path("request");
    JsonNode definition = request.path("definition");
    if (!request.has("stateName")) {
      return Optional.of(definition);
    }
    return find(definition, request.get("stateName").asText());
  }

  /** Finds a state by name in a machine, including inside Map and Parallel states. */
  private static Optional<JsonNode> find(JsonNode machine, String name) {
    JsonNode states = machine.path("States");
    if (states.has(name)) {
      return Optional.of(states.get(name));
    }
    for (JsonNode state : states) {
      List<JsonNode> nested = new ArrayList<>();
      nested.add(state.path("ItemProcessor"));
      nested.add(state.path("Iterator"));
      state.path("Branches").forEach(nested::add);
      for (JsonNode inner : nested) {
        Optional<JsonNode> found = find(inner, name);
        if (found.isPresent()) {
          return found;
        }
      }
    }
    return Optional.empty();
  }
}
