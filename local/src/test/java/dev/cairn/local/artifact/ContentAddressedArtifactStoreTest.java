package dev.cairn.local.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.pipeline.port.ArtifactStore;
import dev.cairn.pipeline.port.ArtifactStoreContract;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The {@link ArtifactStore} contract for the content-addressed store, plus what is particular to
 * its layout on disk.
 */
class ContentAddressedArtifactStoreTest extends ArtifactStoreContract {
  @Override
  protected ArtifactStore newStore() throws Exception {
    return new ContentAddressedArtifactStore(Files.createTempDirectory(temp, "store"));
  }

  @Override
  protected ArtifactStore reopen(ArtifactStore store) throws Exception {
    return new ContentAddressedArtifactStore(((ContentAddressedArtifactStore) store).root());
  }

  @Override
  protected void corrupt(ArtifactStore store, String digest) throws Exception {
    Path object = objects().resolve(digest.substring("sha256:".length()));
    String text = Files.readString(object, StandardCharsets.ISO_8859_1);
    Files.writeString(object, text.replace("jar bytes", "bad bytes"), StandardCharsets.ISO_8859_1);
  }

  private Path root() {
    return ((ContentAddressedArtifactStore) store()).root();
  }

  private Path objects() {
    return root().resolve("objects");
  }

  @Test
  void equalContentIsStoredOnce() throws IOException {
    store().put(buildOutput("build-1", Instant.parse("2020-01-01T00:00:00Z")));
    store().put(buildOutput("build-2", Instant.parse("2024-06-01T12:00:00Z")));

    try (var objects = Files.list(objects())) {
      assertThat(objects).hasSize(1);
    }
  }

  @Test
  void theDigestIsTheSha256OfTheStoredArchive() throws Exception {
    String digest = store().put(buildOutput("build", Instant.EPOCH));

    byte[] stored = Files.readAllBytes(objects().resolve(digest.substring(7)));
    String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(stored));
    assertThat(digest).isEqualTo("sha256:" + hex);
  }

  @Test
  void aRefusedSymbolicLinkLeavesNoTemporaryFile() throws IOException {
    Path build = buildOutput("build", Instant.EPOCH);
    Files.createSymbolicLink(build.resolve("link"), Path.of("app.jar"));

    assertThatThrownBy(() -> store().put(build)).isInstanceOf(IOException.class);
    try (var tmp = Files.list(root().resolve("tmp"))) {
      assertThat(tmp).isEmpty();
    }
  }
}
