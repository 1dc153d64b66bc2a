package dev.cairn.engine.definition;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import dev.cairn.engine.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks definition text for what the JSON tree no longer shows: syntax errors, content after the
 * definition, and duplicate keys (the tree keeps only the last one, so a duplicated state would
 * silently vanish). Jackson's strict duplicate detection stops at the first duplicate; this scan
 * reports all of them.
 */
final class JsonTextCheck {
  private JsonTextCheck() {}

  /**
   * Scans the text.
   *
   * @return true when the text is one well-formed JSON value (duplicates are reported but do not
   *     prevent building the tree)
   */
  static boolean scan(String text, List<ValidationProblem> problems) {
    try (JsonParser parser = Json.MAPPER.createParser(text)) {
      try {
        return scan(parser, problems);
      } catch (JsonProcessingException e) {
        FieldReader.report(
            problems,
            pointer(parser.getParsingContext(), false),
            ValidationRules.INVALID_JSON,
            "not valid JSON: " + e.getOriginalMessage() + at(e.getLocation()));
        return false;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading a string cannot fail", e);
    }
  }

  private static boolean scan(JsonParser parser, List<ValidationProblem> problems)
      throws IOException {
    if (parser.nextToken() == null) {
      FieldReader.report(
          problems,
          "",
          ValidationRules.INVALID_JSON,
          "the definition is empty: expected a JSON object");
      return false;
    }
    // One set of keys per open object; arrays push an unused empty set to keep the depth aligned.
    Deque<Set<String>> keys = new ArrayDeque<>();
    JsonToken token = parser.currentToken();
    while (true) {
      switch (token) {
        case START_OBJECT, START_ARRAY -> keys.push(new HashSet<>());
        case END_OBJECT, END_ARRAY -> keys.pop();
        case FIELD_NAME -> {
          String name = parser.currentName();
          if (!keys.peek().add(name)) {
            reportDuplicate(parser, name, problems);
          }
        }
        default -> {}
      }
      if (keys.isEmpty()) {
        break;
      }
      token = parser.nextToken();
    }
    if (parser.nextToken() != null) {
      FieldReader.report(
          problems,
          "",
          ValidationRules.INVALID_JSON,
          "not valid JSON: unexpected content after the definition"
              + at(parser.currentTokenLocation()));
      return false;
    }
    return true;
  }

  private static void reportDuplicate(
      JsonParser parser, String name, List<ValidationProblem> problems) {
    JsonStreamContext context = parser.getParsingContext();
    JsonStreamContext parent = context.getParent();
    boolean inStates =
        parent != null && parent.inObject() && "States".equals(parent.getCurrentName());
    String where = at(parser.currentTokenLocation());
    if (inStates) {
      FieldReader.report(
          problems,
          pointer(context, true),
          ValidationRules.DUPLICATE_STATE_NAME,
          "state name '"
              + name
              + "' is used twice in the same States object"
              + where
              + "; each state needs its own name");
    } else {
      FieldReader.report(
          problems,
          pointer(context, true),
          ValidationRules.DUPLICATE_FIELD,
          "field '"
              + name
              + "' appears twice in the same object"
              + where
              + "; JSON object keys must be unique");
    }
  }

  /** The JSON pointer of the parser's position, with names as written. */
  private static String pointer(JsonStreamContext context, boolean includeCurrent) {
    List<String> segments = new ArrayList<>();
    JsonStreamContext current = context;
    boolean leaf = true;
    while (current != null && !current.inRoot()) {
      if (current.inObject()) {
        if (current.getCurrentName() != null && (includeCurrent || !leaf)) {
          segments.add(0, current.getCurrentName());
        }
      } else if (current.inArray() && current.getCurrentIndex() >= 0 && !leaf) {
        segments.add(0, Integer.toString(current.getCurrentIndex()));
      }
      leaf = false;
      current = current.getParent();
    }
    return segments.isEmpty() ? "" : "/" + String.join("/", segments);
  }

  private static String at(JsonLocation location) {
    return location == null
        ? ""
        : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
  }
}
