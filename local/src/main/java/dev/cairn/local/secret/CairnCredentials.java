package dev.cairn.local.secret;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Set;

/**
 * Cairn's own credentials, kept apart from the secrets pipelines read: the git token, the audit
 * signing key, the API token, the webhook secret. They live in {@code CAIRN_HOME/credentials} (a
 * {@link FileSecretStore}: 0700 directory, 0600 files), which no {@code ${secrets.NAME}} can name:
 * the application store ({@code CAIRN_HOME/secrets}) refuses these names, and a commit's pipeline
 * therefore cannot print or exfiltrate them.
 *
 * <p>Earlier versions kept them in the application store; {@link #open} moves them over once.
 */
public final class CairnCredentials {
  /** The git host's token for HTTPS remotes. */
  public static final String GIT_TOKEN = "git-token";

  /** The user name sent with the git token ({@code git} when unset). */
  public static final String GIT_USERNAME = "git-username";

  /** The private key audit commits are signed with. */
  public static final String AUDIT_SIGNING_KEY = "audit-signing-key";

  /** The passphrase of the audit signing key. */
  public static final String AUDIT_SIGNING_PASSPHRASE = "audit-signing-passphrase";

  /** The bearer token of Cairn's HTTP API. */
  public static final String API_TOKEN = "cairn-api-token";

  /** Who the API token belongs to. */
  public static final String API_ACTOR = "cairn-api-actor";

  /** The shared secret of signed push notifications ({@code X-Hub-Signature-256}). */
  public static final String WEBHOOK_SECRET = "cairn-webhook-secret";

  /** Every name that is Cairn's and never the application's. */
  public static final Set<String> NAMES =
      Set.of(
          GIT_TOKEN,
          GIT_USERNAME,
          AUDIT_SIGNING_KEY,
          AUDIT_SIGNING_PASSPHRASE,
          API_TOKEN,
          API_ACTOR,
          WEBHOOK_SECRET);

  private CairnCredentials() {}

  /** Whether {@code name} is one of Cairn's credentials. */
  public static boolean isCredential(String name) {
    return NAMES.contains(name);
  }

  /** The directory of Cairn's credentials in {@code home}. */
  public static Path directory(Path home) {
    return home.resolve("credentials");
  }

  /**
   * Opens {@code CAIRN_HOME/credentials}, first moving any credential an earlier version left in
   * {@code CAIRN_HOME/secrets}.
   *
   * @throws UncheckedIOException when a credential cannot be moved
   */
  public static FileSecretStore open(Path home) {
    FileSecretStore credentials = new FileSecretStore(directory(home));
    Path legacy = home.resolve("secrets");
    if (Files.isDirectory(legacy, LinkOption.NOFOLLOW_LINKS)) {
      for (String name : NAMES) {
        Path old = legacy.resolve(name);
        if (!Files.isRegularFile(old, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        try {
          if (credentials.get(name).isEmpty()) {
            credentials.put(name, Files.readString(old));
          }
          Files.delete(old);
        } catch (IOException e) {
          throw new UncheckedIOException(
              "cannot move the credential '" + name + "' to " + credentials.directory(), e);
        }
      }
    }
    return credentials;
  }

  /**
   * The store of the application's secrets ({@code CAIRN_HOME/secrets}), which refuses Cairn's
   * credentials' names.
   */
  public static FileSecretStore applicationSecrets(Path home) {
    return new FileSecretStore(home.resolve("secrets"), NAMES);
  }
}
