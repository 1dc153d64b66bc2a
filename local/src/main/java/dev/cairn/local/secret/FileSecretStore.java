package dev.cairn.local.secret;

import dev.cairn.pipeline.port.GeneratedSecret;
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
 * <p>Values scoped to one environment live in {@code .env/<environment>/<name>}: {@link
 * #forEnvironment} gives them to that environment only, so staging cannot read production's.
 *
 * <p>I/O failures surface as {@link UncheckedIOException} whose message names the secret, never its
 * value.
 */
public final class FileSecretStore implements SecretStore {
  /** Length of generated values. */
  public static final int GENERATED_LENGTH = GeneratedSecret.LENGTH;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");
  // Letters and digits only: generated passwords go into connection URLs and shell commands.
  private static final Set<PosixFilePermission> DIRECTORY_MODE =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE_MODE =
      PosixFilePermissions.fromString("rw-------");

  /** The subdirectory of environment-scoped values (a name never starts with '.'). */
  private static final String SCOPES = ".env";

  private final Path directory;
  private final Set<String> refused;

  /**
   * Opens (creating if needed) the store in {@code directory} and restricts the directory to its
   * owner.
   *
   * @throws UncheckedIOException when the directory cannot be created or restricted
   */
  public FileSecretStore(Path directory) {
    this(directory, Set.of());
  }

  /**
   * Opens the store, refusing the names in {@code refused} (e.g. Cairn's own credentials, which
   * live in another store and must never be looked up here by a pipeline).
   */
  public FileSecretStore(Path directory, Set<String> refused) {
    this.refused = Set.copyOf(refused);
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

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException when the environment or secret name is not valid
   */
  @Override
  public Optional<String> forEnvironment(String environment, String name) {
    if (environment != null) {
      Path file = scoped(environment, name);
      try {
        return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
      } catch (NoSuchFileException e) {
        // Not set for this environment: the shared value, if any.
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot read secret '" + name + "' of environment " + environment, e);
      }
    }
    return get(name);
  }

  /**
   * Stores a secret for one environment only.
   *
   * @throws IllegalArgumentException when the environment or secret name is not valid
   */
  public synchronized void put(String environment, String name, String value) {
    Objects.requireNonNull(value, "value");
    Path file = scoped(environment, name);
    Path temp = null;
    try {
      Path scope = file.getParent();
      if (!Files.isDirectory(scope)) {
        Files.createDirectories(scope, PosixFilePermissions.asFileAttribute(DIRECTORY_MODE));
      }
      temp = writeTemp(value);
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      syncDirectory();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot store secret '" + name + "' of environment " + environment + ": " + e, e);
    } finally {
      deleteQuietly(temp);
    }
  }

  /** The names stored: shared ones, then {@code NAME (ENVIRONMENT)} for scoped ones; no values. */
  public java.util.List<String> names() {
    java.util.List<String> names = new java.util.ArrayList<>();
    for (Path file : secretFiles(directory)) {
      names.add(file.getFileName().toString());
    }
    Path scopes = directory.resolve(SCOPES);
    if (Files.isDirectory(scopes, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> environments = Files.list(scopes)) {
        for (Path environment : environments.sorted().toList()) {
          for (Path file : secretFiles(environment)) {
            names.add(file.getFileName() + " (" + environment.getFileName() + ")");
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list the secrets in " + scopes, e);
      }
    }
    return names;
  }

  /** Every value, shared and scoped (to mask them all in output). */
  @Override
  public Set<String> values() {
    Set<String> values = new HashSet<>();
    java.util.List<Path> files = new java.util.ArrayList<>(secretFiles(directory));
    Path scopes = directory.resolve(SCOPES);
    if (Files.isDirectory(scopes, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> environments = Files.list(scopes)) {
        for (Path environment : environments.toList()) {
          files.addAll(secretFiles(environment));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list the secrets in " + scopes, e);
      }
    }
    for (Path file : files) {
      try {
        values.add(Files.readString(file, StandardCharsets.UTF_8));
      } catch (NoSuchFileException e) {
        // Removed meanwhile.
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read a secret in " + file.getParent(), e);
      }
    }
    return values;
  }

  private static java.util.List<Path> secretFiles(Path dir) {
    if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return java.util.List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(f -> NAME.matcher(f.getFileName().toString()).matches())
          .filter(f -> Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the secrets in " + dir, e);
    }
  }

  private Path scoped(String environment, String name) {
    Path file = file(name);
    dev.cairn.pipeline.file.EnvironmentNames.require(environment);
    return directory.resolve(SCOPES).resolve(environment).resolve(file.getFileName());
  }

  private Path file(String name) {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "secret name '"
              + name
              + "' is not valid: use letters, digits, '.', '_' and '-' (not starting with '.')");
    }
    if (refused.contains(name)) {
      throw new IllegalArgumentException(
          "'" + name + "' is one of Cairn's own credentials, which pipelines cannot read");
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

  private static String generate() {
    return GeneratedSecret.next();
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
