package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.definition.DefinitionParser;
import dev.cairn.engine.definition.InvalidDefinitionException;
import dev.cairn.engine.definition.StateMachine;
import dev.cairn.engine.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading the files and streams commands are given, with messages that name them. */
final class CliFiles {
  private CliFiles() {}

  /** Reads a text file, or standard input for {@code -}. */
  static String read(String fileOrDash, InputStream stdin) {
    try {
      if (fileOrDash.equals("-")) {
        return new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
      }
      return Files.readString(Path.of(fileOrDash), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new UserInputException(fileOrDash + ": no such file");
    } catch (IOException e) {
      throw new UserInputException(fileOrDash + ": cannot be read (" + e.getMessage() + ")");
    }
  }

  /** Parses a definition, naming the file in every problem. */
  static StateMachine parseDefinition(String file, String text) {
    try {
      return DefinitionParser.parse(text);
    } catch (InvalidDefinitionException e) {
      throw new UserInputException(file + ": " + e.getMessage());
    }
  }

  /** Parses an execution input (a missing input is {@code {}}). */
  static JsonNode parseInput(String source, String text) {
    if (text == null || text.isBlank()) {
      return Json.object();
    }
    try {
      return Json.parse(text);
    } catch (IllegalArgumentException e) {
      throw new UserInputException(
          (source.equals("-") ? "standard input" : source)
              + ": the input is not valid JSON: "
              + e.getMessage());
    }
  }

  /** The state machine's name: the definition file's name without its extension. */
  static String machineName(String file) {
    String name = file.equals("-") ? "stdin" : Path.of(file).getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }
}
