package dev.cairn.aws.ecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.aws.AwsException;
import dev.cairn.aws.testing.EmulatorClients;
import dev.cairn.aws.testing.MotoExtension;
import dev.cairn.pipeline.port.JobResult;
import dev.cairn.pipeline.port.StackTasks.StackTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.LogDriver;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * The migration task on moto's ECS. moto runs no container: a task is RUNNING when started and
 * moves one state further each time it is described (STOPPED at the fourth), its container's exit
 * code is always 0, and it writes no log. So this shows what moto can: the RunTask request (launch
 * type, command override, startedBy), the wait until STOPPED, a log stream read from the name the
 * task definition's awslogs options give (the test writes the events the container would have), the
 * time limit's StopTask, and ECS errors. The exit codes other than 0 and a task stopped without one
 * are a table on {@link EcsStackTasks#ended}. moto 5.2.1 fails RunTask for {@code awsvpc} task
 * definitions (an internal error), so the task definitions here use {@code bridge}: the subnets and
 * security groups are sent but moto keeps them only for {@code awsvpc}.
 */
@ExtendWith(MotoExtension.class)
class EcsStackTasksTest {
  @TempDir Path dir;
  private final String id = UUID.randomUUID().toString().substring(0, 8);
  private EcsClient ecs;
  private CloudWatchLogsClient logs;
  private String cluster;

  @BeforeEach
  void setUp() {
    ecs = EmulatorClients.ecs();
    logs = EmulatorClients.logs();
    cluster = "app-" + id;
    ecs.createCluster(b -> b.clusterName(cluster));
  }

  @AfterEach
  void tearDown() {
    ecs.close();
    logs.close();
  }

  private String taskDefinition(boolean awslogs) {
    return ecs.registerTaskDefinition(
            b ->
                b.family("migrate-" + id)
                    .networkMode(NetworkMode.BRIDGE)
                    .containerDefinitions(
                        c -> {
                          c.name("app").image("app:1").memory(512);
                          if (awslogs) {
                            c.logConfiguration(
                                l ->
                                    l.logDriver(LogDriver.AWSLOGS)
                                        .options(
                                            java.util.Map.of(
                                                "awslogs-group", "/app/" + id,
                                                "awslogs-stream-prefix", "migrate",
                                                "awslogs-region", "us-east-1")));
                          }
                        }))
        .taskDefinition()
        .taskDefinitionArn();
  }

  private StackTask task(String taskDefinition, Duration timeout) {
    return new StackTask(
        "run-1-migrate-production",
        cluster,
        taskDefinition,
        "app",
        List.of("subnet-a"),
        List.of("sg-1"),
        List.of("/bin/sh", "-c", "./migrate up"),
        timeout);
  }

  private EcsStackTasks tasks(EcsStackTasks.Pause pause) {
    return EcsStackTasks.builder()
        .ecs(ecs)
        .logs(logs)
        .logDirectory(dir.resolve("logs"))
        .pollInterval(Duration.ofMillis(1))
        .pause(pause)
        .build();
  }

  @Test
  void theTaskRunsWithTheCommandAndItsLogIsReadUntilItStopped() throws Exception {
    String definition = taskDefinition(true);
    logs.createLogGroup(b -> b.logGroupName("/app/" + id));
    List<String> lines = new CopyOnWriteArrayList<>();
    AtomicBoolean written = new AtomicBoolean();
    // What the container would write, once it runs: its stream is <prefix>/<container>/<task id>.
    EcsStackTasks.Pause writeOnce =
        interval -> {
          if (written.compareAndSet(false, true)) {
            String arn = ecs.listTasks(b -> b.cluster(cluster)).taskArns().get(0);
            String stream = "migrate/app/" + arn.substring(arn.lastIndexOf('/') + 1);
            logs.createLogStream(b -> b.logGroupName("/app/" + id).logStreamName(stream));
            logs.putLogEvents(
                b ->
                    b.logGroupName("/app/" + id)
                        .logStreamName(stream)
                        .logEvents(
                            e -> e.timestamp(System.currentTimeMillis()).message("applied 0042"),
                            e -> e.timestamp(System.currentTimeMillis()).message("done")));
          }
        };

    JobResult result =
        tasks(writeOnce)
            .run(task(definition, Duration.ofMinutes(5)), (step, line) -> lines.add(line));

    assertThat(result.outcome()).isEqualTo(JobResult.Outcome.SUCCEEDED);
    assertThat(lines).contains("applied 0042", "done");
    assertThat(Files.readString(result.log())).contains("applied 0042\ndone\n");
    Task task =
        ecs.describeTasks(
                b -> b.cluster(cluster).tasks(ecs.listTasks(l -> l.cluster(cluster)).taskArns()))
            .tasks()
            .get(0);
    assertThat(task.lastStatus()).isEqualTo("STOPPED");
    assertThat(task.launchTypeAsString()).isEqualTo("FARGATE");
    assertThat(task.startedBy()).isEqualTo("run-1-migrate-production");
    assertThat(task.overrides().containerOverrides())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.name()).isEqualTo("app");
              assertThat(o.command()).containsExactly("/bin/sh", "-c", "./migrate up");
              // Nothing but the command: the task definition brings its own secrets.
              assertThat(o.environment()).isEmpty();
            });
  }

  @Test
  void withoutAwslogsTheOutputCannotBeShownAndThatIsSaid() throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();

    JobResult result =
        tasks(interval -> {})
            .run(task(taskDefinition(false), Duration.ofMinutes(5)), (s, line) -> lines.add(line));

    assertThat(result.outcome()).isEqualTo(JobResult.Outcome.SUCCEEDED);
    assertThat(lines)
        .singleElement()
        .asString()
        .contains("cannot be shown here")
        .contains("awslogs");
  }

  @Test
  void aTaskLongerThanItsTimeLimitIsStopped() throws Exception {
    JobResult result =
        tasks(interval -> {}).run(task(taskDefinition(false), Duration.ZERO), (s, line) -> {});

    assertThat(result.outcome()).isEqualTo(JobResult.Outcome.TIMED_OUT);
    assertThat(result.message()).isEqualTo("the task ran longer than 0s and was stopped");
    Task task =
        ecs.describeTasks(
                b -> b.cluster(cluster).tasks(ecs.listTasks(l -> l.cluster(cluster)).taskArns()))
            .tasks()
            .get(0);
    assertThat(task.stoppedReason()).startsWith("Cairn: the migration ran longer than 0s");
  }

  @Test
  void aMissingClusterIsAnAwsErrorNamingTheCall() {
    StackTask task =
        new StackTask(
            "run-x",
            "no-such-cluster-" + id,
            taskDefinition(false),
            "app",
            List.of(),
            List.of(),
            List.of("true"),
            Duration.ofMinutes(1));

    assertThatThrownBy(() -> tasks(interval -> {}).run(task, (s, line) -> {}))
        .isInstanceOf(AwsException.class)
        .hasMessageContaining("ECS RunTask of")
        .hasMessageContaining("no-such-cluster-" + id);
  }

  @Test
  void theContainersExitCodeDecides() {
    StackTask task = task("migrate:1", Duration.ofMinutes(1));
    Path log = dir.resolve("x.log");

    assertThat(EcsStackTasks.ended(task, stopped(0, null), log).outcome())
        .isEqualTo(JobResult.Outcome.SUCCEEDED);
    JobResult failed = EcsStackTasks.ended(task, stopped(3, null), log);
    assertThat(failed.outcome()).isEqualTo(JobResult.Outcome.FAILED);
    assertThat(failed.exitCode()).isEqualTo(3);
    assertThat(failed.message()).isEqualTo("the migration task's container app exited with 3");
    JobResult noExit =
        EcsStackTasks.ended(task, stopped(null, "CannotPullContainerError: no such image"), log);
    assertThat(noExit.outcome()).isEqualTo(JobResult.Outcome.FAILED);
    assertThat(noExit.exitCode()).isEqualTo(-1);
    assertThat(noExit.message())
        .isEqualTo(
            "the migration task stopped without an exit code: Task failed to start"
                + " (CannotPullContainerError: no such image)");
  }

  private static Task stopped(Integer exitCode, String containerReason) {
    return Task.builder()
        .lastStatus("STOPPED")
        .stoppedReason(exitCode == null ? "Task failed to start" : "Essential container exited")
        .containers(
            Container.builder().name("app").exitCode(exitCode).reason(containerReason).build())
        .build();
  }
}
