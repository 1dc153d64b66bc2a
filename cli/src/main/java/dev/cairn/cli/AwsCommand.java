package dev.cairn.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code cairn aws} as this jar knows it: only its name in the help. The command itself ({@code
 * synth}, {@code deploy}) runs the CDK app, so it has its own jar (the {@code aws-cli} module),
 * which the launcher runs for {@code ./cairn aws ...}; this jar, which {@code cairn serve} and the
 * runner image use, does not carry the CDK.
 */
@Command(
    name = "aws",
    description = "Synthesize and deploy Cairn's AWS stacks (./cairn aws --help; see docs/aws.md).")
public final class AwsCommand implements Callable<Integer> {
  /** Everything after {@code aws}: its own jar parses it. */
  @Unmatched List<String> arguments = new ArrayList<>();

  @Override
  public Integer call() {
    throw new UserInputException(
        "cairn aws runs from its own jar, which carries the AWS CDK: run it with the launcher"
            + " (./cairn aws "
            + String.join(" ", arguments)
            + ") or java -jar aws-cli/target/cairn-aws.jar");
  }
}
