package dev.cairn.engine.choice;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * The type a comparison operator works on. {@link #extract} turns a JSON value into the comparable
 * form, or null when the value is of another type, which makes the comparison false.
 */
enum ValueType {
  STRING("a string") {
    @Override
    Object extract(JsonNode node) {
      return node.isTextual() ? node.textValue() : null;
    }

    @Override
    int compare(Object left, Object right) {
      // UTF-16 code unit order: character by character, no folding or normalisation.
      return ((String) left).compareTo((String) right);
    }
  },
  NUMERIC("a number") {
    @Override
    Object extract(JsonNode node) {
      return node.isNumber() ? node : null;
    }

    @Override
    int compare(Object left, Object right) {
      JsonNode a = (JsonNode) left;
      JsonNode b = (JsonNode) right;
      // Most numbers in practice are small integers: compare them without allocating decimals.
      if (a.isIntegralNumber()
          && b.isIntegralNumber()
          && a.canConvertToLong()
          && b.canConvertToLong()) {
        return Long.compare(a.longValue(), b.longValue());
      }
      return a.decimalValue().compareTo(b.decimalValue());
    }
  },
  BOOLEAN("a boolean") {
    @Override
    Object extract(JsonNode node) {
      return node.isBoolean() ? node.booleanValue() : null;
    }

    @Override
    int compare(Object left, Object right) {
      return Boolean.compare((Boolean) left, (Boolean) right);
    }
  },
  TIMESTAMP("a timestamp string such as \"2016-03-14T01:59:00Z\"") {
    @Override
    Object extract(JsonNode node) {
      return node.isTextual() ? Timestamps.parse(node.textValue()) : null;
    }

    @Override
    int compare(Object left, Object right) {
      return ((Instant) left).compareTo((Instant) right);
    }
  };

  private final String description;

  ValueType(String description) {
    this.description = description;
  }

  /** What a literal operand must be, for validation messages. */
  String description() {
    return description;
  }

  /** The comparable form of the value, or null when the value is not of this type. */
  abstract Object extract(JsonNode node);

  /** Compares two values produced by {@link #extract}. */
  abstract int compare(Object left, Object right);
}
