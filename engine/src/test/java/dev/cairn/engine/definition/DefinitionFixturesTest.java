package dev.cairn.engine.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every definition under {@code asl/valid} (must parse) and {@code asl/invalid} (must be
 * rejected with exactly the problems of its {@code .expected} file, one {@link
 * ValidationProblem#toString()} per line, in order).
 */
class DefinitionFixturesTest {

  static Stream<Path> validFixtures() throws IOException, URISyntaxException {
    return fixtures("valid");
  }

  static Stream<Path> invalidFixtures() throws IOException, URISyntaxException {
    return fixtures("invalid");
  }

  private static Stream<Path> fixtures(String directory) throws IOException, URISyntaxException {
    Path root = Path.of(DefinitionFixturesTest.class.getResource("/asl/" + directory).toURI());
    try (Stream<Path> files = Files.list(root)) {
      return files.filter(file -> file.toString().endsWith(".json")).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validFixtures")
  void validDefinitionParses(Path file) throws IOException {
    StateMachine machine = DefinitionParser.parse(Files.readString(file));

    assertThat(machine.states()).containsKey(machine.startAt());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidFixtures")
  void invalidDefinitionReportsExactlyTheExpectedProblems(Path file) throws IOException {
    Path expectedFile = Path.of(file.toString().replaceFirst("\\.json$", ".expected"));
    List<String> expected =
        Files.readAllLines(expectedFile).stream().filter(line -> !line.isBlank()).toList();

    InvalidDefinitionException thrown =
        catchThrowableOfType(
            InvalidDefinitionException.class, () -> DefinitionParser.parse(Files.readString(file)));

    assertThat(thrown).as("%s must be rejected", file.getFileName()).isNotNull();
    assertThat(thrown.problems())
        .map(ValidationProblem::toString)
        .containsExactlyElementsOf(expected);
  }

  @Test
  void everyRuleCodeIsCoveredByAnInvalidFixture() throws Exception {
    List<String> reported;
    try (Stream<Path> files = invalidFixtures()) {
      reported =
          files
              .map(file -> Path.of(file.toString().replaceFirst("\\.json$", ".expected")))
              .flatMap(DefinitionFixturesTest::lines)
              .map(line -> line.substring(line.lastIndexOf('[') + 1, line.length() - 1))
              .distinct()
              .toList();
    }
    List<String> rules =
        Stream.of(ValidationRules.class.getFields())
            .map(
                field -> {
                  try {
                    return (String) field.get(null);
                  } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                  }
                })
            .toList();

    assertThat(reported).containsExactlyInAnyOrderElementsOf(rules);
  }

  private static Stream<String> lines(Path file) {
    try {
      return Files.readAllLines(file).stream().filter(line -> !line.isBlank());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
