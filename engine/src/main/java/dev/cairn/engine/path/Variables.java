package dev.cairn.engine.path;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The state machine variables one state sees: those of its own scope (the top level, one Parallel
 * branch or one Map iteration) and, read-only, those of the scopes around it.
 *
 * <p>Immutable: {@link #assign} returns new variables, so that every expression of a state sees the
 * values from the state's entry, whatever the state assigns.
 */
public final class Variables {
  /** No variables at all. */
  public static final Variables NONE = new Variables(null, Map.of());

  private final Variables outer;
  private final Map<String, JsonNode> own;

  private Variables(Variables outer, Map<String, JsonNode> own) {
    this.outer = outer;
    this.own = own;
  }

  /** A scope holding exactly {@code values}, inside no other. */
  public static Variables of(Map<String, JsonNode> values) {
    return new Variables(null, Collections.unmodifiableMap(new LinkedHashMap<>(values)));
  }

  /** A new, empty scope inside this one (a Parallel branch or a Map iteration). */
  public Variables inner() {
    return new Variables(this, Map.of());
  }

  /** The value of a variable, from this scope or an outer one; null when it has none. */
  public JsonNode get(String name) {
    for (Variables scope = this; scope != null; scope = scope.outer) {
      JsonNode value = scope.own.get(name);
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  /** The variables of this scope after assigning {@code values} (which win over older ones). */
  public Variables assign(Map<String, JsonNode> values) {
    if (values.isEmpty()) {
      return this;
    }
    Map<String, JsonNode> merged = new LinkedHashMap<>(own);
    merged.putAll(values);
    return new Variables(outer, Collections.unmodifiableMap(merged));
  }

  /** The variables of this scope only (not the outer ones), as assigned. */
  public Map<String, JsonNode> own() {
    return own;
  }

  /** Every variable visible here, inner values winning, for reports such as TestState's. */
  public Map<String, JsonNode> visible() {
    Map<String, JsonNode> all = outer == null ? new LinkedHashMap<>() : outer.visible();
    all.putAll(own);
    return all;
  }

  /** Whether no variable is visible here. */
  public boolean isEmpty() {
    return own.isEmpty() && (outer == null || outer.isEmpty());
  }
}
