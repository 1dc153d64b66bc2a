package dev.cairn.engine.definition;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.expression.Expression;
import dev.cairn.engine.expression.JsonPathTemplate;
import dev.cairn.engine.expression.JsonataTemplate;
import dev.cairn.engine.json.Json;
import dev.cairn.engine.path.InvalidPathException;
import dev.cairn.engine.path.JsonPath;
import dev.cairn.engine.path.PayloadTemplate;
import dev.cairn.engine.path.ReferencePath;
import dev.cairn.engine.path.ValueExpression;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads the fields of one JSON object of a definition, reporting every wrong field as a problem
 * instead of failing, so that parsing goes on and finds all of them. A getter returns null when the
 * field is absent or was reported.
 */
final class FieldReader {
  /** Step Functions' limit on the length of a variable name. */
  static final int MAX_VARIABLE_NAME_LENGTH = 80;

  private static final Pattern JSONPATH_DYNAMIC_KEY = Pattern.compile("\\.\\$$");

  private final JsonNode node;

  /** The object's JSON pointer; built from its two parts on first use, like the owner. */
  private String location;

  private final String locationHead;
  private final String locationName;

  /**
   * What the object is, for messages; built from its three parts on first use, since a valid
   * definition of thousands of states never needs it (string building is the interpreter's slowest
   * work while a short-lived process parses a big definition).
   */
  private String owner;

  private final String ownerHead;
  private final String ownerName;
  private final String ownerTail;
  private final List<ValidationProblem> problems;

  /**
   * @param node the object
   * @param location its JSON pointer ({@code ""} for the root)
   * @param owner what it is, for messages, e.g. {@code a Task state}
   */
  FieldReader(JsonNode node, String location, String owner, List<ValidationProblem> problems) {
    this(node, location, null, owner, "", "", problems);
    this.owner = owner;
  }

  /**
   * Like {@link #FieldReader(JsonNode, String, String, List)} with the owner given as {@code
   * ownerHead + ownerName + ownerTail}, joined only if a message needs it.
   */
  FieldReader(
      JsonNode node,
      String location,
      String ownerHead,
      String ownerName,
      String ownerTail,
      List<ValidationProblem> problems) {
    this(node, location, null, ownerHead, ownerName, ownerTail, problems);
  }

  /**
   * Like {@link #FieldReader(JsonNode, String, String, String, String, List)} with the location
   * given as {@code locationHead + "/" + locationName} (when the name is not null), joined only if
   * a message or a nested object needs it.
   */
  FieldReader(
      JsonNode node,
      String locationHead,
      String locationName,
      String ownerHead,
      String ownerName,
      String ownerTail,
      List<ValidationProblem> problems) {
    this.node = node;
    this.locationHead = locationHead;
    this.locationName = locationName;
    this.location = locationName == null ? locationHead : null;
    this.ownerHead = ownerHead;
    this.ownerName = ownerName;
    this.ownerTail = ownerTail;
    this.problems = problems;
  }

  /** Adds a problem; the root, whose pointer is empty, is shown as {@code /}. */
  static void report(
      List<ValidationProblem> problems, String location, String rule, String message) {
    problems.add(new ValidationProblem(location.isEmpty() ? "/" : location, rule, message));
  }

  /** How a JSON value is named in messages about its type. */
  static String typeOf(JsonNode value) {
    return switch (value.getNodeType()) {
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case OBJECT -> "an object";
      case ARRAY -> "an array";
      case NULL -> "null";
      default -> "an unknown value";
    };
  }

  String location() {
    if (location == null) {
      location = locationHead + "/" + locationName;
    }
    return location;
  }

  String owner() {
    if (owner == null) {
      owner = ownerHead + ownerName + ownerTail;
    }
    return owner;
  }

  List<ValidationProblem> problems() {
    return problems;
  }

  String at(String field) {
    return location() + "/" + field;
  }

  boolean has(String field) {
    return node.has(field);
  }

  JsonNode raw(String field) {
    return node.get(field);
  }

  void report(String at, String rule, String message) {
    report(problems, at, rule, message);
  }

  /** Reports every field, in document order, that is not in {@code allowed}. */
  void allowOnly(Set<String> allowed) {
    allowOnly(allowed, name -> "");
  }

  /**
   * Reports every field, in document order, that is not in {@code allowed}, followed by the hint
   * for its name (e.g. which query language the field belongs to).
   */
  void allowOnly(Set<String> allowed, java.util.function.Function<String, String> hint) {
    // The node is only read here, so its names can be iterated directly, without a copy.
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        report(
            at(name),
            ValidationRules.FIELD_NOT_ALLOWED,
            "field '"
                + name
                + "' is not allowed in "
                + owner()
                + "; allowed fields: "
                + String.join(", ", new TreeSet<>(allowed))
                + hint.apply(name));
      }
    }
  }

  /** Reports the field when it is absent; true when present. */
  boolean require(String field) {
    if (node.has(field)) {
      return true;
    }
    report(
        at(field),
        ValidationRules.MISSING_REQUIRED_FIELD,
        owner() + " requires the field '" + field + "'");
    return false;
  }

  /** Reports the second field when both are present; true when they are not both present. */
  boolean exclusive(String first, String second) {
    if (node.has(first) && node.has(second)) {
      report(
          at(second),
          ValidationRules.SCHEMA_VALIDATION_FAILED,
          owner()
              + " cannot have both '"
              + first
              + "' and '"
              + second
              + "'; give only one of them");
      return false;
    }
    return true;
  }

  private void wrongType(String field, String expected, JsonNode value) {
    report(
        at(field),
        ValidationRules.INVALID_TYPE,
        field + " must be " + expected + ", but is " + typeOf(value));
  }

  private void wrongValue(String field, String expected, JsonNode value) {
    String shown = Json.write(value);
    if (shown.length() > 80) {
      shown = shown.substring(0, 77) + "...";
    }
    report(
        at(field),
        ValidationRules.INVALID_VALUE,
        field + " must be " + expected + ", but is " + shown);
  }

  String string(String field) {
    JsonNode value = node.get(field);
    if (value == null) {
      return null;
    }
    if (!value.isTextual()) {
      wrongType(field, "a string", value);
      return null;
    }
    return value.textValue();
  }

  String requiredString(String field) {
    return require(field) ? string(field) : null;
  }

  /** A string that must be one of {@code allowed}. */
  String oneOf(String field, Collection<String> allowed) {
    String value = string(field);
    if (value != null && !allowed.contains(value)) {
      wrongValue(field, "one of " + String.join(", ", allowed), node.get(field));
      return null;
    }
    return value;
  }

  Boolean bool(String field) {
    JsonNode value = node.get(field);
    if (value == null) {
      return null;
    }
    if (!value.isBoolean()) {
      wrongType(field, "a boolean", value);
      return null;
    }
    return value.booleanValue();
  }

  /**
   * An integer of at least {@code min} (0 or 1 in the language) that fits a Java {@code long}.
   * Numbers written with a fraction, even {@code 5.0}, are not integers here.
   */
  Long integer(String field, long min) {
    JsonNode value = node.get(field);
    if (value == null) {
      return null;
    }
    String expected = min == 0 ? "a non-negative integer" : "a positive integer";
    if (!value.isIntegralNumber()) {
      if (value.isNumber()) {
        wrongValue(field, expected, value);
      } else {
        wrongType(field, expected, value);
      }
      return null;
    }
    BigInteger number = value.bigIntegerValue();
    if (number.compareTo(BigInteger.valueOf(min)) < 0 || number.bitLength() > 63) {
      wrongValue(field, expected, value);
      return null;
    }
    return number.longValue();
  }

  /** Like {@link #integer} but bounded by {@link Integer#MAX_VALUE}, for the int fields. */
  Integer smallInteger(String field, int min) {
    Long value = integer(field, min);
    if (value == null) {
      return null;
    }
    if (value > Integer.MAX_VALUE) {
      wrongValue(field, "at most " + Integer.MAX_VALUE, node.get(field));
      return null;
    }
    return value.intValue();
  }

  /** A number between {@code min} and {@code max} (inclusive; null for unbounded). */
  BigDecimal number(String field, BigDecimal min, BigDecimal max, String expected) {
    JsonNode value = node.get(field);
    if (value == null) {
      return null;
    }
    if (!value.isNumber()) {
      wrongType(field, expected, value);
      return null;
    }
    BigDecimal number = value.decimalValue();
    if ((min != null && number.compareTo(min) < 0) || (max != null && number.compareTo(max) > 0)) {
      wrongValue(field, expected, value);
      return null;
    }
    return number;
  }

  JsonNode object(String field) {
    JsonNode value = node.get(field);
    if (value == null) {
      return null;
    }
    if (!value.isObject()) {
      wrongType(field, "an object", value);
      return null;
    }
    return value;
  }

  JsonNode array(String field) {
    JsonNode value = node.get(field);
    if (value == null) {
      return null;
    }
    if (!value.isArray()) {
      wrongType(field, "an array", value);
      return null;
    }
    return value;
  }

  /** A JSONPath (input or context object); not necessarily a reference path. */
  JsonPath path(String field) {
    String text = string(field);
    if (text == null) {
      return null;
    }
    try {
      return JsonPath.parse(text);
    } catch (InvalidPathException e) {
      report(
          at(field),
          ValidationRules.INVALID_JSONPATH,
          field + " is not a valid JSONPath: " + e.getMessage());
      return null;
    }
  }

  /** A JSONPath that must designate at most one node, as the {@code *Path} settings require. */
  JsonPath definitePath(String field) {
    JsonPath path = path(field);
    if (path != null && !path.isDefinite()) {
      report(
          at(field),
          ValidationRules.INVALID_REFERENCE_PATH,
          field
              + " must be a reference path (member names and single indices only; no wildcards,"
              + " recursive descent, filters, slices or unions), but is '"
              + path.text()
              + "'");
      return null;
    }
    return path;
  }

  /** InputPath or OutputPath: absent is {@code $}, JSON null is the empty object. */
  IoPath ioPath(String field) {
    JsonNode value = node.get(field);
    if (value == null) {
      return IoPath.WHOLE;
    }
    if (value.isNull()) {
      return IoPath.EMPTY;
    }
    JsonPath path = pathOrNull(field, value);
    return path == null ? null : IoPath.of(path);
  }

  private JsonPath pathOrNull(String field, JsonNode value) {
    if (!value.isTextual()) {
      wrongType(field, "a JSONPath string or null", value);
      return null;
    }
    return path(field);
  }

  /** ResultPath: absent is {@code $}, JSON null discards the result. */
  ResultPathSpec resultPath(String field) {
    JsonNode value = node.get(field);
    if (value == null) {
      return ResultPathSpec.REPLACE;
    }
    if (value.isNull()) {
      return ResultPathSpec.DISCARD;
    }
    if (!value.isTextual()) {
      wrongType(field, "a reference path string or null", value);
      return null;
    }
    try {
      return ResultPathSpec.of(ReferencePath.parse(value.textValue()));
    } catch (InvalidPathException e) {
      report(
          at(field),
          ValidationRules.INVALID_REFERENCE_PATH,
          field + " is not a valid reference path: " + e.getMessage());
      return null;
    }
  }

  /** A path or intrinsic function call, as ErrorPath and CausePath accept. */
  ValueExpression expression(String field) {
    String text = string(field);
    if (text == null) {
      return null;
    }
    try {
      return ValueExpression.parse(text);
    } catch (InvalidPathException e) {
      report(
          at(field),
          ValidationRules.INVALID_JSONPATH,
          field + " is not a valid path or intrinsic function: " + e.getMessage());
      return null;
    }
  }

  /** A payload template, which must be an object. */
  PayloadTemplate template(String field) {
    JsonNode value = object(field);
    if (value == null) {
      return null;
    }
    try {
      return PayloadTemplate.compile(value);
    } catch (InvalidPathException e) {
      report(
          at(field),
          ValidationRules.INVALID_JSONPATH,
          field + " is not a valid payload template: " + e.getMessage());
      return null;
    }
  }

  /** Whether the field's value is a JSONata string ({@code {% ... %}}). */
  boolean isJsonata(String field) {
    return JsonataTemplate.isExpression(node.get(field));
  }

  /**
   * A JSONata field: any JSON value, with {@code {% %}} strings anywhere in it.
   *
   * @return the template, or null when the field is absent or an expression is not valid JSONata
   */
  JsonataTemplate jsonata(String field) {
    JsonNode value = node.get(field);
    if (value == null) {
      return null;
    }
    try {
      return JsonataTemplate.compile(value, field);
    } catch (IllegalArgumentException e) {
      report(at(field), ValidationRules.INVALID_JSONATA, e.getMessage());
      return null;
    }
  }

  /**
   * An Assign field: an object whose members name the variables to assign. In a JSONPath state its
   * values form a payload template ({@code name.$} takes a path or intrinsic function); in a
   * JSONata state they may hold JSONata strings.
   *
   * @return the assignment, or null when absent or reported
   */
  Expression assign(String field, boolean jsonata) {
    JsonNode value = object(field);
    if (value == null) {
      return null;
    }
    boolean valid = true;
    for (String key : (Iterable<String>) value::fieldNames) {
      String name = jsonata ? key : JSONPATH_DYNAMIC_KEY.matcher(key).replaceFirst("");
      String problem = variableNameProblem(name);
      if (problem != null) {
        report(at(field) + "/" + key, ValidationRules.INVALID_VALUE, problem);
        valid = false;
      }
    }
    if (!valid) {
      return null;
    }
    if (jsonata) {
      return jsonata(field);
    }
    PayloadTemplate template = template(field);
    return template == null ? null : new JsonPathTemplate(template);
  }

  /** Why a name cannot be a variable's (a Unicode identifier of 1 to 80 characters), or null. */
  static String variableNameProblem(String name) {
    if (name.equals("states")) {
      return "'states' is reserved: a state cannot assign the variable $states";
    }
    int length = name.codePointCount(0, name.length());
    if (length == 0 || length > MAX_VARIABLE_NAME_LENGTH) {
      return "the variable name '"
          + name
          + "' must have 1 to "
          + MAX_VARIABLE_NAME_LENGTH
          + " characters, but has "
          + length;
    }
    int first = name.codePointAt(0);
    boolean valid = Character.isUnicodeIdentifierStart(first) || first == '_';
    for (int i = Character.charCount(first); valid && i < name.length(); ) {
      int c = name.codePointAt(i);
      valid = Character.isUnicodeIdentifierPart(c) && !Character.isIdentifierIgnorable(c);
      i += Character.charCount(c);
    }
    return valid
        ? null
        : "the variable name '"
            + name
            + "' is not a Unicode identifier (a letter or '_' first, then letters, digits and"
            + " connector punctuation)";
  }
}
