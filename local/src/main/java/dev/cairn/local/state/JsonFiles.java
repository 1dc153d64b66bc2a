package dev.cairn.local.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Small JSON state files, written atomically and durably ({@link DurableFiles}) so that neither a
 * crash nor a full disk tears one.
 */
final class JsonFiles {
  private JsonFiles() {}

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /**
   * The object in {@code file}, or empty when there is no file.
   *
   * @throws UncheckedIOException when the file cannot be read or is not a JSON object (a corrupt
   *     state file is reported, never taken for an empty one)
   */
  static Optional<ObjectNode> read(Path file) {
    try {
      if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        return Optional.empty();
      }
      JsonNode node = MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
      if (node == null || !node.isObject()) {
        throw new IOException("not a JSON object");
      }
      return Optional.of((ObjectNode) node);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  static void write(Path file, JsonNode value) {
    try {
      Files.createDirectories(file.getParent());
      DurableFiles.write(file, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write " + file + " (is the disk full?): " + e.getMessage(), e);
    }
  }
}
