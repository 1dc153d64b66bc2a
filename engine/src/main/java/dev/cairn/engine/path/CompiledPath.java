package dev.cairn.engine.path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.cairn.engine.json.Json;
import java.util.List;
import java.util.function.Consumer;

/**
 * The parsed steps of a path, without its {@code $}/{@code $$} root: shared by {@link JsonPath},
 * {@link ReferencePath} and the relative {@code @} paths inside filters.
 */
final class CompiledPath {
  private final Segment[] segments;
  private final PathFunction function;
  private final boolean definite;

  CompiledPath(List<Segment> segments, PathFunction function) {
    this.segments = segments.toArray(Segment[]::new);
    this.function = function;
    boolean allDefinite = true;
    for (int i = 0; i < this.segments.length; i++) {
      allDefinite &= this.segments[i].definite(i == this.segments.length - 1);
    }
    this.definite = allDefinite;
  }

  List<Segment> segments() {
    return List.of(segments);
  }

  PathFunction function() {
    return function;
  }

  /** Jayway's notion: the path yields one value (or none), not a list. */
  boolean definite() {
    return definite;
  }

  /** Only member names and single indices, and no function: a reference path. */
  boolean reference() {
    if (function != null) {
      return false;
    }
    for (Segment segment : segments) {
      if (!(segment instanceof Segment.Child) && !(segment instanceof Segment.Index)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Evaluates the path from {@code start}.
   *
   * @param documentRoot what {@code $} means inside filters
   * @return for a definite path the value or null; otherwise an array of the matches; with a
   *     function, the function's value or null when it has none
   */
  JsonNode read(JsonNode start, JsonNode documentRoot) {
    JsonNode value = definite ? walk(start) : collectAll(start, documentRoot);
    if (function == null || value == null) {
      return value;
    }
    return function.apply(value);
  }

  // The common case (names and indices only) runs without allocating.
  private JsonNode walk(JsonNode start) {
    JsonNode current = start;
    for (Segment segment : segments) {
      if (current == null) {
        return null;
      }
      // instanceof rather than a pattern switch: the switch's bootstrap generates a class at run
      // time, which every short-lived process reading a path paid for.
      if (segment instanceof Segment.Child child) {
        current = child.step(current);
      } else if (segment instanceof Segment.Index index) {
        current = index.step(current);
      } else if (segment instanceof Segment.Children children) {
        current = current.isObject() ? children.merge(current) : null;
      } else {
        throw new IllegalStateException("indefinite step in a definite path");
      }
    }
    return current;
  }

  private ArrayNode collectAll(JsonNode start, JsonNode documentRoot) {
    ArrayNode matches = Json.NODES.arrayNode();
    if (start != null) {
      collect(0, start, documentRoot, matches::add);
    }
    return matches;
  }

  private void collect(int i, JsonNode node, JsonNode documentRoot, Consumer<JsonNode> out) {
    if (i == segments.length) {
      out.accept(node);
      return;
    }
    boolean leaf = i == segments.length - 1;
    Consumer<JsonNode> next = leaf ? out : child -> collect(i + 1, child, documentRoot, out);
    segments[i].select(node, documentRoot, leaf, next);
  }

  /** The path in Jayway's bracket notation, e.g. {@code $['a'][0]}. */
  String normalized() {
    StringBuilder text = new StringBuilder("$");
    for (Segment segment : segments) {
      text.append(segment.normalized());
    }
    if (function != null) {
      text.append('.').append(function.text());
    }
    return text.toString();
  }

  /**
   * Explains why a definite path found nothing in {@code root}, in the words Jayway JsonPath (which
   * Step Functions uses) puts in its exception.
   */
  String describeMiss(JsonNode root) {
    StringBuilder current = new StringBuilder("$");
    JsonNode node = root;
    for (int i = 0; i < segments.length; i++) {
      boolean leaf = i == segments.length - 1;
      Segment segment = segments[i];
      switch (segment) {
        case Segment.Child child -> {
          if (node == null || !node.isObject()) {
            return notAnObject(segment, current, node);
          }
          if (!node.has(child.name())) {
            return leaf
                ? "No results for path: " + normalized()
                : "Missing property in path " + current + segment.normalized();
          }
          node = node.get(child.name());
        }
        case Segment.Index index -> {
          if (node == null || node.isNull()) {
            return "The path " + current + " is null";
          }
          if (!node.isArray()) {
            return "Filter: "
                + segment.normalized()
                + " can only be applied to arrays. Current context is: "
                + Json.write(node);
          }
          node = index.step(node);
          if (node == null) {
            return "No results for path: " + normalized();
          }
        }
        case Segment.Children children -> {
          if (node == null || !node.isObject()) {
            return notAnObject(segment, current, node);
          }
        }
        default -> {
          return "No results for path: " + normalized();
        }
      }
      current.append(segment.normalized());
    }
    return "No results for path: " + normalized();
  }

  private static String notAnObject(Segment segment, CharSequence current, JsonNode node) {
    return "Expected to find an object with property "
        + segment.normalized()
        + " in path "
        + current
        + " but found '"
        + javaTypeName(node)
        + "'. This is not a json object according to the JsonProvider: "
        + "'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'.";
  }

  // The class Jayway's default JSON provider would hold the value as: part of its message.
  private static String javaTypeName(JsonNode node) {
    if (node == null || node.isNull()) {
      return "null";
    }
    if (node.isTextual()) {
      return "java.lang.String";
    }
    if (node.isBoolean()) {
      return "java.lang.Boolean";
    }
    if (node.isArray()) {
      return "net.minidev.json.JSONArray";
    }
    if (node.isIntegralNumber()) {
      return node.canConvertToInt() ? "java.lang.Integer" : "java.lang.Long";
    }
    return "java.lang.Double";
  }
}
