package dev.cairn.aws.codebuild;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The source archive of an image build on CodeBuild: the build context as a zip file (the format
 * CodeBuild reads from S3), with the Containerfile. Written through the JDK's zip file system with
 * POSIX attributes, so that an executable file stays executable in the image ({@code COPY
 * entrypoint.sh}); the mode is all that is kept (files {@code rw-r--r--} or {@code rwxr-xr-x}), as
 * in Cairn's artifact archives.
 */
final class ContextArchive {
  /**
   * Where a Containerfile that lies outside the context goes in the archive (the context's own
   * files keep their paths).
   */
  static final String OUTSIDE_FILE = ".cairn-containerfile";

  private static final Set<PosixFilePermission> EXEC = PosixFilePermissions.fromString("rwxr-xr-x");
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-r--r--");

  private ContextArchive() {}

  /**
   * Writes {@code context} (files and directories; a symbolic link is refused) and {@code file}
   * into the zip file {@code zip}, which must not exist.
   *
   * @return the Containerfile's path inside the archive, for {@code docker build -f}
   * @throws IOException naming what could not be archived
   */
  static String write(Path context, Path file, Path zip) throws IOException {
    Path root = context.toRealPath();
    Path containerfile = file.toRealPath();
    String inside =
        containerfile.startsWith(root)
            ? root.relativize(containerfile).toString().replace('\\', '/')
            : OUTSIDE_FILE;
    URI uri = URI.create("jar:" + zip.toAbsolutePath().toUri());
    try (FileSystem archive =
        FileSystems.newFileSystem(
            uri, Map.of("create", "true", "enablePosixFileAttributes", "true"))) {
      List<Path> entries;
      try (Stream<Path> walk = Files.walk(root)) {
        entries = walk.filter(p -> !p.equals(root)).sorted().toList();
      }
      for (Path entry : entries) {
        String name = root.relativize(entry).toString().replace('\\', '/');
        Path target = archive.getPath("/", name);
        if (Files.isSymbolicLink(entry)) {
          throw new IOException(
              "the image context holds a symbolic link ("
                  + name
                  + "); CodeBuild's source archive keeps files and directories only");
        }
        if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(target);
        } else if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
          copy(entry, target);
        } else {
          throw new IOException("the image context holds " + name + ", which is not a file");
        }
      }
      if (inside.equals(OUTSIDE_FILE)) {
        copy(containerfile, archive.getPath("/", OUTSIDE_FILE));
      }
    }
    return inside;
  }

  private static void copy(Path source, Path target) throws IOException {
    Files.copy(source, target);
    Files.setPosixFilePermissions(target, Files.isExecutable(source) ? EXEC : FILE);
  }
}
