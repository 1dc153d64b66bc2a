package dev.cairn.engine.path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.engine.json.Json;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The intrinsic functions of the Amazon States Language (JSONPath mode), with their arity and
 * behaviour. Arguments arrive evaluated; a function throws {@link IntrinsicError} when it cannot
 * use them.
 */
enum IntrinsicLibrary {
  FORMAT("States.Format", 1, Integer.MAX_VALUE) {
    @Override
    JsonNode apply(List<JsonNode> arguments, FormatTemplate template) {
      if (template == null) {
        JsonNode text = arguments.get(0);
        if (!text.isTextual()) {
          throw IntrinsicError.invalidArguments(this);
        }
        try {
          template = FormatTemplate.parse(text.textValue());
        } catch (IllegalArgumentException e) {
          throw new IntrinsicError("Invalid template in States.Format: " + e.getMessage());
        }
      }
      if (template.placeholders() != arguments.size() - 1) {
        throw new IntrinsicError(
            "Invalid arguments in States.Format: number of arguments do not match the occurrences"
                + " of {}.");
      }
      List<String> values = new ArrayList<>(arguments.size() - 1);
      for (int i = 1; i < arguments.size(); i++) {
        StringBuilder value = new StringBuilder();
        appendFormatted(arguments.get(i), value);
        values.add(value.toString());
      }
      return Json.NODES.textNode(template.fill(values));
    }
  },
  STRING_TO_JSON("States.StringToJson", 1, 1) {
    @Override
    JsonNode apply(List<JsonNode> arguments, FormatTemplate template) {
      String text = string(arguments.get(0));
      if (text.isBlank()) {
        return Json.NODES.nullNode();
      }
      try {
        return Json.parse(text);
      } catch (IllegalArgumentException e) {
        throw IntrinsicError.invalidArguments(this);
      }
    }
  },
  JSON_TO_STRING("States.JsonToString", 1, 1) {
    @Override
    JsonNode apply(List<JsonNode> arguments, FormatTemplate template) {
      return Json.NODES.textNode(Json.write(arguments.get(0)));
    }
  },
  ARRAY("States.Array", 0, Integer.MAX_VALUE) {
    @Override
    JsonNode apply(List<JsonNode> arguments, FormatTemplate template) {
      return Json.NODES.arrayNode(arguments.size()).addAll(arguments);
    }
  },
  ARRAY_PARTITION("States.ArrayPartition", 2, 2) {
    @Override
    JsonNode apply(List<JsonNode> arguments, FormatTemplate template) {
      JsonNode array = array(arguments.get(0));
      int size = integer(arguments.get(1));
      if (size <= 0) {
        throw IntrinsicError.invalidArguments(this);
      }
      ArrayNode chunks = Json.NODES.arrayNode();
      ArrayNode chunk = null;
      for (int i = 0; i < array.size(); i++) {
        if (i % size == 0) {
          chunk = chunks.addArray();
        }
        chunk.add(array.get(i));
      }
      return chunks;
    }
  },
  ARRAY_CONTAINS("States.ArrayContains", 2, 2) {
    @Override
    JsonNode apply(List<JsonNode> arguments, FormatTemplate template) {
      JsonNode array = array(arguments.get(0));
      for (JsonNode element : array) {
        if (sameValue(element, arguments.get(1))) {
          return Json.NODES.booleanNode(true);
        }
      }
      return Json.NODES.booleanNode(false);
    }
  },
  ARRAY_RANGE("States.ArrayRange", 3, 3) {
    /** Step Functions' limit on the size of the generated array. */
    private static final int MAX_ITEMS = 1000;

    @Override
    JsonNode apply(List<JsonNode> arguments, FormatTemplate template) {
      long start = integer(arguments.get(0));
      long end = integer(arguments.get(1));
      long step = integer(arguments.get(2));
      if (step == 0) {
        throw IntrinsicError.invalidArguments(this);
      }
      if (step > 0 ? start > end : start < end) {
        return Json.NODES.arrayNode();
      }
      long count = (end - start) / step + 1;
      if (count > MAX_ITEMS) {
        throw IntrinsicError.invalidArguments(this);
      }
      ArrayNode range = Json.NODES.arrayNode();
      for (long i = 0; i < count; i++) {
        // Every value lies between start and end, so it fits an int like they do.
        range.add((int) (start + i * step));
      }
      return range;
    }
  },
  ARRAY_GET_ITEM("States.ArrayGetItem", 2, 2) {
    @Override
    JsonNode apply(List<JsonNode> arguments, FormatTemplate template) {
      JsonNode array = array(arguments.get(0));
      int index = integer(arguments.get(1));
      if (index < 0 || index >= array.size()) {
        throw IntrinsicError.invalidArguments(this);
      }
      return array.get(index);
    }
  },
  ARRAY_LENGTH("States.ArrayLength", 1, 1) {
    @Override
    JsonNode apply(List<JsonNode> arguments, FormatTemplate template) {
      return Json.NODES.numberNode(array(arguments.get(0)).size());
    }
  },
  ARRAY_UNIQUE("States.ArrayUnique", 1, 1) {
    @Override
    JsonNode apply(List<JsonNode> arguments, FormatTemplate template) {
      ArrayNode unique = Json.NODES.arrayNode();
      for (JsonNode element : array(arguments.get(0))) {
        boolean seen = false;
        for (JsonNode kept : unique) {
          if (sameValue(kept, element)) {
            seen = true;
            break;
          }
        }
        if (!seen) {
          unique.add(element);
        }
      }
      return unique;
    }
  },
  BASE64_ENCODE("States.Base64Encode", 1, 1) {
    @Override
    JsonNode apply(List<JsonNode> arguments, FormatTemplate template) {
      String text = limited(string(arguments.get(0)));
      return Json.NODES.textNode(
          Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)));
    }
  },
  BASE64_DECODE("States.Base64Decode", 1, 1) {
    @Override
    JsonNode apply(List<JsonNode> arguments, FormatTemplate template) {
      String text = limited(string(arguments.get(0)));
      try {
        return Json.NODES.textNode(
            new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw IntrinsicError.invalidArguments(this);
      }
    }
  },
  HASH("States.Hash", 2, 2) {
    private static final Set<String> ALGORITHMS =
        Set.of("MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512");

    @Override
    JsonNode apply(List<JsonNode> arguments, FormatTemplate template) {
      String data = limited(string(arguments.get(0)));
      String algorithm = string(arguments.get(1));
      if (!ALGORITHMS.contains(algorithm)) {
        throw IntrinsicError.invalidArguments(this);
      }
      try {
        byte[] digest =
            MessageDigest.getInstance(algorithm).digest(data.getBytes(StandardCharsets.UTF_8));
        return Json.NODES.textNode(HexFormat.of().formatHex(digest));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JDK provides " + algorithm, e);
      }
    }
  },
  JSON_MERGE("States.JsonMerge", 3, 3) {
    @Override
    JsonNode apply(List<JsonNode> arguments, FormatTemplate template) {
      JsonNode first = arguments.get(0);
      JsonNode second = arguments.get(1);
      JsonNode deep = arguments.get(2);
      // Step Functions only implements the shallow mode: the flag must be present and false.
      if (!first.isObject() || !second.isObject() || !deep.isBoolean() || deep.booleanValue()) {
        throw IntrinsicError.invalidArguments(this);
      }
      ObjectNode merged = Json.object();
      for (Iterator<Map.Entry<String, JsonNode>> it = first.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        merged.set(field.getKey(), field.getValue());
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = second.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        merged.set(field.getKey(), field.getValue());
      }
      return merged;
    }
  },
  MATH_ADD("States.MathAdd", 2, 2) {
    @Override
    JsonNode apply(List<JsonNode> arguments, FormatTemplate template) {
      long sum = (long) rounded(arguments.get(0)) + rounded(arguments.get(1));
      return sum == (int) sum ? Json.NODES.numberNode((int) sum) : Json.NODES.numberNode(sum);
    }
  },
  MATH_RANDOM("States.MathRandom", 2, 3) {
    @Override
    JsonNode apply(List<JsonNode> arguments, FormatTemplate template) {
      int start = rounded(arguments.get(0));
      int end = rounded(arguments.get(1));
      if (start >= end) {
        throw IntrinsicError.invalidArguments(this);
      }
      // With a seed the same call gives the same number, which is what a seed is for.
      long bound = (long) end - start;
      long offset =
          arguments.size() == 3
              ? (long) (new Random(rounded(arguments.get(2))).nextDouble() * bound)
              : ThreadLocalRandom.current().nextLong(bound);
      return Json.NODES.numberNode((int) (start + offset));
    }
  },
  STRING_SPLIT("States.StringSplit", 2, 2) {
    @Override
    JsonNode apply(List<JsonNode> arguments, FormatTemplate template) {
      String text = string(arguments.get(0));
      String delimiters = string(arguments.get(1));
      if (delimiters.isEmpty()) {
        throw IntrinsicError.invalidArguments(this);
      }
      // Every character of the second argument is a delimiter, and empty pieces are dropped.
      ArrayNode pieces = Json.NODES.arrayNode();
      int pieceStart = 0;
      int i = 0;
      while (i < text.length()) {
        int codePoint = text.codePointAt(i);
        int next = i + Character.charCount(codePoint);
        if (delimiters.indexOf(codePoint) >= 0) {
          if (i > pieceStart) {
            pieces.add(text.substring(pieceStart, i));
          }
          pieceStart = next;
        }
        i = next;
      }
      if (text.length() > pieceStart) {
        pieces.add(text.substring(pieceStart));
      }
      return pieces;
    }
  },
  UUID_("States.UUID", 0, 0) {
    @Override
    JsonNode apply(List<JsonNode> arguments, FormatTemplate template) {
      return Json.NODES.textNode(UUID.randomUUID().toString());
    }
  };

  /** Step Functions' limit on the string given to the encoding and hashing functions. */
  private static final int MAX_STRING_LENGTH = 10_000;

  private static final BigDecimal HALF = new BigDecimal("0.5");
  private static final Map<String, IntrinsicLibrary> BY_NAME = byName();

  private final String functionName;
  private final int minArguments;
  private final int maxArguments;

  IntrinsicLibrary(String functionName, int minArguments, int maxArguments) {
    this.functionName = functionName;
    this.minArguments = minArguments;
    this.maxArguments = maxArguments;
  }

  /** The function with this name, e.g. {@code States.Format}, or null. */
  static IntrinsicLibrary named(String name) {
    return BY_NAME.get(name);
  }

  /** Every function name, for messages. */
  static List<String> names() {
    return BY_NAME.keySet().stream().sorted().toList();
  }

  String functionName() {
    return functionName;
  }

  int minArguments() {
    return minArguments;
  }

  int maxArguments() {
    return maxArguments;
  }

  /**
   * Applies the function.
   *
   * @param template for States.Format, the template parsed in advance, or null
   */
  abstract JsonNode apply(List<JsonNode> arguments, FormatTemplate template);

  String string(JsonNode value) {
    if (!value.isTextual()) {
      throw IntrinsicError.invalidArguments(this);
    }
    return value.textValue();
  }

  String limited(String text) {
    if (text.codePointCount(0, text.length()) > MAX_STRING_LENGTH) {
      throw IntrinsicError.invalidArguments(this);
    }
    return text;
  }

  JsonNode array(JsonNode value) {
    if (!value.isArray()) {
      throw IntrinsicError.invalidArguments(this);
    }
    return value;
  }

  /** A number with an integer value (1 and 1.0, not 1.5) that fits an int. */
  int integer(JsonNode value) {
    if (!value.isNumber()) {
      throw IntrinsicError.invalidArguments(this);
    }
    try {
      return value.decimalValue().intValueExact();
    } catch (ArithmeticException e) {
      throw IntrinsicError.invalidArguments(this);
    }
  }

  /**
   * A number rounded to an int, halves towards positive infinity (1.5 to 2, -1.5 to -1), which is
   * how Step Functions' MathAdd treats fractions.
   */
  int rounded(JsonNode value) {
    if (!value.isNumber()) {
      throw IntrinsicError.invalidArguments(this);
    }
    try {
      return value.decimalValue().add(HALF).setScale(0, RoundingMode.FLOOR).intValueExact();
    } catch (ArithmeticException e) {
      throw IntrinsicError.invalidArguments(this);
    }
  }

  /** JSON equality with numbers compared by value, so 1 and 1.0 are the same element. */
  static boolean sameValue(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    if (a.getNodeType() != b.getNodeType()) {
      return false;
    }
    if (a.isArray()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (int i = 0; i < a.size(); i++) {
        if (!sameValue(a.get(i), b.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (a.isObject()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        JsonNode other = b.get(field.getKey());
        if (other == null || !sameValue(field.getValue(), other)) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  /**
   * Writes a value the way Step Functions' Format shows it: strings without quotes, and objects and
   * arrays as {@code {a=1, b=[x, y]}} (the notation of the Java collections it runs on).
   */
  static void appendFormatted(JsonNode value, StringBuilder out) {
    if (value.isTextual()) {
      out.append(value.textValue());
    } else if (value.isArray()) {
      out.append('[');
      for (int i = 0; i < value.size(); i++) {
        if (i > 0) {
          out.append(", ");
        }
        appendFormatted(value.get(i), out);
      }
      out.append(']');
    } else if (value.isObject()) {
      out.append('{');
      boolean first = true;
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if (!first) {
          out.append(", ");
        }
        first = false;
        out.append(field.getKey()).append('=');
        appendFormatted(field.getValue(), out);
      }
      out.append('}');
    } else {
      // Numbers, booleans and null: their JSON text.
      out.append(Json.write(value));
    }
  }

  private static Map<String, IntrinsicLibrary> byName() {
    Map<String, IntrinsicLibrary> byName = new HashMap<>();
    for (IntrinsicLibrary function : values()) {
      byName.put(function.functionName, function);
    }
    return Map.copyOf(byName);
  }
}
