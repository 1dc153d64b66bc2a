package dev.cairn.cli;

import dev.cairn.git.RemoteCredentials;
import dev.cairn.git.audit.AuditTrail;
import dev.cairn.local.secret.FileSecretStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * Where the audit trail is read from ({@code --repo}), shared by {@code history}, {@code show},
 * {@code metrics} and {@code audit verify}. A local repository that has the {@code cairn/audit}
 * branch is read in place; any other path or URL is fetched into {@code CAIRN_HOME/audit/trails/}.
 * Without {@code --repo}, the repository {@code cairn serve} last served (named in {@code
 * CAIRN_HOME/audit/remote}) is fetched into {@code CAIRN_HOME/audit/trail.git}; failing that, the
 * mirror in {@code CAIRN_HOME/mirror} is read as it is. Listings are cached by branch tip in {@code
 * CAIRN_HOME/audit/index/}.
 */
final class AuditSource {
  @Option(
      names = "--repo",
      paramLabel = "PATH|URL",
      description =
          "Read the trail from this repository (a local path is read in place, a URL or remote"
              + " path is fetched). Default: the repository cairn serve last served.")
  String repository;

  /** A name for this source, for the files kept about it (the last verified tip). */
  String key() {
    return repository == null ? "served" : AuditTrailKey.of(repository);
  }

  /** True when this is the repository {@code cairn serve} serves from this CAIRN_HOME. */
  boolean isServed() throws IOException {
    if (repository == null) {
      return true;
    }
    Path remoteFile = CairnHome.path().resolve("audit").resolve("remote");
    if (!Files.isRegularFile(remoteFile)) {
      return false;
    }
    return AuditTrailKey.of(Files.readString(remoteFile).strip()).equals(key());
  }

  /** What to call this source in messages. */
  String describe() {
    return repository == null ? "the served repository" : repository;
  }

  AuditTrail open() throws IOException {
    Path home = CairnHome.path();
    Path index = home.resolve("audit").resolve("index");
    if (repository == null) {
      Path remoteFile = home.resolve("audit").resolve("remote");
      if (Files.isRegularFile(remoteFile)) {
        String remote = Files.readString(remoteFile).strip();
        try {
          return AuditTrail.fetch(
              remote,
              home.resolve("audit").resolve("trail.git"),
              credentials(home),
              Duration.ofSeconds(30),
              index);
        } catch (IOException e) {
          throw new UserInputException(e.getMessage() + " (or pass --repo PATH|URL)");
        }
      }
      Path mirror = home.resolve("mirror");
      if (!Files.isDirectory(mirror)) {
        throw new UserInputException(
            "no repository is mirrored in " + home + "; pass --repo PATH|URL");
      }
      AuditTrail trail = AuditTrail.open(mirror, null, index);
      if (trail.tip().isEmpty()) {
        trail.close();
        throw new UserInputException(
            "the mirror in " + home + " has no cairn/audit branch yet; pass --repo PATH|URL");
      }
      return trail;
    }
    Path local = Path.of(repository);
    if (Files.isDirectory(local) && hasTrail(local, index)) {
      return AuditTrail.open(local, null, index);
    }
    if (Files.exists(local) && !Files.isDirectory(local)) {
      throw new UserInputException("--repo " + repository + " is a file, not a repository");
    }
    Path cache = home.resolve("audit").resolve("trails").resolve(key() + ".git");
    try {
      return AuditTrail.fetch(
          Files.isDirectory(local) ? local.toAbsolutePath().toString() : repository,
          cache,
          credentials(home),
          Duration.ofSeconds(30),
          index);
    } catch (IOException e) {
      throw new UserInputException(e.getMessage());
    }
  }

  /** For HTTPS remotes: {@code cairn secrets set git-token}, as {@code cairn serve} uses. */
  private static java.util.function.Supplier<RemoteCredentials> credentials(Path home) {
    FileSecretStore credentials = dev.cairn.local.secret.CairnCredentials.open(home);
    return () ->
        credentials
            .get(dev.cairn.local.secret.CairnCredentials.GIT_TOKEN)
            .map(
                t ->
                    new RemoteCredentials(
                        credentials
                            .get(dev.cairn.local.secret.CairnCredentials.GIT_USERNAME)
                            .orElse("git"),
                        t))
            .orElse(null);
  }

  private static boolean hasTrail(Path local, Path index) {
    try (AuditTrail trail = AuditTrail.open(local, null, index)) {
      return trail.tip().isPresent();
    } catch (IOException e) {
      return false;
    }
  }

  /** A short file-system-safe key for a repository path or URL. */
  static final class AuditTrailKey {
    private AuditTrailKey() {}

    static String of(String source) {
      String normalised =
          Files.isDirectory(Path.of(source))
              ? Path.of(source).toAbsolutePath().normalize().toString()
              : source;
      try {
        byte[] d =
            java.security.MessageDigest.getInstance("SHA-256")
                .digest(normalised.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return java.util.HexFormat.of().formatHex(d, 0, 10);
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
