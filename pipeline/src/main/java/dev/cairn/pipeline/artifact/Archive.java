package dev.cairn.pipeline.artifact;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Cairn's artifact archive: a deterministic serialization of a file or a directory, so that equal
 * content gives equal bytes and therefore an equal digest.
 *
 * <p>Layout: the magic {@code CAIRNAR1}, then one entry per file and directory, sorted by relative
 * path ({@code /}-separated), then the end byte {@code 'e'}. An entry is a type byte ({@code 'd'}
 * directory, {@code 'f'} file, {@code 'x'} executable file), the path (int length, UTF-8 bytes)
 * and, for files, the size (long) and the bytes. No timestamps, owners or other modes: they would
 * make equal builds differ.
 *
 * <p>In the core because every artifact store uses this one format (the local store of {@code
 * cairn-local} and the S3 store of {@code cairn-aws}), so the same build output has the same digest
 * on one machine and on AWS, and neither adapter depends on the other.
 */
public final class Archive {
  static final byte[] MAGIC = "CAIRNAR1".getBytes(StandardCharsets.US_ASCII);
  private static final int DIRECTORY = 'd';
  private static final int FILE = 'f';
  private static final int EXECUTABLE = 'x';
  private static final int END = 'e';
  private static final int MAX_PATH_BYTES = 64 * 1024;
  private static final Set<PosixFilePermission> EXEC_MODE =
      PosixFilePermissions.fromString("rwxr-xr-x");
  private static final Set<PosixFilePermission> FILE_MODE =
      PosixFilePermissions.fromString("rw-r--r--");

  private Archive() {}

  /**
   * Writes the archive of {@code source} (a file or a directory) to {@code out}.
   *
   * @throws IOException when {@code source} is missing, holds a symbolic link, or cannot be read
   */
  public static void write(Path source, OutputStream out) throws IOException {
    Map<String, Path> entries = new TreeMap<>();
    if (Files.isSymbolicLink(source)) {
      throw new IOException(source + " is a symbolic link; artifacts hold files and directories");
    }
    if (Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
      entries.put(source.getFileName().toString(), source);
    } else if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> walk = Files.walk(source)) {
        for (Path path : walk.toList()) {
          if (!path.equals(source)) {
            entries.put(relative(source, path), path);
          }
        }
      }
    } else {
      throw new IOException(source + " is neither a file nor a directory");
    }
    DataOutputStream data = new DataOutputStream(out);
    data.write(MAGIC);
    for (Map.Entry<String, Path> entry : entries.entrySet()) {
      Path path = entry.getValue();
      if (Files.isSymbolicLink(path)) {
        throw new IOException(
            path + " is a symbolic link; artifacts hold only files and directories");
      }
      byte[] name = entry.getKey().getBytes(StandardCharsets.UTF_8);
      if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
        data.writeByte(DIRECTORY);
        writeName(data, name);
      } else if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
        boolean executable =
            Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS)
                .contains(PosixFilePermission.OWNER_EXECUTE);
        data.writeByte(executable ? EXECUTABLE : FILE);
        writeName(data, name);
        long size = Files.size(path);
        data.writeLong(size);
        try (InputStream in = Files.newInputStream(path)) {
          long copied = in.transferTo(data);
          if (copied != size) {
            throw new IOException(path + " changed while it was being stored");
          }
        }
      } else {
        throw new IOException(path + " is not a file or directory (a device, socket or pipe)");
      }
    }
    data.writeByte(END);
    data.flush();
  }

  private static String relative(Path root, Path path) {
    List<String> parts = new ArrayList<>();
    for (Path part : root.relativize(path)) {
      parts.add(part.toString());
    }
    return String.join("/", parts);
  }

  private static void writeName(DataOutputStream data, byte[] name) throws IOException {
    data.writeInt(name.length);
    data.write(name);
  }

  /**
   * Unpacks an archive read from {@code in} into the existing, empty directory {@code target}.
   *
   * @throws IOException when the stream is not a well-formed archive (or names a path outside
   *     {@code target}) or the files cannot be written
   */
  public static void read(InputStream in, Path target) throws IOException {
    DataInputStream data = new DataInputStream(in);
    byte[] magic = new byte[MAGIC.length];
    try {
      data.readFully(magic);
      if (!java.util.Arrays.equals(magic, MAGIC)) {
        throw new IOException("not a Cairn artifact archive");
      }
      while (true) {
        int type = data.readUnsignedByte();
        if (type == END) {
          if (data.read() != -1) {
            throw new IOException("unexpected bytes after the end of the archive");
          }
          return;
        }
        Path path = resolve(target, readName(data));
        switch (type) {
          case DIRECTORY -> {
            Files.createDirectories(path);
            Files.setPosixFilePermissions(path, EXEC_MODE);
          }
          case FILE, EXECUTABLE -> {
            Files.createDirectories(path.getParent());
            long size = data.readLong();
            if (size < 0) {
              throw new IOException("negative file size in the archive");
            }
            try (OutputStream out = Files.newOutputStream(path)) {
              copy(data, out, size);
            }
            Files.setPosixFilePermissions(path, type == EXECUTABLE ? EXEC_MODE : FILE_MODE);
          }
          default -> throw new IOException("unknown entry type " + type + " in the archive");
        }
      }
    } catch (EOFException e) {
      throw new IOException("the archive is truncated", e);
    }
  }

  private static String readName(DataInputStream data) throws IOException {
    int length = data.readInt();
    if (length <= 0 || length > MAX_PATH_BYTES) {
      throw new IOException("bad path length " + length + " in the archive");
    }
    byte[] name = new byte[length];
    data.readFully(name);
    return new String(name, StandardCharsets.UTF_8);
  }

  /** Refuses paths that would land outside the target: a crafted archive must not escape. */
  private static Path resolve(Path target, String name) throws IOException {
    if (name.startsWith("/") || name.contains("\0") || name.contains("\\")) {
      throw new IOException("unsafe path in the archive: " + name);
    }
    for (String part : name.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        throw new IOException("unsafe path in the archive: " + name);
      }
    }
    Path path = target.resolve(name).normalize();
    if (!path.startsWith(target)) {
      throw new IOException("unsafe path in the archive: " + name);
    }
    return path;
  }

  /**
   * Unpacks an archive into {@code target} only if its bytes hash to {@code digest}: it is unpacked
   * beside the target and renamed at the end, so a failed or corrupt read leaves nothing behind
   * that looks like a release. Every byte of {@code in} is hashed, also any after the archive's end
   * marker. The artifact stores of every adapter extract through here.
   *
   * @param in the archive's bytes (closed by the caller)
   * @param digest the expected digest, {@code sha256:<hex>}
   * @param target must not exist
   * @throws java.nio.file.FileAlreadyExistsException when {@code target} exists
   * @throws IOException when the archive cannot be read or is corrupt; nothing was left behind
   */
  public static void extractVerified(InputStream in, String digest, Path target)
      throws IOException {
    if (Files.exists(target)) {
      throw new java.nio.file.FileAlreadyExistsException(
          target.toString(), null, "the extraction target must not exist");
    }
    Path parent = target.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path partial =
        parent.resolve("." + target.getFileName() + ".partial-" + java.util.UUID.randomUUID());
    Files.createDirectory(partial);
    try {
      MessageDigest sha = sha256();
      try (InputStream hashed =
          new java.security.DigestInputStream(
              new java.io.BufferedInputStream(in, 64 * 1024), sha)) {
        read(hashed, partial);
        hashed.transferTo(OutputStream.nullOutputStream());
      }
      String actual = "sha256:" + java.util.HexFormat.of().formatHex(sha.digest());
      if (!actual.equals(digest)) {
        throw new IOException(
            "artifact " + digest + " is corrupt (its content hashes to " + actual + ")");
      }
      Files.move(partial, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      deleteTreeQuietly(partial);
      throw e;
    }
  }

  /** A fresh SHA-256 digest, the hash of every artifact digest ({@code sha256:<hex>}). */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /**
   * Deletes {@code path} and everything below it, best effort: used to clean up a partly unpacked
   * archive, where a leftover hidden directory is harmless and must not hide the original error.
   */
  public static void deleteTreeQuietly(Path path) {
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      // Best effort (see above).
    }
  }

  private static void copy(InputStream in, OutputStream out, long size) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long left = size;
    while (left > 0) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        throw new EOFException();
      }
      out.write(buffer, 0, n);
      left -= n;
    }
  }
}
