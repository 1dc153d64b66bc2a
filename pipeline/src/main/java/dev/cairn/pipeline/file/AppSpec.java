package dev.cairn.pipeline.file;

import java.time.Duration;
import java.util.Map;

/**
 * How a release of the application runs.
 *
 * @param start the shell command that starts it, run in the release's directory (the unpacked
 *     artifact); it must listen on {@code $PORT}. For a container release: null to run the image's
 *     own command, else run with {@code /bin/sh -c} in the container instead of it
 * @param port the environment's stable port, owned by Cairn's proxy
 * @param env environment variables (with references such as {@code ${services.db.url}})
 * @param startTimeout how long the release may take to become healthy
 */
public record AppSpec(String start, int port, Map<String, String> env, Duration startTimeout) {
  public AppSpec {
    env = Map.copyOf(env);
  }
}
