package dev.cairn.aws.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.aws.AwsException;
import dev.cairn.aws.testing.EmulatorClients;
import dev.cairn.aws.testing.Moto;
import dev.cairn.aws.testing.MotoExtension;
import dev.cairn.aws.testing.MotoFront;
import dev.cairn.pipeline.file.StepSpec;
import dev.cairn.pipeline.port.JobResult;
import dev.cairn.pipeline.port.JobSpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.CEType;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobStatus;
import software.amazon.awssdk.services.batch.model.KeyValuePair;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * The Batch executor on moto's Batch. moto runs no containers here (no Docker): with its "simple
 * Batch" a submitted job ends at once, SUCCEEDED (or FAILED on a moto started with {@code
 * MOTO_SIMPLE_BATCH_FAIL_AFTER=0}). So these tests cover submission, the overrides Batch receives,
 * polling to the end state, its mapping and log streaming from CloudWatch Logs — not a real
 * container's run.
 */
@ExtendWith(MotoExtension.class)
class BatchJobExecutorTest {
  private static final String SECRET = "pw-" + UUID.randomUUID();
  private static BatchClient batch;
  private static CloudWatchLogsClient logs;
  private static String queue;
  private static String definition;

  @TempDir Path temp;

  @BeforeAll
  static void createQueueAndDefinition() {
    Moto.useBatchWithoutDocker();
    batch = EmulatorClients.batch();
    logs = EmulatorClients.logs();
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String[] names = setUp(batch, EmulatorClients.iam(), suffix);
    queue = names[0];
    definition = names[1];
  }

  /** Creates a service role, an unmanaged compute environment, a queue and the definition. */
  static String[] setUp(BatchClient batch, IamClient iam, String suffix) {
    String role =
        iam.createRole(
                b ->
                    b.roleName("batch-" + suffix)
                        .assumeRolePolicyDocument(
                            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                                + "\"Principal\":{\"Service\":\"batch.amazonaws.com\"},"
                                + "\"Action\":\"sts:AssumeRole\"}]}"))
            .role()
            .arn();
    String environment =
        batch
            .createComputeEnvironment(
                b ->
                    b.computeEnvironmentName("ce-" + suffix)
                        .type(CEType.UNMANAGED)
                        .serviceRole(role))
            .computeEnvironmentArn();
    String queue =
        batch
            .createJobQueue(
                b ->
                    b.jobQueueName("cairn-" + suffix)
                        .state(software.amazon.awssdk.services.batch.model.JQState.ENABLED)
                        .priority(1)
                        .computeEnvironmentOrder(o -> o.order(1).computeEnvironment(environment)))
            .jobQueueName();
    String definition =
        batch
            .registerJobDefinition(
                b ->
                    b.jobDefinitionName("cairn-runner-" + suffix)
                        .type("container")
                        .parameters(Map.of("job", "build", "run", "", "environment", ""))
                        .containerProperties(
                            c ->
                                c.image("cairn-runner:test")
                                    .command(
                                        "runner",
                                        "Ref::job",
                                        "--run",
                                        "Ref::run",
                                        "--environment",
                                        "Ref::environment")
                                    .vcpus(1)
                                    .memory(2048)))
            .jobDefinitionName();
    return new String[] {queue, definition};
  }

  @AfterAll
  static void close() {
    batch.close();
    logs.close();
  }

  private BatchJobExecutor executor(BatchClient client) {
    return BatchJobExecutor.builder()
        .batch(client)
        .logs(logs)
        .jobQueue(queue)
        .jobDefinition(definition)
        .logDirectory(temp.resolve("logs"))
        .pollInterval(Duration.ofMillis(100))
        .build();
  }

  private JobSpec spec(String id) {
    return new JobSpec(
        id,
        temp,
        List.of(new StepSpec("compile", "make", null), new StepSpec("test", "make test", null)),
        Map.of("DB_PASSWORD", SECRET, "MODE", "release"),
        Duration.ofMinutes(10),
        true,
        Set.of(SECRET));
  }

  @Test
  void aJobIsSubmittedWithTheRunnerOverridesAndEndsSucceeded() throws Exception {
    String id = "job-" + UUID.randomUUID();
    try (BatchJobExecutor executor = executor(batch)) {
      JobResult result = executor.run(spec(id), (step, line) -> {}).get(30, TimeUnit.SECONDS);

      assertThat(result.outcome()).isEqualTo(JobResult.Outcome.SUCCEEDED);
      assertThat(result.exitCode()).isZero();
      assertThat(result.log()).exists();
    }
    JobDetail job = submitted("cairn-" + id);
    assertThat(job.parameters()).containsEntry("job", "steps").containsEntry("run", id);
    assertThat(job.timeout().attemptDurationSeconds()).isEqualTo(600);
    assertThat(job.container().environment())
        .extracting(KeyValuePair::name)
        .contains("MODE", "CAIRN_JOB_STEPS", "CAIRN_SECRET_ENV")
        .doesNotContain("DB_PASSWORD");
    assertThat(job.container().environment())
        .extracting(KeyValuePair::value)
        .contains("DB_PASSWORD")
        .noneMatch(v -> v.contains(SECRET));
  }

  private static JobDetail submitted(String name) {
    String id =
        batch
            .listJobs(b -> b.jobQueue(queue).jobStatus(JobStatus.SUCCEEDED))
            .jobSummaryList()
            .stream()
            .filter(j -> j.jobName().equals(name))
            .findFirst()
            .orElseThrow()
            .jobId();
    return batch.describeJobs(b -> b.jobs(id)).jobs().get(0);
  }

  @Test
  void aFailedJobIsAFailedResultNotAnException() throws Exception {
    try (Moto.Dedicated failing = Moto.startDedicated(Map.of("MOTO_SIMPLE_BATCH_FAIL_AFTER", "0"));
        BatchClient failingBatch =
            EmulatorClients.configure(BatchClient.builder(), failing.endpoint()).build();
        IamClient failingIam =
            EmulatorClients.configure(IamClient.builder(), failing.endpoint())
                .region(software.amazon.awssdk.regions.Region.AWS_GLOBAL)
                .build()) {
      failing.configure("{\"batch\":{\"use_docker\":false}}");
      String[] names = setUp(failingBatch, failingIam, "failing");
      try (BatchJobExecutor executor =
          BatchJobExecutor.builder()
              .batch(failingBatch)
              .logs(logs)
              .jobQueue(names[0])
              .jobDefinition(names[1])
              .logDirectory(temp.resolve("logs"))
              .pollInterval(Duration.ofMillis(100))
              .build()) {
        JobResult result = executor.run(spec("doomed"), (s, l) -> {}).get(30, TimeUnit.SECONDS);

        assertThat(result.outcome()).isEqualTo(JobResult.Outcome.FAILED);
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.message()).startsWith("Batch job ").contains(" failed");
      }
    }
  }

  @Test
  void logLinesAreStreamedMaskedToTheOutputAndTheLogFile() throws Exception {
    try (BatchJobExecutor executor = executor(batch)) {
      String batchId =
          executor.submit(
              new BatchJobRequest(
                  "logs-" + UUID.randomUUID(), Map.of("job", "build"), List.of(), Map.of(), null));
      String stream =
          batch.describeJobs(b -> b.jobs(batchId)).jobs().get(0).container().logStreamName();
      assertThat(stream).isNotNull();
      // moto's simple Batch writes no log: put the lines the runner would have printed.
      logs.createLogGroup(b -> b.logGroupName("/aws/batch/job"));
      logs.createLogStream(b -> b.logGroupName("/aws/batch/job").logStreamName(stream));
      long now = System.currentTimeMillis();
      logs.putLogEvents(
          b ->
              b.logGroupName("/aws/batch/job")
                  .logStreamName(stream)
                  .logEvents(
                      InputLogEvent.builder().timestamp(now).message("compiling").build(),
                      InputLogEvent.builder()
                          .timestamp(now + 1)
                          .message("password is " + SECRET)
                          .build(),
                      // The same rule as locally: its encodings are masked too.
                      InputLogEvent.builder()
                          .timestamp(now + 2)
                          .message(
                              "encoded "
                                  + java.util.Base64.getEncoder()
                                      .encodeToString(SECRET.getBytes(StandardCharsets.UTF_8)))
                          .build()));
      List<String> lines = new CopyOnWriteArrayList<>();
      Path logFile = temp.resolve("watched.log");

      JobResult result =
          executor
              .watch(batchId, logFile, Set.of(SECRET), (step, line) -> lines.add(line))
              .get(30, TimeUnit.SECONDS);

      assertThat(result.outcome()).isEqualTo(JobResult.Outcome.SUCCEEDED);
      assertThat(lines).containsExactly("compiling", "password is ***", "encoded ***");
      assertThat(Files.readAllLines(logFile))
          .containsExactly("compiling", "password is ***", "encoded ***");
    }
  }

  @Test
  void aMissingQueueFailsTheFutureWithAnErrorForAPerson() {
    try (BatchJobExecutor executor =
        BatchJobExecutor.builder()
            .batch(batch)
            .logs(logs)
            .jobQueue("no-such-queue")
            .jobDefinition(definition)
            .logDirectory(temp)
            .build()) {
      assertThatThrownBy(() -> executor.run(spec("x"), (s, l) -> {}).get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOfSatisfying(AwsException.class, e -> assertThat(e.retryable()).isFalse())
          .hasMessageContaining("no-such-queue");
    }
  }

  @Test
  void anUnreachableBatchIsRetryable() {
    try (BatchClient dead =
            EmulatorClients.configure(BatchClient.builder(), URI.create("http://127.0.0.1:1"))
                .build();
        BatchJobExecutor executor = executor(dead)) {
      assertThatThrownBy(() -> executor.run(spec("x"), (s, l) -> {}).get(30, TimeUnit.SECONDS))
          .cause()
          .isInstanceOfSatisfying(AwsException.class, e -> assertThat(e.retryable()).isTrue());
    }
  }

  @Test
  void cancellingAJobThatIsNotRunningDoesNothing() {
    try (BatchJobExecutor executor = executor(batch)) {
      executor.cancel("never-started");
    }
  }

  /**
   * A runner terminated while its build job runs (its shutdown hook calls {@code stopAll})
   * terminates that job on Batch. moto's Batch without Docker ends a job as it is submitted, so a
   * front of moto answers DescribeJobs with RUNNING until TerminateJob has been sent, and then as
   * Batch does: FAILED with the termination's reason.
   */
  @Test
  void jobsInProgressAreTerminatedWhenTheRunnerIs() throws Exception {
    try (MotoFront front = new MotoFront(Moto.endpoint());
        BatchClient fronted =
            EmulatorClients.configure(BatchClient.builder(), front.endpoint()).build();
        BatchJobExecutor executor = executor(fronted)) {
      front.answers.put(
          "describejobs",
          answer -> {
            List<JsonNode> terminations = front.requests("terminatejob");
            for (JsonNode job : answer.path("jobs")) {
              ObjectNode detail = (ObjectNode) job;
              if (terminations.isEmpty()) {
                detail.put("status", "RUNNING");
                detail.remove("stoppedAt");
              } else {
                detail.put("status", "FAILED");
                detail.put("statusReason", terminations.get(0).path("reason").asText());
              }
            }
          });
      assertThat(executor.stopAll()).as("nothing in progress yet").isEmpty();
      String id = "job-" + UUID.randomUUID();
      var running = executor.run(spec(id), (step, line) -> {});
      await("the job is submitted")
          .atMost(Duration.ofSeconds(30))
          .until(() -> !front.requests("describejobs").isEmpty());

      assertThat(executor.stopAll())
          .singleElement()
          .asString()
          .startsWith("Batch job ")
          .endsWith("(" + id + ") terminated");

      JobResult result = running.get(30, TimeUnit.SECONDS);
      assertThat(front.requests("terminatejob"))
          .singleElement()
          .satisfies(r -> assertThat(r.path("reason").asText()).isEqualTo("cancelled by Cairn"));
      assertThat(result.outcome()).isEqualTo(JobResult.Outcome.FAILED);
      assertThat(result.message()).contains("cancelled by Cairn");
      assertThat(executor.stopAll()).as("nothing left in progress").isEmpty();
    }
  }
}
