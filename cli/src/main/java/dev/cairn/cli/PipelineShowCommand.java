package dev.cairn.cli;

import dev.cairn.pipeline.compile.PipelineCompiler;
import dev.cairn.pipeline.file.EnvironmentSpec;
import dev.cairn.pipeline.file.PipelineDefinition;
import dev.cairn.pipeline.json.Json;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn pipeline show}: the pipeline, or the state machine it compiles to. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description =
        "Show the pipeline's stages, or with --asl the Amazon States Language it compiles to.")
public final class PipelineShowCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "FILE",
      defaultValue = "cairn.yml",
      description = "The pipeline file (default: ${DEFAULT-VALUE}).")
  Path file;

  @Option(names = "--asl", description = "Print the compiled state machine (JSON).")
  boolean asl;

  @Override
  public Integer call() {
    PipelineDefinition pipeline = PipelineFiles.read(file);
    if (asl) {
      System.out.println(Json.writePretty(PipelineCompiler.compile(pipeline)));
      return ExitCodes.OK;
    }
    System.out.println("pipeline " + pipeline.name());
    System.out.println(
        "  build: "
            + pipeline.build().steps().size()
            + " step(s), "
            + (pipeline.build().image() != null
                ? "image from "
                    + (pipeline.build().image().file() != null
                        ? pipeline.build().image().file()
                        : "Containerfile or Dockerfile")
                    + " (context "
                    + pipeline.build().image().context()
                    + ")"
                : "artifact " + pipeline.build().artifact())
            + ", timeout "
            + pipeline.build().timeout().toSeconds()
            + "s, network "
            + (pipeline.build().network() ? "on" : "off"));
    for (EnvironmentSpec environment : pipeline.environments()) {
      System.out.println(
          "  "
              + environment.name()
              + ": port "
              + environment.app().port()
              + ", services "
              + environment.services().keySet()
              + ", health "
              + environment.health().path()
              + ", bake "
              + environment.bake().toSeconds()
              + "s"
              + (environment.migrate() != null ? ", migrates" : "")
              + (environment.rollback().automatic() ? ", automatic rollback" : ""));
    }
    return ExitCodes.OK;
  }
}
