package dev.cairn.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code cairn runner} as this jar knows it: only its name in the help. The command itself, the AWS
 * runner image's entrypoint, has its own jar (the {@code aws-runner-cli} module), which the
 * launcher runs for {@code ./cairn runner ...}: the local command line carries neither the AWS
 * runner nor its SDK clients.
 */
@Command(
    name = "runner",
    description = "The AWS runner image's entrypoint (./cairn runner --help; see docs/aws.md).")
public final class RunnerCommand implements Callable<Integer> {
  /** Everything after {@code runner}: its own jar parses it. */
  @Unmatched List<String> arguments = new ArrayList<>();

  @Override
  public Integer call() {
    throw new UserInputException(
        "cairn runner runs from its own jar, the runner image's entrypoint: run it with the"
            + " launcher (./cairn runner "
            + String.join(" ", arguments)
            + ") or java -jar aws-runner-cli/target/cairn-runner.jar");
  }
}
