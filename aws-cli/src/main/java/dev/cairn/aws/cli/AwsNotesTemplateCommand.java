package dev.cairn.aws.cli;

import dev.cairn.aws.infra.NotesAppStack;
import dev.cairn.aws.infra.NotesTemplate;
import dev.cairn.cli.UserInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cairn aws notes-template}: writes the notes example's CloudFormation template ({@link
 * NotesAppStack}), the {@code cairn.stack.json} its repository carries and Cairn's apply job
 * deploys. Cairn's own copy, {@value NotesTemplate#EXAMPLE_FILE}, is rewritten with {@value
 * NotesTemplate#REGENERATE}.
 */
@Command(
    name = "notes-template",
    mixinStandardHelpOptions = true,
    description =
        "Write the notes example's CloudFormation template (the cairn.stack.json Cairn deploys"
            + " from its repository; needs Node.js 18+).")
public final class AwsNotesTemplateCommand implements Callable<Integer> {
  @Option(
      names = "--out",
      paramLabel = "FILE",
      defaultValue = "cairn.stack.json",
      description = "Where the template goes (default: ${DEFAULT-VALUE}).")
  Path out = Path.of("cairn.stack.json");

  @Option(
      names = "--image-repository",
      paramLabel = "NAME",
      defaultValue = NotesAppStack.DEFAULT_IMAGE_REPOSITORY,
      description =
          "The ECR repository the tasks may pull from: the pipeline stack's <prefix>/<repository>"
              + " (default: ${DEFAULT-VALUE}).")
  String imageRepository = NotesAppStack.DEFAULT_IMAGE_REPOSITORY;

  @Override
  public Integer call() throws IOException {
    if (AwsSynthCommand.findExecutable("node", System.getenv()).isEmpty()) {
      throw new UserInputException(
          "Node.js is not on the PATH: the CDK runs its core in Node.js (18 or newer) through"
              + " jsii. Install it and try again.");
    }
    Path assembly = Files.createTempDirectory("cairn-notes-template");
    try {
      NotesTemplate template = NotesTemplate.synth(imageRepository, assembly);
      Path parent = out.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(out, template.json());
      System.out.println("Wrote the notes example's template to " + out);
      return AwsSynthCommand.reportFindings(
          new AwsSynthCommand.Result(List.of(out), template.findings(), null));
    } finally {
      try (Stream<Path> files = Files.walk(assembly)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
