package dev.cairn.pipeline.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.pipeline.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Small JSON state files, written atomically (temp file, fsync, rename) so a crash never tears one.
 */
final class JsonFiles {
  private JsonFiles() {}

  static ObjectNode read(Path file) {
    try {
      if (!Files.exists(file)) {
        return Json.object();
      }
      JsonNode node = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
      return node.isObject() ? (ObjectNode) node : Json.object();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  static void write(Path file, JsonNode value) {
    try {
      Files.createDirectories(file.getParent());
      Path temp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(temp, Json.writePretty(value), StandardCharsets.UTF_8);
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write " + file + " (is the disk full?): " + e.getMessage(), e);
    }
  }
}
