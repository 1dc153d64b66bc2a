package dev.cairn.engine.definition;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.AbstractSet;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses a state machine, a Parallel branch or a Map item processor: its own fields, each state,
 * and the rules about the graph of transitions (targets exist in the same scope, every state is
 * reachable, something ends the machine).
 */
final class MachineParser {
  /** What kind of machine is parsed; they differ in their allowed fields and in messages. */
  enum Kind {
    TOP("the state machine", "the state machine"),
    BRANCH("a Parallel branch", "this Parallel branch"),
    PROCESSOR("an item processor", "this item processor");

    final String owner;
    final String scope;

    Kind(String owner, String scope) {
      this.owner = owner;
      this.scope = scope;
    }
  }

  /**
   * The states a transition may name: those of the same {@code States} object.
   *
   * @param names the state names
   * @param description for messages, e.g. {@code this Parallel branch}
   */
  record Scope(Set<String> names, String description) {}

  static final int MAX_STATE_NAME_LENGTH = 80;

  private static final Set<String> TOP_FIELDS =
      Set.of("Comment", "StartAt", "States", "Version", "TimeoutSeconds", "QueryLanguage");
  private static final Set<String> BRANCH_FIELDS = Set.of("Comment", "StartAt", "States");
  private static final Set<String> PROCESSOR_FIELDS =
      Set.of("Comment", "StartAt", "States", "ProcessorConfig");

  private final List<ValidationProblem> problems;

  /** Whether a Map's ItemReader is accepted because its items are supplied (TestState). */
  private final boolean simulatedItemReaders;

  /** Whether the top-level QueryLanguage is JSONata, the default of every state. */
  private boolean topJsonata;

  /**
   * Every state name of the whole definition and the States object where it was first used (the
   * pointer of that object: the state's own is built only for a message); made when the top-level
   * States object is known, sized for it.
   */
  private Map<String, String> namesInUse;

  MachineParser(List<ValidationProblem> problems, boolean simulatedItemReaders) {
    this.problems = problems;
    this.simulatedItemReaders = simulatedItemReaders;
  }

  boolean simulatedItemReaders() {
    return simulatedItemReaders;
  }

  /**
   * Parses one machine.
   *
   * @return the machine, or null when problems were found in it
   */
  StateMachine parse(JsonNode node, String location, Kind kind) {
    int problemsBefore = problems.size();
    if (!node.isObject()) {
      FieldReader.report(
          problems,
          location,
          ValidationRules.INVALID_TYPE,
          kind.owner
              + " must be an object with StartAt and States, but is "
              + FieldReader.typeOf(node));
      return null;
    }
    FieldReader fields = new FieldReader(node, location, kind.owner, problems);
    fields.allowOnly(
        switch (kind) {
          case TOP -> TOP_FIELDS;
          case BRANCH -> BRANCH_FIELDS;
          case PROCESSOR -> PROCESSOR_FIELDS;
        });
    String comment = fields.string("Comment");
    Integer timeoutSeconds = null;
    if (kind == Kind.TOP) {
      fields.string("Version");
      topJsonata = "JSONata".equals(fields.oneOf("QueryLanguage", List.of("JSONPath", "JSONata")));
      timeoutSeconds = fields.smallInteger("TimeoutSeconds", 1);
    }
    String startAt = fields.requiredString("StartAt");
    JsonNode statesNode = fields.require("States") ? fields.object("States") : null;
    if (statesNode == null) {
      return null;
    }
    if (statesNode.isEmpty()) {
      fields.report(
          fields.at("States"),
          ValidationRules.INVALID_VALUE,
          "States must contain at least one state");
      return null;
    }
    if (namesInUse == null) {
      namesInUse = HashMap.newHashMap(statesNode.size());
    }
    Scope scope = new Scope(namesOf(statesNode), kind.scope);
    boolean startExists = startAt != null && scope.names().contains(startAt);
    if (startAt != null && !startExists) {
      fields.report(
          fields.at("StartAt"),
          ValidationRules.MISSING_TRANSITION_TARGET,
          "StartAt names '"
              + startAt
              + "', but no state of that name exists in "
              + scope.description());
    }

    StateParser stateParser = new StateParser(this, problems, topJsonata);
    Map<String, State> states = LinkedHashMap.newLinkedHashMap(statesNode.size());
    String statesLocation = fields.at("States");
    for (String name : scope.names()) {
      checkName(name, statesLocation);
      State state = stateParser.parse(name, statesNode.get(name), statesLocation, scope);
      if (state != null) {
        states.put(name, state);
      }
    }

    if (startExists) {
      reportUnreachable(statesNode, startAt, statesLocation);
    }
    if (!hasTerminalState(statesNode)) {
      fields.report(
          statesLocation,
          ValidationRules.NO_TERMINAL_STATE,
          kind.owner
              + " has no terminal state: at least one state must have \"End\": true or be of"
              + " Type Succeed or Fail");
    }
    if (problems.size() > problemsBefore) {
      return null;
    }
    return new StateMachine(startAt, states, timeoutSeconds, comment, node, stateParser.flows());
  }

  /**
   * Checks a state's name; its location, {@code statesLocation + "/" + name}, is built only for a
   * problem.
   */
  private void checkName(String name, String statesLocation) {
    if (name.isEmpty()) {
      FieldReader.report(
          problems,
          statesLocation + "/" + name,
          ValidationRules.INVALID_VALUE,
          "a state name must not be empty");
    }
    if (name.length() > MAX_STATE_NAME_LENGTH
        && name.codePointCount(0, name.length()) > MAX_STATE_NAME_LENGTH) {
      FieldReader.report(
          problems,
          statesLocation + "/" + name,
          ValidationRules.INVALID_VALUE,
          "state name '"
              + name
              + "' is "
              + name.codePointCount(0, name.length())
              + " characters long; at most "
              + MAX_STATE_NAME_LENGTH
              + " are allowed");
    }
    String firstUse = namesInUse.putIfAbsent(name, statesLocation);
    if (firstUse != null) {
      FieldReader.report(
          problems,
          statesLocation + "/" + name,
          ValidationRules.DUPLICATE_STATE_NAME,
          "state name '"
              + name
              + "' is already used at "
              + firstUse
              + "/"
              + name
              + "; state names must be unique in the whole state machine, branches and item"
              + " processors included");
    }
  }

  /**
   * Follows every transition from StartAt. Reads the raw JSON rather than the parsed states so that
   * a state with other problems still counts, and its successors are not reported as unreachable.
   */
  private void reportUnreachable(JsonNode statesNode, String startAt, String statesLocation) {
    Set<String> reached = HashSet.newHashSet(statesNode.size());
    Deque<String> pending = new ArrayDeque<>();
    pending.add(startAt);
    while (!pending.isEmpty()) {
      String name = pending.poll();
      JsonNode state = statesNode.get(name);
      if (state == null || !reached.add(name)) {
        continue;
      }
      addSuccessors(state, pending);
    }
    if (reached.size() == statesNode.size()) {
      return; // every state reached: the common case, no second walk over the names
    }
    for (String name : fieldNames(statesNode)) {
      if (!reached.contains(name)) {
        FieldReader.report(
            problems,
            statesLocation + "/" + name,
            ValidationRules.UNREACHABLE_STATE,
            "state '"
                + name
                + "' cannot be reached from StartAt '"
                + startAt
                + "'; remove it or add a transition to it");
      }
    }
  }

  /** Adds the names a state's transitions target: Next, Default, its choices' and catchers'. */
  private static void addSuccessors(JsonNode state, Deque<String> names) {
    addText(state.get("Next"), names);
    addText(state.get("Default"), names);
    addRuleTargets(state.get("Choices"), names);
    addRuleTargets(state.get("Catch"), names);
  }

  private static void addRuleTargets(JsonNode elements, Deque<String> names) {
    if (elements != null && elements.isArray()) {
      for (JsonNode element : elements) {
        addText(element.get("Next"), names);
      }
    }
  }

  private static void addText(JsonNode value, Deque<String> names) {
    if (value != null && value.isTextual()) {
      names.add(value.textValue());
    }
  }

  private static boolean hasTerminalState(JsonNode statesNode) {
    for (JsonNode state : statesNode) {
      JsonNode type = state.get("Type");
      JsonNode end = state.get("End");
      boolean endsByType =
          type != null && (type.asText().equals("Succeed") || type.asText().equals("Fail"));
      if (endsByType || (end != null && end.isBoolean() && end.booleanValue())) {
        return true;
      }
    }
    return false;
  }

  /**
   * The names of a States object as a set backed by the node: the names are only looked up and
   * iterated while parsing, so a copy (20,000 entries for a chain of 20,000 states) is not needed.
   */
  private static Set<String> namesOf(JsonNode statesNode) {
    return new AbstractSet<>() {
      @Override
      public boolean contains(Object name) {
        return name instanceof String text && statesNode.get(text) != null;
      }

      @Override
      public Iterator<String> iterator() {
        return statesNode.fieldNames();
      }

      @Override
      public int size() {
        return statesNode.size();
      }
    };
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
