package dev.cairn.aws.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;

/**
 * The synthesized templates pass cfn-lint, the CloudFormation linter, which knows every resource
 * type's schema (a wrong property name or value fails here, not at deploy time). Skipped, with a
 * message, where cfn-lint is not installed.
 */
class CfnLintTest {
  /** Ignored: CDK writes DependsOn next to a Ref or GetAtt that already orders the resources. */
  private static final String IGNORED = "W3005";

  private static Path cfnLint() {
    for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(directory, "cfn-lint");
      if (!directory.isEmpty() && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  @Test
  void theTemplatesPassCfnLint() throws Exception {
    Path cfnLint = cfnLint();
    assumeTrue(cfnLint != null, "cfn-lint is not on the PATH: the templates are not linted");
    Synthesized synthesized = Synthesized.get();
    List<String> command = new ArrayList<>();
    command.add(cfnLint.toString());
    command.add("--regions");
    command.add("us-east-1");
    command.add("--ignore-checks");
    command.add(IGNORED);
    command.add("--");
    for (Stack stack : synthesized.stacks()) {
      command.add(synthesized.templateFile(stack).toString());
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();

    assertThat(output).isEmpty();
    assertThat(process.exitValue()).isZero();
  }
}
