package dev.cairn.telemetry.metrics;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of Prometheus' text exposition format 0.0.4, as Prometheus itself would reject
 * it: metric and label names, label value escapes, sample values, one {@code TYPE} per family
 * before its samples, a family's samples together, the suffixes its type allows, no series twice.
 * Any departure is an {@link IllegalArgumentException} naming the line.
 */
public final class PrometheusText {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Pattern VALUE =
      Pattern.compile("[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?|NaN|[+-]Inf");
  private static final Pattern TIMESTAMP = Pattern.compile("-?[0-9]+");
  private static final Set<String> TYPES =
      Set.of("counter", "gauge", "histogram", "summary", "untyped");

  /** One series: its name and labels. */
  public record Series(String name, Map<String, String> labels) {}

  private final Map<Series, Double> samples;
  private final Map<String, String> types;

  private PrometheusText(Map<Series, Double> samples, Map<String, String> types) {
    this.samples = samples;
    this.types = types;
  }

  /** Reads a scrape. */
  public static PrometheusText parse(String text) {
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new IllegalArgumentException("the exposition does not end with a line feed");
    }
    Map<Series, Double> samples = new LinkedHashMap<>();
    Map<String, String> types = new HashMap<>();
    Set<String> helped = new HashSet<>();
    Set<String> closedFamilies = new HashSet<>();
    String family = null;
    int number = 0;
    for (String line : text.split("\n", -1)) {
      number++;
      if (line.isEmpty()) {
        continue;
      }
      String where = "line " + number + " '" + line + "': ";
      if (line.startsWith("#")) {
        String[] parts = line.split(" ", 4);
        if (parts.length >= 3 && (parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
          String name = parts[2];
          require(NAME.matcher(name).matches(), where + "bad metric name");
          if (parts[1].equals("TYPE")) {
            require(parts.length == 4 && TYPES.contains(parts[3]), where + "bad type");
            require(!types.containsKey(name), where + "a second TYPE for " + name);
            require(!closedFamilies.contains(name), where + "TYPE after the samples of " + name);
            types.put(name, parts[3]);
          } else {
            require(helped.add(name), where + "a second HELP for " + name);
          }
          if (!name.equals(family)) {
            require(!closedFamilies.contains(name), where + name + " appears twice");
            if (family != null) {
              closedFamilies.add(family);
            }
            family = name;
          }
        }
        continue;
      }
      Sample sample = sample(line, where);
      String owner = familyOf(sample.name(), types);
      if (!owner.equals(family)) {
        require(!closedFamilies.contains(owner), where + "the samples of " + owner + " are apart");
        if (family != null) {
          closedFamilies.add(family);
        }
        family = owner;
      }
      checkSuffix(sample, owner, types.getOrDefault(owner, "untyped"), where);
      Series series = new Series(sample.name(), sample.labels());
      require(samples.put(series, sample.value()) == null, where + "the same series twice");
    }
    return new PrometheusText(samples, types);
  }

  /** The value of a series; the labels are given as name, value pairs. */
  public double value(String name, String... labels) {
    Double value = samples.get(new Series(name, labels(labels)));
    if (value == null) {
      throw new AssertionError(
          "no series "
              + name
              + labels(labels)
              + " among "
              + samples.keySet().stream().filter(s -> s.name().startsWith(name)).toList());
    }
    return value;
  }

  /** Whether the scrape has the series. */
  public boolean has(String name, String... labels) {
    return samples.containsKey(new Series(name, labels(labels)));
  }

  /** The declared type of a family, e.g. {@code counter}, or null. */
  public String type(String family) {
    return types.get(family);
  }

  /** Every series. */
  public Set<Series> series() {
    return samples.keySet();
  }

  private static Map<String, String> labels(String... pairs) {
    Map<String, String> labels = new TreeMap<>();
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      labels.put(pairs[i], pairs[i + 1]);
    }
    return labels;
  }

  private record Sample(String name, Map<String, String> labels, double value) {}

  private static Sample sample(String line, String where) {
    Matcher name = NAME.matcher(line);
    require(name.lookingAt(), where + "no metric name");
    int at = name.end();
    Map<String, String> labels = new TreeMap<>();
    if (at < line.length() && line.charAt(at) == '{') {
      at++;
      while (line.charAt(at) != '}') {
        Matcher label = LABEL.matcher(line).region(at, line.length());
        require(label.lookingAt(), where + "bad label name");
        String key = label.group();
        at = label.end();
        require(line.startsWith("=\"", at), where + "a label without =\"");
        at += 2;
        StringBuilder value = new StringBuilder();
        while (true) {
          require(at < line.length(), where + "an unterminated label value");
          char c = line.charAt(at++);
          if (c == '"') {
            break;
          }
          if (c == '\\') {
            require(at < line.length(), where + "a dangling escape");
            char escaped = line.charAt(at++);
            switch (escaped) {
              case '\\' -> value.append('\\');
              case '"' -> value.append('"');
              case 'n' -> value.append('\n');
              default -> throw new IllegalArgumentException(where + "a bad escape \\" + escaped);
            }
          } else {
            value.append(c);
          }
        }
        require(labels.put(key, value.toString()) == null, where + "label " + key + " twice");
        require(at < line.length(), where + "unterminated labels");
        if (line.charAt(at) == ',') {
          at++;
        } else {
          require(line.charAt(at) == '}', where + "labels not separated by commas");
        }
      }
      at++;
    }
    require(at < line.length() && line.charAt(at) == ' ', where + "no space before the value");
    String[] rest = line.substring(at + 1).split(" ", -1);
    require(rest.length == 1 || rest.length == 2, where + "more than a value and a timestamp");
    require(VALUE.matcher(rest[0]).matches(), where + "bad value");
    if (rest.length == 2) {
      require(TIMESTAMP.matcher(rest[1]).matches(), where + "bad timestamp");
    }
    double value =
        switch (rest[0]) {
          case "+Inf" -> Double.POSITIVE_INFINITY;
          case "-Inf" -> Double.NEGATIVE_INFINITY;
          default -> Double.parseDouble(rest[0]);
        };
    return new Sample(name.group(), labels, value);
  }

  private static String familyOf(String sample, Map<String, String> types) {
    if (types.containsKey(sample)) {
      return sample;
    }
    for (String suffix : List.of("_total", "_bucket", "_sum", "_count", "_created")) {
      if (sample.endsWith(suffix)) {
        String base = sample.substring(0, sample.length() - suffix.length());
        if (types.containsKey(base)) {
          return base;
        }
      }
    }
    return sample;
  }

  private static void checkSuffix(Sample sample, String family, String type, String where) {
    String suffix = sample.name().substring(family.length());
    List<String> allowed =
        switch (type) {
          case "counter" -> List.of("", "_total", "_created");
          case "summary" -> List.of("", "_sum", "_count", "_created");
          case "histogram" -> List.of("_bucket", "_sum", "_count", "_created");
          default -> List.of("");
        };
    require(
        allowed.contains(suffix), where + "a " + type + " has no samples named " + sample.name());
    if (type.equals("histogram") && suffix.equals("_bucket")) {
      require(sample.labels().containsKey("le"), where + "a bucket without le");
    }
    if (type.equals("summary") && suffix.isEmpty()) {
      require(sample.labels().containsKey("quantile"), where + "a quantile without its label");
    }
    require(sample.value() >= 0 || !type.equals("counter"), where + "a negative counter");
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
