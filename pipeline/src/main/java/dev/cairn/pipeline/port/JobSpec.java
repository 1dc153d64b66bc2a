package dev.cairn.pipeline.port;

import dev.cairn.pipeline.file.StepSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a job runs.
 *
 * @param id unique job id (used for logs and cancellation)
 * @param workspace the directory the steps run in (read-write; the only writable place besides a
 *     private /tmp)
 * @param steps the steps, in order
 * @param env environment variables, secrets already resolved
 * @param timeout the time limit of the whole job
 * @param network whether the job may use the network
 * @param masked values to replace by {@code ***} wherever they appear in the output
 * @param output the path, relative to {@code workspace}, that the caller reads once the job
 *     succeeded (a build's artifact, or the context of its container image), or null. An executor
 *     that runs the steps in the workspace itself ignores it; one that runs them elsewhere (AWS: a
 *     separate, unprivileged Batch job on a copy of the workspace) brings this path back into
 *     {@code workspace}, and only this path.
 */
public record JobSpec(
    String id,
    Path workspace,
    List<StepSpec> steps,
    Map<String, String> env,
    Duration timeout,
    boolean network,
    Set<String> masked,
    String output) {
  public JobSpec {
    steps = List.copyOf(steps);
    env = Map.copyOf(env);
    masked = Set.copyOf(masked);
  }

  /** A job whose caller reads nothing back from its workspace (a migration, plain steps). */
  public JobSpec(
      String id,
      Path workspace,
      List<StepSpec> steps,
      Map<String, String> env,
      Duration timeout,
      boolean network,
      Set<String> masked) {
    this(id, workspace, steps, env, timeout, network, masked, null);
  }
}
