package dev.cairn.pipeline.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Pipeline files and names a hostile commit or caller would send. */
class HostilePipelineFileTest {
  @TempDir Path dir;

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aPipelineFileLinkedToDevZeroIsRefusedWithoutReadingIt() throws Exception {
    Path file = dir.resolve("cairn.yml");
    Files.createSymbolicLink(file, Path.of("/dev/zero"));
    assertThatThrownBy(() -> PipelineFileParser.parse(file))
        .isInstanceOf(PipelineFileException.class)
        .hasMessageContaining("symbolic link");
  }

  @Test
  void aPipelineFileLinkedOutsideTheCheckoutIsNotRead() throws Exception {
    Path secret = Files.writeString(dir.resolve("id_rsa"), "PRIVATE KEY MATERIAL");
    Path checkout = Files.createDirectory(dir.resolve("checkout"));
    Path file = checkout.resolve("cairn.yml");
    Files.createSymbolicLink(file, secret);
    assertThatThrownBy(() -> PipelineFileParser.parse(file))
        .isInstanceOf(PipelineFileException.class)
        .hasMessageNotContaining("PRIVATE KEY");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aFifoIsRefusedWithoutBlocking() throws Exception {
    Path fifo = dir.resolve("cairn.yml");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertThat(mkfifo.waitFor()).isZero();
    assertThatThrownBy(() -> PipelineFileParser.parse(fifo))
        .isInstanceOf(PipelineFileException.class)
        .hasMessageContaining("not a regular file");
  }

  @Test
  void aDirectoryIsRefused() throws Exception {
    Path directory = Files.createDirectory(dir.resolve("cairn.yml"));
    assertThatThrownBy(() -> PipelineFileParser.parse(directory))
        .isInstanceOf(PipelineFileException.class)
        .hasMessageContaining("not a regular file");
  }

  @Test
  void aFileOverTheLimitIsRefused() throws Exception {
    Path file = dir.resolve("cairn.yml");
    Files.write(file, new byte[PipelineFileParser.MAX_BYTES + 10]);
    assertThatThrownBy(() -> PipelineFileParser.parse(file))
        .isInstanceOf(PipelineFileException.class)
        .hasMessageContaining("too large");
  }

  @Test
  void environmentNamesThatWalkPathsAreRefused() {
    for (String name :
        new String[] {
          "../../x",
          "..",
          ".",
          "a/b",
          "x\u0000",
          "",
          "A",
          "prod\nuction",
          "-x",
          "x-",
          "a".repeat(64)
        }) {
      assertThat(EnvironmentNames.isValid(name)).as(name).isFalse();
      assertThatThrownBy(() -> EnvironmentNames.require(name))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageNotContaining("\n");
    }
    assertThat(EnvironmentNames.isValid(null)).isFalse();
    assertThatCode(() -> EnvironmentNames.require("production")).doesNotThrowAnyException();
    assertThat(EnvironmentNames.require("preview-42")).isEqualTo("preview-42");
  }
}
