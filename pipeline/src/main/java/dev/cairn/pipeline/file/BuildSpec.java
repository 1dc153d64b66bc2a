package dev.cairn.pipeline.file;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The {@code build} section: steps run in a sandboxed workspace of the commit, and the artifact
 * they leave.
 *
 * @param steps the steps, run in order; the first that fails fails the build
 * @param artifact the path, relative to the workspace, of the file or directory to keep
 * @param timeout the time limit of the whole build
 * @param network whether the steps may use the network
 * @param env environment variables for every step (may hold {@code ${secrets.NAME}} references)
 */
public record BuildSpec(
    List<StepSpec> steps,
    String artifact,
    Duration timeout,
    boolean network,
    Map<String, String> env) {
  public BuildSpec {
    steps = List.copyOf(steps);
    env = Map.copyOf(env);
  }
}
