package dev.cairn.cli;

import dev.cairn.pipeline.file.PipelineDefinition;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code cairn pipeline validate}: checks a pipeline file. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = "Check a pipeline file; print every problem as file:line:column: message.")
public final class PipelineValidateCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "FILE",
      defaultValue = "cairn.yml",
      description = "The pipeline file (default: ${DEFAULT-VALUE}).")
  Path file;

  @Override
  public Integer call() {
    PipelineDefinition pipeline = PipelineFiles.read(file);
    System.out.println(
        file
            + ": valid (pipeline '"
            + pipeline.name()
            + "', "
            + pipeline.environments().size()
            + " environment"
            + (pipeline.environments().size() == 1 ? "" : "s")
            + ")");
    if (pipeline.build().image() != null) {
      // The file is valid; the machine may still not be able to run it: say so now, not at the
      // first push (where the run fails with the same reason).
      dev.cairn.local.container.Podman.fromPath()
          .unavailable()
          .ifPresent(
              reason ->
                  System.err.println(
                      "warning: releases are container images (build.image), and this machine"
                          + " cannot build or run them: "
                          + reason));
    }
    return ExitCodes.OK;
  }
}
