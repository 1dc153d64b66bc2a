package dev.cairn.engine.definition;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import dev.cairn.engine.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
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
   * The engine's JSON factory without field-name canonicalization, for definitions: their names are
   * mostly distinct (a state's name appears as its key and in one Next), so a shared symbol table
   * only grows, rehashes and interns for nothing; reading a 20,000-state chain spent much of its
   * time there before any of it was compiled. Names are then plain strings, equal but not
   * identical, which nothing here relies on.
   */
  static final JsonFactory DEFINITION_FACTORY =
      Json.MAPPER
          .getFactory()
          .rebuild()
          .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
          .build();

  /**
   * Scans the text.
   *
   * @return true when the text is one well-formed JSON value (duplicates are reported but do not
   *     prevent building the tree)
   */
  static boolean scan(String text, List<ValidationProblem> problems) {
    try (JsonParser parser = DEFINITION_FACTORY.createParser(text)) {
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
    // The keys of each open object, by depth; arrays take a level too, unused, to keep the depth
    // aligned. The holders are reused from one object to the next at the same depth: a definition
    // is thousands of small objects, and a set for each was most of this scan's allocation.
    List<Keys> keys = new ArrayList<>();
    int depth = 0;
    JsonToken token = parser.currentToken();
    while (true) {
      switch (token) {
        case START_OBJECT, START_ARRAY -> {
          if (depth == keys.size()) {
            keys.add(new Keys());
          } else {
            keys.get(depth).clear();
          }
          depth++;
        }
        case END_OBJECT, END_ARRAY -> depth--;
        case FIELD_NAME -> {
          String name = parser.currentName();
          if (!keys.get(depth - 1).add(name)) {
            reportDuplicate(parser, name, problems);
          }
        }
        default -> {}
      }
      if (depth == 0) {
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

  /**
   * The keys seen in one object: compared one by one while there are few (the fields of a state),
   * hashed once there are many (the names of a States object).
   */
  private static final class Keys {
    private static final int LINEAR_LIMIT = 16;

    private final String[] few = new String[LINEAR_LIMIT];
    private int count;
    private Set<String> many;

    void clear() {
      count = 0;
      many = null;
    }

    /** Adds the name; false when it was there already. */
    boolean add(String name) {
      if (many != null) {
        return many.add(name);
      }
      for (int i = 0; i < count; i++) {
        if (few[i].equals(name)) {
          return false;
        }
      }
      if (count < LINEAR_LIMIT) {
        few[count++] = name;
        return true;
      }
      many = new HashSet<>();
      for (int i = 0; i < count; i++) {
        many.add(few[i]);
      }
      return many.add(name);
    }
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
