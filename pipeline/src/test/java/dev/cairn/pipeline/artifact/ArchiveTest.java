package dev.cairn.pipeline.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive format itself; the artifact stores' contract ({@code ArtifactStoreContract}) checks
 * it again through each store.
 */
class ArchiveTest {
  @TempDir Path temp;

  private Path tree(String name, Instant modified) throws IOException {
    Path root = Files.createDirectories(temp.resolve(name));
    Files.createDirectories(root.resolve("bin"));
    Path script = Files.writeString(root.resolve("bin/run.sh"), "#!/bin/sh\necho hi\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-x---"));
    Path jar = Files.writeString(root.resolve("app.jar"), "jar bytes");
    Files.setLastModifiedTime(jar, FileTime.from(modified));
    return root;
  }

  private static byte[] archive(Path source) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Archive.write(source, out);
    return out.toByteArray();
  }

  @Test
  void equalContentGivesEqualBytesWhateverTheTimestamps() throws IOException {
    byte[] first = archive(tree("one", Instant.EPOCH));
    byte[] second = archive(tree("two", Instant.parse("2024-06-01T12:00:00Z")));

    assertThat(first).isEqualTo(second);
    assertThat(Arrays.copyOf(first, 8)).isEqualTo("CAIRNAR1".getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void readRestoresFilesAndTheExecutableBit() throws IOException {
    byte[] bytes = archive(tree("source", Instant.EPOCH));
    Path target = Files.createDirectories(temp.resolve("target"));

    Archive.read(new ByteArrayInputStream(bytes), target);

    assertThat(target.resolve("app.jar")).hasContent("jar bytes");
    assertThat(Files.isExecutable(target.resolve("bin/run.sh"))).isTrue();
    assertThat(Files.isExecutable(target.resolve("app.jar"))).isFalse();
    assertThat(archive(target)).isEqualTo(bytes);
  }

  @Test
  void aCraftedPathOutsideTheTargetIsRefused() throws IOException {
    ByteArrayOutputStream crafted = new ByteArrayOutputStream();
    DataOutputStream data = new DataOutputStream(crafted);
    data.write("CAIRNAR1".getBytes(StandardCharsets.US_ASCII));
    data.writeByte('f');
    byte[] name = "../escaped".getBytes(StandardCharsets.UTF_8);
    data.writeInt(name.length);
    data.write(name);
    data.writeLong(1);
    data.writeByte('x');
    data.writeByte('e');
    Path target = Files.createDirectories(temp.resolve("target"));

    assertThatThrownBy(() -> Archive.read(new ByteArrayInputStream(crafted.toByteArray()), target))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("unsafe path");
    assertThat(temp.resolve("escaped")).doesNotExist();
  }

  @Test
  void aTruncatedOrForeignStreamIsRefused() throws IOException {
    byte[] bytes = archive(tree("source", Instant.EPOCH));
    Path target = Files.createDirectories(temp.resolve("target"));

    assertThatThrownBy(
            () ->
                Archive.read(
                    new ByteArrayInputStream(Arrays.copyOf(bytes, bytes.length - 3)), target))
        .hasMessageContaining("truncated");
    assertThatThrownBy(
            () -> Archive.read(new ByteArrayInputStream("PK\3\4 a zip".getBytes()), target))
        .hasMessageContaining("not a Cairn artifact archive");
  }
}
