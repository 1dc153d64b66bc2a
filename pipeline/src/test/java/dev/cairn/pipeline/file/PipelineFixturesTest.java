package dev.cairn.pipeline.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fixture table: every {@code pipelines/valid/*.yml} parses; every {@code
 * pipelines/invalid/*.yml} fails with exactly the problems of its {@code .expected} file.
 */
class PipelineFixturesTest {

  static Stream<Path> valid() throws IOException, URISyntaxException {
    return fixtures("valid");
  }

  static Stream<Path> invalid() throws IOException, URISyntaxException {
    return fixtures("invalid");
  }

  private static Stream<Path> fixtures(String folder) throws IOException, URISyntaxException {
    Path dir = Path.of(PipelineFixturesTest.class.getResource("/pipelines/" + folder).toURI());
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
    }
    assertThat(files).as("fixtures in " + folder).isNotEmpty();
    return files.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valid")
  void validFixtureParses(Path file) throws IOException {
    String text = Files.readString(file);
    assertThatCode(() -> PipelineFileParser.parse("cairn.yml", text)).doesNotThrowAnyException();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void invalidFixtureFailsWithExactlyTheExpectedProblems(Path file) throws IOException {
    Path expectedFile =
        file.resolveSibling(file.getFileName().toString().replace(".yml", ".expected"));
    List<String> expected = Files.readAllLines(expectedFile);
    String text = Files.readString(file);

    PipelineFileException e =
        catchThrowableOfType(
            PipelineFileException.class, () -> PipelineFileParser.parse("cairn.yml", text));

    assertThat(e).as("%s must be rejected", file.getFileName()).isNotNull();
    assertThat(e.problems()).map(PipelineProblem::toString).containsExactlyElementsOf(expected);
    assertThat(e.getMessage()).isEqualTo(String.join("\n", expected));
  }
}
