package dev.cairn.local.state;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a state file so that a crash or a full disk never leaves it half-written: the content goes
 * to a temporary file beside it, is forced to the disk, and replaces the file by an atomic rename,
 * whose directory entry is forced too. A write that fails (no space left) leaves the old file as it
 * was and removes the temporary one.
 */
public final class DurableFiles {
  private DurableFiles() {}

  /**
   * Replaces {@code file}'s content atomically and durably.
   *
   * @throws IOException when it cannot be written (the old content is kept)
   */
  public static void write(Path file, String content) throws IOException {
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.writeString(temp, content, StandardCharsets.UTF_8);
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // The failure that matters is the one thrown; a stale temporary file is overwritten later.
      }
      throw e;
    }
    forceDirectory(file.toAbsolutePath().getParent());
  }

  /** Forces a directory's entries (the rename) to the disk, where the system allows it. */
  private static void forceDirectory(Path directory) {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Not every file system lets a directory be opened: the rename is still atomic.
    }
  }
}
