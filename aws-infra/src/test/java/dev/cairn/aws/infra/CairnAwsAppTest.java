package dev.cairn.aws.infra;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The app refuses a repository whose pipeline file is missing or invalid, saying which. */
class CairnAwsAppTest {
  @TempDir Path dir;

  private CairnAwsConfig config(Path pipeline) {
    return CairnAwsConfig.builder()
        .imagesSource("o/cairn")
        .repository(new RepositoryConfig("app", "o/app", "main", pipeline, null))
        .build();
  }

  @Test
  void anInvalidPipelineFileIsReportedWithItsProblems() throws Exception {
    Path pipeline = dir.resolve("cairn.yml");
    Files.writeString(pipeline, "name: app\nbuild: {}\n");

    assertThatThrownBy(() -> CairnAwsApp.create(config(pipeline), dir.resolve("out")))
        .isInstanceOf(AwsConfigException.class)
        .hasMessageStartingWith(
            "repository 'app': the pipeline file is invalid:\n" + pipeline + ":");
  }

  @Test
  void aMissingPipelineFileIsNamed() {
    Path pipeline = dir.resolve("missing.yml");

    assertThatThrownBy(() -> CairnAwsApp.create(config(pipeline), dir.resolve("out")))
        .isInstanceOf(AwsConfigException.class)
        .hasMessage("repository 'app': no pipeline file at " + pipeline);
  }
}
