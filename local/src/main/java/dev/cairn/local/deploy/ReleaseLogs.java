package dev.cairn.local.deploy;

import dev.cairn.pipeline.file.EnvironmentNames;
import dev.cairn.pipeline.port.SecretStore;
import dev.cairn.pipeline.secret.Masker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The releases' own output: each release writes its stdout and stderr, unmasked, to {@code
 * ROOT/ENV/releases/ID.log}; what Cairn shows of it goes through the masker first.
 */
public final class ReleaseLogs {
  /** How many of a release's last output lines {@link #output} gives. */
  static final int OUTPUT_LINES = 200;

  private final Path root;
  private final SecretStore secrets;

  ReleaseLogs(Path root, SecretStore secrets) {
    this.root = root;
    this.secrets = secrets;
  }

  /** The release's last output lines, secrets masked, or empty when it has no log. */
  Optional<String> output(String environment, String releaseId) {
    return file(environment, releaseId).map(log -> tail(log, OUTPUT_LINES));
  }

  /**
   * The file a release writes its stdout and stderr to, as written (not masked: see {@link #mask}),
   * or empty when there is none.
   */
  public Optional<Path> file(String environment, String releaseId) {
    if (releaseId == null || !releaseId.matches("[A-Za-z0-9._-]+")) {
      return Optional.empty();
    }
    Path log =
        root.resolve(EnvironmentNames.require(environment))
            .resolve("releases")
            .resolve(releaseId + ".log");
    return Files.isRegularFile(log) ? Optional.of(log) : Optional.empty();
  }

  /** Whole lines of a release's output with the secrets releases can see masked. */
  public String mask(String lines) {
    return new Masker(secrets.values()).maskText(lines);
  }

  /** The last {@code count} lines of a log, masked; a note instead when it cannot be read. */
  String tail(Path log, int count) {
    try {
      return new Masker(secrets.values()).tail(log, count);
    } catch (IOException | UncheckedIOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }
}
