package dev.cairn.local.secret;

import dev.cairn.pipeline.port.SecretStore;
import dev.cairn.pipeline.port.SecretStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class FileSecretStoreContractTest extends SecretStoreContract {
  @TempDir Path temp;

  @Override
  protected SecretStore newStore() {
    return new FileSecretStore(temp.resolve("secrets"));
  }

  @Override
  protected SecretStore reopen(SecretStore store) {
    return new FileSecretStore(((FileSecretStore) store).directory());
  }
}
