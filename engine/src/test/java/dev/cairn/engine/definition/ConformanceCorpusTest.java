package dev.cairn.engine.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every definition of the shared conformance corpus that real Step Functions ran must be accepted,
 * JSONata and variables included.
 *
 * <p>The corpus is found through the system property {@code cairn.aslConformance}, else next to the
 * repository root ({@code ../shared/asl-conformance}), else at {@code ../shared/asl-conformance
 * beside the repository}; without it the test is skipped with a message saying so.
 */
class ConformanceCorpusTest {
  private static final String PROPERTY = "cairn.aslConformance";

  @TestFactory
  Stream<DynamicTest> everyCorpusDefinitionParses() throws IOException {
    Path corpus = locateCorpus();
    Assumptions.assumeTrue(
        corpus != null,
        "ASL conformance corpus not found: set -D"
            + PROPERTY
            + "=<dir>, or place it at ../shared/asl-conformance next to the repository");
    List<Path> cases;
    try (Stream<Path> files = Files.list(corpus.resolve("cases"))) {
      cases = files.filter(file -> file.toString().endsWith(".json")).sorted().toList();
    }
    List<DynamicTest> tests = new ArrayList<>();
    for (Path file : cases) {
      JsonNode testCase = Json.parse(Files.readString(file));
      tests.add(
          DynamicTest.dynamicTest(
              file.getFileName().toString(),
              () ->
                  assertThatCode(() -> DefinitionParser.parse(testCase.get("definition")))
                      .doesNotThrowAnyException()));
    }
    assertThat(tests).as("corpus cases").hasSizeGreaterThan(100);
    return tests.stream();
  }

  private static Path locateCorpus() {
    List<Path> candidates = new ArrayList<>();
    String property = System.getProperty(PROPERTY);
    if (property != null && !property.isBlank()) {
      candidates.add(Path.of(property));
    }
    Path repositoryRoot = repositoryRoot();
    if (repositoryRoot != null && repositoryRoot.getParent() != null) {
      candidates.add(repositoryRoot.getParent().resolve("shared/asl-conformance"));
    }
    return candidates.stream()
        .filter(candidate -> Files.isDirectory(candidate.resolve("cases")))
        .findFirst()
        .orElse(null);
  }

  /** The nearest directory upwards holding {@code .git} (a directory, or a file in a worktree). */
  private static Path repositoryRoot() {
    Path current = Path.of("").toAbsolutePath();
    while (current != null && !Files.exists(current.resolve(".git"))) {
      current = current.getParent();
    }
    return current;
  }
}
