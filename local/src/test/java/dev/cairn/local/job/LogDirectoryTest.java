package dev.cairn.local.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Logs kept as {@code RUN-NAME} in one directory, where {@code cairn logs RUN} looks. */
class LogDirectoryTest {
  @TempDir Path dir;

  @Test
  void aLogFromElsewhereIsCopiedInUnderTheRunsName() throws Exception {
    Path logs = dir.resolve("logs");
    Path output = Files.writeString(dir.resolve("release.tmp"), "Traceback: boom\n");

    String kept = new LogDirectory(logs).keep("000002-abcdef0", "release-production.log", output);

    assertThat(Path.of(kept)).isEqualTo(logs.resolve("000002-abcdef0-release-production.log"));
    assertThat(Path.of(kept)).hasContent("Traceback: boom");
  }

  @Test
  void aLogTheExecutorWroteThereStaysAsItIs() throws Exception {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Path build = Files.writeString(logs.resolve("000001-abcdef0-build.log"), "compiling\n");

    String kept = new LogDirectory(logs).keep("000001-abcdef0", "build.log", build);

    assertThat(Path.of(kept)).isEqualTo(build);
    assertThat(build).hasContent("compiling");
  }

  @Test
  void aNameThatLeadsOutOfTheDirectoryIsRefused() throws Exception {
    Path output = Files.writeString(dir.resolve("x"), "x");

    assertThatThrownBy(() -> new LogDirectory(dir.resolve("logs")).keep("run", "/../../x", output))
        .isInstanceOf(IOException.class);
  }
}
