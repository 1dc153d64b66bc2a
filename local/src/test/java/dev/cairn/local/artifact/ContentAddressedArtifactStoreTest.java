package dev.cairn.local.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentAddressedArtifactStoreTest {
  @TempDir Path temp;
  private ContentAddressedArtifactStore store;

  @BeforeEach
  void setUp() throws IOException {
    store = new ContentAddressedArtifactStore(temp.resolve("store"));
  }

  private Path buildOutput(String name, Instant modified) throws IOException {
    Path dir = Files.createDirectories(temp.resolve(name));
    Files.createDirectories(dir.resolve("bin"));
    Files.createDirectories(dir.resolve("empty"));
    Files.writeString(dir.resolve("app.jar"), "jar bytes");
    Files.writeString(dir.resolve("bin/start"), "#!/bin/sh\necho started\n");
    Files.setPosixFilePermissions(
        dir.resolve("bin/start"), PosixFilePermissions.fromString("rwxr-x---"));
    for (Path p :
        new Path[] {dir.resolve("app.jar"), dir.resolve("bin/start"), dir.resolve("bin")}) {
      Files.setLastModifiedTime(p, FileTime.from(modified));
    }
    return dir;
  }

  @Test
  void equalContentGivesTheSameDigestWhateverTheTimestampsAndLocation() throws IOException {
    String first = store.put(buildOutput("build-1", Instant.parse("2020-01-01T00:00:00Z")));
    String second = store.put(buildOutput("build-2", Instant.parse("2024-06-01T12:00:00Z")));

    assertThat(first).matches("sha256:[0-9a-f]{64}").isEqualTo(second);
    assertThat(store.contains(first)).isTrue();
    try (var objects = Files.list(store.root().resolve("objects"))) {
      assertThat(objects).hasSize(1);
    }
  }

  @Test
  void differentContentOrModeGivesADifferentDigest() throws IOException {
    Path build = buildOutput("build", Instant.EPOCH);
    String original = store.put(build);

    Files.writeString(build.resolve("app.jar"), "other bytes");
    String changedContent = store.put(build);
    Files.setPosixFilePermissions(
        build.resolve("bin/start"), PosixFilePermissions.fromString("rw-r--r--"));
    String changedMode = store.put(build);
    Files.move(build.resolve("app.jar"), build.resolve("renamed.jar"));
    String changedName = store.put(build);

    assertThat(java.util.List.of(original, changedContent, changedMode, changedName))
        .doesNotHaveDuplicates();
  }

  @Test
  void theDigestIsTheSha256OfTheStoredArchive() throws Exception {
    String digest = store.put(buildOutput("build", Instant.EPOCH));

    byte[] stored =
        Files.readAllBytes(store.root().resolve("objects").resolve(digest.substring(7)));
    String hex =
        java.util.HexFormat.of()
            .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(stored));
    assertThat(digest).isEqualTo("sha256:" + hex);
  }

  @Test
  void extractRestoresFilesDirectoriesAndExecutableBits() throws IOException {
    String digest = store.put(buildOutput("build", Instant.EPOCH));
    Path target = temp.resolve("releases/r1");

    store.extract(digest, target);

    assertThat(target.resolve("app.jar")).hasContent("jar bytes");
    assertThat(target.resolve("bin/start")).hasContent("#!/bin/sh\necho started\n");
    assertThat(target.resolve("empty")).isEmptyDirectory();
    assertThat(Files.getPosixFilePermissions(target.resolve("bin/start")))
        .contains(PosixFilePermission.OWNER_EXECUTE);
    assertThat(Files.getPosixFilePermissions(target.resolve("app.jar")))
        .doesNotContain(PosixFilePermission.OWNER_EXECUTE);
    assertThat(store.put(target)).isEqualTo(digest);
    try (var siblings = Files.list(target.getParent())) {
      assertThat(siblings).containsExactly(target);
    }
  }

  @Test
  void aStoredFileIsExtractedUnderItsName() throws IOException {
    Path jar = Files.writeString(temp.resolve("app.jar"), "jar bytes");
    String digest = store.put(jar);

    store.extract(digest, temp.resolve("out"));

    assertThat(temp.resolve("out/app.jar")).hasContent("jar bytes");
  }

  @Test
  void extractRefusesAnExistingTargetAndAnUnknownDigest() throws IOException {
    String digest = store.put(buildOutput("build", Instant.EPOCH));
    Path existing = Files.createDirectories(temp.resolve("existing"));

    assertThatThrownBy(() -> store.extract(digest, existing))
        .isInstanceOf(FileAlreadyExistsException.class);
    String unknown = "sha256:" + "0".repeat(64);
    assertThat(store.contains(unknown)).isFalse();
    assertThatThrownBy(() -> store.extract(unknown, temp.resolve("new")))
        .hasMessageContaining("is not stored");
    assertThat(store.contains("md5:abc")).isFalse();
  }

  @Test
  void aCorruptArtifactIsDetectedAndLeavesNothingBehind() throws IOException {
    String digest = store.put(buildOutput("build", Instant.EPOCH));
    Path object = store.root().resolve("objects").resolve(digest.substring(7));
    String text = Files.readString(object, java.nio.charset.StandardCharsets.ISO_8859_1);
    Files.writeString(
        object,
        text.replace("jar bytes", "bad bytes"),
        java.nio.charset.StandardCharsets.ISO_8859_1);
    Path target = temp.resolve("out");

    assertThatThrownBy(() -> store.extract(digest, target)).hasMessageContaining("is corrupt");
    assertThat(target).doesNotExist();
    try (var siblings = Files.list(temp)) {
      assertThat(siblings.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.contains("partial"));
    }
  }

  @Test
  void symbolicLinksAreRefusedWithAClearMessage() throws IOException {
    Path build = buildOutput("build", Instant.EPOCH);
    Files.createSymbolicLink(build.resolve("link"), Path.of("app.jar"));

    assertThatThrownBy(() -> store.put(build))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("link is a symbolic link");
    try (var tmp = Files.list(store.root().resolve("tmp"))) {
      assertThat(tmp).isEmpty();
    }
  }

  @Test
  void treesRememberTheirArtifactsAcrossReopening() throws IOException {
    String digest = store.put(buildOutput("build", Instant.EPOCH));
    String tree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

    assertThat(store.forTree(tree)).isEmpty();
    store.recordTree(tree, digest);

    assertThat(store.forTree(tree)).contains(digest);
    assertThat(new ContentAddressedArtifactStore(store.root()).forTree(tree)).contains(digest);
    assertThatThrownBy(() -> store.recordTree("other", "sha256:" + "1".repeat(64)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not stored");
    assertThatThrownBy(() -> store.recordTree("../x", digest))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
