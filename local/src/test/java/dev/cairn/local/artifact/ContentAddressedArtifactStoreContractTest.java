package dev.cairn.local.artifact;

import dev.cairn.pipeline.port.ArtifactStore;
import dev.cairn.pipeline.port.ArtifactStoreContract;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

class ContentAddressedArtifactStoreContractTest extends ArtifactStoreContract {
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
    Path object =
        ((ContentAddressedArtifactStore) store)
            .root()
            .resolve("objects")
            .resolve(digest.substring("sha256:".length()));
    String text = Files.readString(object, StandardCharsets.ISO_8859_1);
    Files.writeString(object, text.replace("jar bytes", "bad bytes"), StandardCharsets.ISO_8859_1);
  }
}
