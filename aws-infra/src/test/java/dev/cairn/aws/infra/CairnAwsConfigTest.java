package dev.cairn.aws.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The configuration file: defaults, relative paths, and a clear message for each mistake. */
class CairnAwsConfigTest {
  private static final String REPOSITORY =
      "repositories:\n  - {name: notes, github: o/notes, pipeline: app/cairn.yml}\n";

  @Test
  void theExampleFileReads() {
    CairnAwsConfig config = CairnAwsConfig.read(Synthesized.CONFIG);
    assertThat(config.prefix()).isEqualTo("cairn");
    assertThat(config.spot()).isTrue();
    assertThat(config.repositories()).hasSize(1);
    RepositoryConfig notes = config.repositories().get(0);
    assertThat(notes.pipelineFile())
        .isEqualTo(Path.of("../examples/notes/cairn.yml").toAbsolutePath().normalize());
    assertThat(Files.isRegularFile(notes.pipelineFile())).isTrue();
  }

  @Test
  void defaultsApplyAndPipelinePathsAreRelativeToTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("cairn-aws.yml");
    Files.writeString(file, "images: {source: o/cairn}\n" + REPOSITORY);
    CairnAwsConfig config = CairnAwsConfig.read(file);
    assertThat(config.prefix()).isEqualTo("cairn");
    assertThat(config.imagesSourceRef()).isEqualTo("main");
    assertThat(config.spot()).isFalse();
    assertThat(config.alarmEmail()).isNull();
    assertThat(config.repositories().get(0).branch()).isEqualTo("main");
    assertThat(config.repositories().get(0).pipelineFile()).isEqualTo(dir.resolve("app/cairn.yml"));
  }

  @Test
  void aMissingFileIsNamed(@TempDir Path dir) {
    assertThatThrownBy(() -> CairnAwsConfig.read(dir.resolve("nope.yml")))
        .isInstanceOf(AwsConfigException.class)
        .hasMessage(dir.resolve("nope.yml") + ": no such file");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "images: {source: o/c}\\n| repositories: a list of repositories is required",
        "images: {source: o/c}\\nrepositories: []\\n| repositories: at least one repository is"
            + " required",
        "images: {source: o/c}\\nspot: maybe\\nREPO| spot must be true or false",
        "images: {source: o/c}\\ncolour: red\\nREPO| the file: unknown key(s) [colour]; allowed:"
            + " [alarmEmail, imageTag, images, prefix, repositories, spot]",
        "images: {source: nope}\\nREPO| images.source must be owner/repo, got 'nope'",
        "REPO| images.source must be owner/repo, got 'null'",
        "images: {source: o/c}\\nprefix: Cairn\\nREPO| prefix 'Cairn' must match [a-z][a-z0-9-]*"
            + " (at most 16 characters)",
        "images: {source: o/c}\\nrepositories:\\n  - {name: Notes, github: o/n, pipeline: x}\\n|"
            + " repository name 'Notes' must match [a-z][a-z0-9-]* (at most 24 characters)",
        "images: {source: o/c}\\nrepositories:\\n  - {name: n, github: notes, pipeline: x}\\n|"
            + " repository 'n': github must be owner/repo, got 'notes'",
        "images: {source: o/c}\\nrepositories:\\n  - {name: n, github: o/n}\\n| repositories[0]:"
            + " pipeline is required",
        "images: {source: o/c}\\nrepositories:\\n  - {name: n, github: o/n, pipeline: a}\\n  -"
            + " {name: n, github: o/m, pipeline: b}\\n| repositories: the name 'n' is used twice",
        "images: [\\n| not valid YAML: while parsing a flow node",
      })
  void mistakesAreExplained(String text, String message) {
    String yaml = text.replace("\\n", "\n").replace("REPO", REPOSITORY);
    assertThatThrownBy(() -> CairnAwsConfig.parse(yaml, Path.of("/base")))
        .isInstanceOf(AwsConfigException.class)
        .hasMessageStartingWith(message.strip());
  }
}
