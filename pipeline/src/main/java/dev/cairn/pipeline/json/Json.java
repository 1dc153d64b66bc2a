package dev.cairn.pipeline.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * JSON for Cairn's own documents (run facts, audit records, status messages, the server's and the
 * command line's output) outside the engine, which keeps its own configuration for the States
 * Language. Numbers keep their exact decimal value, as in the engine, because run data flows into
 * state machine executions and back.
 */
public final class Json {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
          .build();

  private Json() {}

  /**
   * Parses JSON text.
   *
   * @throws IllegalArgumentException when the text is empty or not JSON; the message is the
   *     parser's, with the line and column
   */
  public static JsonNode parse(String text) {
    JsonNode node;
    try {
      node = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      var at = e.getLocation();
      String where =
          at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
      throw new IllegalArgumentException(e.getOriginalMessage() + where, e);
    }
    if (node == null || node.isMissingNode()) {
      throw new IllegalArgumentException("empty document: expected a JSON value");
    }
    return node;
  }

  /** Compact JSON text, for machines (files, messages, HTTP bodies). */
  public static String write(JsonNode node) {
    return writeWith(false, node);
  }

  /** Indented JSON text, for people. */
  public static String writePretty(JsonNode node) {
    return writeWith(true, node);
  }

  private static String writeWith(boolean pretty, JsonNode node) {
    try {
      return pretty
          ? MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node)
          : MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      // A tree of Jackson nodes always serializes; this would be a bug.
      throw new IllegalStateException("a JSON tree could not be written", e);
    }
  }

  /** A new empty object. */
  public static ObjectNode object() {
    return MAPPER.getNodeFactory().objectNode();
  }

  /** A new empty array. */
  public static ArrayNode array() {
    return MAPPER.getNodeFactory().arrayNode();
  }
}
