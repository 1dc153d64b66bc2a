package dev.cairn.engine.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checked-in list of corpus cases the engine is known to fail, one {@code <case name> |
 * <reason>} per line. The list may only shrink: a listed case that passes fails the suite until its
 * line is removed.
 */
final class KnownFailures {
  /** Where the list is read from, on the test class path. */
  static final String RESOURCE = "/conformance/known-failures.txt";

  /** Where the list is written when regenerated, relative to the engine module. */
  static final Path SOURCE = Path.of("src/test/resources/conformance/known-failures.txt");

  private static final String SEPARATOR = " | ";
  private static final Pattern PROBLEM = Pattern.compile("/\\S*: (.*?)( \\[[A-Z_]+\\])?");

  private KnownFailures() {}

  /** The listed cases and their reasons; empty when there is no list. */
  static Map<String, String> load() {
    Map<String, String> known = new TreeMap<>();
    try (InputStream in = KnownFailures.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return known;
      }
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
          continue;
        }
        int split = trimmed.indexOf(SEPARATOR);
        if (split < 0) {
          throw new IllegalStateException(
              "known-failures.txt: a line must be '<case name> | <reason>': " + line);
        }
        known.put(
            trimmed.substring(0, split).strip(), trimmed.substring(split + SEPARATOR.length()));
      }
      return known;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes the list, sorted by case name, to the engine module's test resources. */
  static void write(Path file, Map<String, String> failures) {
    List<String> lines = new ArrayList<>();
    lines.add("# Conformance cases the engine is known to fail: <case name> | <reason>.");
    lines.add("# The list may only shrink: ConformanceTest fails when a listed case passes.");
    lines.add(
        "# Regenerate with -Dcairn.conformance.writeKnownFailures=true (reasons of cases already");
    lines.add("# listed are kept; new ones get the first line of their mismatch).");
    new TreeMap<>(failures).forEach((name, reason) -> lines.add(name + SEPARATOR + reason));
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, lines, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A mismatch shortened to a one-line reason of at most 150 characters: the engine's messages for
   * the definition problems it reports (e.g. unsupported features), else the mismatch's first line.
   */
  static String reasonOf(String mismatch) {
    List<String> lines = mismatch.strip().lines().map(String::strip).toList();
    Set<String> problems = new LinkedHashSet<>();
    for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
      // Problem lines read "/JSON/pointer: message [CODE]"; the pointer differs case by case.
      Matcher problem = PROBLEM.matcher(line);
      if (problem.matches()) {
        problems.add(problem.group(1));
      }
    }
    String reason =
        problems.isEmpty() ? (lines.isEmpty() ? "" : lines.get(0)) : String.join("; ", problems);
    return reason.length() <= 150 ? reason : reason.substring(0, 150);
  }
}
