package dev.cairn.git.audit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The last position of the audit branch Cairn saw: written by {@link GitAuditLog} after each
 * accepted push and by {@code cairn audit verify} after each successful check, so that a later
 * verify can tell that the branch only moved forward since. One line: the commit id.
 */
public final class AuditTipFile {
  private static final Pattern ID = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

  private AuditTipFile() {}

  /**
   * The recorded tip.
   *
   * @return empty when the file does not exist
   * @throws IOException when it exists but does not hold a commit id
   */
  public static Optional<String> read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    String id = Files.readString(file, StandardCharsets.UTF_8).strip();
    if (!ID.matcher(id).matches()) {
      throw new IOException(file + " does not hold a commit id");
    }
    return Optional.of(id);
  }

  /** Records a tip durably (temporary file, fsync, atomic rename). */
  public static void write(Path file, String tip) throws IOException {
    if (!ID.matcher(tip).matches()) {
      throw new IllegalArgumentException("not a commit id: " + tip);
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(temp, tip + "\n", StandardCharsets.UTF_8);
    try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
