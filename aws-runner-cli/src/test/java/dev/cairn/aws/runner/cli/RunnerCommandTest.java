package dev.cairn.aws.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code cairn runner} at its edge: bad arguments and missing configuration exit with 2 and one
 * clear line, before anything runs. (The jobs themselves are tested in the aws-runner module.)
 */
class RunnerCommandTest {
  private final PrintStream originalOut = System.out;
  private final PrintStream originalErr = System.err;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void capture() {
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setOut(originalOut);
    System.setErr(originalErr);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void anUnknownJobIsRefusedWithTheKnownOnes() {
    int code = RunnerCommand.run("deploy", "--run", "r1");

    assertThat(code).isEqualTo(2);
    assertThat(err())
        .contains("unknown job 'deploy'")
        .contains("build, plan, apply, verify, rollback, destroy, steps")
        .doesNotContain("Exception");
  }

  @Test
  void anEnvironmentJobWithoutEnvironmentIsRefused() {
    int code = RunnerCommand.run("apply", "--run", "r1");

    assertThat(code).isEqualTo(2);
    assertThat(err()).contains("apply needs --environment");
  }

  @Test
  void aMissingConfigurationNamesTheVariable() {
    // The test JVM has no CAIRN_ARTIFACT_BUCKET (the Batch job definition sets it).
    int code = RunnerCommand.run("build", "--run", "r1");

    assertThat(code).isEqualTo(2);
    assertThat(err()).contains("CAIRN_ARTIFACT_BUCKET is not set");
  }

  @Test
  void aStepsJobWithoutItsStepsIsRefusedBeforeAnythingRuns() {
    // The test JVM has no CAIRN_JOB_STEPS (BatchJobRequest.forSteps sets it).
    int code = RunnerCommand.run("steps", "--run", "r1", "--environment", "");

    assertThat(code).isEqualTo(2);
    assertThat(err()).contains("CAIRN_JOB_STEPS is not set").doesNotContain("Exception");
  }
}
