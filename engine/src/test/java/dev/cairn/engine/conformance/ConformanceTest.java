package dev.cairn.engine.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.cairn.engine.conformance.CaseRunner.Outcome;
import dev.cairn.engine.conformance.Corpus.Case;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every case of the ASL conformance corpus (recorded against AWS Step Functions) on the engine
 * and compares status, output, error and cause with the recording.
 *
 * <p>Cases listed in {@code conformance/known-failures.txt} are reported as skipped with their
 * reason; any other failing case fails, and so does a listed case that now passes (the list may
 * only shrink). Pass rates by group go to stdout and {@code target/conformance-report.md}; at least
 * 98% of the JSONPath-mode execution cases, 98% of all execution cases and 95% of the TestState
 * cases must pass.
 *
 * <p>System properties: {@code cairn.conformance.dir} (the corpus directory), {@code
 * cairn.conformance.writeKnownFailures=true} (rewrite the known-failures list from the current
 * failures).
 */
class ConformanceTest {
  /** The least share of JSONPath-mode execution cases that must pass. */
  private static final double JSONPATH_PASS_RATE = 98.0;

  /** The least share of all execution cases (JSONata and variables included) that must pass. */
  private static final double EXECUTION_PASS_RATE = 98.0;

  /** The least share of all TestState cases that must pass. */
  private static final double TEST_STATE_PASS_RATE = 95.0;

  private static CaseRunner runner;

  @AfterAll
  static void stopEngine() {
    if (runner != null) {
      runner.close();
      runner = null;
    }
  }

  @TestFactory
  Stream<DynamicNode> corpus() {
    Optional<Path> corpus = Corpus.locate();
    if (corpus.isEmpty()) {
      System.out.println(
          "ASL conformance corpus not found: set -Dcairn.conformance.dir=<dir>; skipping.");
    }
    Assumptions.assumeTrue(
        corpus.isPresent(),
        "ASL conformance corpus not found (set -Dcairn.conformance.dir=<dir>); skipping");
    List<Case> cases = new ArrayList<>(Corpus.load(corpus.get(), false));
    cases.addAll(Corpus.load(corpus.get(), true));
    assertThat(cases).as("cases in " + corpus.get()).isNotEmpty();
    runner = new CaseRunner(cases);

    Map<String, String> known = KnownFailures.load();
    if (Boolean.getBoolean("cairn.conformance.writeKnownFailures")) {
      known = regenerate(cases, known);
    }
    Map<String, String> expectedFailures = known;

    // A flat list: surefire's -Dtest filter drops tests nested in dynamic containers. Case names
    // start with their group, so the list reads grouped anyway.
    List<DynamicNode> nodes = new ArrayList<>();
    for (Case c : cases) {
      nodes.add(dynamicTest(c.name(), () -> check(c, expectedFailures.get(c.name()))));
    }
    // Dynamic nodes run in order, so these come after every case.
    nodes.add(dynamicTest("report pass rates", () -> report(cases)));
    nodes.add(
        dynamicTest(
            "JSONPath-mode pass rate >= " + JSONPATH_PASS_RATE + "%",
            () -> {
              ConformanceReport.Row row = new ConformanceReport(cases, outcomes(cases)).jsonPath();
              assertThat(row.percent())
                  .as("JSONPath-mode pass rate (%d of %d)", row.passed(), row.cases())
                  .isGreaterThanOrEqualTo(JSONPATH_PASS_RATE);
            }));
    nodes.add(
        dynamicTest(
            "execution pass rate >= " + EXECUTION_PASS_RATE + "%",
            () -> {
              ConformanceReport.Row row =
                  new ConformanceReport(cases, outcomes(cases)).executions();
              assertThat(row.percent())
                  .as("execution pass rate (%d of %d)", row.passed(), row.cases())
                  .isGreaterThanOrEqualTo(EXECUTION_PASS_RATE);
            }));
    nodes.add(
        dynamicTest(
            "TestState pass rate >= " + TEST_STATE_PASS_RATE + "%",
            () -> {
              ConformanceReport.Row row =
                  new ConformanceReport(cases, outcomes(cases)).testStates();
              assertThat(row.percent())
                  .as("TestState pass rate (%d of %d)", row.passed(), row.cases())
                  .isGreaterThanOrEqualTo(TEST_STATE_PASS_RATE);
            }));
    nodes.add(
        dynamicTest(
            "known-failures.txt names only corpus cases",
            () ->
                assertThat(expectedFailures.keySet())
                    .as("cases in known-failures.txt that are not in the corpus")
                    .isSubsetOf(cases.stream().map(Case::name).toList())));
    return nodes.stream();
  }

  private static void check(Case c, String knownReason) {
    Outcome outcome = runner.outcome(c);
    if (outcome.passed()) {
      if (knownReason != null) {
        fail(
            c.name()
                + " passes now: remove it from src/test/resources"
                + KnownFailures.RESOURCE
                + " (it was listed as: "
                + knownReason
                + ")");
      }
      return;
    }
    if (knownReason == null) {
      fail(c.name() + ": " + outcome.mismatch());
    }
    Assumptions.abort("known failure: " + knownReason + " [" + outcome.mismatch() + "]");
  }

  private static Map<String, Outcome> outcomes(List<Case> cases) {
    Map<String, Outcome> outcomes = new LinkedHashMap<>();
    for (Case c : cases) {
      outcomes.put(c.name(), runner.outcome(c));
    }
    return outcomes;
  }

  private static void report(List<Case> cases) {
    ConformanceReport report = new ConformanceReport(cases, outcomes(cases));
    System.out.println(report.markdown());
    report.write(Corpus.moduleDir().resolve("target/conformance-report.md"));
  }

  /** Rewrites the known-failures list from the current failures, keeping reasons already given. */
  private static Map<String, String> regenerate(List<Case> cases, Map<String, String> previous) {
    Map<String, String> failures = new TreeMap<>();
    outcomes(cases)
        .forEach(
            (name, outcome) -> {
              if (!outcome.passed()) {
                failures.put(
                    name, previous.getOrDefault(name, KnownFailures.reasonOf(outcome.mismatch())));
              }
            });
    KnownFailures.write(Corpus.moduleDir().resolve(KnownFailures.SOURCE), failures);
    System.out.println(
        "Rewrote " + KnownFailures.SOURCE + " with " + failures.size() + " known failures.");
    return failures;
  }
}
