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
 */
public record JobSpec(
    String id,
    Path workspace,
    List<StepSpec> steps,
    Map<String, String> env,
    Duration timeout,
    boolean network,
    Set<String> masked) {
  public JobSpec {
    steps = List.copyOf(steps);
    env = Map.copyOf(env);
    masked = Set.copyOf(masked);
  }
}
