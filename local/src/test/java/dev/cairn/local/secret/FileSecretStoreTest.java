package dev.cairn.local.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.pipeline.port.SecretStore;
import dev.cairn.pipeline.port.SecretStoreContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@link SecretStore} contract for the file store, plus what is particular to it: owner-only
 * files and directory, one file per name, file-name rules.
 */
class FileSecretStoreTest extends SecretStoreContract {
  @TempDir Path temp;

  @Override
  protected SecretStore newStore() {
    return new FileSecretStore(temp.resolve("secrets"));
  }

  @Override
  protected SecretStore reopen(SecretStore store) {
    return new FileSecretStore(((FileSecretStore) store).directory());
  }

  private FileSecretStore fileStore() {
    return (FileSecretStore) store();
  }

  private static String permissions(Path path) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  @Test
  void storesValuesInOwnerOnlyFilesInAnOwnerOnlyDirectory() throws Exception {
    fileStore().put("db.password", "s3cret value\nwith newline");

    assertThat(permissions(fileStore().directory())).isEqualTo("rwx------");
    assertThat(permissions(fileStore().directory().resolve("db.password"))).isEqualTo("rw-------");
  }

  @Test
  void anExistingDirectoryOpenToOthersIsRestricted() throws Exception {
    Path dir = Files.createDirectories(temp.resolve("open"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));

    new FileSecretStore(dir);

    assertThat(permissions(dir)).isEqualTo("rwx------");
  }

  @Test
  void generatedValuesAre32CharactersInOneOwnerOnlyFileEach() throws Exception {
    String generated = fileStore().getOrGenerate("postgres.password");
    fileStore().getOrGenerate("redis.password");

    assertThat(generated).hasSize(32);
    assertThat(permissions(fileStore().directory().resolve("postgres.password")))
        .isEqualTo("rw-------");
    try (var files = Files.list(fileStore().directory())) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("postgres.password", "redis.password");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"../escape", "a/b", "..", ".", ".hidden", "", "with space", "x\0y"})
  void namesThatAreNotPlainFileNamesAreRejectedWithTheRule(String name) {
    assertThatThrownBy(() -> fileStore().put(name, "v"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not valid: use letters, digits");
    assertThatThrownBy(() -> fileStore().get(name)).isInstanceOf(IllegalArgumentException.class);
    assertThat(temp.resolve("escape")).doesNotExist();
  }

  @Test
  void toStringNamesTheDirectory() {
    assertThat(fileStore().toString()).contains("secrets");
  }
}
