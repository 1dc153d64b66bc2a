package dev.cairn.engine.path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.engine.error.StatesErrors;
import dev.cairn.engine.error.StatesException;
import dev.cairn.engine.json.Json;
import java.util.List;
import java.util.Objects;

/**
 * A ResultPath: where a state's result is placed in its raw input. {@code $} replaces the input
 * whole; {@code $.a.b} creates the objects on the way. (A null ResultPath, which discards the
 * result, is handled by the caller.)
 */
public final class ReferencePath {
  private final String text;
  private final Segment[] steps;

  private ReferencePath(String text, Segment[] steps) {
    this.text = text;
    this.steps = steps;
  }

  /**
   * Parses a reference path.
   *
   * @throws InvalidPathException when the text is not a reference path (no wildcards, filters,
   *     slices or unions; not the context object)
   */
  public static ReferencePath parse(String text) {
    PathParser.Parsed parsed = PathParser.parse(text);
    if (parsed.context()) {
      throw invalid(text, "it must not refer to the context object ('$$')");
    }
    if (parsed.variable() != null) {
      throw invalid(text, "it must not refer to a variable ('$" + parsed.variable() + "')");
    }
    CompiledPath path = parsed.path();
    if (path.function() != null) {
      throw invalid(text, "it must not call a function (" + path.function().text() + ")");
    }
    List<Segment> segments = path.segments();
    for (Segment segment : segments) {
      String problem = problemWith(segment);
      if (problem != null) {
        throw invalid(text, "it must not contain " + problem + " (" + segment.normalized() + ")");
      }
    }
    return new ReferencePath(text, segments.toArray(Segment[]::new));
  }

  private static String problemWith(Segment segment) {
    return switch (segment) {
      case Segment.Child child -> null;
      case Segment.Index index -> null;
      case Segment.Wildcard wildcard -> "a wildcard";
      case Segment.Scan scan -> "a deep scan";
      case Segment.Filter filter -> "a filter";
      case Segment.Slice slice -> "a slice";
      case Segment.Children children -> "a union";
      case Segment.Indexes indexes -> "a union";
    };
  }

  private static InvalidPathException invalid(String text, String problem) {
    return new InvalidPathException(
        "Invalid reference path '"
            + text
            + "': "
            + problem
            + "; a reference path designates one node, with names and single array indices only");
  }

  /** The path as written. */
  public String text() {
    return text;
  }

  /**
   * Places {@code result} into a copy of {@code input}; {@code input} is not modified. Only the
   * objects and arrays on the way to the target are copied; the rest of the output shares nodes
   * with {@code input} and {@code result}, which, like all values in the engine, are read-only.
   *
   * @throws dev.cairn.engine.error.StatesException {@code States.ResultPathMatchFailure} when the
   *     path cannot be applied to the input (e.g. it descends into a string)
   */
  public JsonNode apply(JsonNode input, JsonNode result) {
    Objects.requireNonNull(result, "result");
    JsonNode output = place(input, 0, result);
    if (output == null) {
      throw new StatesException(
          StatesErrors.RESULT_PATH_MATCH_FAILURE,
          "Unable to apply ReferencePath "
              + text
              + " to input "
              + (input == null ? "null" : Json.write(input)));
    }
    return output;
  }

  /** A copy of {@code node} with {@code result} at steps[i..], or null when it cannot be placed. */
  private JsonNode place(JsonNode node, int i, JsonNode result) {
    if (i == steps.length) {
      return result;
    }
    if (steps[i] instanceof Segment.Child child) {
      // A missing member is created as an object; anything but an object cannot take a member.
      if (node != null && !node.isObject()) {
        return null;
      }
      ObjectNode copy = Json.object();
      if (node != null) {
        copy.setAll((ObjectNode) node);
      }
      JsonNode value = place(copy.get(child.name()), i + 1, result);
      if (value == null) {
        return null;
      }
      copy.set(child.name(), value);
      return copy;
    }
    Segment.Index index = (Segment.Index) steps[i];
    // Arrays are not created or extended: only an existing element can be replaced.
    if (node == null || !node.isArray()) {
      return null;
    }
    int effective = index.index() < 0 ? node.size() + index.index() : index.index();
    if (effective < 0 || effective >= node.size()) {
      return null;
    }
    ArrayNode copy = Json.NODES.arrayNode(node.size());
    copy.addAll((ArrayNode) node);
    JsonNode value = place(node.get(effective), i + 1, result);
    if (value == null) {
      return null;
    }
    copy.set(effective, value);
    return copy;
  }

  @Override
  public String toString() {
    return text;
  }
}
