package dev.cairn.engine.conformance;

import dev.cairn.engine.conformance.CaseRunner.Outcome;
import dev.cairn.engine.conformance.Corpus.Case;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/** Pass rates of the corpus by feature group, as a markdown table. */
final class ConformanceReport {
  /** A row of the table. */
  record Row(String group, int cases, int passed) {
    double percent() {
      return cases == 0 ? 100.0 : 100.0 * passed / cases;
    }
  }

  private final List<Row> groups = new ArrayList<>();
  private final Row jsonPath;
  private final Row executions;
  private final Row testState;
  private final Row testStateJsonPath;

  ConformanceReport(List<Case> cases, Map<String, Outcome> outcomes) {
    Map<String, List<Case>> byGroup = new TreeMap<>();
    for (Case c : cases) {
      if (!c.testState()) {
        byGroup.computeIfAbsent(c.group(), g -> new ArrayList<>()).add(c);
      }
    }
    byGroup.forEach((group, members) -> groups.add(row(group, members, outcomes, c -> true)));
    jsonPath = row("JSONPath mode (all groups)", cases, outcomes, Case::jsonPathMode);
    executions = row("all execution cases", cases, outcomes, c -> !c.testState());
    testState = row("TestState cases", cases, outcomes, Case::testState);
    testStateJsonPath =
        row("TestState cases, JSONPath mode", cases, outcomes, Case::testStateJsonPathMode);
  }

  private static Row row(
      String name, List<Case> cases, Map<String, Outcome> outcomes, Predicate<Case> filter) {
    int total = 0;
    int passed = 0;
    for (Case c : cases) {
      if (filter.test(c)) {
        total++;
        if (outcomes.get(c.name()).passed()) {
          passed++;
        }
      }
    }
    return new Row(name, total, passed);
  }

  /** The JSONPath-mode execution cases: those needing no JSONata and no variables. */
  Row jsonPath() {
    return jsonPath;
  }

  /** All execution cases. */
  Row executions() {
    return executions;
  }

  /** All TestState cases. */
  Row testStates() {
    return testState;
  }

  /** The report as markdown. */
  String markdown() {
    StringBuilder out = new StringBuilder();
    out.append("# ASL conformance report\n\n");
    out.append("Execution cases by group (the case name's prefix before `__`):\n\n");
    out.append("| group | cases | passed | % |\n|---|---:|---:|---:|\n");
    for (Row row : groups) {
      append(out, row);
    }
    out.append("\nTotals:\n\n");
    out.append("| group | cases | passed | % |\n|---|---:|---:|---:|\n");
    append(out, executions);
    append(out, jsonPath);
    append(out, testState);
    append(out, testStateJsonPath);
    return out.toString();
  }

  private static void append(StringBuilder out, Row row) {
    out.append(
        String.format(
            Locale.ROOT,
            "| %s | %d | %d | %.1f |%n",
            row.group(),
            row.cases(),
            row.passed(),
            row.percent()));
  }

  /** Writes the report to a file. */
  void write(Path file) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, markdown());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
