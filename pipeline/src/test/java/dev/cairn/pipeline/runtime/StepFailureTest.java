package dev.cairn.pipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failure's cause says what went wrong in words, never with an exception's class name. */
class StepFailureTest {
  @TempDir Path dir;

  @Test
  void aMissingFileIsNamedWithoutTheExceptionsClass() {
    IOException missing =
        org.junit.jupiter.api.Assertions.assertThrows(
            NoSuchFileException.class, () -> Files.readString(dir.resolve("absent.txt")));

    assertThat(StepFailure.describe(missing))
        .isEqualTo("no such file: " + dir.resolve("absent.txt"))
        .doesNotContain("Exception");
  }

  @Test
  void theOperatingSystemsReasonIsKept() {
    assertThat(StepFailure.describe(new FileSystemException("/a/b", null, "Not a directory")))
        .isEqualTo("/a/b: Not a directory");
    assertThat(StepFailure.describe(new AccessDeniedException("/srv/cairn")))
        .isEqualTo("permission denied: /srv/cairn");
  }

  @Test
  void aFullDiskIsSaidSo() {
    assertThat(StepFailure.describe(new IOException("No space left on device")))
        .startsWith("the disk is full");
  }

  @Test
  void anExceptionWithoutMessageIsNamedInWords() {
    assertThat(StepFailure.describe(new ConnectException())).isEqualTo("connect exception");
    assertThat(StepFailure.describe(new IOException("connection refused")))
        .isEqualTo("connection refused");
  }
}
