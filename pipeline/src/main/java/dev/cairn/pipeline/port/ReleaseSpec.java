package dev.cairn.pipeline.port;

import java.nio.file.Path;
import java.util.Map;

/**
 * What to start.
 *
 * @param environment the environment
 * @param commit the application commit
 * @param artifactDigest the artifact it runs
 * @param directory the unpacked artifact; the command runs there. Null for a container release
 * @param command the start command ({@code /bin/sh -c}); it must listen on {@code $PORT}. For a
 *     container release, null runs the image's own command
 * @param env environment variables, references resolved (the deployer adds PORT)
 * @param stablePort the environment's stable port (the proxy's)
 * @param image the container image the release runs ({@link ContainerImages}), or null for a
 *     process started from {@code directory}
 */
public record ReleaseSpec(
    String environment,
    String commit,
    String artifactDigest,
    Path directory,
    String command,
    Map<String, String> env,
    int stablePort,
    String image) {
  public ReleaseSpec {
    env = Map.copyOf(env);
  }

  /** A process release started from its unpacked artifact. */
  public ReleaseSpec(
      String environment,
      String commit,
      String artifactDigest,
      Path directory,
      String command,
      Map<String, String> env,
      int stablePort) {
    this(environment, commit, artifactDigest, directory, command, env, stablePort, null);
  }

  @Override
  public String toString() {
    // env holds secrets (passwords): never print it.
    return "ReleaseSpec[" + environment + ", " + commit + ", " + artifactDigest + "]";
  }
}
