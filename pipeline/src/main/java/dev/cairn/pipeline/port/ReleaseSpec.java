package dev.cairn.pipeline.port;

import java.nio.file.Path;
import java.util.Map;

/**
 * What to start.
 *
 * @param environment the environment
 * @param commit the application commit
 * @param artifactDigest the artifact it runs
 * @param directory the unpacked artifact; the command runs there
 * @param command the start command ({@code /bin/sh -c}); it must listen on {@code $PORT}
 * @param env environment variables, references resolved (the deployer adds PORT)
 * @param stablePort the environment's stable port (the proxy's)
 */
public record ReleaseSpec(
    String environment,
    String commit,
    String artifactDigest,
    Path directory,
    String command,
    Map<String, String> env,
    int stablePort) {
  public ReleaseSpec {
    env = Map.copyOf(env);
  }

  @Override
  public String toString() {
    // env holds secrets (passwords): never print it.
    return "ReleaseSpec[" + environment + ", " + commit + ", " + artifactDigest + "]";
  }
}
