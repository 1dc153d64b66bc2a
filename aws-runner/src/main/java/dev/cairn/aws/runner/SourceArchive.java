package dev.cairn.aws.runner;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A checked-out workspace as one object, for the hand-off from the privileged runner to the build
 * job ({@link dev.cairn.aws.batch.BuildHandOff}). Unlike the artifact archive (which refuses links,
 * so that an artifact never points outside itself), a checkout keeps the symbolic links the commit
 * holds: the checkout already refused those that leave it, and the reader refuses them again.
 *
 * <p>It also carries the build's secret-valued variables (those its {@code build.env} resolved from
 * {@code ${secrets.NAME}}), so that the build job's role needs no Secrets Manager access at all;
 * the privileged runner deletes the object once the build ended.
 *
 * <p>Layout: magic {@code CAIRNSR1}; an int count of secret variables, each a name and a value;
 * entries {@code d} (directory), {@code f}/{@code x} (file, executable), {@code l} (link: path,
 * then target), each path an int length and UTF-8 bytes, a file's size a long; the end byte {@code
 * e}.
 */
final class SourceArchive {
  private static final byte[] MAGIC = "CAIRNSR1".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_NAME = 64 * 1024;
  private static final Set<PosixFilePermission> EXEC = PosixFilePermissions.fromString("rwxr-xr-x");
  private static final Set<PosixFilePermission> PLAIN =
      PosixFilePermissions.fromString("rw-r--r--");

  private SourceArchive() {}

  /** Writes the directory {@code root}'s content, links kept as links, and the secret variables. */
  static void write(Path root, Map<String, String> secrets, OutputStream out) throws IOException {
    Map<String, Path> entries = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path path : walk.toList()) {
        if (!path.equals(root)) {
          entries.put(root.relativize(path).toString().replace('\\', '/'), path);
        }
      }
    }
    DataOutputStream data = new DataOutputStream(out);
    data.write(MAGIC);
    data.writeInt(secrets.size());
    for (Map.Entry<String, String> secret : new TreeMap<>(secrets).entrySet()) {
      name(data, secret.getKey());
      name(data, secret.getValue());
    }
    for (Map.Entry<String, Path> entry : entries.entrySet()) {
      Path path = entry.getValue();
      if (Files.isSymbolicLink(path)) {
        data.writeByte('l');
        name(data, entry.getKey());
        name(data, Files.readSymbolicLink(path).toString());
      } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
        data.writeByte('d');
        name(data, entry.getKey());
      } else if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
        boolean executable =
            Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS)
                .contains(PosixFilePermission.OWNER_EXECUTE);
        data.writeByte(executable ? 'x' : 'f');
        name(data, entry.getKey());
        long size = Files.size(path);
        data.writeLong(size);
        try (InputStream in = Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS)) {
          if (in.transferTo(data) != size) {
            throw new IOException(path + " changed while it was being stored");
          }
        }
      }
      // Anything else (a socket, a FIFO) cannot come from a checkout: left out.
    }
    data.writeByte('e');
    data.flush();
  }

  /**
   * Unpacks into the empty directory {@code target}. Links are made last, so no file is written
   * through one, and only when they stay inside {@code target}.
   *
   * @return the secret variables, by name
   * @throws IOException for a malformed archive, a path or link leaving {@code target}, or a write
   *     that failed
   */
  static Map<String, String> read(InputStream in, Path target) throws IOException {
    Path root = target.toAbsolutePath().normalize();
    DataInputStream data = new DataInputStream(in);
    Map<Path, String> links = new LinkedHashMap<>();
    Map<String, String> secrets = new LinkedHashMap<>();
    try {
      byte[] magic = new byte[MAGIC.length];
      data.readFully(magic);
      if (!java.util.Arrays.equals(magic, MAGIC)) {
        throw new IOException("not a Cairn source archive");
      }
      int count = data.readInt();
      if (count < 0 || count > 10_000) {
        throw new IOException("bad variable count " + count + " in the source archive");
      }
      for (int i = 0; i < count; i++) {
        secrets.put(readName(data), readValue(data));
      }
      while (true) {
        int type = data.readUnsignedByte();
        if (type == 'e') {
          break;
        }
        Path path = inside(root, readName(data));
        switch (type) {
          case 'd' -> {
            Files.createDirectories(path);
            Files.setPosixFilePermissions(path, EXEC);
          }
          case 'f', 'x' -> {
            Files.createDirectories(path.getParent());
            long size = data.readLong();
            if (size < 0) {
              throw new IOException("negative file size in the source archive");
            }
            try (OutputStream out = Files.newOutputStream(path)) {
              copy(data, out, size);
            }
            Files.setPosixFilePermissions(path, type == 'x' ? EXEC : PLAIN);
          }
          case 'l' -> links.put(path, readName(data));
          default -> throw new IOException("unknown entry type " + type + " in the source archive");
        }
      }
    } catch (EOFException e) {
      throw new IOException("the source archive is truncated", e);
    }
    List<Path> made = new ArrayList<>();
    for (Map.Entry<Path, String> link : links.entrySet()) {
      Path linkTarget = Path.of(link.getValue());
      if (linkTarget.isAbsolute()
          || !link.getKey().getParent().resolve(linkTarget).normalize().startsWith(root)) {
        throw new IOException(
            "a link in the source archive leaves the workspace: " + link.getKey());
      }
      Files.createDirectories(link.getKey().getParent());
      Files.createSymbolicLink(link.getKey(), linkTarget);
      made.add(link.getKey());
    }
    // A chain of links can leave although each link alone does not: check where they lead.
    Path real = root.toRealPath();
    for (Path link : made) {
      if (Files.exists(link) && !link.toRealPath().startsWith(real)) {
        throw new IOException("a link in the source archive leaves the workspace: " + link);
      }
    }
    return secrets;
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

  private static void name(DataOutputStream data, String name) throws IOException {
    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
    data.writeInt(bytes.length);
    data.write(bytes);
  }

  private static String readValue(DataInputStream data) throws IOException {
    int length = data.readInt();
    if (length < 0 || length > MAX_NAME) {
      throw new IOException("bad value length " + length + " in the source archive");
    }
    byte[] bytes = data.readNBytes(length);
    if (bytes.length != length) {
      throw new EOFException();
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static String readName(DataInputStream data) throws IOException {
    int length = data.readInt();
    if (length <= 0 || length > MAX_NAME) {
      throw new IOException("bad name length " + length + " in the source archive");
    }
    byte[] bytes = new byte[length];
    data.readFully(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static Path inside(Path root, String name) throws IOException {
    if (name.startsWith("/") || name.contains("\0")) {
      throw new IOException("unsafe path in the source archive: " + name);
    }
    for (String part : name.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        throw new IOException("unsafe path in the source archive: " + name);
      }
    }
    Path path = root.resolve(name).normalize();
    if (!path.startsWith(root) || path.equals(root)) {
      throw new IOException("unsafe path in the source archive: " + name);
    }
    return path;
  }
}
