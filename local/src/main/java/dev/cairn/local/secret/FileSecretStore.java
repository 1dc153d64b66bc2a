package dev.cairn.local.secret;

import dev.cairn.pipeline.port.SecretStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Keeps secrets in a directory only its owner can enter (0700), one file per secret, readable only
 * by its owner (0600), named after the secret. Files are replaced atomically; the value is the
 * file's whole content (UTF-8, no trailing newline added).
 *
 * <p>I/O failures surface as {@link UncheckedIOException} whose message names the secret, never its
 * value.
 */
public final class FileSecretStore implements SecretStore {
  /** Length of generated values. */
  public static final int GENERATED_LENGTH = 32;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");
  // Letters and digits only: generated passwords go into connection URLs and shell commands.
  private static final char[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
  private static final Set<PosixFilePermission> DIRECTORY_MODE =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE_MODE =
      PosixFilePermissions.fromString("rw-------");

  private final Path directory;
  private final SecureRandom random = new SecureRandom();

  /**
   * Opens (creating if needed) the store in {@code directory} and restricts the directory to its
   * owner.
   *
   * @throws UncheckedIOException when the directory cannot be created or restricted
   */
  public FileSecretStore(Path directory) {
    this.directory = directory.toAbsolutePath();
    try {
      if (!Files.isDirectory(this.directory)) {
        Files.createDirectories(
            this.directory, PosixFilePermissions.asFileAttribute(DIRECTORY_MODE));
      }
      // Also when it existed: the umask or an earlier tool may have left it open to others.
      Files.setPosixFilePermissions(this.directory, DIRECTORY_MODE);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot create the secret store at " + this.directory + ": " + e.getMessage(), e);
    }
  }

  /** The store's directory. */
  public Path directory() {
    return directory;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException when the name is not valid (see {@link #put})
   */
  @Override
  public Optional<String> get(String name) {
    Path file = file(name);
    try {
      return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read secret '" + name + "' from " + directory, e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException when the name is not letters, digits, {@code .}, {@code _} and
   *     {@code -} (not starting with {@code .})
   */
  @Override
  public synchronized void put(String name, String value) {
    Objects.requireNonNull(value, "value");
    Path file = file(name);
    Path temp = null;
    try {
      temp = writeTemp(value);
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      syncDirectory();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot store secret '" + name + "' in " + directory + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(temp);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>The generated value is {@value #GENERATED_LENGTH} letters and digits from {@link
   * SecureRandom}. When two processes generate at once, both get the value stored first.
   */
  @Override
  public synchronized String getOrGenerate(String name) {
    Optional<String> existing = get(name);
    if (existing.isPresent()) {
      return existing.get();
    }
    Path file = file(name);
    Path temp = null;
    try {
      temp = writeTemp(generate());
      // A hard link fails when the name exists: no other process's value is ever overwritten.
      Files.createLink(file, temp);
      syncDirectory();
    } catch (FileAlreadyExistsException e) {
      // Another process won; its value is the one.
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot store secret '" + name + "' in " + directory + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(temp);
    }
    return get(name)
        .orElseThrow(
            () -> new IllegalStateException("secret '" + name + "' vanished while generated"));
  }

  @Override
  public Set<String> values() {
    Set<String> values = new HashSet<>();
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.toList()) {
        String name = file.getFileName().toString();
        if (NAME.matcher(name).matches() && Files.isRegularFile(file)) {
          get(name).ifPresent(values::add);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the secrets in " + directory, e);
    }
    return values;
  }

  private Path file(String name) {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "secret name '"
              + name
              + "' is not valid: use letters, digits, '.', '_' and '-' (not starting with '.')");
    }
    return directory.resolve(name);
  }

  /** A new file with mode 0600 from its creation on (never briefly readable by others). */
  private Path writeTemp(String value) throws IOException {
    Path temp = directory.resolve(".tmp-" + UUID.randomUUID());
    try (FileChannel channel =
        FileChannel.open(
            temp,
            Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
            PosixFilePermissions.asFileAttribute(FILE_MODE))) {
      channel.write(StandardCharsets.UTF_8.encode(value));
      channel.force(true);
    }
    // The umask can only narrow the mode given at creation; set it exactly anyway.
    Files.setPosixFilePermissions(temp, FILE_MODE);
    return temp;
  }

  private String generate() {
    char[] value = new char[GENERATED_LENGTH];
    for (int i = 0; i < value.length; i++) {
      value[i] = ALPHABET[random.nextInt(ALPHABET.length)];
    }
    return new String(value);
  }

  private void syncDirectory() throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private static void deleteQuietly(Path path) {
    if (path == null) {
      return;
    }
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // A leftover ".tmp-" file is ignored by every reader.
    }
  }

  /** Shows where the secrets are, never their values. */
  @Override
  public String toString() {
    return "FileSecretStore[" + directory + "]";
  }
}
