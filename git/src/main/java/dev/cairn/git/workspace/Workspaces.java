package dev.cairn.git.workspace;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Per-run working directories under one root, filled with a commit's files straight from a local
 * repository (the mirror): no network, no git process, no working-tree metadata.
 *
 * <p>Files get their content and executable bit; symbolic links are created as links (never
 * followed while writing) when they stay inside the checkout, and refuse the whole checkout when
 * they do not (an absolute target, or one that leaves the directory lexically or once resolved):
 * nothing Cairn later reads from the workspace can lead it to {@code ~/.ssh} or {@code /dev/zero}.
 * Submodules become empty directories. Tree entries that could escape or confuse the directory
 * ({@code .}, {@code ..}, {@code .git}) are refused. The workspace is a copy: changing it does not
 * touch the repository, and the repository may change or go away while it is used.
 */
public final class Workspaces {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private final Path root;

  /**
   * Creates the manager.
   *
   * @param root the directory that holds the workspaces; created when needed
   */
  public Workspaces(Path root) {
    this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
  }

  /**
   * Checks out a commit into a new workspace. The directory appears complete or not at all: files
   * are written into a temporary sibling that is renamed at the end.
   *
   * @param repository the repository to read from (typically {@code RepositoryMirror.repository()})
   * @param commitId the commit to check out
   * @param name the workspace's directory name, e.g. a run id: letters, digits, {@code . _ -}
   * @return the workspace
   * @throws IOException if the commit is missing, the tree holds a forbidden entry, the name is
   *     taken, or writing fails
   */
  public Workspace create(Repository repository, String commitId, String name) throws IOException {
    if (!NAME.matcher(name).matches() || name.endsWith(".tmp")) {
      throw new IllegalArgumentException(
          "A workspace name uses letters, digits, '.', '_' and '-' only, starts with a letter or"
              + " digit and does not end in .tmp: "
              + name);
    }
    Path target = root.resolve(name);
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("The workspace " + target + " exists already");
    }
    Files.createDirectories(root);
    Path staging = root.resolve("." + name + "-" + UUID.randomUUID() + ".tmp");
    Files.createDirectory(staging);
    try (RevWalk walk = new RevWalk(repository)) {
      RevCommit commit;
      try {
        commit = walk.parseCommit(ObjectId.fromString(commitId));
      } catch (MissingObjectException | IllegalArgumentException e) {
        throw new IOException("The mirror has no commit " + commitId, e);
      }
      List<Path> links = writeTree(repository, commit, staging);
      requireLinksInside(staging, links);
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      return new Workspace(target, commit.name(), commit.getTree().name());
    } catch (IOException | RuntimeException e) {
      deleteRecursively(staging);
      throw e;
    }
  }

  /**
   * Deletes a workspace and everything in it, including files a build made read-only. Symbolic
   * links are removed, never followed.
   *
   * @param workspace a workspace made by this manager
   * @throws IOException if something cannot be deleted
   */
  public void delete(Workspace workspace) throws IOException {
    Path dir = workspace.directory().toAbsolutePath().normalize();
    if (!dir.getParent().equals(root)) {
      throw new IllegalArgumentException("Not a workspace under " + root + ": " + dir);
    }
    deleteRecursively(dir);
  }

  /** Writes the commit's tree into {@code dir}; returns the symbolic links it created. */
  private static List<Path> writeTree(Repository repository, RevCommit commit, Path dir)
      throws IOException {
    List<Path> links = new ArrayList<>();
    try (ObjectReader reader = repository.newObjectReader();
        TreeWalk tree = new TreeWalk(reader)) {
      tree.addTree(commit.getTree());
      tree.setRecursive(false);
      while (tree.next()) {
        Path path = dir;
        for (String segment : tree.getPathString().split("/", -1)) {
          requireSafeSegment(segment, tree.getPathString());
          path = path.resolve(segment);
        }
        FileMode mode = tree.getFileMode(0);
        if (mode == FileMode.TREE) {
          Files.createDirectory(path);
          tree.enterSubtree();
        } else if (mode == FileMode.SYMLINK) {
          String target =
              new String(reader.open(tree.getObjectId(0)).getBytes(), StandardCharsets.UTF_8);
          requireLinkTargetInside(dir, path, target, tree.getPathString());
          Files.createSymbolicLink(path, Path.of(target));
          links.add(path);
        } else if (mode == FileMode.GITLINK) {
          Files.createDirectory(path);
        } else {
          // CREATE_NEW refuses an existing path, a symbolic link included, so a crafted tree with
          // a duplicate name cannot make this write through a link.
          try (OutputStream out =
              Files.newOutputStream(
                  path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            reader.open(tree.getObjectId(0)).copyTo(out);
          }
          if (mode == FileMode.EXECUTABLE_FILE) {
            makeExecutable(path);
          }
        }
      }
    }
    return links;
  }

  /** Refuses a link whose target is absolute or leaves {@code dir} as written. */
  private static void requireLinkTargetInside(Path dir, Path link, String target, String name)
      throws IOException {
    if (target.isEmpty() || target.indexOf('\0') >= 0 || target.startsWith("/")) {
      throw new IOException(
          "The commit holds a symbolic link Cairn will not check out (its target must be a"
              + " relative path inside the repository): "
              + name);
    }
    Path resolved;
    try {
      resolved = link.getParent().resolve(target).normalize();
    } catch (java.nio.file.InvalidPathException e) {
      throw new IOException("The commit holds a symbolic link with an invalid target: " + name);
    }
    if (!resolved.startsWith(dir)) {
      throw new IOException(
          "The commit holds a symbolic link leaving the repository, which Cairn will not check"
              + " out: "
              + name);
    }
  }

  /**
   * Refuses links that leave {@code dir} once resolved (through other links: {@code a -> .} then
   * {@code b -> a/..}). Links that resolve to nothing yet are left: they point inside as written.
   */
  private static void requireLinksInside(Path dir, List<Path> links) throws IOException {
    Path real = dir.toRealPath();
    for (Path link : links) {
      Path resolved;
      try {
        resolved = link.toRealPath();
      } catch (java.nio.file.NoSuchFileException e) {
        continue;
      } catch (java.nio.file.FileSystemException e) {
        // A loop of links, for example: nothing that resolves, but nothing to keep either.
        throw new IOException(
            "The commit holds a symbolic link that does not resolve: " + dir.relativize(link));
      }
      if (!resolved.startsWith(real)) {
        throw new IOException(
            "The commit holds a symbolic link leaving the repository, which Cairn will not check"
                + " out: "
                + dir.relativize(link));
      }
    }
  }

  private static void requireSafeSegment(String segment, String path) throws IOException {
    if (segment.isEmpty()
        || segment.equals(".")
        || segment.equals("..")
        || segment.toLowerCase(Locale.ROOT).equals(".git")
        || segment.indexOf('\0') >= 0) {
      throw new IOException("The commit holds a path Cairn will not check out: " + path);
    }
  }

  private static void makeExecutable(Path path) throws IOException {
    try {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (UnsupportedOperationException e) {
      path.toFile().setExecutable(true, false);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs)
              throws IOException {
            // A build may leave directories read-only; as owner we may make them writable again,
            // which deleting their entries needs.
            d.toFile().setWritable(true, true);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            deleteEntry(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            deleteEntry(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static void deleteEntry(Path p) throws IOException {
    try {
      Files.deleteIfExists(p);
    } catch (AccessDeniedException e) {
      Path parent = p.getParent();
      if (parent == null || !parent.toFile().setWritable(true, true)) {
        throw e;
      }
      Files.deleteIfExists(p);
    } catch (NoSuchFileException ignored) {
      // gone already
    }
  }
}
