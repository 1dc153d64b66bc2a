package dev.cairn.local.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a commit's pipeline can name through {@code ${secrets.NAME}}, and what it cannot. */
class HostileSecretsTest {
  @TempDir Path home;

  @Test
  void cairnsCredentialsCannotBeNamedThroughTheApplicationStore() {
    FileSecretStore credentials = CairnCredentials.open(home);
    credentials.put(CairnCredentials.AUDIT_SIGNING_KEY, "-----BEGIN KEY-----");
    credentials.put(CairnCredentials.GIT_TOKEN, "ghp_token");
    FileSecretStore application = CairnCredentials.applicationSecrets(home);
    for (String name : CairnCredentials.NAMES) {
      assertThatThrownBy(() -> application.get(name))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Cairn's own credentials");
      assertThatThrownBy(() -> application.forEnvironment("production", name))
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(application.values()).doesNotContain("ghp_token", "-----BEGIN KEY-----");
  }

  @Test
  void credentialsAnEarlierVersionKeptWithTheApplicationsAreMovedOut() throws Exception {
    FileSecretStore legacy = new FileSecretStore(home.resolve("secrets"));
    legacy.put("git-token", "ghp_old");
    legacy.put("api-key", "app-value");
    FileSecretStore credentials = CairnCredentials.open(home);
    assertThat(credentials.get("git-token")).contains("ghp_old");
    assertThat(Files.exists(home.resolve("secrets").resolve("git-token"))).isFalse();
    assertThat(CairnCredentials.applicationSecrets(home).get("api-key")).contains("app-value");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(CairnCredentials.directory(home))))
        .isEqualTo("rwx------");
  }

  @Test
  void stagingCannotReadProductionsSecret() {
    FileSecretStore store = CairnCredentials.applicationSecrets(home);
    store.put("production", "db-password", "prod-only");
    store.put("shared-key", "everyone");
    assertThat(store.forEnvironment("production", "db-password")).contains("prod-only");
    assertThat(store.forEnvironment("staging", "db-password")).isEmpty();
    assertThat(store.get("db-password")).isEmpty();
    // The build (no environment) sees shared values only.
    assertThat(store.forEnvironment(null, "db-password")).isEmpty();
    assertThat(store.forEnvironment("staging", "shared-key")).contains("everyone");
    // Every value is still masked in output.
    assertThat(store.values()).contains("prod-only", "everyone");
    assertThat(store.names()).containsExactly("shared-key", "db-password (production)");
  }

  @Test
  void anEnvironmentNameCannotWalkOutOfTheStore() {
    FileSecretStore store = CairnCredentials.applicationSecrets(home);
    assertThatThrownBy(() -> store.put("../../x", "name", "v"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.forEnvironment("../credentials", "git-token"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.get("../credentials/git-token"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
