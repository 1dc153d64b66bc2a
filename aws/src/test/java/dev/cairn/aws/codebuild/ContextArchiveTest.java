package dev.cairn.aws.codebuild;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The zip file CodeBuild builds an image from: files, modes, the Containerfile, no links. */
class ContextArchiveTest {
  @TempDir Path dir;

  private Path context() throws IOException {
    Path context = Files.createDirectories(dir.resolve("context/bin"));
    Files.writeString(context.resolve("run.sh"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(
        context.resolve("run.sh"), PosixFilePermissions.fromString("rwx------"));
    Files.writeString(dir.resolve("context/Dockerfile"), "FROM scratch\n");
    return dir.resolve("context");
  }

  @Test
  void filesKeepTheirPathsAndWhetherTheyAreExecutable() throws IOException {
    Path context = context();
    Path zip = dir.resolve("a.zip");

    assertThat(ContextArchive.write(context, context.resolve("Dockerfile"), zip))
        .isEqualTo("Dockerfile");

    try (FileSystem fs =
        FileSystems.newFileSystem(zip, Map.of("enablePosixFileAttributes", "true"))) {
      assertThat(fs.getPath("/bin/run.sh")).hasContent("#!/bin/sh");
      assertThat(Files.getPosixFilePermissions(fs.getPath("/bin/run.sh")))
          .isEqualTo(PosixFilePermissions.fromString("rwxr-xr-x"));
      assertThat(Files.getPosixFilePermissions(fs.getPath("/Dockerfile")))
          .doesNotContain(PosixFilePermission.OWNER_EXECUTE);
    }
  }

  @Test
  void aContainerfileOutsideTheContextGetsItsOwnName() throws IOException {
    Path context = context();
    Path file = Files.writeString(dir.resolve("Containerfile"), "FROM scratch\nCOPY bin /bin\n");
    Path zip = dir.resolve("b.zip");

    assertThat(ContextArchive.write(context, file, zip)).isEqualTo(ContextArchive.OUTSIDE_FILE);
    try (FileSystem fs = FileSystems.newFileSystem(zip)) {
      assertThat(fs.getPath("/" + ContextArchive.OUTSIDE_FILE))
          .hasContent("FROM scratch\nCOPY bin /bin");
    }
  }

  @Test
  void aSymbolicLinkIsRefusedNamingIt() throws IOException {
    Path context = context();
    Files.createSymbolicLink(context.resolve("bin/host"), Path.of("/etc"));

    assertThatThrownBy(
            () ->
                ContextArchive.write(context, context.resolve("Dockerfile"), dir.resolve("c.zip")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("symbolic link (bin/host)");
  }
}
