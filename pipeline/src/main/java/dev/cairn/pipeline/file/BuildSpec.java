package dev.cairn.pipeline.file;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The {@code build} section: steps run in a sandboxed workspace of the commit, and the artifact
 * they leave.
 *
 * @param steps the steps, run in order; the first that fails fails the build
 * @param artifact the path, relative to the workspace, of the file or directory to keep; null when
 *     the release is a container image ({@code image})
 * @param timeout the time limit of the whole build
 * @param network whether the steps may use the network
 * @param env environment variables for every step (may hold {@code ${secrets.NAME}} references)
 * @param image how the release's container image is built, or null when releases are processes
 *     started from the artifact
 */
public record BuildSpec(
    List<StepSpec> steps,
    String artifact,
    Duration timeout,
    boolean network,
    Map<String, String> env,
    ImageSpec image) {
  public BuildSpec {
    steps = List.copyOf(steps);
    env = Map.copyOf(env);
  }

  /** A build whose releases are processes started from the artifact. */
  public BuildSpec(
      List<StepSpec> steps,
      String artifact,
      Duration timeout,
      boolean network,
      Map<String, String> env) {
    this(steps, artifact, timeout, network, env, null);
  }
}
