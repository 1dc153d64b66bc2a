package dev.cairn.local.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileSecretStoreTest {
  @TempDir Path temp;

  @Test
  void storesValuesInOwnerOnlyFilesInAnOwnerOnlyDirectory() throws Exception {
    FileSecretStore store = new FileSecretStore(temp.resolve("secrets"));

    store.put("db.password", "s3cret value\nwith newline");

    assertThat(store.get("db.password")).contains("s3cret value\nwith newline");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.directory())))
        .isEqualTo("rwx------");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(store.directory().resolve("db.password"))))
        .isEqualTo("rw-------");
  }

  @Test
  void putReplacesAndGetOfAnUnknownNameIsEmpty() {
    FileSecretStore store = new FileSecretStore(temp.resolve("secrets"));
    store.put("token", "one");
    store.put("token", "two");

    assertThat(store.get("token")).contains("two");
    assertThat(store.get("missing")).isEmpty();
    assertThat(store.values()).containsExactly("two");
  }

  @Test
  void anExistingDirectoryOpenToOthersIsRestricted() throws Exception {
    Path dir = Files.createDirectories(temp.resolve("open"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));

    new FileSecretStore(dir);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
  }

  @Test
  void getOrGenerateMakesARandomValueOnceAndKeepsIt() throws Exception {
    FileSecretStore store = new FileSecretStore(temp.resolve("secrets"));

    String generated = store.getOrGenerate("postgres.password");
    String other = store.getOrGenerate("redis.password");

    assertThat(generated).matches("[A-Za-z0-9]{32}");
    assertThat(other).matches("[A-Za-z0-9]{32}").isNotEqualTo(generated);
    assertThat(store.getOrGenerate("postgres.password")).isEqualTo(generated);
    assertThat(new FileSecretStore(store.directory()).get("postgres.password")).contains(generated);
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(store.directory().resolve("postgres.password"))))
        .isEqualTo("rw-------");
    assertThat(store.values()).containsExactlyInAnyOrder(generated, other);
    try (var files = Files.list(store.directory())) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("postgres.password", "redis.password");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"../escape", "a/b", "..", ".", ".hidden", "", "with space", "x\0y"})
  void namesThatAreNotPlainFileNamesAreRejected(String name) {
    FileSecretStore store = new FileSecretStore(temp.resolve("secrets"));

    assertThatThrownBy(() -> store.put(name, "v"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not valid: use letters, digits");
    assertThatThrownBy(() -> store.get(name)).isInstanceOf(IllegalArgumentException.class);
    assertThat(temp.resolve("escape")).doesNotExist();
  }

  @Test
  void toStringNeverShowsValues() {
    FileSecretStore store = new FileSecretStore(temp.resolve("secrets"));
    store.put("api", "very-secret-value");

    assertThat(store.toString()).doesNotContain("very-secret-value").contains("secrets");
  }
}
