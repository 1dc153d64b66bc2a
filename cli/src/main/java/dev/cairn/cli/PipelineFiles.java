package dev.cairn.cli;

import dev.cairn.pipeline.file.PipelineDefinition;
import dev.cairn.pipeline.file.PipelineFileException;
import dev.cairn.pipeline.file.PipelineFileParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading a pipeline file for a command, with user-facing errors. */
final class PipelineFiles {
  private PipelineFiles() {}

  static PipelineDefinition read(Path file) {
    if (!Files.exists(file)) {
      throw new UserInputException(file + ": no such file (create one with: cairn init)");
    }
    try {
      return PipelineFileParser.parse(file);
    } catch (PipelineFileException e) {
      throw UserInputException.located(e.getMessage());
    } catch (IOException e) {
      throw new UserInputException(file + ": cannot be read (" + e.getMessage() + ")");
    }
  }
}
