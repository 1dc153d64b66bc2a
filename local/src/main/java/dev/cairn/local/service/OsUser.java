package dev.cairn.local.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Running PostgreSQL's tools under the right operating-system user. PostgreSQL refuses to run as
 * root; when Cairn runs as root, initdb and pg_ctl run as the {@code postgres} user (through {@code
 * setpriv}, else {@code runuser}) and the service directories are owned by it.
 */
final class OsUser {
  static final String POSTGRES = "postgres";

  private OsUser() {}

  static boolean isRoot() {
    try {
      // /proc/self belongs to the process's real user.
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | UnsupportedOperationException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  /** The command, run as {@code user} when this process is root. */
  static List<String> as(String user, List<String> command) {
    if (!isRoot()) {
      return command;
    }
    List<String> result = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
      result.addAll(
          List.of("/usr/bin/setpriv", "--reuid=" + user, "--regid=" + user, "--init-groups", "--"));
    } else if (Files.isExecutable(Path.of("/usr/sbin/runuser"))) {
      result.addAll(List.of("/usr/sbin/runuser", "-u", user, "--"));
    } else {
      throw new ServiceProvisioningException(
          "Cairn runs as root and PostgreSQL refuses to; neither setpriv nor runuser (util-linux)"
              + " is available to run it as the "
              + user
              + " user");
    }
    result.addAll(command);
    return result;
  }

  /** Gives a file or directory to {@code user} (and its group) when this process is root. */
  static void chown(Path path, String user) {
    if (!isRoot()) {
      return;
    }
    try {
      UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
      UserPrincipal owner = lookup.lookupPrincipalByName(user);
      GroupPrincipal group = lookup.lookupPrincipalByGroupName(user);
      PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
      view.setOwner(owner);
      view.setGroup(group);
    } catch (IOException e) {
      throw new ServiceProvisioningException(
          "Cairn runs as root and PostgreSQL must run as the "
              + user
              + " user, but "
              + path
              + " cannot be given to it: "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Makes sure {@code user} can reach {@code dir}: the directories from {@code root} down get the
   * traverse permission for others (not read), and every directory above {@code root} must already
   * allow it — Cairn does not loosen directories it does not own, such as {@code /root}.
   */
  static void makeReachable(Path root, Path dir, String user) {
    if (!isRoot()) {
      return;
    }
    Path absoluteRoot = root.toAbsolutePath().normalize();
    try {
      for (Path p = dir.toAbsolutePath().normalize();
          p != null && p.startsWith(absoluteRoot);
          p = p.getParent()) {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
        if (perms.add(PosixFilePermission.OTHERS_EXECUTE)) {
          Files.setPosixFilePermissions(p, perms);
        }
      }
      for (Path p = absoluteRoot.getParent(); p != null; p = p.getParent()) {
        if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
          throw new ServiceProvisioningException(
              "PostgreSQL runs as the "
                  + user
                  + " user, which cannot reach "
                  + absoluteRoot
                  + " because "
                  + p
                  + " does not let others traverse it; put Cairn's home elsewhere (e.g. under"
                  + " /var/lib) or allow it with: chmod o+x "
                  + p);
        }
      }
    } catch (IOException e) {
      throw new ServiceProvisioningException(
          "cannot set permissions under " + absoluteRoot + ": " + e.getMessage(), e);
    }
  }
}
