package dev.cairn.pipeline.port;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Runs one-off tasks beside an environment's stack (on AWS: an ECS task on Fargate, in the stack's
 * cluster, subnets and security groups), e.g. the migration of a release before traffic switches to
 * it. The task definition comes from the stack; only the command is Cairn's.
 */
public interface StackTasks {
  /**
   * Starts the task, waits until it stopped and tells how its container ended.
   *
   * @param task what to run
   * @param output receives the container's log lines, where they can be read (on AWS: when the task
   *     definition sends them to CloudWatch Logs); a line says so when they cannot
   * @return SUCCEEDED when the container exited with 0; FAILED with its exit code (or -1 when the
   *     task stopped without one, e.g. its image could not be pulled) and the reason; TIMED_OUT
   *     when it ran longer than {@link StackTask#timeout} (it is then stopped). The log is a file
   *     holding what {@code output} received
   * @throws InterruptedException when interrupted while waiting (the task is left running)
   */
  JobResult run(StackTask task, JobOutput output) throws InterruptedException;

  /**
   * A one-off task.
   *
   * @param id unique id (e.g. the run's and the environment's), for logs and the task's {@code
   *     startedBy}
   * @param cluster the cluster (name or ARN)
   * @param taskDefinition the task definition (ARN or family:revision)
   * @param container the container of the task definition whose command is replaced
   * @param subnets the subnets of the task's network interface
   * @param securityGroups its security groups
   * @param command the command, e.g. {@code ["/bin/sh", "-c", "./migrate"]}; no secret (the task
   *     definition gets its own from Secrets Manager)
   * @param timeout how long the task may run
   */
  record StackTask(
      String id,
      String cluster,
      String taskDefinition,
      String container,
      List<String> subnets,
      List<String> securityGroups,
      List<String> command,
      Duration timeout) {
    /** Checks and copies. */
    public StackTask {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(cluster, "cluster");
      Objects.requireNonNull(taskDefinition, "taskDefinition");
      Objects.requireNonNull(container, "container");
      Objects.requireNonNull(timeout, "timeout");
      subnets = List.copyOf(subnets);
      securityGroups = List.copyOf(securityGroups);
      command = List.copyOf(command);
    }
  }
}
