package dev.cairn.engine.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The one JSON configuration of the engine. Numbers keep their exact decimal value (Step Functions
 * does not round them), and documents are written compactly, as Step Functions returns them.
 */
public final class Json {
  /** Shared, thread-safe mapper; do not reconfigure. */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
          .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
          .build();

  /** Shared node factory for building values. */
  public static final JsonNodeFactory NODES = MAPPER.getNodeFactory();

  private Json() {}

  /**
   * Parses JSON text.
   *
   * @throws IllegalArgumentException with the parser's message (line and column) when the text is
   *     not JSON
   */
  public static JsonNode parse(String text) {
    try {
      JsonNode node = MAPPER.readTree(text);
      if (node == null || node.isMissingNode()) {
        throw new IllegalArgumentException("empty document: expected a JSON value");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e.getOriginalMessage() + locationOf(e), e);
    }
  }

  private static String locationOf(JsonProcessingException e) {
    var location = e.getLocation();
    return location == null
        ? ""
        : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
  }

  /** Writes a value as compact JSON text. */
  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree could not be written", e);
    }
  }

  /** Writes a value as indented JSON text, for people. */
  public static String writePretty(JsonNode node) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree could not be written", e);
    }
  }

  /** Size of the value's compact UTF-8 encoding: what Step Functions counts against its limits. */
  public static int sizeInBytes(JsonNode node) {
    if (node.isValueNode() && !node.isTextual()) {
      return node.asText().length();
    }
    CountingStream counter = new CountingStream();
    try {
      MAPPER.writeValue(counter, node);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("a JSON tree could not be measured", e);
    }
    return (int) Math.min(Integer.MAX_VALUE, counter.count);
  }

  /**
   * Whether the value's compact UTF-8 encoding takes at most {@code limit} bytes. The same answer
   * as comparing {@link #sizeInBytes} with the limit, but for values far below it (nearly all of
   * them: every state's output is checked) only a walk of the tree adding an upper bound of each
   * part's size, without encoding it.
   */
  public static boolean fitsIn(JsonNode node, int limit) {
    return upperBound(node, limit) <= limit || sizeInBytes(node) <= limit;
  }

  /**
   * At least the encoded size of {@code node}; stops early (returning more than {@code budget})
   * once the bound passes the budget.
   */
  private static long upperBound(JsonNode node, long budget) {
    switch (node.getNodeType()) {
      case OBJECT -> {
        long n = 2; // the braces
        for (var entry : node.properties()) {
          // A name's characters take at most 6 bytes each (an escape such as \u001f), plus its
          // quotes, the colon and a comma.
          n += 6L * entry.getKey().length() + 4;
          n += upperBound(entry.getValue(), budget - n);
          if (n > budget) {
            return n;
          }
        }
        return n;
      }
      case ARRAY -> {
        long n = 2;
        for (JsonNode element : node) {
          n += 1 + upperBound(element, budget - n);
          if (n > budget) {
            return n;
          }
        }
        return n;
      }
      case STRING -> {
        return 6L * node.textValue().length() + 2;
      }
      case NUMBER -> {
        if (node.isBigDecimal()) {
          // toString: the digits, a sign, a point, up to six leading zeros and an exponent.
          return node.decimalValue().precision() + 24L;
        }
        if (node.isBigInteger()) {
          return node.bigIntegerValue().bitLength() / 3 + 2L;
        }
        return 32; // int, long, double, float
      }
      case BOOLEAN, NULL -> {
        return 5;
      }
      default -> {
        return Long.MAX_VALUE / 4; // binary or POJO nodes: measure them exactly
      }
    }
  }

  /** Counts the bytes written to it, so sizes are measured without building strings. */
  private static final class CountingStream extends java.io.OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      count += length;
    }
  }

  /** Whether a JSON number's value is whole: {@code 2}, {@code 2.0} and {@code 0.00} are. */
  public static boolean isWhole(java.math.BigDecimal value) {
    return value.signum() == 0 || value.stripTrailingZeros().scale() <= 0;
  }

  /** A new empty object. */
  public static ObjectNode object() {
    return NODES.objectNode();
  }

  /**
   * A new empty object for a few fields (an event's details): the same node type and behaviour as
   * {@link #object()}, with a field map of a fraction of the size (see {@link SmallFieldMap}).
   */
  public static ObjectNode smallObject() {
    return new ObjectNode(NODES, new SmallFieldMap(2));
  }
}
