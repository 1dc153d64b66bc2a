package dev.cairn.pipeline.file;

import java.math.BigInteger;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * What every section reader of the pipeline file shares: reading mappings and typed values out of
 * YAML nodes, each wrong value reported as a problem at its place (and the walk carried on).
 */
abstract class NodeReader {
  /** Names of environments, services and apps: the one rule of {@link EnvironmentNames}. */
  static final Pattern NAME = EnvironmentNames.PATTERN;

  static final String NAME_RULE =
      "lowercase letters, digits and hyphens, starting with a letter, at most 63 characters";
  private static final Pattern DIGITS = Pattern.compile("[0-9]+");

  final SourceProblems problems;

  NodeReader(SourceProblems problems) {
    this.problems = problems;
  }

  // ---- mappings

  /** The known keys of a mapping, with unknown and duplicate keys reported. */
  final class Fields {
    private final Node node;
    private final String path;
    private final Map<String, Node> values = new LinkedHashMap<>();

    Fields(Node node, String path) {
      this.node = node;
      this.path = path;
    }

    Node get(String key) {
      return values.get(key);
    }

    /** The key's value node; null (and a problem) when the key is missing. */
    Node required(String key) {
      if (!values.containsKey(key)) {
        problem(node, "missing required key '" + key + "' " + where(path));
        return null;
      }
      return values.get(key);
    }
  }

  Fields fields(Node node, String path, List<String> allowed) {
    Fields fields = new Fields(node, path);
    for (Map.Entry<String, NodeTuple> entry : entries(node, path).entrySet()) {
      String key = entry.getKey();
      if (!allowed.contains(key)) {
        problem(
            entry.getValue().getKeyNode(),
            "unknown key '"
                + printable(key)
                + "' "
                + where(path)
                + "; expected one of: "
                + String.join(", ", allowed));
      } else {
        fields.values.put(key, entry.getValue().getValueNode());
      }
    }
    return fields;
  }

  /** A mapping's entries by key, with duplicate and non-text keys reported (and left out). */
  Map<String, NodeTuple> entries(Node node, String path) {
    Map<String, NodeTuple> entries = new LinkedHashMap<>();
    for (NodeTuple tuple : ((MappingNode) node).getValue()) {
      Node keyNode = tuple.getKeyNode();
      if (!(keyNode instanceof ScalarNode key) || isNull(keyNode) || !isPlainType(key)) {
        problem(keyNode, "keys must be plain words " + where(path) + ", found " + found(keyNode));
        continue;
      }
      NodeTuple first = entries.putIfAbsent(key.getValue(), tuple);
      if (first != null) {
        problem(
            keyNode,
            "duplicate key '"
                + printable(key.getValue())
                + "' "
                + where(path)
                + "; first defined at line "
                + line(first.getKeyNode()));
      }
    }
    return entries;
  }

  static String where(String path) {
    return path.isEmpty() ? "at the top level" : "in " + path;
  }

  // ---- values

  Node mapping(Node node, String path, String expected) {
    if (node instanceof MappingNode) {
      return node;
    }
    problem(node, path + ": expected " + expected + ", found " + found(node));
    return null;
  }

  Node sequence(Node node, String path, String expected) {
    if (node instanceof SequenceNode) {
      return node;
    }
    problem(node, path + ": expected " + expected + ", found " + found(node));
    return null;
  }

  /**
   * A scalar's text: strings, and numbers or booleans as written. Null (and a problem) otherwise.
   */
  String text(Node node, String path) {
    if (node instanceof ScalarNode scalar && !isNull(node) && isPlainType(scalar)) {
      return scalar.getValue();
    }
    if (node != null) {
      problem(node, path + ": expected text, found " + found(node));
    }
    return null;
  }

  /** A shell command: non-blank text. */
  String command(Node node, String path) {
    String value = text(node, path);
    if (value != null && value.isBlank()) {
      problem(node, path + ": must not be empty");
    }
    return value;
  }

  /** A step's display name: one line of text. */
  String label(Node node, String path) {
    if (node == null) {
      return null;
    }
    String value = text(node, path);
    if (value != null && (value.isBlank() || hasControl(value) || value.length() > 100)) {
      problem(node, path + ": expected one line of text (at most 100 characters)");
    }
    return value;
  }

  /**
   * A path inside a directory: relative, without {@code ..}, control characters or '\\'.
   *
   * @param root what the path is relative to, for messages, e.g. {@code the workspace}
   */
  String relativePath(Node node, String path, String root) {
    String value = text(node, path);
    if (value == null) {
      return null;
    }
    if (value.isBlank()) {
      problem(node, path + ": must not be empty");
    } else if (value.startsWith("/")) {
      problem(node, path + ": must be a path relative to " + root + ", found '" + value + "'");
    } else if (List.of(value.split("/")).contains("..")) {
      problem(node, path + ": must stay inside " + root + " ('..' is not allowed)");
    } else if (hasControl(value) || value.contains("\\")) {
      problem(node, path + ": must not contain control characters or backslashes");
    }
    return value;
  }

  /** An identifier (application, environment or service name). */
  String name(Node node, String path, String what) {
    if (node == null) {
      return null;
    }
    String value = text(node, path);
    if (value == null) {
      return null;
    }
    if (!NAME.matcher(value).matches()) {
      problem(node, path + ": invalid " + what + " '" + printable(value) + "'; use " + NAME_RULE);
      return null;
    }
    return value;
  }

  void unique(Map<String, Node> seen, String name, Node node, String path, String what) {
    Node first = seen.putIfAbsent(name, node);
    if (first != null) {
      problem(
          node,
          path
              + ": duplicate "
              + what
              + " '"
              + printable(name)
              + "'; first declared at line "
              + line(first));
    }
  }

  Boolean bool(Node node, String path, boolean fallback) {
    if (node == null) {
      return fallback;
    }
    if (node instanceof ScalarNode && Tag.BOOL.equals(node.getTag())) {
      return Boolean.parseBoolean(((ScalarNode) node).getValue().toLowerCase(Locale.ROOT));
    }
    problem(node, path + ": expected true or false, found " + found(node));
    return null;
  }

  BigInteger integer(Node node, String path, String expected) {
    if (node instanceof ScalarNode scalar
        && Tag.INT.equals(node.getTag())
        && DIGITS.matcher(scalar.getValue().replaceFirst("^[-+]", "")).matches()) {
      return new BigInteger(scalar.getValue());
    }
    problem(node, path + ": expected " + expected + ", found " + found(node));
    return null;
  }

  int port(Node node, String path) {
    if (node == null) {
      return 0;
    }
    BigInteger value = integer(node, path, "a port number between 1 and 65535");
    if (value == null) {
      return 0;
    }
    if (value.signum() <= 0 || value.compareTo(BigInteger.valueOf(65535)) > 0) {
      problem(node, path + ": expected a port number between 1 and 65535, found " + value);
      return 0;
    }
    return value.intValue();
  }

  Duration duration(Node node, String path, boolean zeroAllowed, Duration fallback) {
    if (node == null) {
      return fallback;
    }
    String expected = "a duration such as 500ms, 90s, 10m, 1h or 1h30m";
    if (!(node instanceof ScalarNode scalar) || isNull(node) || !isPlainType(scalar)) {
      problem(node, path + ": expected " + expected + ", found " + found(node));
      return fallback;
    }
    Optional<Duration> parsed = Durations.parse(scalar.getValue());
    if (parsed.isEmpty()) {
      problem(node, path + ": expected " + expected + ", found " + found(node));
      return fallback;
    }
    if (!zeroAllowed && parsed.get().isZero()) {
      problem(node, path + ": must be longer than 0s");
      return fallback;
    }
    return parsed.get();
  }

  // ---- helpers

  static boolean isNull(Node node) {
    return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
  }

  static boolean isPlainType(ScalarNode node) {
    Tag tag = node.getTag();
    // ENV_TAG is what the schema gives a plain ${NAME}: here it is text like any other, never
    // looked up in Cairn's own environment.
    return Tag.STR.equals(tag)
        || Tag.ENV_TAG.equals(tag)
        || Tag.INT.equals(tag)
        || Tag.FLOAT.equals(tag)
        || Tag.BOOL.equals(tag);
  }

  static boolean hasControl(String value) {
    return value.chars().anyMatch(c -> c < ' ' || c == 0x7f);
  }

  /** What a node is, for "found ..." in messages. */
  static String found(Node node) {
    if (node == null) {
      return "nothing";
    }
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    ScalarNode scalar = (ScalarNode) node;
    Tag tag = scalar.getTag();
    if (Tag.NULL.equals(tag)) {
      return "nothing";
    }
    if (Tag.STR.equals(tag) || Tag.ENV_TAG.equals(tag)) {
      return "'" + printable(scalar.getValue()) + "'";
    }
    if (Tag.INT.equals(tag) || Tag.FLOAT.equals(tag) || Tag.BOOL.equals(tag)) {
      return printable(scalar.getValue());
    }
    String name = tag.getValue();
    if (name.startsWith(Tag.PREFIX)) {
      name = "!!" + name.substring(Tag.PREFIX.length());
    }
    return "a value tagged " + printable(name);
  }

  /** A value fit for a one-line message: control characters escaped, long values shortened. */
  static String printable(String value) {
    StringBuilder out = new StringBuilder();
    value
        .codePoints()
        .limit(60)
        .forEach(
            c -> {
              if (c == '\n') {
                out.append("\\n");
              } else if (c == '\t') {
                out.append("\\t");
              } else if (c < ' ' || c == 0x7f) {
                out.append(String.format("\\u%04x", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    if (value.codePointCount(0, value.length()) > 60) {
      out.append("...");
    }
    return out.toString();
  }

  static int line(Node node) {
    return SourceProblems.line(node);
  }

  void problem(Node node, String message) {
    problems.add(node, message);
  }

  void problem(int[] position, String message) {
    problems.add(position, message);
  }
}
