package dev.cairn.engine.path;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.json.Json;

/** A function at the end of a path, applied to what the path selected. */
enum PathFunction {
  /** The number of elements of an array or members of an object. */
  LENGTH("length()");

  private final String text;

  PathFunction(String text) {
    this.text = text;
  }

  String text() {
    return text;
  }

  /** The function by the name written before {@code ()}, or null when there is none. */
  static PathFunction named(String name) {
    return switch (name) {
      case "length" -> LENGTH;
      default -> null;
    };
  }

  /** The function's value, or null when it is not defined for {@code value}. */
  JsonNode apply(JsonNode value) {
    return switch (this) {
      case LENGTH ->
          value.isArray() || value.isObject() ? Json.NODES.numberNode(value.size()) : null;
    };
  }
}
