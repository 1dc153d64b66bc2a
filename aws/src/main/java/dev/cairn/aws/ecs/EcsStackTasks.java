package dev.cairn.aws.ecs;

import dev.cairn.aws.AwsErrors;
import dev.cairn.aws.AwsException;
import dev.cairn.aws.logs.LogStreamTail;
import dev.cairn.pipeline.port.JobOutput;
import dev.cairn.pipeline.port.JobResult;
import dev.cairn.pipeline.port.StackTasks;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.AssignPublicIp;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.LogDriver;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Runs a one-off ECS task on Fargate ({@code RunTask} with a container override of the command),
 * waits until it is {@code STOPPED} ({@code DescribeTasks}) and reads its container's exit code.
 * Its output is followed in CloudWatch Logs when the task definition's container logs there with
 * the {@code awslogs} driver and a stream prefix (the stream is then {@code
 * <prefix>/<container>/<task id>}); otherwise a line says that it cannot be shown. A task that runs
 * longer than its time limit is stopped ({@code StopTask}).
 *
 * <p>Nothing secret goes into the request: the task definition takes its secrets from Secrets
 * Manager itself ({@code valueFrom}), so the overrides visible in the console hold only the
 * command.
 */
public final class EcsStackTasks implements StackTasks {
  private final EcsClient ecs;
  private final CloudWatchLogsClient logs;
  private final Path logDirectory;
  private final Duration pollInterval;
  private final Clock clock;
  private final Pause pause;

  /** Waits between two polls; replaceable so tests do not wait. */
  @FunctionalInterface
  public interface Pause {
    /** Waits about {@code interval}. */
    void pause(Duration interval) throws InterruptedException;
  }

  private EcsStackTasks(Builder builder) {
    this.ecs = Objects.requireNonNull(builder.ecs, "ecs");
    this.logs = Objects.requireNonNull(builder.logs, "logs");
    this.logDirectory = Objects.requireNonNull(builder.logDirectory, "logDirectory");
    this.pollInterval = builder.pollInterval;
    this.clock = builder.clock;
    this.pause = builder.pause;
  }

  /** A builder; the clients and the log directory are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs the task to its end.
   *
   * @throws AwsException when ECS cannot be used (access denied, throttling, a missing cluster)
   */
  @Override
  public JobResult run(StackTask task, JobOutput output) throws InterruptedException {
    String step = "migrate";
    Path logFile = logDirectory.resolve(safe(task.id()) + ".log");
    try {
      Files.createDirectories(logDirectory);
    } catch (IOException e) {
      throw new UncheckedIOException("the task's log directory cannot be made", e);
    }
    try (BufferedWriter log = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8)) {
      JobOutput both =
          (s, line) -> {
            output.line(s, line);
            try {
              log.write(line);
              log.newLine();
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          };
      RunTaskResponse started = start(task);
      if (started.tasks().isEmpty()) {
        String why =
            started.failures().stream()
                .map(f -> f.reason() + (f.detail() == null ? "" : " (" + f.detail() + ")"))
                .findFirst()
                .orElse("no task was started");
        both.line(step, "ECS did not start the task: " + why);
        return new JobResult(
            JobResult.Outcome.FAILED, step, -1, logFile, "ECS did not start the task: " + why);
      }
      String taskArn = started.tasks().get(0).taskArn();
      LogStreamTail tail =
          logStream(task, taskArn)
              .map(e -> new LogStreamTail(logs, e.getKey(), e.getValue()))
              .orElse(null);
      if (tail == null) {
        both.line(
            step,
            "(the output of "
                + task.container()
                + " cannot be shown here: its task definition sends no log to CloudWatch Logs"
                + " with the awslogs driver and a stream prefix)");
      } else {
        both.line(step, "(the task " + taskArn + " logs to " + tail + ")");
      }
      Instant deadline = clock.instant().plus(task.timeout());
      while (true) {
        Task described = describe(task.cluster(), taskArn);
        if (tail != null) {
          read(tail, both, step);
        }
        if (described != null && "STOPPED".equals(described.lastStatus())) {
          return ended(task, described, logFile);
        }
        if (!clock.instant().isBefore(deadline)) {
          stop(task.cluster(), taskArn, task.timeout());
          String message =
              "the task ran longer than " + task.timeout().toSeconds() + "s and was stopped";
          both.line(step, message);
          return new JobResult(JobResult.Outcome.TIMED_OUT, step, -1, logFile, message);
        }
        pause.pause(pollInterval);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("the task's log cannot be written", e);
    }
  }

  private RunTaskResponse start(StackTask task) {
    try {
      return ecs.runTask(
          b ->
              b.cluster(task.cluster())
                  .taskDefinition(task.taskDefinition())
                  .launchType(LaunchType.FARGATE)
                  .count(1)
                  .startedBy(startedBy(task.id()))
                  .networkConfiguration(
                      n ->
                          n.awsvpcConfiguration(
                              a ->
                                  a.subnets(task.subnets())
                                      .securityGroups(task.securityGroups())
                                      .assignPublicIp(AssignPublicIp.DISABLED)))
                  .overrides(
                      o ->
                          o.containerOverrides(
                              c -> c.name(task.container()).command(task.command()))));
    } catch (SdkException e) {
      // The command is the repository's migrate.run: no secret, the details may be kept.
      throw AwsErrors.translate(
          "ECS RunTask of " + task.taskDefinition() + " in " + task.cluster(), e, true);
    }
  }

  private Task describe(String cluster, String taskArn) {
    try {
      return ecs.describeTasks(b -> b.cluster(cluster).tasks(taskArn)).tasks().stream()
          .findFirst()
          .orElse(null);
    } catch (SdkException e) {
      throw AwsErrors.translate("ECS DescribeTasks of " + taskArn, e, true);
    }
  }

  private void stop(String cluster, String taskArn, Duration timeout) {
    try {
      ecs.stopTask(
          b ->
              b.cluster(cluster)
                  .task(taskArn)
                  .reason("Cairn: the migration ran longer than " + timeout.toSeconds() + "s"));
    } catch (SdkException e) {
      throw AwsErrors.translate("ECS StopTask of " + taskArn, e, true);
    }
  }

  /** How the stopped task's container ended. */
  static JobResult ended(StackTask task, Task described, Path logFile) {
    Optional<Container> container =
        described.containers().stream().filter(c -> task.container().equals(c.name())).findFirst();
    Integer exitCode = container.map(Container::exitCode).orElse(null);
    if (exitCode != null && exitCode == 0) {
      return new JobResult(JobResult.Outcome.SUCCEEDED, null, 0, logFile, "succeeded");
    }
    if (exitCode != null) {
      return new JobResult(
          JobResult.Outcome.FAILED,
          "migrate",
          exitCode,
          logFile,
          "the migration task's container " + task.container() + " exited with " + exitCode);
    }
    String reason =
        Optional.ofNullable(described.stoppedReason()).orElse("no reason given")
            + container.map(Container::reason).map(r -> " (" + r + ")").orElse("");
    return new JobResult(
        JobResult.Outcome.FAILED,
        "migrate",
        -1,
        logFile,
        "the migration task stopped without an exit code: " + reason);
  }

  /** The task's log stream, when its task definition's container logs with awslogs. */
  private Optional<Map.Entry<String, String>> logStream(StackTask task, String taskArn) {
    ContainerDefinition definition;
    try {
      definition =
          ecs
              .describeTaskDefinition(b -> b.taskDefinition(task.taskDefinition()))
              .taskDefinition()
              .containerDefinitions()
              .stream()
              .filter(c -> task.container().equals(c.name()))
              .findFirst()
              .orElse(null);
    } catch (SdkException e) {
      // Without the log the migration still runs and its exit code still decides.
      return Optional.empty();
    }
    if (definition == null
        || definition.logConfiguration() == null
        || definition.logConfiguration().logDriver() != LogDriver.AWSLOGS) {
      return Optional.empty();
    }
    Map<String, String> options = definition.logConfiguration().options();
    String group = options.get("awslogs-group");
    String prefix = options.get("awslogs-stream-prefix");
    if (group == null || prefix == null) {
      return Optional.empty();
    }
    String taskId = taskArn.substring(taskArn.lastIndexOf('/') + 1);
    return Optional.of(Map.entry(group, prefix + "/" + task.container() + "/" + taskId));
  }

  private static void read(LogStreamTail tail, JobOutput output, String step) {
    try {
      tail.read(message -> output.line(step, message));
    } catch (SdkException e) {
      throw AwsErrors.translate("CloudWatch Logs GetLogEvents " + tail, e, true);
    }
  }

  private static String startedBy(String id) {
    // startedBy: at most 128 letters, digits, '-', '_' and '/'.
    String value = id.replaceAll("[^A-Za-z0-9_/-]", "-");
    return value.length() > 128 ? value.substring(0, 128) : value;
  }

  private static String safe(String id) {
    return id.replaceAll("[^A-Za-z0-9_.-]", "_");
  }

  @Override
  public String toString() {
    return "EcsStackTasks";
  }

  /** Options of an {@link EcsStackTasks}. */
  public static final class Builder {
    private EcsClient ecs;
    private CloudWatchLogsClient logs;
    private Path logDirectory;
    private Duration pollInterval = Duration.ofSeconds(6);
    private Clock clock = Clock.systemUTC();
    private Pause pause = interval -> Thread.sleep(interval);

    private Builder() {}

    /** The ECS client (required). */
    public Builder ecs(EcsClient value) {
      ecs = value;
      return this;
    }

    /** The CloudWatch Logs client the task's output is read with (required). */
    public Builder logs(CloudWatchLogsClient value) {
      logs = value;
      return this;
    }

    /** Where each task's output is kept as {@code <id>.log} (required). */
    public Builder logDirectory(Path value) {
      logDirectory = value;
      return this;
    }

    /** How often the task is described (default 6 s). */
    public Builder pollInterval(Duration value) {
      pollInterval = Objects.requireNonNull(value, "pollInterval");
      return this;
    }

    /** The clock the time limit is measured by. */
    public Builder clock(Clock value) {
      clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /** How to wait between polls (default: sleep the poll interval). */
    public Builder pause(Pause value) {
      pause = Objects.requireNonNull(value, "pause");
      return this;
    }

    /** The adapter. */
    public EcsStackTasks build() {
      return new EcsStackTasks(this);
    }
  }
}
