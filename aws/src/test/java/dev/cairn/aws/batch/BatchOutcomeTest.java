package dev.cairn.aws.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.pipeline.file.StepSpec;
import dev.cairn.pipeline.port.JobResult;
import dev.cairn.pipeline.port.JobSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobStatus;

/**
 * Batch's end states → {@link JobResult}, as a table (including the time-out, which moto cannot
 * produce), and the default request mapping.
 */
class BatchOutcomeTest {
  private static final Path LOG = Path.of("job.log");

  @ParameterizedTest
  @CsvSource(
      nullValues = "null",
      value = {
        "SUBMITTED, null, null, null, null",
        "PENDING, null, null, null, null",
        "RUNNABLE, null, null, null, null",
        "STARTING, null, null, null, null",
        "RUNNING, null, null, null, null",
        "SUCCEEDED, 0, null, SUCCEEDED, 0",
        "FAILED, 3, Essential container in task exited, FAILED, 3",
        "FAILED, null, Job attempt duration exceeded timeout, TIMED_OUT, -1",
        "FAILED, 137, Job attempt duration exceeded timeout, TIMED_OUT, -1",
        "FAILED, null, Terminated by user, FAILED, 1",
      })
  void endStatesMapOntoResults(
      JobStatus status,
      Integer exitCode,
      String reason,
      JobResult.Outcome outcome,
      Integer resultExit) {
    JobDetail job =
        JobDetail.builder()
            .jobId("j-1")
            .status(status)
            .statusReason(reason)
            .container(c -> c.exitCode(exitCode))
            .build();

    Optional<JobResult> result = BatchJobExecutor.outcome(job, LOG);

    if (outcome == null) {
      assertThat(result).isEmpty();
    } else {
      assertThat(result).get().extracting(JobResult::outcome).isEqualTo(outcome);
      assertThat(result.get().exitCode()).isEqualTo(resultExit);
      assertThat(result.get().log()).isEqualTo(LOG);
      if (reason != null) {
        assertThat(result.get().message()).contains(reason);
      }
    }
  }

  @Test
  void theDefaultRequestCarriesStepsAndNamesButNoSecretValues() {
    JobSpec spec =
        new JobSpec(
            "run-1/build",
            Path.of("/w"),
            List.of(new StepSpec("compile", "make \"all\"", null)),
            Map.of("TOKEN", "t0ps3cret", "PLAIN", "x"),
            Duration.ofSeconds(5),
            false,
            Set.of("t0ps3cret"));

    BatchJobRequest request = BatchJobRequest.forSteps(spec);

    assertThat(request.jobName()).isEqualTo("cairn-run-1-build");
    assertThat(request.timeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(request.environment())
        .containsEntry("PLAIN", "x")
        .containsEntry(BatchJobRequest.SECRET_VARIABLES, "TOKEN")
        .containsEntry(
            BatchJobRequest.STEPS_VARIABLE, "[{\"name\":\"compile\",\"run\":\"make \\\"all\\\"\"}]")
        .doesNotContainKey("TOKEN");
    assertThat(request.environment().values()).noneMatch(v -> v.contains("t0ps3cret"));
    assertThat(request.toString()).doesNotContain("t0ps3cret");
  }
}
