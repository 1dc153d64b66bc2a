package dev.cairn.git.watch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The watcher's memory: the id of the last delivered commit, one line in a small file, replaced
 * atomically so a crash leaves either the old or the new id, never a torn one.
 */
final class DeliveryState {

  private static final Pattern OBJECT_ID = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

  private final Path file;

  DeliveryState(Path file) {
    this.file = file.toAbsolutePath();
  }

  Optional<String> read() throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    String content = Files.readString(file, StandardCharsets.UTF_8).strip();
    if (!OBJECT_ID.matcher(content).matches()) {
      throw new IOException(
          "The commit watcher's state file "
              + file
              + " does not hold a commit id; fix or delete it (deleting it makes Cairn start from"
              + " the branch's current head)");
    }
    return Optional.of(content);
  }

  void write(String commitId) throws IOException {
    Path dir = file.getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve(file.getFileName() + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap((commitId + "\n").getBytes(StandardCharsets.US_ASCII)));
      ch.force(true);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    syncDirectory(dir);
  }

  private static void syncDirectory(Path dir) {
    // Makes the rename itself durable; some file systems cannot open a directory, and then the
    // rename is as durable as they make it.
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException ignored) {
      // best effort, see above
    }
  }
}
