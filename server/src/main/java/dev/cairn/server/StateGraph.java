package dev.cairn.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.pipeline.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's state machine as a Mermaid flowchart whose states are marked by how far the run got:
 * {@code active} (entered, not left), {@code done} (left), {@code failed} (a Fail state reached, or
 * the state the run failed in). Mermaid lays it out in the browser; this class only names the
 * states and their transitions ({@code Next}, {@code Default}, {@code Choices}, {@code Catch}).
 */
final class StateGraph {
  private StateGraph() {}

  /** Each state's mark, in the definition's order; unmarked states are left out. */
  static Map<String, String> marks(DashboardData.RunDetail run) {
    Map<String, String> marks = new LinkedHashMap<>();
    for (DashboardData.StateEvent event : run.events()) {
      marks.put(event.state(), event.entered() ? "active" : "done");
    }
    JsonNode states = Json.parse(run.definition()).path("States");
    for (Map.Entry<String, String> mark : marks.entrySet()) {
      if (states.path(mark.getKey()).path("Type").asText().equals("Fail")) {
        mark.setValue("failed");
      } else if (run.ended() && mark.getValue().equals("active")) {
        // The run ended inside this state: that is where it failed (or was stopped).
        mark.setValue(run.run().path("status").asText().equals("SUCCEEDED") ? "done" : "failed");
      }
    }
    return marks;
  }

  /** The Mermaid flowchart of {@code definition} with the marks as classes. */
  static String mermaid(String definition, Map<String, String> marks) {
    JsonNode states = Json.parse(definition).path("States");
    Map<String, String> ids = new LinkedHashMap<>();
    states.fieldNames().forEachRemaining(name -> ids.put(name, "s" + ids.size()));
    StringBuilder out = new StringBuilder("flowchart TD\n");
    ids.forEach(
        (name, id) -> {
          String type = states.path(name).path("Type").asText();
          String label = label(name);
          out.append("  ")
              .append(id)
              .append(
                  switch (type) {
                    case "Choice" -> "{\"" + label + "\"}";
                    case "Succeed", "Fail" -> "([\"" + label + "\"])";
                    default -> "[\"" + label + "\"]";
                  })
              .append('\n');
        });
    ids.forEach(
        (name, id) -> {
          JsonNode state = states.path(name);
          for (String next : nexts(state)) {
            edge(out, id, ids.get(next), "-->");
          }
          for (JsonNode catcher : state.path("Catch")) {
            edge(out, id, ids.get(catcher.path("Next").asText()), "-.->");
          }
        });
    out.append("  classDef active fill:#fde68a,stroke:#b45309,stroke-width:3px\n")
        .append("  classDef done fill:#bbf7d0,stroke:#15803d\n")
        .append("  classDef failed fill:#fecaca,stroke:#b91c1c,stroke-width:3px\n");
    marks.forEach(
        (name, mark) -> {
          String id = ids.get(name);
          if (id != null) {
            out.append("  class ").append(id).append(' ').append(mark).append('\n');
          }
        });
    return out.toString();
  }

  /**
   * What the run page's script gets: the flowchart, each state's mark and the run's status.
   *
   * @return {@code {"status", "mermaid", "states": [{"name", "mark"}]}}
   */
  static ObjectNode json(DashboardData.RunDetail run) {
    Map<String, String> marks = marks(run);
    ObjectNode json = Json.object();
    json.put("status", run.run().path("status").asText());
    json.put("mermaid", mermaid(run.definition(), marks));
    ArrayNode states = json.putArray("states");
    for (String name : stateNames(run.definition())) {
      ObjectNode state = states.addObject();
      state.put("name", name);
      state.put("mark", marks.getOrDefault(name, "waiting"));
    }
    return json;
  }

  /** The states' names, in the definition's order. */
  static List<String> stateNames(String definition) {
    List<String> names = new ArrayList<>();
    Json.parse(definition).path("States").fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static List<String> nexts(JsonNode state) {
    List<String> nexts = new ArrayList<>();
    if (state.hasNonNull("Next")) {
      nexts.add(state.get("Next").asText());
    }
    for (JsonNode choice : state.path("Choices")) {
      nexts.add(choice.path("Next").asText());
    }
    if (state.hasNonNull("Default")) {
      nexts.add(state.get("Default").asText());
    }
    return nexts;
  }

  private static void edge(StringBuilder out, String from, String to, String arrow) {
    if (to != null) {
      out.append("  ").append(from).append(' ').append(arrow).append(' ').append(to).append('\n');
    }
  }

  /** A state's name as a Mermaid label: quotes and markup characters as entities. */
  private static String label(String name) {
    return name.replace("#", "#35;")
        .replace("\"", "#quot;")
        .replace("<", "#lt;")
        .replace(">", "#gt;");
  }
}
