package dev.cairn.pipeline.port;

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
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link ArtifactStore} adapter has. An adapter's test extends this class and
 * says how to make an empty store, how to open a second instance on the same storage and how to
 * damage a stored artifact.
 */
public abstract class ArtifactStoreContract {
  /** A scratch directory for build outputs and extraction targets. */
  @TempDir protected Path temp;

  private ArtifactStore store;

  /** A new, empty store (called before each test). */
  protected abstract ArtifactStore newStore() throws Exception;

  /** A second instance on the same storage as {@code store}, as after a restart. */
  protected abstract ArtifactStore reopen(ArtifactStore store) throws Exception;

  /** Changes the stored bytes of {@code digest} behind the store's back (replacing "jar bytes"). */
  protected abstract void corrupt(ArtifactStore store, String digest) throws Exception;

  @BeforeEach
  void createStore() throws Exception {
    store = newStore();
  }

  /** The store under test. */
  protected ArtifactStore store() {
    return store;
  }

  /** A build output directory with a file, an executable, an empty directory and a subdirectory. */
  protected Path buildOutput(String name, Instant modified) throws IOException {
    Path dir = Files.createDirectories(temp.resolve(name));
    Files.createDirectories(dir.resolve("bin"));
    Files.createDirectories(dir.resolve("empty"));
    Files.writeString(dir.resolve("app.jar"), "jar bytes");
    Files.writeString(dir.resolve("bin/start"), "#!/bin/sh\necho started\n");
    Files.setPosixFilePermissions(
        dir.resolve("bin/start"), PosixFilePermissions.fromString("rwxr-x---"));
    for (Path p : List.of(dir.resolve("app.jar"), dir.resolve("bin/start"), dir.resolve("bin"))) {
      Files.setLastModifiedTime(p, FileTime.from(modified));
    }
    return dir;
  }

  @Test
  void equalContentGivesTheSameDigestWhateverTheTimestampsAndLocation() throws Exception {
    String first = store.put(buildOutput("build-1", Instant.parse("2020-01-01T00:00:00Z")));
    String second = store.put(buildOutput("build-2", Instant.parse("2024-06-01T12:00:00Z")));

    assertThat(first).matches("sha256:[0-9a-f]{64}").isEqualTo(second);
    assertThat(store.contains(first)).isTrue();
  }

  @Test
  void differentContentModeOrNameGivesADifferentDigest() throws Exception {
    Path build = buildOutput("build", Instant.EPOCH);
    String original = store.put(build);

    Files.writeString(build.resolve("app.jar"), "other bytes");
    String changedContent = store.put(build);
    Files.setPosixFilePermissions(
        build.resolve("bin/start"), PosixFilePermissions.fromString("rw-r--r--"));
    String changedMode = store.put(build);
    Files.move(build.resolve("app.jar"), build.resolve("renamed.jar"));
    String changedName = store.put(build);

    assertThat(List.of(original, changedContent, changedMode, changedName)).doesNotHaveDuplicates();
    assertThat(List.of(original, changedContent, changedMode, changedName))
        .allMatch(store::contains);
  }

  @Test
  void extractRestoresFilesDirectoriesAndExecutableBits() throws Exception {
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
  void aStoredFileIsExtractedUnderItsName() throws Exception {
    Path jar = Files.writeString(temp.resolve("app.jar"), "jar bytes");
    String digest = store.put(jar);

    store.extract(digest, temp.resolve("out"));

    assertThat(temp.resolve("out/app.jar")).hasContent("jar bytes");
  }

  @Test
  void puttingTheSameContentAgainChangesNothing() throws Exception {
    Path build = buildOutput("build", Instant.EPOCH);
    String first = store.put(build);
    String again = store.put(build);

    assertThat(again).isEqualTo(first);
    store.extract(again, temp.resolve("out"));
    assertThat(temp.resolve("out/app.jar")).hasContent("jar bytes");
  }

  @Test
  void puttingAMissingPathFailsWithAnIoException() {
    assertThatThrownBy(() -> store.put(temp.resolve("nothing-here")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("nothing-here");
  }

  @Test
  void extractRefusesAnExistingTargetAndAnUnknownDigest() throws Exception {
    String digest = store.put(buildOutput("build", Instant.EPOCH));
    Path existing = Files.createDirectories(temp.resolve("existing"));

    assertThatThrownBy(() -> store.extract(digest, existing))
        .isInstanceOf(FileAlreadyExistsException.class);
    String unknown = "sha256:" + "0".repeat(64);
    assertThat(store.contains(unknown)).isFalse();
    assertThatThrownBy(() -> store.extract(unknown, temp.resolve("new")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("is not stored");
    assertThat(temp.resolve("new")).doesNotExist();
    assertThat(store.contains("md5:abc")).isFalse();
    assertThat(store.contains(null)).isFalse();
  }

  @Test
  void aCorruptArtifactIsDetectedAndLeavesNothingBehind() throws Exception {
    String digest = store.put(buildOutput("build", Instant.EPOCH));
    corrupt(store, digest);
    Path target = temp.resolve("out");

    assertThatThrownBy(() -> store.extract(digest, target))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("is corrupt");
    assertThat(target).doesNotExist();
    try (var siblings = Files.list(temp)) {
      assertThat(siblings.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.contains("partial"));
    }
  }

  @Test
  void symbolicLinksAreRefusedWithAClearMessage() throws Exception {
    Path build = buildOutput("build", Instant.EPOCH);
    Files.createSymbolicLink(build.resolve("link"), Path.of("app.jar"));

    assertThatThrownBy(() -> store.put(build))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("link is a symbolic link");
  }

  @Test
  void treesRememberTheirArtifactsAcrossReopening() throws Exception {
    String digest = store.put(buildOutput("build", Instant.EPOCH));
    String tree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

    assertThat(store.forTree(tree)).isEmpty();
    store.recordTree(tree, digest);

    assertThat(store.forTree(tree)).contains(digest);
    ArtifactStore reopened = reopen(store);
    assertThat(reopened.forTree(tree)).contains(digest);
    assertThat(reopened.contains(digest)).isTrue();
    assertThatThrownBy(() -> store.recordTree("other", "sha256:" + "1".repeat(64)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not stored");
    assertThatThrownBy(() -> store.recordTree("../x", digest))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
