package dev.cairn.local.artifact;

import dev.cairn.pipeline.artifact.Archive;
import dev.cairn.pipeline.port.ArtifactStore;
import dev.cairn.pipeline.runtime.StepFailure;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Keeps artifacts under a root directory, each as a deterministic archive named by its SHA-256.
 *
 * <p>Layout: {@code objects/<hex>} (the archives), {@code tmp/} (archives being written), {@code
 * trees.index} (git tree id → digest, one {@code <tree> <digest>} per line). Every file is written
 * to a temporary name, flushed to disk and renamed, so a crash leaves either the old or the new
 * state, never a partial one. Meant for one Cairn process at a time.
 */
public final class ContentAddressedArtifactStore implements ArtifactStore {
  private static final String PREFIX = "sha256:";
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final Pattern TREE = Pattern.compile("[0-9A-Za-z]{1,128}");

  private final Path root;
  private final Path objects;
  private final Path tmp;
  private final Path index;
  private final Map<String, String> trees = new TreeMap<>();

  /**
   * Opens (creating if needed) the store at {@code root}.
   *
   * @throws IOException when the directory cannot be created or the index cannot be read
   */
  public ContentAddressedArtifactStore(Path root) throws IOException {
    this.root = root.toAbsolutePath();
    this.objects = this.root.resolve("objects");
    this.tmp = this.root.resolve("tmp");
    this.index = this.root.resolve("trees.index");
    try {
      Files.createDirectories(objects);
      Files.createDirectories(tmp);
    } catch (IOException e) {
      throw explain("cannot create the artifact store at " + this.root, e);
    }
    loadIndex();
  }

  /** The store's root directory. */
  public Path root() {
    return root;
  }

  @Override
  public String put(Path fileOrDirectory) throws IOException {
    if (!Files.exists(fileOrDirectory)) {
      throw new NoSuchFileException(fileOrDirectory.toString(), null, "nothing to store");
    }
    Path temp = tmp.resolve("put-" + UUID.randomUUID());
    try {
      MessageDigest sha = Archive.sha256();
      try (FileChannel channel =
              FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
          OutputStream out =
              new DigestOutputStream(
                  new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024), sha)) {
        Archive.write(fileOrDirectory, out);
        out.flush();
        channel.force(true);
      }
      String hex = HexFormat.of().formatHex(sha.digest());
      Path object = objects.resolve(hex);
      if (Files.exists(object)) {
        Files.delete(temp);
      } else {
        Files.move(temp, object, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(objects);
      }
      return PREFIX + hex;
    } catch (IOException e) {
      Files.deleteIfExists(temp);
      throw explain("cannot store " + fileOrDirectory + " in the artifact store", e);
    }
  }

  @Override
  public void extract(String digest, Path target) throws IOException {
    Path object = object(digest);
    if (!Files.exists(object)) {
      throw new NoSuchFileException(
          object.toString(), null, "artifact " + digest + " is not stored");
    }
    try (InputStream in = Files.newInputStream(object)) {
      Archive.extractVerified(in, digest, target);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      throw e;
    } catch (IOException e) {
      throw explain("cannot extract artifact " + digest + " to " + target, e);
    }
  }

  @Override
  public boolean contains(String digest) {
    return digest != null && DIGEST.matcher(digest).matches() && Files.exists(object(digest));
  }

  @Override
  public synchronized void recordTree(String treeId, String digest) throws IOException {
    if (!TREE.matcher(treeId).matches()) {
      throw new IllegalArgumentException("'" + treeId + "' is not a git tree id");
    }
    if (!contains(digest)) {
      throw new IllegalArgumentException("artifact " + digest + " is not stored");
    }
    String previous = trees.put(treeId, digest);
    try {
      writeIndex();
    } catch (IOException e) {
      if (previous == null) {
        trees.remove(treeId);
      } else {
        trees.put(treeId, previous);
      }
      throw explain("cannot record the artifact of tree " + treeId, e);
    }
  }

  @Override
  public synchronized Optional<String> forTree(String treeId) {
    return Optional.ofNullable(trees.get(treeId)).filter(this::contains);
  }

  private Path object(String digest) {
    if (!DIGEST.matcher(digest).matches()) {
      throw new IllegalArgumentException(
          "'" + digest + "' is not an artifact digest (sha256:<64 hex digits>)");
    }
    return objects.resolve(digest.substring(PREFIX.length()));
  }

  private void loadIndex() throws IOException {
    if (!Files.exists(index)) {
      return;
    }
    int number = 0;
    for (String line : Files.readAllLines(index, StandardCharsets.UTF_8)) {
      number++;
      if (line.isBlank()) {
        continue;
      }
      String[] parts = line.split(" ");
      if (parts.length != 2
          || !TREE.matcher(parts[0]).matches()
          || !DIGEST.matcher(parts[1]).matches()) {
        throw new IOException(index + ":" + number + ": not a '<tree> <digest>' line");
      }
      trees.put(parts[0], parts[1]);
    }
  }

  private void writeIndex() throws IOException {
    StringBuilder text = new StringBuilder();
    trees.forEach((tree, digest) -> text.append(tree).append(' ').append(digest).append('\n'));
    Path temp = tmp.resolve("index-" + UUID.randomUUID());
    try {
      try (FileChannel channel =
          FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        channel.write(StandardCharsets.UTF_8.encode(text.toString()));
        channel.force(true);
      }
      Files.move(temp, index, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      syncDirectory(root);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Makes a rename durable: the directory entry itself must reach the disk. */
  private static void syncDirectory(Path directory) throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private IOException explain(String what, IOException cause) {
    String message = String.valueOf(cause.getMessage());
    if (message.contains("No space left on device") || message.contains("Disk quota exceeded")) {
      return new IOException(what + ": the disk holding " + root + " is full", cause);
    }
    return new IOException(what + ": " + StepFailure.describe(cause), cause);
  }

  @Override
  public String toString() {
    return "ContentAddressedArtifactStore[" + root + "]";
  }
}
