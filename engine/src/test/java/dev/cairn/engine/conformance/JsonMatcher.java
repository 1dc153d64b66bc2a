package dev.cairn.engine.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Compares a recorded value with the engine's by meaning, not by text: object key order is ignored,
 * numbers are compared by value ({@code 1} equals {@code 1.0}, because the corpus was re-serialised
 * by Python), and the snapshot tool's placeholders match what they masked.
 *
 * <p>Placeholders come in two kinds. Bare words ({@code date}, {@code RequestId}, ...) replaced a
 * whole value, which may have been of any JSON type (a number for {@code RandomNumberGenerated}, an
 * array of headers for {@code x-amzn-RequestId}), so they match any value but only when they are
 * the whole expected string. Tokens such as {@code <uuid:1>}, {@code <partition>} or the account id
 * {@code 111111111111} replaced part of a string (an ARN, a cause), so they match any run of
 * characters inside a string. Object keys are never masked and are compared exactly.
 */
final class JsonMatcher {
  private static final Pattern BARE_WORD = Pattern.compile("[A-Za-z][A-Za-z-]*");

  private final List<String> wholeValueTokens = new ArrayList<>();
  private final List<String> substringTokens = new ArrayList<>();

  /** A matcher treating the given placeholder tokens as wildcards. */
  JsonMatcher(List<String> placeholders) {
    for (String token : placeholders) {
      if (BARE_WORD.matcher(token).matches()) {
        wholeValueTokens.add(token);
      } else {
        substringTokens.add(token);
      }
    }
    // Longest first, so that "Request ID: <request_id>" wins over "<request_id>".
    substringTokens.sort(Comparator.comparingInt(String::length).reversed());
  }

  /**
   * The first difference between the expected and the actual value, described with its JSON path,
   * or empty when they match.
   */
  Optional<String> mismatch(JsonNode expected, JsonNode actual) {
    return mismatch("$", expected, actual);
  }

  /**
   * Whether an expected string (with placeholders) matches an actual string. Any token that is the
   * whole expected string stands for the whole actual string.
   */
  boolean matchesText(String expected, String actual) {
    if (wholeValueTokens.contains(expected) || substringTokens.contains(expected)) {
      return actual != null;
    }
    if (actual == null) {
      return false;
    }
    if (expected.equals(actual)) {
      return true;
    }
    return substringPattern(expected).map(p -> p.matcher(actual).matches()).orElse(false);
  }

  private Optional<String> mismatch(String path, JsonNode expected, JsonNode actual) {
    if (expected.isTextual()
        && (wholeValueTokens.contains(expected.asText())
            || substringTokens.contains(expected.asText()))) {
      return actual == null || actual.isMissingNode()
          ? Optional.of(path + ": expected a value (placeholder " + expected + "), got nothing")
          : Optional.empty();
    }
    if (actual == null || actual.isMissingNode()) {
      return Optional.of(path + ": expected " + abbreviate(expected) + ", got nothing");
    }
    if (expected.isNumber() && actual.isNumber()) {
      return expected.decimalValue().compareTo(actual.decimalValue()) == 0
          ? Optional.empty()
          : differs(path, expected, actual);
    }
    if (expected.getNodeType() != actual.getNodeType()) {
      return differs(path, expected, actual);
    }
    if (expected.isTextual()) {
      return matchesText(expected.asText(), actual.asText())
          ? Optional.empty()
          : differs(path, expected, actual);
    }
    if (expected.isArray()) {
      if (expected.size() != actual.size()) {
        return Optional.of(
            path
                + ": expected an array of "
                + expected.size()
                + " items, got "
                + actual.size()
                + ": "
                + abbreviate(actual));
      }
      for (int i = 0; i < expected.size(); i++) {
        Optional<String> inner = mismatch(path + "[" + i + "]", expected.get(i), actual.get(i));
        if (inner.isPresent()) {
          return inner;
        }
      }
      return Optional.empty();
    }
    if (expected.isObject()) {
      TreeSet<String> missing = new TreeSet<>();
      TreeSet<String> extra = new TreeSet<>();
      expected.fieldNames().forEachRemaining(missing::add);
      actual.fieldNames().forEachRemaining(extra::add);
      TreeSet<String> common = new TreeSet<>(missing);
      common.retainAll(extra);
      missing.removeAll(common);
      extra.removeAll(common);
      if (!missing.isEmpty() || !extra.isEmpty()) {
        return Optional.of(
            path
                + ": keys differ (missing "
                + missing
                + ", unexpected "
                + extra
                + "); got "
                + abbreviate(actual));
      }
      for (Iterator<String> names = common.iterator(); names.hasNext(); ) {
        String name = names.next();
        Optional<String> inner = mismatch(path + "." + name, expected.get(name), actual.get(name));
        if (inner.isPresent()) {
          return inner;
        }
      }
      return Optional.empty();
    }
    return expected.equals(actual) ? Optional.empty() : differs(path, expected, actual);
  }

  private Optional<Pattern> substringPattern(String expected) {
    StringBuilder regex = new StringBuilder();
    boolean wildcard = false;
    int literalStart = 0;
    int i = 0;
    while (i < expected.length()) {
      String token = tokenAt(expected, i);
      if (token == null) {
        i++;
        continue;
      }
      regex.append(Pattern.quote(expected.substring(literalStart, i))).append(".*");
      wildcard = true;
      i += token.length();
      literalStart = i;
    }
    if (!wildcard) {
      return Optional.empty();
    }
    regex.append(Pattern.quote(expected.substring(literalStart)));
    return Optional.of(Pattern.compile(regex.toString(), Pattern.DOTALL));
  }

  private String tokenAt(String text, int index) {
    for (String token : substringTokens) {
      if (text.startsWith(token, index)) {
        return token;
      }
    }
    return null;
  }

  private static Optional<String> differs(String path, JsonNode expected, JsonNode actual) {
    return Optional.of(
        path + ": expected " + abbreviate(expected) + " but was " + abbreviate(actual));
  }

  static String abbreviate(JsonNode node) {
    String text = node == null ? "nothing" : node.toString();
    return abbreviate(text);
  }

  static String abbreviate(String text) {
    return text.length() <= 300 ? text : text.substring(0, 300) + "...";
  }
}
