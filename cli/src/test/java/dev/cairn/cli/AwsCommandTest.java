package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code cairn aws} and {@code cairn runner} are listed by the command line but run from their own
 * jars (modules {@code aws-cli} and {@code aws-runner-cli}): neither the CDK nor the AWS runner is
 * on this module's class path.
 */
class AwsCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream originalOut;
  private PrintStream originalErr;

  @BeforeEach
  void capture() {
    originalOut = System.out;
    originalErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setOut(originalOut);
    System.setErr(originalErr);
  }

  @Test
  void theHelpListsAwsAndAwsSaysHowItIsRun() {
    assertThat(CairnCommand.run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("aws", "./cairn aws --help");

    int code = CairnCommand.run("aws", "synth", "--config", "cairn-aws.yml");

    assertThat(code).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "cairn: cairn aws runs from its own jar, which carries the AWS CDK: run it with the"
                + " launcher (./cairn aws synth --config cairn-aws.yml) or java -jar"
                + " aws-cli/target/cairn-aws.jar\n");
  }

  @Test
  void theHelpListsRunnerAndRunnerSaysHowItIsRun() {
    assertThat(CairnCommand.run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("runner", "./cairn runner --help");

    int code = CairnCommand.run("runner", "apply", "--run", "r1");

    assertThat(code).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "cairn: cairn runner runs from its own jar, the runner image's entrypoint: run it with"
                + " the launcher (./cairn runner apply --run r1) or java -jar"
                + " aws-runner-cli/target/cairn-runner.jar\n");
  }

  @Test
  void neitherTheCdkNorTheAwsRunnerIsOnTheClassPath() {
    // The runtime class path (what target/lib gets) is part of the test's.
    assertThatThrownBy(() -> Class.forName("software.amazon.awscdk.App"))
        .isInstanceOf(ClassNotFoundException.class);
    assertThatThrownBy(() -> Class.forName("dev.cairn.aws.runner.Runner"))
        .isInstanceOf(ClassNotFoundException.class);
  }
}
